import CKernels

/// The kernels a workspace calls, by one rule: the C kernel of its `KernelPath` for Float or
/// Double when the path has one, else the Swift reference (`Kernels`) — on the baseline path,
/// and for the activations only Swift has. Every kernel has its reference, so none does nothing
/// on any path (the C tables are filled whole, `dispatch.c`; the references are what the tests
/// hold each path to). The narrow pass is not a kernel but a whole pass: `NarrowPass` exists
/// only on a path with C kernels.
///
/// Resolved once per workspace, so a training step pays one indirect call per kernel and no
/// look-up; within a specialised `Workspace<Float>` the Double branch folds away.
struct DispatchedKernels<T: Scalar> {
    let path: KernelPath
    private let f32: bp_kernels_f32?
    private let f64: bp_kernels_f64?

    init(_ path: KernelPath) {
        let usable = path.isSupported ? path : .baseline
        self.path = usable
        f32 = T.self == Float.self ? bp_kernels_f32_for(usable.code)?.pointee : nil
        f64 = T.self == Double.self ? bp_kernels_f64_for(usable.code)?.pointee : nil
    }

    /// The C code of the activations the C kernels handle.
    static func code(_ activation: Activation) -> Int32? {
        switch activation {
        case .relu: Int32(BP_RELU)
        case .tanh: Int32(BP_TANH)
        case .sigmoid: Int32(BP_SIGMOID)
        case .linear: Int32(BP_LINEAR)
        default: nil
        }
    }

    /// The C code of the heads `bp_head_row` handles (softmax has its own kernel, `softmax`).
    static func code(_ head: OutputHead) -> Int32? {
        switch head {
        case .sigmoidCrossEntropy: Int32(BP_HEAD_SIGMOID_CROSS_ENTROPY)
        case .tanhSquaredError: Int32(BP_HEAD_TANH_SQUARED_ERROR)
        case .identitySquaredError: Int32(BP_HEAD_IDENTITY_SQUARED_ERROR)
        case .softmaxCrossEntropy: nil
        }
    }

