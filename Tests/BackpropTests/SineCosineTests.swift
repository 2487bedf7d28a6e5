import Foundation
import Testing
@testable import Backprop

/// `Double.sin`/`cos` are Backprop's own (SineCosine.swift), the same bits in the native and the
/// WebAssembly build, and correctly rounded: glibc's are not always (0.3 % of arguments in
/// [−40, 40] differ from the correctly rounded value by an ulp), musl's less often still.
@Suite struct SineCosineTests {
    static func ulps(_ a: Double, _ b: Double) -> Int {
        a == b ? 0 : Int(abs(Int64(bitPattern: a.bitPattern) &- Int64(bitPattern: b.bitPattern)))
    }

    /// Correctly rounded values (mpmath at 200 bits); the first four are where glibc is an ulp off.
    @Test func correctlyRounded() {
        let cases: [(x: Double, sin: Double, cos: Double)] = [
            (1.454324454868221, 0.9932248158973744, 0.11620871346687638),
            (1.8257752896614028, 0.9676686019947848, -0.25222505171663406),
            (5.189911063730339, -0.8881364488135444, 0.4595798606214881),
            (0.1823947686768849, 0.18138513587265107, 0.9834121376536187),
            (3.141592653589793, 1.2246467991473532e-16, -1.0),
            (2.356194490192345, 0.7071067811865476, -0.7071067811865475),
            (17.27, -0.9999616349952765, -0.008759482722945482),
        ]
        for c in cases {
            #expect(SineCosine.sin(c.x) == c.sin && SineCosine.cos(c.x) == c.cos, "x = \(c.x): \(SineCosine.sin(c.x)), \(SineCosine.cos(c.x))")
        }
    }

    @Test func withinAnUlpOfTheCLibrary() {
        var r = RandomSource(seed: 11)
        var worst = 0
        for _ in 0..<200_000 {
            let x = r.uniform(-40, 40)
            worst = max(worst, Self.ulps(SineCosine.sin(x), Foundation.sin(x)), Self.ulps(SineCosine.cos(x), Foundation.cos(x)))
        }
        #expect(worst <= 1, "largest difference \(worst) ulps")
    }

    @Test func specialValues() {
        #expect(SineCosine.sin(0) == 0 && SineCosine.sin(-0.0).sign == .minus && SineCosine.cos(0) == 1)
        #expect(SineCosine.sin(.infinity).isNaN && SineCosine.cos(.nan).isNaN)
        #expect(SineCosine.sin(1e-300) == 1e-300)
        #expect(SineCosine.sin(1e7) == Foundation.sin(1e7))   // beyond the reduction's range: the C library's
    }

    @Test func theLogarithmIsCorrectlyRounded() {
        // mpmath at 200 bits.
        #expect(SineCosine.log(2) == 0.6931471805599453 && SineCosine.log(1) == 0 && SineCosine.log(0.1) == -2.3025850929940455)
        #expect(SineCosine.log(1e-300) == -690.7755278982137 && SineCosine.log(0.7) == -0.35667494393873245)
        #expect(SineCosine.log(0) == -.infinity && SineCosine.log(-1).isNaN && SineCosine.log(.infinity) == .infinity)
        var r = RandomSource(seed: 12)
        var worst = 0
        for _ in 0..<100_000 {
            let x = Double.exp(r.uniform(-30, 30))
            worst = max(worst, Self.ulps(SineCosine.log(x), Foundation.log(x)))
        }
        #expect(worst <= 1, "largest difference from the C library's \(worst) ulps")
    }
}
