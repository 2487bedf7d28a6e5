/// How well a network fits a data set.
public struct Metrics: Equatable, Sendable {
    /// Mean data loss (without any regularisation penalty).
    public var loss: Double
    /// Fraction classified correctly; nil for regression.
    public var accuracy: Double?
    /// `confusion[actual][predicted]` counts; nil for regression and for multi-output sigmoid.
    public var confusion: [[Int]]?
    /// Coefficient of determination 1 − SS_res / SS_tot (pooled over outputs); nil for classification.
    public var r2: Double?

    public init(loss: Double, accuracy: Double? = nil, confusion: [[Int]]? = nil, r2: Double? = nil) {
        self.loss = loss
        self.accuracy = accuracy
        self.confusion = confusion
        self.r2 = r2
    }
}

extension Metrics {
    /// Metrics from link outputs (`n × k`: probabilities or values) and targets.
    static func compute<T: Scalar>(loss: Double, outputs: Matrix<T>, targets: Matrix<T>, head: OutputHead) -> Metrics {
        let n = outputs.rows, k = outputs.columns
        guard n > 0 else { return Metrics(loss: loss) }
        switch head {
        case .identitySquaredError:
            var res = 0.0, tot = 0.0
            for c in 0..<k {
                var mean = 0.0
                for r in 0..<n { mean += Double(targets[r, c]) }
                mean /= Double(n)
                for r in 0..<n {
                    let y = Double(targets[r, c])
                    res += (y - Double(outputs[r, c])) * (y - Double(outputs[r, c]))
                    tot += (y - mean) * (y - mean)
                }
            }
            return Metrics(loss: loss, r2: tot > 0 ? 1 - res / tot : nil)
        case .softmaxCrossEntropy:
            var confusion = Array(repeating: Array(repeating: 0, count: k), count: k)
            var correct = 0
            for r in 0..<n {
                var best = 0
                for c in 1..<k where outputs[r, c] > outputs[r, best] { best = c }
                let actual = Int(targets[r, 0])
                if actual == best { correct += 1 }
                if (0..<k).contains(actual) { confusion[actual][best] += 1 }
            }
            return Metrics(loss: loss, accuracy: Double(correct) / Double(n), confusion: confusion)
        case .sigmoidCrossEntropy, .tanhSquaredError:
            // Output threshold: σ(z) ≥ 0.5 ⇔ z ≥ 0; tanh(z) ≥ 0 ⇔ z ≥ 0. Target threshold: 0.5 or 0.
            let outThreshold = head == .sigmoidCrossEntropy ? 0.5 : 0.0
            let tThreshold = head.targetThreshold
            var correct = 0
            var confusion = [[0, 0], [0, 0]]
            for r in 0..<n {
                for c in 0..<k {
                    let p = Double(outputs[r, c]) > outThreshold ? 1 : 0
                    let a = Double(targets[r, c]) > tThreshold ? 1 : 0
                    if p == a { correct += 1 }
                    if k == 1 { confusion[a][p] += 1 }
                }
            }
            return Metrics(loss: loss, accuracy: Double(correct) / Double(n * k), confusion: k == 1 ? confusion : nil)
        }
    }
}

#if !hasFeature(Embedded)
// Read and written by Foundation's coders; the WebAssembly build (Embedded Swift) has none.
extension Metrics: Codable {}
#endif
