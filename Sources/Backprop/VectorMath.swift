/// exp, tanh, the sigmoid and the softplus tail written so that a loop over
/// an array of them compiles to vector instructions.
///
/// Why not libm: in the sample-wide kernels (see `Kernels`) the tanh of a
/// 2-10-1 network and the head's sigmoid and loss are most of the work once
/// the matrix products are vectorised, and glibc's `tanhf`/`expf`/`log1pf` are
/// calls (~5–20 ns each) that no loop vectoriser can see through. These are
/// straight-line polynomial forms — Cephes' `expf` coefficients for Float, a
/// degree-13 Taylor polynomial for Double on |r| ≤ ln2/2, exponent bits set by
/// integer arithmetic, choices made by selects rather than branches — so LLVM
/// turns `for j in … { a[j] = T.vtanh(z[j]) }` into 4-, 8- or 16-lane code,
/// whatever the target offers. (Swift's `SIMD` comparisons and
/// `replacing(with:where:)` were measured to compile to a scalar loop per lane
/// — 70 % of W1's time — which is why these are scalar functions in loops.)
/// Accuracy against libm is tested (VectorMathTests): a few ulp.
public protocol VectorMath: BinaryFloatingPoint {
    /// e^x as `scale · (1 + q)`: x = n·ln2 + r with |r| ≤ ln2/2, scale = 2ⁿ, q = e^r − 1 by a
    /// polynomial; x is clamped to the normal range (no overflow to ∞, no subnormals).
    static func vexpParts(_ x: Self) -> (q: Self, scale: Self)
    /// log(1 + u) for 0 ≤ u ≤ 1 (the softplus tail log(1 + e^(−|z|))).
    static func vlog1pUnit(_ u: Self) -> Self
    /// tanh(x); saturates to ±1 without overflow.
    static func vtanh(_ x: Self) -> Self
}

extension VectorMath {
    /// a·b + c: one fused operation (one rounding) when the package is built with the `FMA`
    /// trait (docs/performance.md, "Fast build"), else a multiply and an add — without hardware FMA the
    /// fused form is a library call per lane, so it is opt-in.
    @inlinable @inline(__always)
    public static func mulAdd(_ a: Self, _ b: Self, _ c: Self) -> Self {
        #if FMA
        return c.addingProduct(a, b)
        #else
        return a * b + c
        #endif
    }

    /// e^x.
    @inlinable @inline(__always)
    public static func vexp(_ x: Self) -> Self {
        let (q, scale) = vexpParts(x)
        return (q + 1) * scale
    }

    /// σ(z) = 1/(1 + e^{−z}), without overflow for large |z|.
    @inlinable @inline(__always)
    public static func vsigmoid(_ z: Self) -> Self {
        let u = vexp(-z.magnitude)            // e^{−|z|} ∈ (0, 1]
        let r = 1 / (1 + u)
        return z < 0 ? u * r : r
    }

    /// The loss softplus(z) − y·z of a sigmoid unit with target y (binary cross-entropy from the logit).
    @inlinable @inline(__always)
    public static func vsigmoidLoss(_ z: Self, target y: Self) -> Self {
        Swift.max(z, 0) + vlog1pUnit(vexp(-z.magnitude)) - y * z
    }
}

extension Float: VectorMath {
    /// tanh(x) = x·P(x²)/Q(x²), P and Q of degree 4, on |x| ≤ 9 (beyond, tanh rounds to 1).
    /// Why not the exp form: its chain of ~25 dependent operations keeps too few loop
    /// iterations in flight, and tanh is half of W1's time (`backprop-bench` shows both).
    /// The coefficients are our own fit (scripts/fit_tanh.py: iteratively reweighted least
    /// squares on the relative error, 2.1e-8 max over [0, 9]); evaluated in Float the
    /// result is within 6 ulp (tested at ≤ 8), the largest near |x| ≈ 7 where tanh ≈ 1 − 1e-6.
    @inlinable @inline(__always)
    public static func vtanh(_ x: Float) -> Float {
        let a = Swift.min(x.magnitude, 9), s = a * a
        var p: Float = 1.3354748473748401e-08
        p = mulAdd(p, s, 2.060915359249852e-05); p = mulAdd(p, s, 0.003495592835057611)
        p = mulAdd(p, s, 0.13381029734643626); p = mulAdd(p, s, 0.99999997948264)
        var q: Float = 7.776596401554148e-07
        q = mulAdd(q, s, 0.00032856422505210054); q = mulAdd(q, s, 0.02587700050949247)
        q = mulAdd(q, s, 0.46714345336335417); q = mulAdd(q, s, 1)
        // tanh(9) = 1 − 3e-8 already rounds to 1 in Float: say so exactly from there on.
        return Float(signOf: x, magnitudeOf: a >= 9 ? 1 : a * (p / q))   // NaN falls through to NaN
    }

