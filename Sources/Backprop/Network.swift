/// Where each layer's parameters sit in a network's flat parameter vector.
///
/// Layer `l` stores its weight (`out × in`, row-major, as in PyTorch's
/// `nn.Linear`) and then its bias (`out`). One flat vector lets optimisers,
/// gradient checks and divergence checks run over all parameters in one loop.
public struct ParameterLayout: Equatable, Hashable, Sendable {
    public let sizes: [Int]
    public let weightOffsets: [Int]
    public let biasOffsets: [Int]
    public let count: Int

    public init(sizes: [Int]) {
        var w: [Int] = [], b: [Int] = [], off = 0
        for l in 0..<(sizes.count - 1) {
            w.append(off); off += sizes[l + 1] * sizes[l]
            b.append(off); off += sizes[l + 1]
        }
        self.sizes = sizes
        weightOffsets = w
        biasOffsets = b
        count = off
    }

    public var layerCount: Int { sizes.count - 1 }
    public func fanIn(_ l: Int) -> Int { sizes[l] }
    public func fanOut(_ l: Int) -> Int { sizes[l + 1] }
    /// The layer (0-based) that owns flat index `p`.
    public func layer(containing p: Int) -> Int {
        var l = layerCount - 1
        while l > 0 && p < weightOffsets[l] { l -= 1 }
        return l
    }
}

/// A multilayer perceptron: an architecture and its parameters.
///
/// A value type: copying a network copies its parameters (copy-on-write), so a
/// snapshot handed to a plot or a file is never changed by further training.
public struct Network<T: Scalar>: Equatable, Sendable {
    public let architecture: Architecture
    public let layout: ParameterLayout
    /// All parameters, laid out as `layout` says.
    public var parameters: [T]

    /// A network with weights drawn by `initializer` from `random`.
    public init(_ architecture: Architecture, initializer: Initializer, random: inout RandomSource) throws(BackpropError) {
        try architecture.validate()
        self.architecture = architecture
        layout = ParameterLayout(sizes: architecture.sizes)
        parameters = Array(repeating: 0, count: layout.count)
        for l in 0..<layout.layerCount {
            let fanIn = layout.fanIn(l), fanOut = layout.fanOut(l)
            for k in 0..<(fanIn * fanOut) {
                parameters[layout.weightOffsets[l] + k] = T(initializer.weight(fanIn: fanIn, fanOut: fanOut, random: &random))
            }
            for o in 0..<fanOut { parameters[layout.biasOffsets[l] + o] = T(initializer.bias) }
        }
    }

    /// A network with a seed instead of a random source.
    public init(_ architecture: Architecture, initializer: Initializer, seed: UInt64) throws(BackpropError) {
        var random = RandomSource(seed: seed)
        try self.init(architecture, initializer: initializer, random: &random)
    }

    /// A network from given weights (`out × in`) and biases, one pair per layer.
    public init(_ architecture: Architecture, weights: [Matrix<T>], biases: [[T]]) throws(BackpropError) {
        try architecture.validate()
        let layout = ParameterLayout(sizes: architecture.sizes)
        guard weights.count == layout.layerCount, biases.count == layout.layerCount else {
            throw .invalidArchitecture("expected \(layout.layerCount) weight layers, got \(weights.count) weights and \(biases.count) biases")
        }
        var p: [T] = []
        p.reserveCapacity(layout.count)
        for l in 0..<layout.layerCount {
            let (o, i) = (layout.fanOut(l), layout.fanIn(l))
            guard weights[l].rows == o, weights[l].columns == i else {
                throw .invalidArchitecture("layer \(l + 1) weight is \(weights[l].rows)×\(weights[l].columns), expected \(o)×\(i) (out × in)")
            }
            guard biases[l].count == o else {
                throw .invalidArchitecture("layer \(l + 1) bias has \(biases[l].count) values, expected \(o)")
            }
            p += weights[l].elements
            p += biases[l]
        }
        self.architecture = architecture
        self.layout = layout
        self.parameters = p
    }

    /// Layer `l`'s weight matrix (`out × in`), 0-based.
    public func weight(_ l: Int) -> Matrix<T> {
        let o = layout.weightOffsets[l]
        return Matrix(rows: layout.fanOut(l), columns: layout.fanIn(l),
                      elements: Array(parameters[o ..< o + layout.fanOut(l) * layout.fanIn(l)]))!
    }

    /// Layer `l`'s bias vector, 0-based.
    public func bias(_ l: Int) -> [T] {
        let o = layout.biasOffsets[l]
        return Array(parameters[o ..< o + layout.fanOut(l)])
    }

    /// Sets one weight: layer `l`, output neuron `to`, input `from` (all 0-based).
    public mutating func setWeight(layer l: Int, to: Int, from: Int, _ value: T) {
        parameters[layout.weightOffsets[l] + to * layout.fanIn(l) + from] = value
    }

    /// Sets one bias: layer `l`, neuron `neuron` (0-based).
    public mutating func setBias(layer l: Int, neuron: Int, _ value: T) {
        parameters[layout.biasOffsets[l] + neuron] = value
    }

    /// The activation of layer `l` (0-based); nil for the output layer, whose link is the head's.
    public func activation(_ l: Int) -> Activation? {
        l < architecture.hidden.count ? architecture.hidden[l].activation : nil
    }

    /// The same network in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> Network<U> {
        Network<U>(checked: architecture, layout: layout, parameters: parameters.map { U($0) })
    }

    init(checked architecture: Architecture, layout: ParameterLayout, parameters: [T]) {
        self.architecture = architecture
        self.layout = layout
        self.parameters = parameters
    }

    /// The largest |parameter| (the scale the golden tests compare against).
    public var maxMagnitude: T { parameters.reduce(0) { Swift.max($0, abs($1)) } }
}
