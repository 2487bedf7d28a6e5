import CKernels

/// Buffers for one forward and backward pass over up to `capacity` samples,
/// allocated once. The training step runs entirely in them: no allocation,
/// no reference counting of arrays, no copy-on-write checks.
///
/// Everything per sample is stored sample-wide (one row per unit, one column
/// per sample, row stride `ld`; see `Kernels` for why). Targets stay one row
/// per sample, as the data set holds them. One sample on its own (`Pass.single`) is the exception:
/// its values lie one after another (`ld` = 1, one column), so no loop steps over padding.
final class Workspace<T: Scalar> {
    let layout: ParameterLayout
    let head: OutputHead
    let activations: [Activation]
    let capacity: Int
    let targetWidth: Int
    /// Row stride of the sample-wide buffers, as the last `load` laid them out: `batchStride`,
    /// or 1 for a single sample (see `Pass.single`). Read it after loading.
    private(set) var ld: Int
    /// The row stride of a batch: the capacity rounded up to 8, plus 8 more when that would put
    /// rows a multiple of 512 bytes apart (see `rowStride`). The buffers are this many values per row.
    let batchStride: Int
    /// Samples loaded by the last `load`, and that count rounded up to 8
    /// (the columns every kernel runs over; the padding columns are zero inputs) — 1 for `Pass.single`.
    private(set) var count = 0
    private(set) var columns = 0
    /// How the loaded batch runs, decided by `load` alone from the batch's size and the network's:
    /// every later call on the batch (forward, head, backward, the fused SGD step) follows it.
    private(set) var pass = Pass.padded
    /// The batch's inputs (sample-wide) and targets (`ld × targetWidth`, one row per sample).
    let x: UnsafeMutablePointer<T>
    let y: UnsafeMutablePointer<T>
    /// Per layer: pre-activations z and outputs a (for the last layer: the head's link output).
    let z: [UnsafeMutablePointer<T>]
    let a: [UnsafeMutablePointer<T>]
    /// Error signals, ping-ponged between layers.
    let deltaA: UnsafeMutablePointer<T>
    let deltaB: UnsafeMutablePointer<T>
    /// A layer's input, one row per sample, for the weight gradient of wide layers.
    let transposed: UnsafeMutablePointer<T>
    /// The batch's inputs one row per sample as well, when the first layer's weight gradient
    /// wants them so (`wantsRows`): `load` copies whole rows here, then transposes once, and
    /// `backward` uses them as they are instead of transposing `x` back.
    let inputRows: UnsafeMutablePointer<T>?
    /// Four sample-wide rows for the head (per-sample losses, softmax's maximum and normaliser).
    let headScratch: UnsafeMutablePointer<T>
    /// Gradient of the mean loss, laid out like the parameters.
    let gradient: UnsafeMutablePointer<T>
    /// The loops every pass runs, for the kernel path this workspace was made with.
    let kernels: DispatchedKernels<T>
    /// Whether this workspace can take its batches sample by sample with the one-sample kernels
    /// (matrix-vector products and outer products, `bp_matvec`/`bp_outer`) instead of in the
    /// padded batch's 8 columns, which made a batch of one 8× the work: a C path, and no layer
    /// wider than those kernels take (their point is the C speed: on the baseline path their
    /// references, `Kernels+OneSample`, would be slower than the batch). See `pass(samples:)` for when it does.
    let sampleKernels: Bool
    /// The fewest parameters with which n samples run sample by sample: where a pass per sample
    /// (a product per sample, one fused update summing the samples) costs less than the padded
    /// batch's 8 columns. The bound doubles with each sample from 4 on because the padded pass
    /// costs the same for 1 or 8 samples while the per-sample pass is paid n times, so only a
    /// larger network's products outweigh it; the crossovers are measured (docs/performance.md,
    /// the one-sample kernels). Narrow networks take their own pass at every batch size
    /// (`narrow`), so the playground's are not among these.
    static func bySampleFrom(samples n: Int) -> Int {
        switch n {
        case 1: 0
        case 2, 3: 500
        case 4: 1_000
        case 5: 2_000
        case 6: 4_000
        case 7: 8_000
        default: .max   // more than BP_SAMPLE_MAX: padded
        }
    }
    /// The most samples the fused sample-by-sample kernels take.
    static var sampleMax: Int { Int(BP_SAMPLE_MAX) }
    /// The whole pass in one C call, for networks no wider than 8 units (`NarrowPass`); nil otherwise.
    let narrow: NarrowPass<T>?
    /// Local rows for `sgdStep`'s kernel (`bp_sample_sgd`): 3 rows per sample, up to `BP_SAMPLE_MAX` samples.
    let sampleScratch: UnsafeMutablePointer<T>