    @inlinable @inline(__always)
    public static func vexpParts(_ x: Float) -> (q: Float, scale: Float) {
        let x = Swift.max(Swift.min(x, 88), -87)
        // n = round(x / ln 2) by the 1.5·2²³ trick; the low bits of t are then n itself.
        let magic: Float = 12582912
        let t = x * 1.44269504088896341 + magic
        let n = t - magic
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = mulAdd(p, r, 1.3981999507e-3)
        p = mulAdd(p, r, 8.3334519073e-3)
        p = mulAdd(p, r, 4.1665795894e-2)
        p = mulAdd(p, r, 1.6666665459e-1)
        p = mulAdd(p, r, 5.0000001201e-1)
        let k = t.bitPattern &- magic.bitPattern
        return (mulAdd(p * r, r, r), Float(bitPattern: (k &+ 127) &<< 23))
    }

    /// log(1+u) = 2·atanh(s), s = u/(2+u) ∈ [0, 1/3]: terms to s¹⁵ reach Float precision.
    @inlinable @inline(__always)
    public static func vlog1pUnit(_ u: Float) -> Float {
        let s = u / (u + 2), s2 = s * s
        var p: Float = 1.0 / 15
        p = mulAdd(p, s2, 1.0 / 13); p = mulAdd(p, s2, 1.0 / 11); p = mulAdd(p, s2, 1.0 / 9)
        p = mulAdd(p, s2, 1.0 / 7); p = mulAdd(p, s2, 1.0 / 5); p = mulAdd(p, s2, 1.0 / 3)
        return 2 * (s + s * s2 * p)
    }
}

extension Double: VectorMath {
    /// tanh(x) = (e^{2a} − 1)/(e^{2a} + 1) for a = |x|, with e^{2a} = 2ⁿ·(q + p)/(q − p) from
    /// Cephes' rational exp (a = n·ln2/2 + s, p = 2s·P(4s²), q = Q(4s²), |s| ≤ ln2/4). Multiplied
    /// out, tanh a = [(2ⁿ − 1)q + (2ⁿ + 1)p] / [(2ⁿ + 1)q + (2ⁿ − 1)p]; with h = (2ⁿ − 1)/2 and the
    /// coefficients doubled (exactly), that is (p + h·u)/(q + h·u), u = p + q: one division,
    /// no cancellation at small |x| (n = 0 gives h = 0 and p/q), and two multiplies fewer than
    /// the products of 2ⁿ ± 1, on a chain that is most of W1's Float64 time. The reduction is of
    /// a by ln2/2, its factors of two folded into the coefficients, so 2a is never formed.
    /// Within 4 ulp of libm
    /// (VectorMathTests; 3.8 ulp worst against an 80-bit tanh); a is capped at 20, where tanh
    /// rounds to 1.
    @inlinable @inline(__always)
    public static func vtanh(_ x: Double) -> Double {
        let magic: Double = 6755399441055744   // 1.5·2⁵², as in ln2Reduced
        let a = Swift.min(x.magnitude, 20)
        let t = mulAdd(a, 2 * 1.4426950408889634074, magic), n = t - magic
        // ln2/2 in two parts (Cody–Waite) so that n·(ln2/2)'s high part is exact without FMA.
        let s = mulAdd(n, -0.5 * 1.90821492927058770002e-10, mulAdd(n, -0.5 * 6.93147180369123816490e-01, a)), ss = s * s
        let p = s * mulAdd(mulAdd(64 * 1.26177193074810590878e-4, ss, 16 * 3.02994407707441961300e-2), ss,
                           4 * 9.99999999999999999910e-1)
        let q = mulAdd(mulAdd(mulAdd(128 * 3.00198505138664455042e-6, ss, 32 * 2.52448340349684104192e-3), ss,
                              8 * 2.27265548208155028766e-1), ss, 2 * 2.00000000000000000009e0)
        let half = Double(bitPattern: ((t.bitPattern &- magic.bitPattern) &+ 1022) &<< 52)   // 2ⁿ⁻¹
        let h = half - 0.5, u = p + q
        return Double(signOf: x, magnitudeOf: mulAdd(h, u, p) / mulAdd(h, u, q))
    }

