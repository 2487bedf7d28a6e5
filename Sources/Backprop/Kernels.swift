/// The loops of a dense layer, over raw buffers in the *sample-wide* layout.
///
/// Layout: activations, pre-activations and error signals are stored one row
/// per unit, one column per sample (row stride `ld`), and every loop runs over
/// `cols` columns, the batch rounded up to a multiple of 8. Padding columns
/// hold zero inputs and zero error signals, so they add nothing to a gradient.
///
/// Why this layout: the networks this library is for are narrow (2–32 units,
/// often 2–10) and their batches wide (10–500 samples). Vectorising along the
/// units, as a row-per-sample layout invites, leaves SIMD lanes idle at widths
/// 2, 6 or 10; vectorising along the samples fills all 8 lanes at any width.
/// All three products of a dense layer then become the same shape,
/// `C[r, :] = Σ_k A(r, k) · B[k, :]` over sample-wide rows (`panel`):
///
/// - forward:        `z = W · x + b`      (A = W, B = the layer's input)
/// - input gradient: `dx = Wᵀ · δ`        (A = Wᵀ, read by strides; B = δ)
/// - weight gradient: `gW = δ · xᵀ` — for inputs at least 16 wide (a multiple of 8)
///   the input is transposed once (cheap: one pass) so it is `panel` again;
///   for narrow inputs it is a dot product along the samples (`weightGradientBySamples`).
///
/// `panel` keeps a 4-row × 16-column tile of C in registers (eight SIMD8
/// accumulators) while it walks the depth, so each loaded B vector feeds four
/// rows and each broadcast weight two vectors. The activation is applied to
/// each finished row of z while it is in cache, with vector forms of ReLU,
/// tanh and the sigmoid (`VectorMath`).
enum Kernels {
    /// `s += a · b`, fused into one instruction (one rounding) when the package is built
    /// with the `FMA` trait (docs/performance.md, "Fast build"); a multiply and an add otherwise, since
    /// without hardware FMA the fused form is a library call per lane.
    @inline(__always)
    static func madd<T: Scalar>(_ s: inout SIMD8<T>, _ a: SIMD8<T>, _ b: SIMD8<T>) {
        #if FMA
        s = s.addingProduct(a, b)
        #else
        s += a * b
        #endif
    }