    /// The ways a loaded batch runs through the layers. Each owns its layout and its products:
    /// `forward` and `backward` switch on it, and nothing else decides which loops run.
    /// (A narrow network's training pass, `NarrowPass`, replaces forward, head and backward
    /// whatever the batch; its inference and traces run the batch's pass.)
    enum Pass: Equatable {
        /// The batch padded to `columns`, the samples rounded up to 8 (the padding columns are
        /// zero inputs): every product a panel over the columns.
        case padded
        /// 1–7 samples in the padded buffers, a matrix-vector product and an outer product per
        /// sample (`bp_matvec`, `bp_outer`): at batch 1 the padded pass was 8× the work. Only the
        /// loaded columns are meaningful; the padding columns of z, a and the error signals are
        /// left as they fall, and no kernel of this pass reads them. One sample runs so only
        /// beside a narrow pass (`single` otherwise); 2–7 from `bySampleFrom(samples:)` parameters on.
        case bySample
        /// One sample laid out on its own: each buffer's values one after another (`ld` = 1,
        /// `columns` = 1), so no loop steps over padding — in column 0 of 8 the one-sample
        /// kernels copied strided inputs in and outputs out, and the activations ran over 8
        /// columns for one, a fifth of a batch-1 step of 64-128-10. The sample-by-sample pass
        /// otherwise, but a lone output unit's Wᵀδ is a contiguous product here, not the fused outer.
        case single

        /// Whether a pass runs its samples one by one (the one-sample kernels).
        var isBySample: Bool { self != .padded }
    }

    /// The pass for `n` samples: the one place that decides it.
    private func pass(samples n: Int) -> Pass {
        guard sampleKernels && layout.count >= Self.bySampleFrom(samples: n) else { return .padded }
        return n == 1 && narrow == nil ? .single : .bySample
    }

    init(architecture: Architecture, capacity: Int, kernels path: KernelPath = .selected) {
        kernels = DispatchedKernels(path)
        sampleKernels = kernels.isCompiled && (architecture.sizes.max() ?? 0) <= Int(BP_ONE_SAMPLE_WIDTH)
        let layout = ParameterLayout(sizes: architecture.sizes)
        self.layout = layout
        head = architecture.head
        activations = architecture.hidden.map { $0.activation }
        self.capacity = max(capacity, 1)
        targetWidth = architecture.head.usesClassIndices ? 1 : architecture.outputs
        let ld = Self.rowStride(capacity: self.capacity)
        self.ld = ld
        batchStride = ld
        let widest = layout.sizes.max() ?? 1
        // 64-byte aligned (a cache line), so the 8-lane loads of a row never straddle two lines
        // when rows are a multiple of 8 values apart.
        func buffer(_ count: Int) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<T>.stride, alignment: 64)
                .bindMemory(to: T.self, capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        x = buffer(ld * layout.sizes[0])
        y = buffer(ld * targetWidth)
        z = (0..<layout.layerCount).map { buffer(ld * layout.fanOut($0)) }
        a = (0..<layout.layerCount).map { buffer(ld * layout.fanOut($0)) }
        deltaA = buffer(ld * widest)
        deltaB = buffer(ld * widest)
        transposed = buffer(ld * widest)
        inputRows = Self.wantsRows(inputs: layout.sizes[0]) ? buffer(ld * layout.sizes[0]) : nil
        headScratch = buffer(4 * ld)
        gradient = buffer(layout.count)
        narrow = NarrowPass(layout: layout, activations: activations, head: head, capacity: self.capacity, kernels: kernels)
        sampleScratch = buffer(sampleKernels ? 3 * Int(BP_SAMPLE_MAX) * ((widest + 7) & ~7) : 1)
    }

