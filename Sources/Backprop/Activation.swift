/// A hidden layer's nonlinearity φ, each with its derivative φ' beside it.
///
/// `derivative(z:a:)` receives both the pre-activation `z` and the output
/// `a = φ(z)` that the forward pass already computed, so tanh, sigmoid and
/// swish reuse it instead of evaluating a transcendental twice.
public enum Activation: String, CaseIterable, Sendable {
    case relu, tanh, sigmoid, linear
    case leakyRelu = "leaky_relu"
    case elu, gelu, softplus, swish, sine

    /// Slope of leaky ReLU for negative inputs (PyTorch's default).
    public static let leakySlope = 0.01

    /// Parses a name as users type it: `relu`, `leaky_relu` / `leakyrelu` / `leaky-relu`, `sin`.
    public init?(name: String) {
        let key = nameKey(name)
        switch key {
        case "leakyrelu": self = .leakyRelu
        case "sin": self = .sine
        case "identity": self = .linear
        case "silu": self = .swish
        default:
            guard let a = Activation(rawValue: key) else { return nil }
            self = a
        }
    }

    @inlinable @inline(__always)
    public func value<T: Scalar>(_ z: T) -> T {
        switch self {
        case .relu: return z > 0 ? z : 0
        case .tanh: return T.tanh(z)
        case .sigmoid: return logistic(z)
        case .linear: return z
        case .leakyRelu: return z > 0 ? z : T(Activation.leakySlope) * z
        case .elu: return z > 0 ? z : T.expm1(z)
        case .gelu: return z * (1 + T.erf(z * T(0.70710678118654752440))) / 2
        case .softplus: return logOnePlusExp(z)
        case .swish: return z * logistic(z)
        case .sine: return T.sin(z)
        }
    }

    /// φ'(z), given z and a = φ(z). ReLU uses the sheet's convention φ'(0) = 0.
    @inlinable @inline(__always)
    public func derivative<T: Scalar>(z: T, a: T) -> T {
        switch self {
        case .relu: return z > 0 ? 1 : 0
        case .tanh: return 1 - a * a
        case .sigmoid: return a * (1 - a)
        case .linear: return 1
        case .leakyRelu: return z > 0 ? 1 : T(Activation.leakySlope)
        case .elu: return z > 0 ? 1 : a + 1
        case .gelu:
            // d/dz [z Φ(z)] = Φ(z) + z φ(z), φ the standard normal density.
            let cdf = (1 + T.erf(z * T(0.70710678118654752440))) / 2
            return cdf + z * T.exp(-z * z / 2) * T(0.39894228040143267794)
        case .softplus: return logistic(z)
        case .swish:
            let s = logistic(z)
            return s + z * s * (1 - s)
        case .sine: return T.cos(z)
        }
    }
}

/// σ(z) = 1 / (1 + e^(−z)), evaluated without overflow for large |z|.
@inlinable @inline(__always)
public func logistic<T: Scalar>(_ z: T) -> T {
    if z >= 0 { return 1 / (1 + T.exp(-z)) }
    let e = T.exp(z)
    return e / (1 + e)
}

/// log(1 + e^z), exact for large |z| (no overflow, no loss to 0).
@inlinable @inline(__always)
public func logOnePlusExp<T: Scalar>(_ z: T) -> T {
    (z > 0 ? z : 0) + T.log1p(T.exp(-abs(z)))
}

#if !hasFeature(Embedded)
// Read and written by Foundation's coders; the WebAssembly build (Embedded Swift) has none.
extension Activation: Codable {}
#endif
