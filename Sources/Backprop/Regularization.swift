/// A penalty on weights (never biases), at `rate` λ.
///
/// Two ways to apply it:
/// - `.gradient` (the textbook form): the penalty's derivative joins the loss
///   gradient before the optimiser: L2 adds λw (penalty ½λw²), L1 adds λ·sign(w).
/// - `.playground` (the TensorFlow playground's form): after the gradient step,
///   a separate step `w ← w − η λ r'(w_old)`, not divided by the batch size.
///   For L1, a weight whose step would cross zero is set to 0 and its link is
///   dead: it is not updated again until the network is reset.
public struct Regularization: Equatable, Hashable, Sendable {
    public enum Kind: String, CaseIterable, Sendable { case none, l1, l2 }
    public enum Style: String, CaseIterable, Sendable { case gradient, playground }

    public var kind: Kind
    public var rate: Double
    public var style: Style

    public init(_ kind: Kind, rate: Double, style: Style = .gradient) {
        self.kind = kind
        self.rate = rate
        self.style = style
    }

    public static let none = Regularization(.none, rate: 0)
    public static func l1(_ rate: Double, style: Style = .gradient) -> Regularization { Regularization(.l1, rate: rate, style: style) }
    public static func l2(_ rate: Double, style: Style = .gradient) -> Regularization { Regularization(.l2, rate: rate, style: style) }


    public var isActive: Bool { kind != .none && rate != 0 }

    public func validate() throws(BackpropError) {
        guard rate.isFinite, rate >= 0 else { throw .invalidSetting("the regularisation rate must be 0 or positive, got \(rate)") }
    }

    /// r(w): the penalty per unit rate (½w² for L2, |w| for L1), whose derivative is below.
    func penalty(_ w: Double) -> Double {
        switch kind {
        case .none: return 0
        case .l1: return abs(w)
        case .l2: return w * w / 2
        }
    }

    /// r'(w): the penalty's derivative per unit rate.
    @inline(__always)
    func derivative<T: Scalar>(_ w: T) -> T {
        switch kind {
        case .none: return 0
        case .l1: return w > 0 ? 1 : (w < 0 ? -1 : 0)
        case .l2: return w
        }
    }

}

#if !hasFeature(Embedded)
// Read and written by Foundation's coders; the WebAssembly build (Embedded Swift) has none.
extension Regularization: Codable {
    enum CodingKeys: String, CodingKey { case kind, rate, style }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(Kind.self, forKey: .kind),
                  rate: try c.decodeIfPresent(Double.self, forKey: .rate) ?? 0,
                  style: try c.decodeIfPresent(Style.self, forKey: .style) ?? .gradient)
    }
}
extension Regularization.Kind: Codable {}
extension Regularization.Style: Codable {}
#endif