    @inline(__always) private func cast<U>(_ p: UnsafePointer<T>) -> UnsafePointer<U> {
        UnsafeRawPointer(p).assumingMemoryBound(to: U.self)
    }
    @inline(__always) private func cast<U>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<U> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: U.self)
    }
    @inline(__always) private func cast<U>(_ p: UnsafePointer<T>?) -> UnsafePointer<U>? {
        p.map { UnsafeRawPointer($0).assumingMemoryBound(to: U.self) }
    }

    /// `Kernels.panel`.
    @inline(__always)
    func panel(rows: Int, depth: Int, cols: Int, a: UnsafePointer<T>, rowStride: Int, depthStride: Int,
               b: UnsafePointer<T>, ldb: Int, bias: UnsafePointer<T>?, c: UnsafeMutablePointer<T>, ldc: Int) {
        if let k = f32?.panel {
            k(rows, depth, cols, cast(a), rowStride, depthStride, cast(b), ldb, cast(bias), cast(c), ldc)
        } else if let k = f64?.panel {
            k(rows, depth, cols, cast(a), rowStride, depthStride, cast(b), ldb, cast(bias), cast(c), ldc)
        } else {
            Kernels.panel(rows: rows, depth: depth, cols: cols, a: a, rowStride: rowStride, depthStride: depthStride,
                          b: b, ldb: ldb, bias: bias, c: c, ldc: ldc)
        }
    }

    /// `Kernels.weightGradientBySamples` and `Kernels.biasGradient`: in C one pass over δ for both.
    @inline(__always)
    func weightAndBiasGradient(delta: UnsafePointer<T>, x: UnsafePointer<T>, ld: Int, cols: Int,
                               inW: Int, outW: Int, gw: UnsafeMutablePointer<T>, gb: UnsafeMutablePointer<T>) {
        if let k = f32?.weight_gradient {
            k(cast(delta), cast(x), ld, cols, inW, outW, cast(gw), cast(gb))
        } else if let k = f64?.weight_gradient {
            k(cast(delta), cast(x), ld, cols, inW, outW, cast(gw), cast(gb))
        } else {
            Kernels.biasGradient(delta: delta, ld: ld, cols: cols, outW: outW, gb: gb)
            Kernels.weightGradientBySamples(delta: delta, x: x, ld: ld, cols: cols, inW: inW, outW: outW, gw: gw)
        }
    }

    /// `Kernels.biasGradient`.
    @inline(__always)
    func biasGradient(delta: UnsafePointer<T>, ld: Int, cols: Int, outW: Int, gb: UnsafeMutablePointer<T>) {
        if let k = f32?.bias_gradient {
            k(cast(delta), ld, cols, outW, cast(gb))
        } else if let k = f64?.bias_gradient {
            k(cast(delta), ld, cols, outW, cast(gb))
        } else {
            Kernels.biasGradient(delta: delta, ld: ld, cols: cols, outW: outW, gb: gb)
        }
    }

    /// `Kernels.activate`.
    @inline(__always)
    func activate(_ activation: Activation, _ z: UnsafePointer<T>, _ a: UnsafeMutablePointer<T>, rows: Int, cols: Int, ld: Int) {
        if let kind = Self.code(activation), let k = f32?.activate {
            k(kind, cast(z), cast(a), rows, cols, ld)
        } else if let kind = Self.code(activation), let k = f64?.activate {
            k(kind, cast(z), cast(a), rows, cols, ld)
        } else {
            Kernels.activate(activation, z, a, rows: rows, cols: cols, ld: ld)
        }
    }

    /// `Kernels.multiplyDerivative`.
    @inline(__always)
    func multiplyDerivative(_ activation: Activation, _ z: UnsafePointer<T>, _ a: UnsafePointer<T>,
                            _ g: UnsafeMutablePointer<T>, rows: Int, cols: Int, ld: Int,
                            outer: (weights: UnsafePointer<T>, delta: UnsafePointer<T>)? = nil) {
        if let kind = Self.code(activation), let k = f32?.multiply_derivative {
            k(kind, cast(z), cast(a), cast(g), rows, cols, ld, cast(outer?.weights), cast(outer?.delta))
        } else if let kind = Self.code(activation), let k = f64?.multiply_derivative {
            k(kind, cast(z), cast(a), cast(g), rows, cols, ld, cast(outer?.weights), cast(outer?.delta))
        } else {
            Kernels.multiplyDerivative(activation, z, a, g, rows: rows, cols: cols, ld: ld, outer: outer)
        }
    }

    /// `Kernels.headRow`: one row of a sigmoid, tanh or identity head (`OutputHead.evaluate`).
    @inline(__always)
    func headRow(_ head: OutputHead, z: UnsafePointer<T>, y: UnsafePointer<T>, tw: Int, o: UnsafeMutablePointer<T>,
                 d: UnsafeMutablePointer<T>, losses: UnsafeMutablePointer<T>, columns: Int, scale: T, withLoss: Bool) {
        if let code = Self.code(head), let k = f32?.head_row {
            k(code, cast(z), cast(y), tw, cast(o), cast(d), cast(losses), columns, Float(scale), withLoss ? 1 : 0)
        } else if let code = Self.code(head), let k = f64?.head_row {
            k(code, cast(z), cast(y), tw, cast(o), cast(d), cast(losses), columns, Double(scale), withLoss ? 1 : 0)
        } else {
            Kernels.headRow(head, z: z, y: y, tw: tw, o: o, d: d, losses: losses, columns: columns, scale: scale, withLoss: withLoss)
        }
    }

    /// `Kernels.softmax`: a batch's softmax outputs, error signal (rows `dld` apart), each
    /// sample's largest logit in `m` and 1/Σ e^{z−m} in `sum`.
    func softmax(z: UnsafePointer<T>, y: UnsafePointer<T>, o: UnsafeMutablePointer<T>, d: UnsafeMutablePointer<T>,
                 units k: Int, columns: Int, ld: Int, dld: Int, scale: T,
                 m: UnsafeMutablePointer<T>, sum: UnsafeMutablePointer<T>) {
        if let f = f32?.softmax {
            f(cast(z), cast(y), cast(o), cast(d), k, columns, ld, dld, Float(scale), cast(m), cast(sum))
        } else if let f = f64?.softmax {
            f(cast(z), cast(y), cast(o), cast(d), k, columns, ld, dld, Double(scale), cast(m), cast(sum))
        } else {
            Kernels.softmax(z: z, y: y, o: o, d: d, units: k, columns: columns, ld: ld, dld: dld, scale: scale, m: m, sum: sum)
        }
    }

    /// Whether this path has the C kernels (and with them the one-sample kernels).
    var isCompiled: Bool { f32 != nil || f64 != nil }

    /// `Kernels.matvec`: one sample's y = A·x (+ bias), strided x and y.
    @inline(__always)
    func matvec(rows: Int, depth: Int, a: UnsafePointer<T>, rowStride: Int, depthStride: Int,
                x: UnsafePointer<T>, incx: Int, bias: UnsafePointer<T>?, y: UnsafeMutablePointer<T>, incy: Int) {
        if let k = f32?.matvec {
            k(rows, depth, cast(a), rowStride, depthStride, cast(x), incx, cast(bias), cast(y), incy)
        } else if let k = f64?.matvec {
            k(rows, depth, cast(a), rowStride, depthStride, cast(x), incx, cast(bias), cast(y), incy)
        } else {
            Kernels.matvec(rows: rows, depth: depth, a: a, rowStride: rowStride, depthStride: depthStride, x: x, incx: incx, bias: bias, y: y, incy: incy)
        }
    }

    /// `Kernels.outer`: one sample's weight and bias gradients, gW = δ·xᵀ and gb = δ, or added
    /// to them with `accumulate`.
    @inline(__always)
    func outer(outW: Int, inW: Int, delta: UnsafePointer<T>, incd: Int, x: UnsafePointer<T>, incx: Int,
               gw: UnsafeMutablePointer<T>, gb: UnsafeMutablePointer<T>, accumulate: Bool) {
        if let k = f32?.outer {
            k(outW, inW, cast(delta), incd, cast(x), incx, cast(gw), cast(gb), accumulate ? 1 : 0)
        } else if let k = f64?.outer {
            k(outW, inW, cast(delta), incd, cast(x), incx, cast(gw), cast(gb), accumulate ? 1 : 0)
        } else {
            Kernels.outer(outW: outW, inW: inW, delta: delta, incd: incd, x: x, incx: incx, gw: gw, gb: gb, accumulate: accumulate)
        }
    }

    /// `Kernels.sampleSGD`: one layer's plain-SGD step for 1–7 samples, fused: with `e`, each
    /// sample's input gradient Wᵀδ from the weights before the step; then W −= η·Σ δxᵀ,
    /// b −= η·Σ δ. δ, x and e are sample-wide (row stride `ld`).
    @inline(__always)
    func sampleSGD(samples: Int, outW: Int, inW: Int, w: UnsafeMutablePointer<T>, b: UnsafeMutablePointer<T>,
                   delta: UnsafePointer<T>, x: UnsafePointer<T>, ld: Int, learningRate eta: T,
                   e: UnsafeMutablePointer<T>?, scratch: UnsafeMutablePointer<T>) {
        if let k = f32?.sample_sgd {
            k(samples, outW, inW, cast(w), cast(b), cast(delta), cast(x), ld, Float(eta), e.map(cast), cast(scratch))
        } else if let k = f64?.sample_sgd {
            k(samples, outW, inW, cast(w), cast(b), cast(delta), cast(x), ld, Double(eta), e.map(cast), cast(scratch))
        } else {
            Kernels.sampleSGD(samples: samples, outW: outW, inW: inW, w: w, b: b, delta: delta, x: x, ld: ld, learningRate: eta, e: e)
        }
    }

    /// `Kernels.sgd`: w −= η·g.
    @inline(__always)
    func sgd(parameters w: UnsafeMutablePointer<T>, gradient g: UnsafePointer<T>, count: Int, learningRate eta: T) {
        if let k = f32?.sgd {
            k(cast(w), cast(g), count, Float(eta))   // exact: T is Float here
        } else if let k = f64?.sgd {
            k(cast(w), cast(g), count, Double(eta))
        } else {
            Kernels.sgd(parameters: w, gradient: g, count: count, learningRate: eta)
        }
    }

    /// A whole training pass of a narrow network (`bp_narrow_pass`, through `NarrowPass`, which
    /// exists only when `isCompiled`): the summed loss, the mean loss's gradient in `gradient`.
    @inline(__always)
    func narrowPass(layers: Int, sizes: UnsafePointer<Int>, weightOffsets: UnsafePointer<Int>, biasOffsets: UnsafePointer<Int>,
                    kinds: UnsafePointer<Int32>, head: Int32, parameters p: UnsafePointer<T>, count parameters: Int,
                    x: UnsafePointer<T>, ld: Int,
                    y: UnsafePointer<T>, targetWidth: Int, samples count: Int, work: UnsafeMutablePointer<T>,
                    gradient: UnsafeMutablePointer<T>, withLoss: Bool) -> T {
        if let k = f32?.narrow_pass {
            return T(k(layers, sizes, weightOffsets, biasOffsets, kinds, head, cast(p), parameters, cast(x), ld, cast(y), targetWidth,
                       count, cast(work), cast(gradient), withLoss ? 1 : 0))
        } else if let k = f64?.narrow_pass {
            return T(k(layers, sizes, weightOffsets, biasOffsets, kinds, head, cast(p), parameters, cast(x), ld, cast(y), targetWidth,
                       count, cast(work), cast(gradient), withLoss ? 1 : 0))
        }
        preconditionFailure("a narrow pass is only made on a path with C kernels")
    }

    /// `Kernels.transpose`.
    @inline(__always)
    func transpose(_ src: UnsafePointer<T>, rows: Int, cols: Int, lds: Int, into dst: UnsafeMutablePointer<T>, ldd: Int) {
        if let k = f32?.transpose {
            k(cast(src), rows, cols, lds, cast(dst), ldd)
        } else if let k = f64?.transpose {
            k(cast(src), rows, cols, lds, cast(dst), ldd)
        } else {
            Kernels.transpose(src, rows: rows, cols: cols, lds: lds, into: dst, ldd: ldd)
        }
    }
}
