import Backprop

/// numpy's legacy `RandomState` (MT19937), as far as scikit-learn's
/// `make_moons`, `make_circles` and `train_test_split` use it.
///
/// Why: the sheet's data is `make_moons(500, noise=0.2, random_state=42)`
/// split by `train_test_split(test_size=0.3, random_state=42)`. With this
/// generator `backprop train` trains on exactly those 350 points and tests on
/// exactly those 150 (checked against the reference fixture), so its numbers
/// are comparable with the sheet's, not just similar in distribution.
///
/// - seeding: `init_genrand(seed)` (numpy's `mt19937_seed`);
/// - `uniform()`: 53-bit `genrand_res53`;
/// - `gauss()`: the Marsaglia polar method, caching the second value (numpy's `legacy_gauss`);
/// - `interval(max)`: masked rejection on 32-bit draws (numpy's `random_interval`);
/// - `shuffle`: Fisher–Yates from the end with `interval(i)`.
struct NumpyRandomState {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 624
    private var cachedGauss: Double?

    init(seed: UInt32) {
        mt[0] = seed
        for i in 1..<624 { mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i) }
    }

    mutating func nextUInt32() -> UInt32 {
        if index >= 624 {
            for i in 0..<624 {
                let y = (mt[i] & 0x8000_0000) | (mt[(i + 1) % 624] & 0x7fff_ffff)
                mt[i] = mt[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_b0df)
            }
            index = 0
        }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    mutating func uniform() -> Double {
        let a = Double(nextUInt32() >> 5), b = Double(nextUInt32() >> 6)
        return (a * 67_108_864 + b) / 9_007_199_254_740_992
    }

    mutating func gauss() -> Double {
        if let g = cachedGauss { cachedGauss = nil; return g }
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2 * uniform() - 1
            x2 = 2 * uniform() - 1
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1 || r2 == 0
        let f = (-2 * Double.log(r2) / r2).squareRoot()
        cachedGauss = f * x1
        return f * x2
    }

    mutating func interval(_ max: UInt32) -> UInt32 {
        guard max > 0 else { return 0 }
        var mask = max
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16
        while true {
            let v = nextUInt32() & mask
            if v <= max { return v }
        }
    }

    mutating func permutation(_ n: Int) -> [Int] {
        var a = Array(0..<n)
        var i = n - 1
        while i > 0 {
            let j = Int(interval(UInt32(i)))
            a.swapAt(i, j)
            i -= 1
        }
        return a
    }
}
