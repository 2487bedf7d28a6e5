
/// How a gradient becomes a parameter step. Conventions follow PyTorch's
/// `torch.optim`, so results can be compared one to one:
///
/// - SGD: `w ← w − η g`
/// - momentum: `v ← μ v + g`, `w ← w − η v`
/// - Nesterov: `v ← μ v + g`, `w ← w − η (g + μ v)`
/// - Adam: `m ← β₁ m + (1−β₁) g`, `v ← β₂ v + (1−β₂) g²`,
///   `w ← w − η m̂ / (√v̂ + ε)` with bias-corrected m̂, v̂.
public struct Optimizer: Equatable, Hashable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case sgd, momentum, nesterov, adam
    }
    public var kind: Kind
    /// μ for momentum and Nesterov.
    public var momentum: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double

    public init(_ kind: Kind, momentum: Double = 0.9, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.kind = kind
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public static let sgd = Optimizer(.sgd)
    public static func momentum(_ mu: Double = 0.9) -> Optimizer { Optimizer(.momentum, momentum: mu) }
    public static func nesterov(_ mu: Double = 0.9) -> Optimizer { Optimizer(.nesterov, momentum: mu) }
    public static func adam(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) -> Optimizer {
        Optimizer(.adam, beta1: beta1, beta2: beta2, epsilon: epsilon)
    }


    public func validate() throws(BackpropError) {
        guard (0..<1).contains(momentum) else { throw .invalidSetting("momentum must be in [0, 1), got \(momentum)") }
        guard (0..<1).contains(beta1), (0..<1).contains(beta2) else {
            throw .invalidSetting("Adam's beta1 and beta2 must be in [0, 1), got \(beta1) and \(beta2)")
        }
        guard epsilon > 0 else { throw .invalidSetting("Adam's epsilon must be positive, got \(epsilon)") }
    }

    /// Number of state values per parameter (0: nothing is kept from one step to the next).
    public var stateSlots: Int {
        switch kind {
        case .sgd: return 0
        case .momentum, .nesterov: return 1
        case .adam: return 2
        }
    }

    /// Applies one step to `count` parameters. `state` holds `stateSlots × count`
    /// values; `t` is the 1-based step number (Adam's bias correction).
    @inline(__always)
    func apply<T: Scalar>(
        parameters w: UnsafeMutablePointer<T>, gradient g: UnsafePointer<T>, count: Int,
        state: UnsafeMutablePointer<T>, learningRate eta: T, step t: Int
    ) {
        switch kind {
        case .sgd:
            for i in 0..<count { w[i] -= eta * g[i] }
        case .momentum:
            let mu = T(momentum)
            for i in 0..<count {
                let v = mu * state[i] + g[i]
                state[i] = v
                w[i] -= eta * v
            }
        case .nesterov:
            let mu = T(momentum)
            for i in 0..<count {
                let v = mu * state[i] + g[i]
                state[i] = v
                w[i] -= eta * (g[i] + mu * v)
            }
        case .adam:
            let b1 = T(beta1), b2 = T(beta2), eps = T(epsilon)
            let c1 = 1 - T(cPow(beta1, Double(t))), c2 = 1 - T(cPow(beta2, Double(t)))
            let m = state, v = state + count
            for i in 0..<count {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                w[i] -= eta * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
            }
        }
    }
}

#if !hasFeature(Embedded)
// Read and written by Foundation's coders; the WebAssembly build (Embedded Swift) has none.
extension Optimizer: Codable {
    enum CodingKeys: String, CodingKey { case kind, momentum, beta1, beta2, epsilon }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(Kind.self, forKey: .kind),
                  momentum: try c.decodeIfPresent(Double.self, forKey: .momentum) ?? 0.9,
                  beta1: try c.decodeIfPresent(Double.self, forKey: .beta1) ?? 0.9,
                  beta2: try c.decodeIfPresent(Double.self, forKey: .beta2) ?? 0.999,
                  epsilon: try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? 1e-8)
    }
}
extension Optimizer.Kind: Codable {}
#endif
