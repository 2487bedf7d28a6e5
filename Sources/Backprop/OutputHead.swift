/// The output layer's link function together with the loss it is trained on.
///
/// They come as pairs because each pair has a simple, stable error signal
/// `δ = ∂L/∂z` at the output logits `z`, and the loss itself is computed from
/// the logits, never from a probability that has already rounded to 0 or 1:
/// no NaN or Inf for |z| = 1000.
public enum OutputHead: String, CaseIterable, Sendable {
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
        switch nameKey(name) {
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
    /// The head over a batch in the sample-wide layout (see `Kernels`): `units`
    /// rows of logits `z` with row stride `ld`, `count` real samples padded to
    /// `columns` (a multiple of 8). Writes the link output (probabilities or
    /// values) to `outputs` and, when `delta` is given, the error signal of the
    /// *mean* loss (zero in the padding columns). Targets are one row per sample
    /// (`targetWidth` values: one class index for softmax, else one per unit).
    /// `scratch` holds four rows of `ld`. Returns the summed loss of the real samples,
    /// or 0 without computing it when `withLoss` is false (a training step whose loss
    /// nobody reads: for W1 the sigmoid head's log1p was a quarter of the head's time).
    ///
    /// Every loop runs along the samples with the vectorisable functions of
    /// `VectorMath`; only softmax's log of the normaliser is a call per sample.
    @inline(__always)
    func evaluate<T: Scalar>(
        logits z: UnsafePointer<T>, outputs: UnsafeMutablePointer<T>, delta: UnsafeMutablePointer<T>?,
        targets y: UnsafePointer<T>, targetWidth tw: Int, units k: Int, count n: Int, columns: Int, ld: Int,
        scratch: UnsafeMutablePointer<T>, withLoss: Bool = true, kernels: DispatchedKernels<T>
    ) -> T {
        let scale = 1 / T(n)
        let losses = scratch
        var total: T = 0
        // Without `delta` the error signal goes to a scratch row: unconditional stores keep the loops vectorisable.
        let signals = delta ?? scratch + 3 * ld
        switch self {
        case .sigmoidCrossEntropy, .identitySquaredError, .tanhSquaredError:
            for j in 0..<k {
                let zj = z + j * ld, oj = outputs + j * ld, dj = signals + j * (delta == nil ? 0 : ld), yj = y + j
                // One loop per head, each a straight line the compiler vectorises (`Kernels.headRow`,
                // or its C copy on this CPU's path); targets are read with stride tw.
                kernels.headRow(self, z: zj, y: yj, tw: tw, o: oj, d: dj, losses: losses, columns: columns, scale: scale, withLoss: withLoss)
                (dj + n).update(repeating: 0, count: columns - n)
                if withLoss { total += Kernels.sum(losses, count: n) }
            }
        case .softmaxCrossEntropy:
            // p = e^{z−m}/Σ e^{z−m} with m the largest logit; loss log Σ e^{z−m} + m − z_label
            // (`Kernels.softmax`, or its C copy on this CPU's path, which also runs one sample
            // alone along its units: each loop of one column cost more to enter than to run).
            let m = scratch + ld, sum = scratch + 2 * ld, dld = delta == nil ? 0 : ld
            kernels.softmax(z: z, y: y, o: outputs, d: signals, units: k, columns: columns, ld: ld, dld: dld, scale: scale, m: m, sum: sum)
            for j in 0..<k { (signals + j * dld + n).update(repeating: 0, count: columns - n) }
            if withLoss { for s in 0..<n { total += m[s] - T.log(sum[s]) - z[Int(y[s]) * ld + s] } }
        }
        return total
    }
}

#if !hasFeature(Embedded)
// Read and written by Foundation's coders; the WebAssembly build (Embedded Swift) has none.
extension OutputHead: Codable {}
#endif
