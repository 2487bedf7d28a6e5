/// Buffers for one forward and backward pass over up to `capacity` samples,
/// allocated once. The training step runs entirely in them: no allocation,
/// no reference counting of arrays, no copy-on-write checks.
final class Workspace<T: Scalar> {
    let layout: ParameterLayout
    let head: OutputHead
    let activations: [Activation]
    let capacity: Int
    let targetWidth: Int
    /// The batch's inputs and targets, gathered from the data set.
    let x: UnsafeMutablePointer<T>
    let y: UnsafeMutablePointer<T>
    /// Per layer: pre-activations z and outputs a (for the last layer: the head's link output).
    let z: [UnsafeMutablePointer<T>]
    let a: [UnsafeMutablePointer<T>]
    /// Error signals, ping-ponged between layers.
    let deltaA: UnsafeMutablePointer<T>
    let deltaB: UnsafeMutablePointer<T>
    /// Gradient of the mean loss, laid out like the parameters.
    let gradient: UnsafeMutablePointer<T>

    init(architecture: Architecture, capacity: Int) {
        let layout = ParameterLayout(sizes: architecture.sizes)
        self.layout = layout
        head = architecture.head
        activations = architecture.hidden.map(\.activation)
        self.capacity = max(capacity, 1)
        targetWidth = architecture.head.usesClassIndices ? 1 : architecture.outputs
        let cap = self.capacity
        x = .allocate(capacity: cap * layout.sizes[0])
        y = .allocate(capacity: cap * targetWidth)
        z = (0..<layout.layerCount).map { .allocate(capacity: cap * layout.fanOut($0)) }
        a = (0..<layout.layerCount).map { .allocate(capacity: cap * layout.fanOut($0)) }
        let widest = layout.sizes.max() ?? 1
        deltaA = .allocate(capacity: cap * widest)
        deltaB = .allocate(capacity: cap * widest)
        gradient = .allocate(capacity: layout.count)
        gradient.initialize(repeating: 0, count: layout.count)
    }

    deinit {
        x.deallocate(); y.deallocate()
        z.forEach { $0.deallocate() }; a.forEach { $0.deallocate() }
        deltaA.deallocate(); deltaB.deallocate(); gradient.deallocate()
    }

    /// Copies rows `indices[start..<start+n]` of `data` into the batch buffers.
    func gather(_ data: Dataset<T>, indices: UnsafePointer<Int>, count n: Int) {
        let inW = layout.sizes[0]
        data.x.elements.withUnsafeBufferPointer { xs in
            data.y.elements.withUnsafeBufferPointer { ys in
                for k in 0..<n {
                    let r = indices[k]
                    (x + k * inW).update(from: xs.baseAddress! + r * inW, count: inW)
                    (y + k * targetWidth).update(from: ys.baseAddress! + r * targetWidth, count: targetWidth)
                }
            }
        }
    }

    /// Copies `n` consecutive rows starting at `start` (no index list needed).
    func gather(_ data: Dataset<T>, rowsFrom start: Int, count n: Int) {
        let inW = layout.sizes[0]
        data.x.elements.withUnsafeBufferPointer { xs in
            (x).update(from: xs.baseAddress! + start * inW, count: n * inW)
        }
        data.y.elements.withUnsafeBufferPointer { ys in
            (y).update(from: ys.baseAddress! + start * targetWidth, count: n * targetWidth)
        }
    }

    /// Forward pass over the `n` gathered rows; leaves logits in `z.last`.
    func forward(_ p: UnsafePointer<T>, n: Int) {
        var input = UnsafePointer(x)
        for l in 0..<layout.layerCount {
            let isOutput = l == layout.layerCount - 1
            Kernels.denseForward(
                x: input, n: n, inW: layout.fanIn(l),
                w: p + layout.weightOffsets[l], b: p + layout.biasOffsets[l], outW: layout.fanOut(l),
                z: z[l], a: isOutput ? nil : a[l], activation: isOutput ? nil : activations[l])
            input = UnsafePointer(a[l])
        }
    }

    /// Applies the head to the logits: link outputs into `a.last`, and, when
    /// `withDelta`, the output error signal of the *mean* loss into `deltaA`.
    /// Returns the summed loss over the `n` rows.
    func headLoss(n: Int, withDelta: Bool) -> T {
        let k = layout.sizes.last!, L = layout.layerCount - 1
        let scale = 1 / T(n)
        var total: T = 0
        for r in 0..<n {
            total += head.evaluate(logits: z[L] + r * k, count: k, target: y + r * targetWidth,
                                   out: a[L] + r * k, delta: withDelta ? deltaA + r * k : nil, scale: scale)
        }
        return total
    }

    /// Backward pass: fills `gradient` with ∂(mean loss)/∂parameters, given the
    /// output error signal in `deltaA` (from `headLoss(withDelta: true)`).
    func backward(_ p: UnsafePointer<T>, n: Int) {
        gradient.update(repeating: 0, count: layout.count)
        var delta = deltaA, spare = deltaB
        for l in stride(from: layout.layerCount - 1, through: 0, by: -1) {
            let inW = layout.fanIn(l), outW = layout.fanOut(l)
            let input = l == 0 ? UnsafePointer(x) : UnsafePointer(a[l - 1])
            Kernels.denseWeightGradient(delta: delta, x: input, n: n, inW: inW, outW: outW,
                                        gw: gradient + layout.weightOffsets[l], gb: gradient + layout.biasOffsets[l])
            if l > 0 {
                Kernels.denseInputGradient(delta: delta, w: p + layout.weightOffsets[l], n: n, inW: inW, outW: outW,
                                           z: z[l - 1], a: a[l - 1], activation: activations[l - 1], dx: spare)
                swap(&delta, &spare)
            }
        }
    }
}