    deinit {
        for p in [x, y, deltaA, deltaB, transposed, headScratch, gradient, sampleScratch] + z + a { UnsafeMutableRawPointer(p).deallocate() }
        if let inputRows { UnsafeMutableRawPointer(inputRows).deallocate() }
    }

    /// The row stride for `capacity` samples. Rows a multiple of 512 bytes apart (batches of
    /// 128 Double, 256 Float, 512, 1024 …) start in at most 8 of L1's 64 sets (an address's set
    /// repeats every 4 KB), so a product walking 64 rows of B evicts its own inputs — batch
    /// 1024 of 64-128-10 took 3.4× the time per sample of batch 32, and it was not the buffers'
    /// size: splitting the batch into L2-sized blocks changed nothing. Eight more values (32 or
    /// 64 bytes, which keeps 8-lane loads inside one cache line) spread the rows over all sets.
    static func rowStride(capacity: Int) -> Int {
        let ld = (capacity + 7) & ~7
        return (ld * MemoryLayout<T>.stride) % 512 == 0 ? ld + 8 : ld
    }

    /// Whether the weight gradient of a layer with `inputs` inputs runs as a matrix product
    /// over the input one row per sample (wide inputs, a multiple of 8) rather than as dot
    /// products along the samples.
    static func wantsRows(inputs: Int) -> Bool { inputs >= 16 && inputs % 8 == 0 }

    /// Loads `n` samples: sample `k` is row `rows?[k] ?? start + k` of `inputs`
    /// (and of `targets`; without targets, zeros). Pads the columns up to a multiple of 8 with zeros.
    func load(inputs: UnsafePointer<T>, targets: UnsafePointer<T>?, rows: UnsafePointer<Int>?, start: Int = 0, count n: Int) {
        precondition(n >= 1 && n <= capacity, "a batch must fit the workspace")
        let inW = layout.sizes[0], tw = targetWidth
        count = n
        pass = pass(samples: n)
        columns = pass == .single ? 1 : (n + 7) & ~7
        ld = pass == .single ? 1 : batchStride
        if pass == .single {
            let r = rows?[0] ?? start
            x.update(from: inputs + r &* inW, count: inW)
            if let targets { y.update(from: targets + r &* tw, count: tw) } else { y.update(repeating: 0, count: tw) }
            return
        }
        for k in 0..<n {
            let r = rows?[k] ?? start + k
            let src = inputs + r &* inW
            if let inputRows {
                (inputRows + k &* inW).update(from: src, count: inW)
            } else {
                let dst = x + k
                for i in 0..<inW { dst[i &* ld] = src[i] }
            }
            if let targets { for j in 0..<tw { y[k &* tw &+ j] = targets[r &* tw &+ j] } }
        }
        if targets == nil { y.update(repeating: 0, count: n * tw) }
        (y + n * tw).update(repeating: 0, count: (columns - n) * tw)
        if let inputRows {
            (inputRows + n * inW).update(repeating: 0, count: (columns - n) * inW)
            kernels.transpose(inputRows, rows: columns, cols: inW, lds: inW, into: x, ldd: ld)
        } else {
            for k in n..<columns { for i in 0..<inW { x[i * ld + k] = 0 } }
        }
    }

    /// Copies rows `indices[0..<n]` of `data` into the batch buffers.
    func gather(_ data: Dataset<T>, indices: UnsafePointer<Int>, count n: Int) {
        data.x.elements.withUnsafeBufferPointer { xs in
            data.y.elements.withUnsafeBufferPointer { ys in
                load(inputs: xs.baseAddress!, targets: ys.baseAddress!, rows: indices, count: n)
            }
        }
    }

    /// Copies `n` consecutive rows starting at `start`.
    func gather(_ data: Dataset<T>, rowsFrom start: Int, count n: Int) {
        data.x.elements.withUnsafeBufferPointer { xs in
            data.y.elements.withUnsafeBufferPointer { ys in
                load(inputs: xs.baseAddress!, targets: ys.baseAddress!, rows: nil, start: start, count: n)
            }
        }
    }