    @inlinable @inline(__always)
    public static func vexpParts(_ x: Double) -> (q: Double, scale: Double) {
        let (r, scale) = ln2Reduced(Swift.max(Swift.min(x, 709), -708))
        // Taylor to r¹³: the remainder r¹⁴/14! < 5e-18 for |r| ≤ ln2/2. q = e^r − 1 = r·Σ r^k/(k+1)!,
        // the sum in Estrin's form (pairs, then powers r², r⁴, r⁸): 5 dependent steps instead
        // of Horner's 12, which is what a loop of these waits on.
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let e01 = mulAdd(r, 0.5, 1), e23 = mulAdd(r, 1.0 / 24, 1.0 / 6), e45 = mulAdd(r, 1.0 / 720, 1.0 / 120)
        let e67 = mulAdd(r, 1.0 / 40320, 1.0 / 5040), e89 = mulAdd(r, 1.0 / 3628800, 1.0 / 362880)
        let e1011 = mulAdd(r, 1.0 / 479001600, 1.0 / 39916800), e12 = 1.0 / 6227020800
        let low = mulAdd(r4, mulAdd(r2, e67, e45), mulAdd(r2, e23, e01))
        let high = mulAdd(r4, e12, mulAdd(r2, e1011, e89))
        let p = mulAdd(r8, high, low)
        return (p * r, scale)
    }

    /// x = n·ln2 + r with |r| ≤ ln2/2, and scale = 2ⁿ, for −708 ≤ x ≤ 709: n by the 1.5·2⁵²
    /// rounding trick (its low bits are then n itself), r with ln2 in two parts (Cody–Waite),
    /// 2ⁿ from the exponent bits (`vtanh` reduces by ln2/2 in the same way). Without the `FMA` trait
    /// `mulAdd` is the plain `a·b + c`, so the default build rounds exactly as before; with it,
    /// three fused steps come off the chain every Double exp waits on (7 % of the tanh loop when
    /// tanh was built on it, measured in isolation).
    @inlinable @inline(__always)
    static func ln2Reduced(_ x: Double) -> (r: Double, scale: Double) {
        let magic: Double = 6755399441055744   // 1.5·2⁵²
        let t = mulAdd(x, 1.4426950408889634074, magic)
        let n = t - magic
        let r = mulAdd(n, -1.90821492927058770002e-10, mulAdd(n, -6.93147180369123816490e-01, x))
        return (r, Double(bitPattern: ((t.bitPattern &- magic.bitPattern) &+ 1023) &<< 52))
    }

    /// log(1+u) = 2·atanh(s), s = u/(2+u) ∈ [0, 1/3]: terms to s³⁵ reach Double precision.
    @inlinable @inline(__always)
    public static func vlog1pUnit(_ u: Double) -> Double {
        let s = u / (u + 2), s2 = s * s
        var p: Double = 1.0 / 35
        p = mulAdd(p, s2, 1.0 / 33); p = mulAdd(p, s2, 1.0 / 31); p = mulAdd(p, s2, 1.0 / 29); p = mulAdd(p, s2, 1.0 / 27)
        p = mulAdd(p, s2, 1.0 / 25); p = mulAdd(p, s2, 1.0 / 23); p = mulAdd(p, s2, 1.0 / 21); p = mulAdd(p, s2, 1.0 / 19)
        p = mulAdd(p, s2, 1.0 / 17); p = mulAdd(p, s2, 1.0 / 15); p = mulAdd(p, s2, 1.0 / 13); p = mulAdd(p, s2, 1.0 / 11)
        p = mulAdd(p, s2, 1.0 / 9); p = mulAdd(p, s2, 1.0 / 7); p = mulAdd(p, s2, 1.0 / 5); p = mulAdd(p, s2, 1.0 / 3)
        return 2 * (s + s * s2 * p)
    }
}
