/// Sine and cosine of a `Double`, correctly rounded and the same bits in every build.
///
/// The C libraries differ here: glibc's `sin`/`cos` are within an ulp but an ulp off for about
/// 0.3 % of arguments, musl's (the WebAssembly build's wasi-libc) are FreeBSD's, off elsewhere.
/// The data sets' angles (moons, circles, the spiral), Box–Muller normals, `sin(x1)` features,
/// the sine activation and the cosine schedule go through these, so a one-ulp difference made
/// the page in the browser train another run than the command line. Here both builds compute
/// the same thing in plain floating-point operations (no fused multiply-add, which only some
/// targets have): the angle reduced by π/2 in four parts, sine and cosine of the remainder as
/// nested Taylor series in double-double arithmetic (about 90 bits), then one rounding — the
/// correctly rounded result unless the true value lies within 2⁻⁸⁶ of a rounding boundary.
/// It costs about ten times the C library's; no hot loop but the sine activation calls it.
///
/// Beyond |x| ≥ 2²⁰·π/2 (the reduction's exact range) the C library's function is used.
@usableFromInline enum SineCosine {
    /// (hi, lo) with |lo| ≤ ulp(hi)/2: a number of about 106 bits.
    typealias DD = (hi: Double, lo: Double)

    @inline(__always) static func twoSum(_ a: Double, _ b: Double) -> DD {
        let s = a + b, bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    /// Dekker's exact product without a fused multiply-add: each factor split in halves of 26 bits.
    @inline(__always) static func twoProduct(_ a: Double, _ b: Double) -> DD {
        let p = a * b
        let ca = 134_217_729.0 * a, cb = 134_217_729.0 * b
        let ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh
        return (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    }

    @inline(__always) static func add(_ a: DD, _ b: DD) -> DD {
        let s = twoSum(a.hi, b.hi)
        return normalized(s.hi, s.lo + a.lo + b.lo)
    }

    @inline(__always) static func multiply(_ a: DD, _ b: DD) -> DD {
        let p = twoProduct(a.hi, b.hi)
        return normalized(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi))
    }

    /// `a / d` for a small whole number `d` (exact as a Double).
    @inline(__always) static func divide(_ a: DD, _ d: Double) -> DD {
        let q = a.hi / d
        let p = twoProduct(q, d)
        return normalized(q, ((a.hi - p.hi) - p.lo + a.lo) / d)
    }

    @inline(__always) static func normalized(_ hi: Double, _ lo: Double) -> DD {
        let s = hi + lo
        return (s, lo - (s - hi))
    }

    // π/2 as four parts, the first three of 33 bits so that k × part is exact for k < 2²⁰
    // (fdlibm's pio2_1, pio2_2, pio2_3 and pio2_3t).
    static let halfPi1 = 1.57079632673412561417e+00
    static let halfPi2 = 6.07710050630396597660e-11
    static let halfPi3 = 2.02226624871116645580e-21
    static let halfPi4 = 8.47842766036889956997e-32
    static let reductionLimit = 1_647_099.0   // 2²⁰ · π/2

    /// x − k·π/2 as a double-double, k the nearest whole number to x·2/π.
    static func reduce(_ x: Double) -> (r: DD, k: Int) {
        let k = (x * 0.63661977236758134308).rounded()
        var r = twoSum(x, -k * halfPi1)
        r = add(r, (-k * halfPi2, 0))
        r = add(r, (-k * halfPi3, 0))
        r = add(r, twoProduct(-k, halfPi4))
        return (r, Int(k))
    }

    /// sin r and cos r for |r| ≤ π/4: r(1 − r²/(2·3)(1 − r²/(4·5)(…))) and 1 − r²/(1·2)(1 − r²/(3·4)(…));
    /// 14 terms leave less than 2⁻¹⁰⁵ of either.
    static func sinCos(_ r: DD) -> (sin: DD, cos: DD) {
        let r2 = multiply(r, r)
        var s: DD = (1, 0), c: DD = (1, 0)
        for n in stride(from: 14, through: 1, by: -1) {
            let m = Double(n)
            let u = divide(multiply(s, r2), 2 * m * (2 * m + 1)), t = divide(multiply(c, r2), (2 * m - 1) * (2 * m))
            s = add((1, 0), (-u.hi, -u.lo))
            c = add((1, 0), (-t.hi, -t.lo))
        }
        return (multiply(r, s), c)
    }

    @usableFromInline static func sin(_ x: Double) -> Double {
        guard x.isFinite, abs(x) < reductionLimit else { return cSin(x) }
        if abs(x) < 0x1p-26 { return x }
        let (r, k) = reduce(x)
        let (s, c) = sinCos(r)
        switch k & 3 {
        case 0: return s.hi + s.lo
        case 1: return c.hi + c.lo
        case 2: return -(s.hi + s.lo)
        default: return -(c.hi + c.lo)
        }
    }

    @usableFromInline static func cos(_ x: Double) -> Double {
        guard x.isFinite, abs(x) < reductionLimit else { return cCos(x) }
        if abs(x) < 0x1p-27 { return 1 }
        let (r, k) = reduce(x)
        let (s, c) = sinCos(r)
        switch k & 3 {
        case 0: return c.hi + c.lo
        case 1: return -(s.hi + s.lo)
        case 2: return -(c.hi + c.lo)
        default: return s.hi + s.lo
        }
    }

    // ln 2 as a double-double.
    static let ln2: DD = (0.6931471805599453, 2.3190468138462996e-17)

    /// 1/d for a small whole number d, as a double-double.
    @inline(__always) static func reciprocal(_ d: Double) -> DD {
        let q = 1 / d
        let p = twoProduct(q, d)
        return normalized(q, ((1 - p.hi) - p.lo) / d)
    }

    /// The natural logarithm, correctly rounded in the same sense (the same reasons: musl's and
    /// glibc's differ in the last bit, and scikit-learn's noise, the normal initialisers and the
    /// cross-entropy go through it). x = 2ᵉ·m with m in [√½, √2); ln m = 2 atanh s, s = (m − 1)/(m + 1),
    /// |s| ≤ 0.172, by its series to s⁴¹ in double-double; plus e·ln 2.
    @usableFromInline static func log(_ x: Double) -> Double {
        guard x.isFinite, x > 0, x.isNormal else { return cLog(x) }
        var e = Double(x.exponent), m = x.significand
        if m > 1.4142135623730951 { m /= 2; e += 1 }
        let numerator = m - 1, denominator = twoSum(m, 1)
        let q = numerator / denominator.hi
        let p = twoProduct(q, denominator.hi)
        let sdd = normalized(q, (((numerator - p.hi) - p.lo) - q * denominator.lo) / denominator.hi)
        let s2 = multiply(sdd, sdd)
        var t = reciprocal(41)
        for n in stride(from: 19, through: 0, by: -1) { t = add(reciprocal(Double(2 * n + 1)), multiply(s2, t)) }
        let lnM = multiply(sdd, t)
        let eLn2 = add(twoProduct(e, ln2.hi), (e * ln2.lo, 0))
        let r = add(eLn2, (2 * lnM.hi, 2 * lnM.lo))
        return r.hi + r.lo
    }
}
