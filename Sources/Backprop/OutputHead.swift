/// The output layer's link function together with the loss it is trained on.
///
/// They come as pairs because each pair has a simple, stable error signal
/// `δ = ∂L/∂z` at the output logits `z`, and the loss itself is computed from
/// the logits, never from a probability that has already rounded to 0 or 1:
/// no NaN or Inf for |z| = 1000.
public enum OutputHead: String, Codable, CaseIterable, Sendable {
    /// σ(z) with binary cross-entropy; targets 0 or 1. δ = σ(z) − y.
    case sigmoidCrossEntropy = "sigmoid_bce"
    /// softmax(z) with cross-entropy; targets are class indices 0..<C. δ = p − onehot(y).
    case softmaxCrossEntropy = "softmax_ce"
    /// Identity output with ½(z − y)² (regression). δ = z − y.
    case identitySquaredError = "identity_mse"
    /// tanh output with ½(tanh z − y)², the TensorFlow playground's choice; targets ±1. δ = (o − y)(1 − o²).
    case tanhSquaredError = "tanh_mse"

    /// Parses the names the command line and page use.
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "-", with: "_") {
        case "sigmoid_bce", "sigmoid", "bce", "binary": self = .sigmoidCrossEntropy
        case "softmax_ce", "softmax", "ce", "multiclass": self = .softmaxCrossEntropy
        case "identity_mse", "identity", "linear", "mse", "regression": self = .identitySquaredError
        case "tanh_mse", "tanh", "playground": self = .tanhSquaredError
        default: return nil
        }
    }

    /// Whether targets are class indices (one column) rather than values per output.
    public var usesClassIndices: Bool { self == .softmaxCrossEntropy }

    /// Whether accuracy and a confusion matrix make sense for this head.
    public var isClassifier: Bool { self != .identitySquaredError }

    /// The threshold that separates the two classes of a one-output classifier
    /// in target space: 0.5 for {0, 1} targets, 0 for {−1, +1} targets.
    public var targetThreshold: Double { self == .tanhSquaredError ? 0 : 0.5 }
}

extension OutputHead {
    /// Loss of one sample and its error signal, from the logits `z` (length `k`).
    ///
    /// Writes the link output (probabilities or values) to `out` and `δ·scale`
    /// to `delta`, and returns the sample's loss. `target` points at the
    /// sample's targets (one class index for softmax, else `k` values).
    /// `delta` may be nil when only the loss is wanted.
    @inlinable @inline(__always)
    func evaluate<T: Scalar>(
        logits z: UnsafePointer<T>, count k: Int, target: UnsafePointer<T>,
        out: UnsafeMutablePointer<T>, delta: UnsafeMutablePointer<T>?, scale: T
    ) -> T {
        switch self {
        case .sigmoidCrossEntropy:
            var loss: T = 0
            for j in 0..<k {
                let p = logistic(z[j]), y = target[j]
                out[j] = p
                // −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y z
                loss += logOnePlusExp(z[j]) - y * z[j]
                delta?[j] = (p - y) * scale
            }
            return loss
        case .softmaxCrossEntropy:
            var m = z[0]
            for j in 1..<k where z[j] > m { m = z[j] }
            var sum: T = 0
            for j in 0..<k { let e = T.exp(z[j] - m); out[j] = e; sum += e }
            let inv = 1 / sum
            for j in 0..<k { out[j] *= inv }
            let label = Int(target[0])
            if let delta {
                for j in 0..<k { delta[j] = (out[j] - (j == label ? 1 : 0)) * scale }
            }
            // log Σ e^z − z_y, with the maximum taken out.
            return T.log(sum) + m - z[label]
        case .identitySquaredError:
            var loss: T = 0
            for j in 0..<k {
                let d = z[j] - target[j]
                out[j] = z[j]
                loss += d * d / 2
                delta?[j] = d * scale
            }
            return loss
        case .tanhSquaredError:
            var loss: T = 0
            for j in 0..<k {
                let o = T.tanh(z[j]), d = o - target[j]
                out[j] = o
                loss += d * d / 2
                delta?[j] = d * (1 - o * o) * scale
            }
            return loss
        }
    }
}