    /// Copies the loaded samples' values of a `width`-unit sample-wide buffer
    /// (a layer's `z` or `a`) into `dst` as one row per sample.
    func copyRows(of buffer: UnsafePointer<T>, width: Int, into dst: UnsafeMutablePointer<T>) {
        kernels.transpose(buffer, rows: width, cols: count, lds: ld, into: dst, ldd: width)
    }

    /// Forward pass over the loaded samples; leaves logits in `z.last`.
    func forward(_ p: UnsafePointer<T>) {
        var input = UnsafePointer(x)
        for l in 0..<layout.layerCount {
            let inW = layout.fanIn(l), outW = layout.fanOut(l)
            switch pass {
            case .padded:
                kernels.panel(rows: outW, depth: inW, cols: columns,
                              a: p + layout.weightOffsets[l], rowStride: inW, depthStride: 1,
                              b: input, ldb: ld, bias: p + layout.biasOffsets[l], c: z[l], ldc: ld)
            case .bySample, .single:
                for j in 0..<count {
                    kernels.matvec(rows: outW, depth: inW, a: p + layout.weightOffsets[l], rowStride: inW, depthStride: 1,
                                   x: input + j, incx: ld, bias: p + layout.biasOffsets[l], y: z[l] + j, incy: ld)
                }
            }
            if l < layout.layerCount - 1 {
                kernels.activate(activations[l], z[l], a[l], rows: outW, cols: columns, ld: ld)
            }
            input = UnsafePointer(a[l])
        }
    }

    /// Applies the head to the logits: link outputs into `a.last`, and, when
    /// `withDelta`, the output error signal of the *mean* loss into `deltaA`
    /// (zero in the padding columns). Returns the summed loss over the loaded samples
    /// (0, not computed, when `withLoss` is false).
    func headLoss(withDelta: Bool, withLoss: Bool = true) -> T {
        let L = layout.layerCount - 1
        // Sample by sample, nothing reads the padding columns: the head skips them (at batch 1
        // of 64-128-10, softmax over 8 columns was a sixth of the step).
        return head.evaluate(logits: z[L], outputs: a[L], delta: withDelta ? deltaA : nil,
                             targets: y, targetWidth: targetWidth, units: layout.sizes.last!,
                             count: count, columns: pass.isBySample ? count : columns, ld: ld, scratch: headScratch, withLoss: withLoss,
                             kernels: kernels)
    }

    /// One training pass over the loaded samples: forward, head with error signal, backward.
    /// Leaves the gradient of the mean loss in `gradient`; returns the summed loss (0, not
    /// computed, unless `withLoss`). The one sequence the trainer and the gradient check share.
    func lossAndGradient(_ p: UnsafePointer<T>, withLoss: Bool) -> T {
        if let narrow {
            return narrow.run(kernels, parameters: p, x: x, ld: ld, y: y, targetWidth: targetWidth, count: count,
                              gradient: gradient, withLoss: withLoss)
        }
        forward(p)
        let loss = headLoss(withDelta: true, withLoss: withLoss)
        backward(p)
        return loss
    }

    /// One plain-SGD step (w −= η·∇ of the mean loss) on the loaded samples, when they run
    /// sample by sample (1–7 of them) and not as a narrow pass; nil, and nothing done, otherwise.
    /// The same step as `lossAndGradient` and then SGD, bit for bit, but each layer's weights are
    /// updated as the backward pass leaves them (`bp_sample_sgd`): the gradient is neither written
    /// nor read back, and `gradient` is left as it was. Returns the summed loss (0 unless `withLoss`).
    func sgdStep(_ p: UnsafeMutablePointer<T>, learningRate eta: T, withLoss: Bool) -> T? {
        guard pass.isBySample, narrow == nil else { return nil }
        forward(p)
        let loss = headLoss(withDelta: true, withLoss: withLoss)
        var delta = deltaA, spare = deltaB
        for l in stride(from: layout.layerCount - 1, through: 0, by: -1) {
            let inW = layout.fanIn(l), outW = layout.fanOut(l)
            let input = l == 0 ? UnsafePointer(x) : UnsafePointer(a[l - 1])
            kernels.sampleSGD(samples: count, outW: outW, inW: inW, w: p + layout.weightOffsets[l], b: p + layout.biasOffsets[l],
                              delta: delta, x: input, ld: ld, learningRate: eta, e: l > 0 ? spare : nil, scratch: sampleScratch)
            if l > 0 {
                kernels.multiplyDerivative(activations[l - 1], z[l - 1], a[l - 1], spare, rows: inW, cols: columns, ld: ld)
                swap(&delta, &spare)
            }
        }
        return loss
    }

