import Backprop
import Datasets
import Playground

/// The gradient view and the chain-rule panel: what backpropagation computes, from the
/// engine's own buffers (`Network.trace`), for the batch of the last step at the current
/// weights.
extension LiveSession {
    /// The last step's batch (before any step: the first batch the next one would take).
    func batchRows(_ session: Session) -> [Int] {
        let rows = session.trainer.lastBatchRows
        if !rows.isEmpty { return rows }
        let size = session.experiment.training.batchSize
        return Array(0 ..< (size > 0 ? min(size, session.train.count) : session.train.count))
    }

    func batchTrace(_ session: Session) -> (rows: [Int], trace: Trace<Double>)? {
        let rows = batchRows(session)
        guard !rows.isEmpty, let t = try? session.network.trace(session.train.subset(rows)) else { return nil }
        return (rows, t)
    }

    /// Per layer (hidden and output): each unit's mean |δ| over the batch.
    static func meanAbsoluteDeltas(_ t: Trace<Double>) -> [[Double]] {
        t.deltas.map { d in (0..<d.columns).map { j in (0..<d.rows).reduce(0.0) { $0 + abs(d[$1, j]) } / Double(max(d.rows, 1)) } }
    }

    /// The chain rule for one weight (`from` ≥ 0) or bias (`from` = −1) of the last batch, with
    /// the numbers of one training sample (`sample`, default the batch's first).
    func explain(layer l: Int, to j: Int, from i: Int, sample: Int?) throws(BackpropError) -> Explanation {
        guard let session else { throw .invalidSetting("no session yet") }
        let sizes = session.architecture.sizes
        guard l >= 0, l < sizes.count - 1, j >= 0, j < sizes[l + 1], i >= -1, i < sizes[l] else {
            throw .invalidSetting("there is no weight from unit \(i) of layer \(l) to unit \(j)")
        }
        guard let (rows, batch) = batchTrace(session) else { throw .invalidSetting("there is no batch to explain yet") }
        let k = sample ?? rows[0]
        guard k >= 0, k < session.train.count else { throw .invalidSetting("sample \(k) is not one of the \(session.train.count) training points") }
        let one = try session.network.trace(session.train.subset([k]))
        let L = sizes.count - 2, isBias = i < 0
        let input = batch.input(toLayer: l)
        let gradient = isBias ? batch.biasGradients[l][j] : batch.weightGradients[l][j, i]
        let products = (0..<batch.count).map { batch.deltas[l][$0, j] * (isBias ? 1 : input[$0, i]) }
        // A central difference of the batch's mean loss, for comparison.
        let h = 1e-6
        var plus = session.network, minus = session.network
        if isBias {
            plus.setBias(layer: l, neuron: j, session.network.bias(l)[j] + h); minus.setBias(layer: l, neuron: j, session.network.bias(l)[j] - h)
        } else {
            let w = session.network.weight(l)[j, i]
            plus.setWeight(layer: l, to: j, from: i, w + h); minus.setWeight(layer: l, to: j, from: i, w - h)
        }
        let data = session.train.subset(rows)
        let fd = ((try? plus.trace(data).loss) ?? .nan) - ((try? minus.trace(data).loss) ?? .nan)
        let a = isBias ? 1 : one.input(toLayer: l)[0, i]
        let delta = one.deltas[l][0, j], z = one.preActivations[l][0, j], out = one.outputs[l][0, j]
        var e = Explanation(layer: l, to: j, from: i, sample: k, samplePoint: pointRow(session, k), batchSize: rows.count,
                            gradient: gradient, meanOfProducts: products.reduce(0, +) / Double(products.count), finiteDifference: fd / (2 * h),
                            input: a, delta: delta, product: delta * a, preActivation: z, output: out)
        // For backprop by hand: the point's whole output and target, the parameter now and the rate.
        let head = session.architecture.head
        e.outputs = (0..<one.outputs[L].columns).map { one.outputs[L][0, $0] }
        e.targetRow = one.targets[0, 0]
        e.outputFormula = "δ = " + head.deltaFormula
        e.value = isBias ? session.network.bias(l)[j] : session.network.weight(l)[j, i]
        e.rate = session.experiment.training.learningRate.rate(epoch: session.epoch)
        if l == L {
            e.head = head.rawValue
            let y: Double = head == .softmaxCrossEntropy ? (one.targets[0, 0] == Double(j) ? 1 : 0) : one.targets[0, 0]
            e.target = y
            e.formula = "δ = " + head.deltaFormula
        } else {
            let activation = session.architecture.hidden[l].activation
            e.activation = activation.rawValue
            e.derivative = activation.derivative(z: z, a: out)
            let next = session.network.weight(l + 1)
            e.downstream = (0..<next.rows).map { [next[$0, j], one.deltas[l + 1][0, $0]] }
            e.sum = (0..<next.rows).reduce(0.0) { $0 + next[$1, j] * one.deltas[l + 1][0, $1] }
            e.formula = "δ = (Σₖ wₖⱼ δₖ) · φ'(z̃)"
            if activation == .relu && z <= 0 {
                e.note = "z̃ = \(printfText("%.4f", z)) ≤ 0: this ReLU outputs 0 for this sample and φ'(z̃) = 0 (φ'(0) = 0 by convention), so δ = 0 and every weight into it gets exactly 0 from this sample. If that holds for every sample, the unit is dead."
            }
        }
        if e.note == nil, !isBias, a == 0, l > 0, session.architecture.hidden[l - 1].activation == .relu {
            e.note = "a = 0: the ReLU feeding this link is off for this sample, so this sample adds nothing to the weight's gradient."
        }
        return e
    }

