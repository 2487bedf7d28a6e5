/// A seedable random source: xoshiro256** (Blackman & Vigna, 2018), seeded
/// by expanding a 64-bit seed with SplitMix64, as its authors recommend.
///
/// Why our own: Swift's `SystemRandomNumberGenerator` cannot be seeded, and
/// the same experiment and seed must give the same numbers bit for bit on
/// every run, in the library, the command line, a sweep and the page. The
/// algorithm is fixed here and documented so that a file's seed keeps its
/// meaning across versions.
///
/// - `uniform()` takes the top 53 bits of one output: a Double in [0, 1).
/// - `normal()` is Box–Muller on two uniforms; both results are used
///   (the second is kept for the next call).
/// - `int(below:)` is Lemire's unbiased multiply-and-reject method.
/// - `shuffle` is Fisher–Yates from the last element down, drawing `int(below: i + 1)`.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    public mutating func next() -> UInt64 {
        let result = RandomSource.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = RandomSource.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

    /// Standard normal N(0, 1).
    public mutating func normal() -> Double {
        if let z = spareNormal { spareNormal = nil; return z }
        var u1 = uniform()
        while u1 == 0 { u1 = uniform() }
        let u2 = uniform()
        let r = (-2 * Double.log(u1)).squareRoot()
        let t = 2 * Double.pi * u2
        spareNormal = r * Double.sin(t)
        return r * Double.cos(t)
    }

    /// Normal with the given mean and standard deviation.
    public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * normal()
    }

    /// Uniform integer in 0..<n (n > 0).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "int(below:) needs a positive bound")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Shuffles in place (Fisher–Yates).
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ c: inout C) where C.Index == Int {
        guard c.count > 1 else { return }
        var i = c.count - 1
        while i > 0 {
            let j = int(below: i + 1)
            c.swapAt(c.startIndex + i, c.startIndex + j)
            i -= 1
        }
    }

    /// A permutation of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }
}