    /// Backward pass: fills `gradient` with ∂(mean loss)/∂parameters, given the
    /// output error signal in `deltaA` (from `headLoss(withDelta: true)`). `onDelta` sees each
    /// layer's error signal (∂ mean loss / ∂z̃, unit-wide rows) as the pass reaches it — how
    /// `Trace` shows backpropagation without a second implementation of it.
    func backward(_ p: UnsafePointer<T>, onDelta: ((Int, UnsafePointer<T>) -> Void)? = nil) {
        var delta = deltaA, spare = deltaB
        for l in stride(from: layout.layerCount - 1, through: 0, by: -1) {
            onDelta?(l, UnsafePointer(delta))
            weightGradient(layer: l, delta: delta)
            if l > 0 {
                propagate(p, layer: l, delta: delta, into: spare)
                swap(&delta, &spare)
            }
        }
    }

    /// ∂(mean loss)/∂W and ∂/∂b of layer `l` from its error signal, into `gradient`.
    private func weightGradient(layer l: Int, delta: UnsafePointer<T>) {
        let inW = layout.fanIn(l), outW = layout.fanOut(l)
        let input = l == 0 ? UnsafePointer(x) : UnsafePointer(a[l - 1])
        let gw = gradient + layout.weightOffsets[l], gb = gradient + layout.biasOffsets[l]
        switch pass {
        case .bySample, .single:
            for j in 0..<count {
                kernels.outer(outW: outW, inW: inW, delta: delta + j, incd: ld, x: input + j, incx: ld,
                              gw: gw, gb: gb, accumulate: j > 0)
            }
        case .padded where Self.wantsRows(inputs: inW):
            // A matrix product over the input one row per sample: the first layer's rows as
            // `load` left them, a hidden layer's transposed here.
            kernels.biasGradient(delta: delta, ld: ld, cols: columns, outW: outW, gb: gb)
            var rows = UnsafePointer(transposed)
            if l == 0, let inputRows {
                rows = UnsafePointer(inputRows)
            } else {
                kernels.transpose(input, rows: inW, cols: columns, lds: ld, into: transposed, ldd: inW)
            }
            kernels.panel(rows: outW, depth: columns, cols: inW, a: delta, rowStride: ld, depthStride: 1,
                          b: rows, ldb: inW, bias: nil, c: gw, ldc: inW)
        case .padded:
            kernels.weightAndBiasGradient(delta: delta, x: input, ld: ld, cols: columns, inW: inW, outW: outW, gw: gw, gb: gb)
        }
    }

    /// The error signal of the layer below `l` (l ≥ 1): Wᵀδ times its activation's derivative, into `e`.
    private func propagate(_ p: UnsafePointer<T>, layer l: Int, delta: UnsafePointer<T>, into e: UnsafeMutablePointer<T>) {
        let inW = layout.fanIn(l), outW = layout.fanOut(l)
        let w = p + layout.weightOffsets[l], below = l - 1
        switch pass {
        case .padded where outW == 1, .bySample where outW == 1:
            // One output unit: Wᵀδ is an outer product, fused into the derivative's loop.
            kernels.multiplyDerivative(activations[below], z[below], a[below], e, rows: inW, cols: columns, ld: ld,
                                       outer: (w, delta))
            return
        case .padded:
            kernels.panel(rows: inW, depth: outW, cols: columns, a: w, rowStride: 1, depthStride: inW,
                          b: delta, ldb: ld, bias: nil, c: e, ldc: ld)
        case .bySample, .single:
            for j in 0..<count {
                kernels.matvec(rows: inW, depth: outW, a: w, rowStride: 1, depthStride: inW,
                               x: delta + j, incx: ld, bias: nil, y: e + j, incy: ld)
            }
        }
        kernels.multiplyDerivative(activations[below], z[below], a[below], e, rows: inW, cols: columns, ld: ld)
    }
}
