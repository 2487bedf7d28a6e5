/// The shape of a network: input width, hidden layers (each with its own
/// activation), output width and output head. `Codable`, so it travels in
/// model files, experiment files, URLs and WebSocket messages unchanged.
public struct Architecture: Equatable, Hashable, Sendable {
    public struct Hidden: Equatable, Hashable, Sendable {
        public var units: Int
        public var activation: Activation
        public init(units: Int, activation: Activation) {
            self.units = units
            self.activation = activation
        }
    }

    public var inputs: Int
    public var hidden: [Hidden]
    public var outputs: Int
    public var head: OutputHead

    public init(inputs: Int, hidden: [Hidden], outputs: Int, head: OutputHead) {
        self.inputs = inputs
        self.hidden = hidden
        self.outputs = outputs
        self.head = head
    }

    /// `[inputs, hidden…, outputs]` with one activation for every hidden layer,
    /// the way the sheet writes `layer_dims = [2, 10, 1]`.
    public init(sizes: [Int], activation: Activation, head: OutputHead) {
        precondition(sizes.count >= 2, "a network needs at least an input and an output size")
        self.init(inputs: sizes[0],
                  hidden: sizes.dropFirst().dropLast().map { Hidden(units: $0, activation: activation) },
                  outputs: sizes[sizes.count - 1], head: head)
    }

    /// Layer widths including input and output: `[inputs, h1, …, outputs]`.
    public var sizes: [Int] { [inputs] + hidden.map { $0.units } + [outputs] }

    /// Number of dense (weight) layers.
    public var layerCount: Int { hidden.count + 1 }

    /// Checks sizes a person might get wrong, and `limits` (so that no file or option can make
    /// the parameter count overflow or the allocation abort); the message says what to change.
    public func validate(limits: Limits = .standard) throws(BackpropError) {
        guard inputs >= 1 else { throw .invalidArchitecture("the input width must be at least 1 (got \(inputs))") }
        for (i, h) in hidden.enumerated() where h.units < 1 {
            throw .invalidArchitecture("hidden layer \(i + 1) has \(h.units) neurons; it needs at least 1")
        }
        guard outputs >= 1 else { throw .invalidArchitecture("the output width must be at least 1 (got \(outputs))") }
        if head == .softmaxCrossEntropy && outputs < 2 {
            throw .invalidArchitecture("softmax needs at least 2 outputs (one per class), got \(outputs)")
        }
        try limits.check(self)
    }
}

#if !hasFeature(Embedded)
// Read and written by Foundation's coders; the WebAssembly build (Embedded Swift) has none.
extension Architecture: Codable {}
extension Architecture.Hidden: Codable {}
#endif