    private func pointRow(_ session: Session, _ k: Int) -> [Double] {
        let p = session.trainPoints
        guard k < p.count else { return [] }
        return [p.x[k].first ?? 0, p.x[k].count > 1 ? p.x[k][1] : 0, p.target[k]]
    }
}

/// The chain rule for one parameter, with the numbers (see `LiveSession.explain`).
struct Explanation {
    var type = "explanation"
    var layer: Int
    var to: Int
    /// −1 for the bias.
    var from: Int
    /// Index of the training point the per-sample numbers are for, and its [x, y, label].
    var sample: Int
    var samplePoint: [Double]
    var batchSize: Int
    /// ∂L/∂w for the batch's mean loss (the engine's gradient buffer), the mean of δ·a over the
    /// batch from the same trace, and a central finite difference.
    var gradient: Double
    var meanOfProducts: Double
    var finiteDifference: Double
    /// For the sample: a (1 for a bias), δ of the unit, their product, z̃ and the unit's output.
    var input: Double
    var delta: Double
    var product: Double
    var preActivation: Double
    var output: Double
    var formula: String = ""
    /// Output layer: the head and the target y (ŷ is `output`).
    var head: String?
    var target: Double?
    /// Hidden layer: φ, φ'(z̃), the terms [wₖⱼ, δₖ] of the next layer and their sum.
    var activation: String?
    var derivative: Double?
    var downstream: [[Double]]?
    var sum: Double?
    var note: String?
    /// The point's ŷ (every output), its target (a class index for softmax), the output's δ
    /// formula, the parameter's value now and the rate of the next step (backprop by hand).
    var outputs: [Double] = []
    var targetRow: Double = 0
    var outputFormula = ""
    var value: Double = 0
    var rate: Double = 0
}

extension Explanation: Reply {
    var json: JSON {
        var f: [(key: String, value: JSON)] = [
            ("type", JSON(type)), ("layer", JSON(layer)), ("to", JSON(to)), ("from", JSON(from)), ("sample", JSON(sample)),
            ("samplePoint", JSON(samplePoint)), ("batchSize", JSON(batchSize)), ("gradient", JSON(gradient)),
            ("meanOfProducts", JSON(meanOfProducts)), ("finiteDifference", JSON(finiteDifference)), ("input", JSON(input)),
            ("delta", JSON(delta)), ("product", JSON(product)), ("preActivation", JSON(preActivation)), ("output", JSON(output)),
            ("formula", JSON(formula))]
        if let head { f.append(("head", JSON(head))) }
        if let target { f.append(("target", JSON(target))) }
        if let activation { f.append(("activation", JSON(activation))) }
        if let derivative { f.append(("derivative", JSON(derivative))) }
        if let downstream { f.append(("downstream", JSON(downstream))) }
        if let sum { f.append(("sum", JSON(sum))) }
        if let note { f.append(("note", JSON(note))) }
        f += [("outputs", JSON(outputs)), ("targetRow", JSON(targetRow)), ("outputFormula", JSON(outputFormula)),
              ("value", JSON(value)), ("rate", JSON(rate))]
        return .object(f)
    }
}
