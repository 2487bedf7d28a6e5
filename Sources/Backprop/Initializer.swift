/// How a network's first weights are drawn. Weights are drawn layer by layer,
/// each `out × in` matrix row by row, from one `RandomSource`; biases are set
/// without drawing (0, or 0.1 for the playground's scheme).
public struct Initializer: Equatable, Hashable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        /// N(0, scale²): the sheet's `initialization_scale`.
        case normal
        /// U(−0.5, 0.5) weights, biases 0.1: the TensorFlow playground's.
        case playground
        /// U(−b, b), b = √(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010).
        case glorotUniform = "glorot_uniform"
        /// N(0, 2 / (fan_in + fan_out)).
        case glorotNormal = "glorot_normal"
        /// N(0, 2 / fan_in) (He et al., 2015), for ReLU nets.
        case he
    }

    public var kind: Kind
    /// Standard deviation for `.normal`; ignored by the others.
    public var scale: Double

    public init(_ kind: Kind, scale: Double = 1) {
        self.kind = kind
        self.scale = scale
    }

    public static func normal(scale: Double) -> Initializer { Initializer(.normal, scale: scale) }
    public static let playground = Initializer(.playground)
    public static let glorotUniform = Initializer(.glorotUniform)
    public static let glorotNormal = Initializer(.glorotNormal)
    public static let he = Initializer(.he)


    func weight(fanIn: Int, fanOut: Int, random: inout RandomSource) -> Double {
        switch kind {
        case .normal: return scale * random.normal()
        case .playground: return random.uniform() - 0.5
        case .glorotUniform:
            let b = (6.0 / Double(fanIn + fanOut)).squareRoot()
            return random.uniform(-b, b)
        case .glorotNormal: return (2.0 / Double(fanIn + fanOut)).squareRoot() * random.normal()
        case .he: return (2.0 / Double(fanIn)).squareRoot() * random.normal()
        }
    }

    var bias: Double { kind == .playground ? 0.1 : 0 }
}

#if !hasFeature(Embedded)
// Read and written by Foundation's coders; the WebAssembly build (Embedded Swift) has none.
extension Initializer: Codable {
    enum CodingKeys: String, CodingKey { case kind, scale }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        scale = try c.decodeIfPresent(Double.self, forKey: .scale) ?? 1
    }
}
extension Initializer.Kind: Codable {}
#endif