    @inline(__always)
    static func load8<T: Scalar>(_ p: UnsafePointer<T>) -> SIMD8<T> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
    }

    @inline(__always)
    static func store8<T: Scalar>(_ v: SIMD8<T>, _ p: UnsafeMutablePointer<T>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<T>.self)
    }

    /// `C[r, 0..<cols] = Σ_k A(r, k) · B[k, 0..<cols] (+ bias[r])` for `r < rows`,
    /// where `A(r, k) = a[r·rowStride + k·depthStride]`. `cols` is a multiple of 8.
    /// The sum runs over k in order and the bias is added last, as numpy's `x @ W + b` does.
    @inline(__always)
    static func panel<T: Scalar>(
        rows: Int, depth: Int, cols: Int,
        a: UnsafePointer<T>, rowStride: Int, depthStride: Int,
        b: UnsafePointer<T>, ldb: Int,
        bias: UnsafePointer<T>?, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        // A 4 × 16 tile is eight accumulators: eight AVX registers for Float, but
        // sixteen for Double (every register), which spills; Double takes 4 × 8 tiles.
        let wide = MemoryLayout<T>.size <= 4
        var r = 0
        while r + 4 <= rows {
            let a0 = a + r * rowStride, a1 = a0 + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride
            let b0 = SIMD8(repeating: bias?[r] ?? 0), b1 = SIMD8(repeating: bias?[r + 1] ?? 0)
            let b2 = SIMD8(repeating: bias?[r + 2] ?? 0), b3 = SIMD8(repeating: bias?[r + 3] ?? 0)
            let c0 = c + r * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
            var j = 0
            while wide && j + 16 <= cols {
                var s00 = SIMD8<T>(), s01 = SIMD8<T>(), s10 = SIMD8<T>(), s11 = SIMD8<T>()
                var s20 = SIMD8<T>(), s21 = SIMD8<T>(), s30 = SIMD8<T>(), s31 = SIMD8<T>()
                var bk = b + j, ak = 0
                for _ in 0..<depth {
                    let lo = load8(bk), hi = load8(bk + 8)
                    let w0 = SIMD8(repeating: a0[ak]), w1 = SIMD8(repeating: a1[ak])
                    let w2 = SIMD8(repeating: a2[ak]), w3 = SIMD8(repeating: a3[ak])
                    madd(&s00, w0, lo); madd(&s01, w0, hi); madd(&s10, w1, lo); madd(&s11, w1, hi)
                    madd(&s20, w2, lo); madd(&s21, w2, hi); madd(&s30, w3, lo); madd(&s31, w3, hi)
                    bk += ldb; ak += depthStride
                }
                store8(s00 + b0, c0 + j); store8(s01 + b0, c0 + j + 8)
                store8(s10 + b1, c1 + j); store8(s11 + b1, c1 + j + 8)
                store8(s20 + b2, c2 + j); store8(s21 + b2, c2 + j + 8)
                store8(s30 + b3, c3 + j); store8(s31 + b3, c3 + j + 8)
                j += 16
            }
            while j < cols {
                var s0 = SIMD8<T>(), s1 = SIMD8<T>(), s2 = SIMD8<T>(), s3 = SIMD8<T>()
                var bk = b + j, ak = 0
                for _ in 0..<depth {
                    let v = load8(bk)
                    madd(&s0, SIMD8(repeating: a0[ak]), v); madd(&s1, SIMD8(repeating: a1[ak]), v)
                    madd(&s2, SIMD8(repeating: a2[ak]), v); madd(&s3, SIMD8(repeating: a3[ak]), v)
                    bk += ldb; ak += depthStride
                }
                store8(s0 + b0, c0 + j); store8(s1 + b1, c1 + j); store8(s2 + b2, c2 + j); store8(s3 + b3, c3 + j)
                j += 8
            }
            r += 4
        }
        // The rows left over (1–3; W3's 10-unit layers leave 2) pair up, with wider column
        // blocks so there are still about eight independent sums to hide the multiply-add
        // latency: with two sums per row they cost as much as the eight rows before them.
        while r + 2 <= rows {
            let a0 = a + r * rowStride, a1 = a0 + rowStride
            let b0 = SIMD8(repeating: bias?[r] ?? 0), b1 = SIMD8(repeating: bias?[r + 1] ?? 0)
            let c0 = c + r * ldc, c1 = c0 + ldc
            var j = 0
            while wide && j + 32 <= cols {
                var s00 = SIMD8<T>(), s01 = SIMD8<T>(), s02 = SIMD8<T>(), s03 = SIMD8<T>()
                var s10 = SIMD8<T>(), s11 = SIMD8<T>(), s12 = SIMD8<T>(), s13 = SIMD8<T>()
                var bk = b + j, ak = 0
                for _ in 0..<depth {
                    let v0 = load8(bk), v1 = load8(bk + 8), v2 = load8(bk + 16), v3 = load8(bk + 24)
                    let w0 = SIMD8(repeating: a0[ak]), w1 = SIMD8(repeating: a1[ak])
                    madd(&s00, w0, v0); madd(&s01, w0, v1); madd(&s02, w0, v2); madd(&s03, w0, v3)
                    madd(&s10, w1, v0); madd(&s11, w1, v1); madd(&s12, w1, v2); madd(&s13, w1, v3)
                    bk += ldb; ak += depthStride
                }
                store8(s00 + b0, c0 + j); store8(s01 + b0, c0 + j + 8); store8(s02 + b0, c0 + j + 16); store8(s03 + b0, c0 + j + 24)
                store8(s10 + b1, c1 + j); store8(s11 + b1, c1 + j + 8); store8(s12 + b1, c1 + j + 16); store8(s13 + b1, c1 + j + 24)
                j += 32
            }
            while j + 16 <= cols {
                var s00 = SIMD8<T>(), s01 = SIMD8<T>(), s10 = SIMD8<T>(), s11 = SIMD8<T>()
                var bk = b + j, ak = 0
                for _ in 0..<depth {
                    let v0 = load8(bk), v1 = load8(bk + 8)
                    let w0 = SIMD8(repeating: a0[ak]), w1 = SIMD8(repeating: a1[ak])
                    madd(&s00, w0, v0); madd(&s01, w0, v1); madd(&s10, w1, v0); madd(&s11, w1, v1)
                    bk += ldb; ak += depthStride
                }
                store8(s00 + b0, c0 + j); store8(s01 + b0, c0 + j + 8)
                store8(s10 + b1, c1 + j); store8(s11 + b1, c1 + j + 8)
                j += 16
            }
            if j < cols {
                var s0 = SIMD8<T>(), s1 = SIMD8<T>()
                var bk = b + j, ak = 0
                for _ in 0..<depth {
                    let v = load8(bk)
                    madd(&s0, SIMD8(repeating: a0[ak]), v); madd(&s1, SIMD8(repeating: a1[ak]), v)
                    bk += ldb; ak += depthStride
                }
                store8(s0 + b0, c0 + j); store8(s1 + b1, c1 + j)
            }
            r += 2
        }
        if r < rows {
            let ar = a + r * rowStride, cr = c + r * ldc
            let br = SIMD8(repeating: bias?[r] ?? 0)
            var j = 0
            while j + 32 <= cols {
                var s0 = SIMD8<T>(), s1 = SIMD8<T>(), s2 = SIMD8<T>(), s3 = SIMD8<T>()
                var bk = b + j, ak = 0
                for _ in 0..<depth {
                    let w = SIMD8(repeating: ar[ak])
                    madd(&s0, w, load8(bk)); madd(&s1, w, load8(bk + 8)); madd(&s2, w, load8(bk + 16)); madd(&s3, w, load8(bk + 24))
                    bk += ldb; ak += depthStride
                }
                store8(s0 + br, cr + j); store8(s1 + br, cr + j + 8); store8(s2 + br, cr + j + 16); store8(s3 + br, cr + j + 24)
                j += 32
            }
            while j < cols {
                var s = SIMD8<T>()
                var bk = b + j, ak = 0
                for _ in 0..<depth { madd(&s, SIMD8(repeating: ar[ak]), load8(bk)); bk += ldb; ak += depthStride }
                store8(s + br, cr + j)
                j += 8
            }
        }
    }

    /// `gW[o, i] = Σ_s δ[o, s] · x[i, s]` as dot products along the samples,
    /// for inputs too narrow to fill a vector (the 2-, 6- or 10-wide layers).
    /// Four outputs × two inputs at a time: eight independent sums per pass over
    /// the samples, each loaded vector used two or four times. (One output at a
    /// time left the 2-wide input layer of W1 waiting on two chains of adds.)
    @inline(__always)
    static func weightGradientBySamples<T: Scalar>(
        delta: UnsafePointer<T>, x: UnsafePointer<T>, ld: Int, cols: Int,
        inW: Int, outW: Int, gw: UnsafeMutablePointer<T>
    ) {
        var o = 0
        while o + 4 <= outW {
            let d0 = delta + o * ld, d1 = d0 + ld, d2 = d1 + ld, d3 = d2 + ld
            let g0 = gw + o * inW, g1 = g0 + inW, g2 = g1 + inW, g3 = g2 + inW
            var i = 0
            while i + 2 <= inW {
                let x0 = x + i * ld, x1 = x0 + ld
                var s00 = SIMD8<T>(), s01 = SIMD8<T>(), s10 = SIMD8<T>(), s11 = SIMD8<T>()
                var s20 = SIMD8<T>(), s21 = SIMD8<T>(), s30 = SIMD8<T>(), s31 = SIMD8<T>()
                var s = 0
                while s < cols {
                    let u = load8(x0 + s), v = load8(x1 + s)
                    let e0 = load8(d0 + s), e1 = load8(d1 + s), e2 = load8(d2 + s), e3 = load8(d3 + s)
                    madd(&s00, e0, u); madd(&s01, e0, v); madd(&s10, e1, u); madd(&s11, e1, v)
                    madd(&s20, e2, u); madd(&s21, e2, v); madd(&s30, e3, u); madd(&s31, e3, v)
                    s += 8
                }
                let top = sum4(s00, s01, s10, s11), bottom = sum4(s20, s21, s30, s31)
                g0[i] = top[0]; g0[i + 1] = top[1]; g1[i] = top[2]; g1[i + 1] = top[3]
                g2[i] = bottom[0]; g2[i + 1] = bottom[1]; g3[i] = bottom[2]; g3[i + 1] = bottom[3]
                i += 2
            }
            if i < inW {
                let x0 = x + i * ld
                var s0 = SIMD8<T>(), s1 = SIMD8<T>(), s2 = SIMD8<T>(), s3 = SIMD8<T>()
                var s = 0
                while s < cols {
                    let u = load8(x0 + s)
                    madd(&s0, load8(d0 + s), u); madd(&s1, load8(d1 + s), u)
                    madd(&s2, load8(d2 + s), u); madd(&s3, load8(d3 + s), u)
                    s += 8
                }
                let sums = sum4(s0, s1, s2, s3)
                g0[i] = sums[0]; g1[i] = sums[1]; g2[i] = sums[2]; g3[i] = sums[3]
            }
            o += 4
        }
        while o < outW {
            let d = delta + o * ld, g = gw + o * inW
            var i = 0
            while i + 4 <= inW {
                let x0 = x + i * ld, x1 = x0 + ld, x2 = x1 + ld, x3 = x2 + ld
                var s0 = SIMD8<T>(), s1 = SIMD8<T>(), s2 = SIMD8<T>(), s3 = SIMD8<T>()
                var s = 0
                while s < cols {
                    let dv = load8(d + s)
                    madd(&s0, dv, load8(x0 + s)); madd(&s1, dv, load8(x1 + s))
                    madd(&s2, dv, load8(x2 + s)); madd(&s3, dv, load8(x3 + s))
                    s += 8
                }
                let sums = sum4(s0, s1, s2, s3)
                g[i] = sums[0]; g[i + 1] = sums[1]; g[i + 2] = sums[2]; g[i + 3] = sums[3]
                i += 4
            }
            if i + 2 <= inW {
                // Two sums, each split over even and odd 8-sample chunks: four chains of adds.
                let x0 = x + i * ld, x1 = x0 + ld
                var s0 = SIMD8<T>(), s1 = SIMD8<T>(), t0 = SIMD8<T>(), t1 = SIMD8<T>()
                var s = 0
                while s + 16 <= cols {
                    let dv = load8(d + s), dw = load8(d + s + 8)
                    madd(&s0, dv, load8(x0 + s)); madd(&s1, dv, load8(x1 + s))
                    madd(&t0, dw, load8(x0 + s + 8)); madd(&t1, dw, load8(x1 + s + 8))
                    s += 16
                }
                if s < cols { let dv = load8(d + s); madd(&s0, dv, load8(x0 + s)); madd(&s1, dv, load8(x1 + s)) }
                g[i] = sum1(s0 + t0); g[i + 1] = sum1(s1 + t1)
                i += 2
            }
            if i < inW { g[i] = dot(d, x + i * ld, count: cols) }
            o += 1
        }
    }

    /// The lane sums of four vectors at once, by halving (two adds of halves,
    /// then pairwise even/odd adds): `SIMD8.sum()` adds its lanes one after the
    /// other, which made the narrow layers' weight gradient most of W2's time.
    @inline(__always)
    static func sum4<T: Scalar>(_ a: SIMD8<T>, _ b: SIMD8<T>, _ c: SIMD8<T>, _ d: SIMD8<T>) -> SIMD4<T> {
        let a4 = a.lowHalf + a.highHalf, b4 = b.lowHalf + b.highHalf
        let c4 = c.lowHalf + c.highHalf, d4 = d.lowHalf + d.highHalf
        let ab = SIMD8(lowHalf: a4, highHalf: b4), cd = SIMD8(lowHalf: c4, highHalf: d4)
        let ab2 = ab.evenHalf + ab.oddHalf, cd2 = cd.evenHalf + cd.oddHalf   // a01 a23 b01 b23, c…, d…
        let abcd = SIMD8(lowHalf: ab2, highHalf: cd2)
        return abcd.evenHalf + abcd.oddHalf
    }

    /// The lane sum of one vector by halving (3 adds deep instead of 7).
    @inline(__always)
    static func sum1<T: Scalar>(_ v: SIMD8<T>) -> T {
        let h = v.lowHalf + v.highHalf, q = h.lowHalf + h.highHalf
        return q[0] + q[1]
    }

    /// `gb[o] = Σ_s δ[o, s]`, four rows at a time (one running sum per row
    /// would wait on the previous add at every step).
    @inline(__always)
    static func biasGradient<T: Scalar>(delta: UnsafePointer<T>, ld: Int, cols: Int, outW: Int, gb: UnsafeMutablePointer<T>) {
        var o = 0
        while o + 4 <= outW {
            let d0 = delta + o * ld, d1 = d0 + ld, d2 = d1 + ld, d3 = d2 + ld
            var s0 = SIMD8<T>(), s1 = SIMD8<T>(), s2 = SIMD8<T>(), s3 = SIMD8<T>()
            var s = 0
            while s < cols { s0 += load8(d0 + s); s1 += load8(d1 + s); s2 += load8(d2 + s); s3 += load8(d3 + s); s += 8 }
            let sums = sum4(s0, s1, s2, s3)
            gb[o] = sums[0]; gb[o + 1] = sums[1]; gb[o + 2] = sums[2]; gb[o + 3] = sums[3]
            o += 4
        }
        while o < outW { gb[o] = sum(delta + o * ld, count: cols); o += 1 }
    }

    /// `dst[c, r] = src[r, c]` for `r < rows`, `c < cols`: writes run along `dst`'s
    /// rows, reads gather down `src`'s columns (both matrices are small enough for L1).
    /// Wrapping index arithmetic: with overflow checks, W3's transposes took 7 % of its time.
    @inline(__always)
    static func transpose<T: Scalar>(_ src: UnsafePointer<T>, rows: Int, cols: Int, lds: Int,
                                     into dst: UnsafeMutablePointer<T>, ldd: Int) {
        for c in 0..<cols {
            let d = dst + c &* ldd, s = src + c
            for r in 0..<rows { d[r] = s[r &* lds] }
        }
    }

    /// `a = φ(z)` over `rows` sample-wide rows, the choice of φ made once, as
    /// plain loops the compiler vectorises (ReLU, tanh and the sigmoid through `VectorMath`).
    /// When the rows are exactly `cols` apart (a training batch that fills its workspace),
    /// all rows run as one loop: W2's six 16-sample rows were six loops with six prologues.
    @inline(__always)
    static func activate<T: Scalar>(_ activation: Activation, _ z: UnsafePointer<T>, _ a: UnsafeMutablePointer<T>,
                                    rows: Int, cols: Int, ld: Int) {
        let (loops, length) = cols == ld ? (1, rows * cols) : (rows, cols)
        for r in 0..<loops {
            let zr = z + r * ld, ar = a + r * ld, cols = length
            switch activation {
            case .relu: for j in 0..<cols { let v = zr[j]; ar[j] = v > 0 ? v : 0 }
            case .tanh: for j in 0..<cols { ar[j] = T.vtanh(zr[j]) }
            case .sigmoid: for j in 0..<cols { ar[j] = T.vsigmoid(zr[j]) }
            case .linear: ar.update(from: zr, count: cols)
            default: for j in 0..<cols { ar[j] = activation.value(zr[j]) }
            }
        }
    }

    /// `g ⊙= φ'(z)` over `rows` sample-wide rows, the choice of φ made once (as in `activate`).
    /// With `outer` = (w, δ), a layer with one output: `g[r, :] = (w[r] · δ[0, :]) ⊙ φ'` — the
    /// input gradient Wᵀδ of a depth-1 product and the derivative in one pass instead of two
    /// (every binary classifier's last hidden layer; same roundings as product-then-derivative).
    @inline(__always)
    static func multiplyDerivative<T: Scalar>(_ activation: Activation, _ z: UnsafePointer<T>, _ a: UnsafePointer<T>,
                                              _ g: UnsafeMutablePointer<T>, rows: Int, cols: Int, ld: Int,
                                              outer: (weights: UnsafePointer<T>, delta: UnsafePointer<T>)? = nil) {
        let (loops, length) = cols == ld && outer == nil ? (1, rows * cols) : (rows, cols)
        for r in 0..<loops {
            let zr = z + r * ld, ar = a + r * ld, gr = g + r * ld, cols = length
            // g = (w · src) ⊙ φ': src is δ with `outer`, else g itself with w = 1 (exact).
            let w = outer?.weights[r] ?? 1, src = outer?.delta ?? UnsafePointer(gr)
            switch activation {
            case .relu: for j in 0..<cols { gr[j] = zr[j] > 0 ? w * src[j] : 0 }
            case .tanh: for j in 0..<cols { gr[j] = w * src[j] * (1 - ar[j] * ar[j]) }
            case .sigmoid: for j in 0..<cols { gr[j] = w * src[j] * (ar[j] * (1 - ar[j])) }
            case .linear: if outer != nil { for j in 0..<cols { gr[j] = w * src[j] } }
            default: for j in 0..<cols { gr[j] = w * src[j] * activation.derivative(z: zr[j], a: ar[j]) }
            }
        }
    }

    /// `Σ a[s] · b[s]` over `count` (a multiple of 8) values, 8 × 4 partial sums at a time.
    @inline(__always)
    static func dot<T: Scalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, count: Int) -> T {
        var a0 = SIMD8<T>(), a1 = SIMD8<T>(), a2 = SIMD8<T>(), a3 = SIMD8<T>()
        var i = 0
        while i + 32 <= count {
            madd(&a0, load8(a + i), load8(b + i)); madd(&a1, load8(a + i + 8), load8(b + i + 8))
            madd(&a2, load8(a + i + 16), load8(b + i + 16)); madd(&a3, load8(a + i + 24), load8(b + i + 24))
            i += 32
        }
        while i < count { madd(&a0, load8(a + i), load8(b + i)); i += 8 }
        return sum1((a0 + a1) + (a2 + a3))
    }

    /// `Σ p[0..<count]`, 8 × 4 partial sums at a time.
    @inline(__always)
    static func sum<T: Scalar>(_ p: UnsafePointer<T>, count: Int) -> T {
        var a0 = SIMD8<T>(), a1 = SIMD8<T>(), a2 = SIMD8<T>(), a3 = SIMD8<T>()
        var i = 0
        while i + 32 <= count {
            a0 += load8(p + i); a1 += load8(p + i + 8); a2 += load8(p + i + 16); a3 += load8(p + i + 24)
            i += 32
        }
        while i + 8 <= count { a0 += load8(p + i); i += 8 }
        var total = sum1((a0 + a1) + (a2 + a3))
        while i < count { total += p[i]; i += 1 }
        return total
    }
}
