/// Backpropagation, shown: what the engine computes for one batch, copied out of the very
/// buffers a training step runs in (`Workspace`) — the forward pass's pre-activations z̃ and
/// outputs, the backward pass's error signals δ, and the gradients. Nothing is recomputed by
/// a second implementation, so what the page's gradient view and chain-rule panel and
/// `backprop explain` show is what training uses.
///
/// Layers are weight layers l = 0…L−1: layer l maps its input a (the data x for l = 0) to
/// z̃ = W a + b and its output φ(z̃) (the head's output ŷ for the last). Per sample, the
/// sheet's error signal is δ = ∂loss/∂z̃: ŷ − y at the output for softmax + cross-entropy and
/// sigmoid + cross-entropy, (ŷ − y)(1 − ŷ²) for tanh + squared error, ŷ − y for identity +
/// squared error; one layer down, δ(l) = (W(l+1)ᵀ δ(l+1)) ⊙ φ'(z̃(l)), with φ'(0) = 0 for ReLU.
/// The gradient of the batch's mean loss is ∂L/∂W(l) = mean over samples of δ(l) a(l)ᵀ, shaped
/// like W(l). (The data loss only: regularisation adds its own term or step.)
public struct Trace<T: Scalar>: Sendable {
    public let architecture: Architecture
    /// Samples × inputs, and samples × target width (class indices for softmax).
    public let inputs: Matrix<T>
    public let targets: Matrix<T>
    /// Per layer, samples × units.
    public let preActivations: [Matrix<T>]
    public let outputs: [Matrix<T>]
    /// Per layer, samples × units: each sample's own δ (the engine holds δ of the *mean* loss,
    /// each sample's divided by the batch size; this is that times the batch size).
    public let deltas: [Matrix<T>]
    /// Per layer: ∂(mean loss)/∂W, units × inputs, and ∂(mean loss)/∂b.
    public let weightGradients: [Matrix<T>]
    public let biasGradients: [[T]]
    /// The batch's mean loss.
    public let loss: T

    public var count: Int { inputs.rows }

    /// Layer `l`'s input: the data for the first layer, the previous layer's output otherwise.
    public func input(toLayer l: Int) -> Matrix<T> { l == 0 ? inputs : outputs[l - 1] }

    /// ‖∂L/∂W(l)‖ (Frobenius) per layer: where gradients vanish or explode.
    public var gradientNorms: [Double] {
        weightGradients.map { m in m.elements.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
    }
}

extension Network {
    /// The trace of one forward and backward pass over `data` (its mean loss and gradient).
    public func trace(_ data: Dataset<T>) throws(BackpropError) -> Trace<T> {
        try data.validate(for: architecture)
        guard data.count > 0 else { throw .invalidData("a trace needs at least one sample") }
        let ws = Workspace<T>(architecture: architecture, capacity: data.count)
        ws.gather(data, rowsFrom: 0, count: data.count)
        let m = data.count, ld = ws.ld, L = layout.layerCount
        /// A unit-wide buffer (one row per unit, one column per sample) as samples × units.
        func sampleRows(_ p: UnsafePointer<T>, units: Int, scale: T = 1) -> Matrix<T> {
            var out = Matrix<T>(rows: m, columns: units)
            for k in 0..<m { for j in 0..<units { out[k, j] = p[j &* ld &+ k] * scale } }
            return out
        }
        var deltas = [Matrix<T>](repeating: Matrix(rows: 0, columns: 0), count: L)
        let loss = parameters.withUnsafeBufferPointer { pb -> T in
            let p = pb.baseAddress!
            ws.forward(p)
            let sum = ws.headLoss(withDelta: true, withLoss: true)
            ws.backward(p) { l, delta in deltas[l] = sampleRows(delta, units: self.layout.fanOut(l), scale: T(m)) }
            return sum / T(m)
        }
        var weightGradients: [Matrix<T>] = [], biasGradients: [[T]] = []
        for l in 0..<L {
            let (o, i) = (layout.fanOut(l), layout.fanIn(l))
            var g = Matrix<T>(rows: o, columns: i)
            for r in 0..<o { for c in 0..<i { g[r, c] = ws.gradient[layout.weightOffsets[l] + r * i + c] } }
            weightGradients.append(g)
            biasGradients.append((0..<o).map { ws.gradient[layout.biasOffsets[l] + $0] })
        }
        var targets = Matrix<T>(rows: m, columns: ws.targetWidth)
        for k in 0..<m { for j in 0..<ws.targetWidth { targets[k, j] = ws.y[k * ws.targetWidth + j] } }
        return Trace(architecture: architecture, inputs: data.x, targets: targets,
                     preActivations: (0..<L).map { sampleRows(ws.z[$0], units: layout.fanOut($0)) },
                     outputs: (0..<L).map { sampleRows(ws.a[$0], units: layout.fanOut($0)) },
                     deltas: deltas, weightGradients: weightGradients, biasGradients: biasGradients, loss: loss)
    }
}
