import Foundation
import Testing
@testable import Backprop

/// The vectorisable exp/tanh/sigmoid/log1p of `VectorMath` against libm, in ulps of the
/// correctly rounded result (for Float the reference is computed in Double and rounded).
@Suite struct VectorMathTests {
    /// Points spread over `range`, plus the values near zero where relative error is hardest.
    static func points(_ range: ClosedRange<Double>, count: Int = 20_001) -> [Double] {
        let step = (range.upperBound - range.lowerBound) / Double(count - 1)
        let tiny = [1e-30, 1e-12, 1e-7, 1e-4, 0.01, 0.2499, 0.25, 0.2501].flatMap { [$0, -$0] }
        return (0..<count).map { range.lowerBound + Double($0) * step } + tiny.filter(range.contains)
    }

    static func worstUlps<T: Scalar>(_ type: T.Type, _ range: ClosedRange<Double>, _ f: (T) -> T, _ exact: (Double) -> Double) -> Double {
        var worst = 0.0
        for x in points(range) {
            let input = T(x)
            let reference = T(exact(Double(input)))
            let error = abs(Double(f(input)) - Double(reference)) / Double(max(reference.ulp, T.leastNormalMagnitude))
            worst = max(worst, error)
        }
        return worst
    }

    @Test func floatFunctionsAreWithinAFewUlps() {
        #expect(Self.worstUlps(Float.self, -80...80, Float.vexp, Foundation.exp) <= 2)
        // A rational fit (see Float.vtanh): 6 ulp worst, near |x| ≈ 7 where tanh ≈ 1 − 1e-6.
        #expect(Self.worstUlps(Float.self, -30...30, Float.vtanh, Foundation.tanh) <= 8)
        #expect(Self.worstUlps(Float.self, -30...30, Float.vsigmoid, { 1 / (1 + Foundation.exp(-$0)) }) <= 4)
        #expect(Self.worstUlps(Float.self, 0...1, Float.vlog1pUnit, Foundation.log1p) <= 2)
    }

    @Test func doubleFunctionsAreWithinAFewUlps() {
        #expect(Self.worstUlps(Double.self, -700...700, Double.vexp, Foundation.exp) <= 2)
        #expect(Self.worstUlps(Double.self, -30...30, Double.vtanh, Foundation.tanh) <= 4)
        #expect(Self.worstUlps(Double.self, -30...30, Double.vsigmoid, { 1 / (1 + Foundation.exp(-$0)) }) <= 4)
        #expect(Self.worstUlps(Double.self, 0...1, Double.vlog1pUnit, Foundation.log1p) <= 2)
    }

    @Test func sigmoidLossIsFiniteAndMatchesTheDefinition() {
        for z in stride(from: -1000.0, through: 1000.0, by: 0.5) {
            for y in [0.0, 1.0] {
                let loss = Double.vsigmoidLoss(z, target: y)
                let exact = max(z, 0) + Foundation.log1p(Foundation.exp(-abs(z))) - y * z
                #expect(loss.isFinite)
                #expect(abs(loss - exact) <= 4 * max(exact.ulp, abs(z).ulp, 1e-300), "z \(z) y \(y): \(loss) vs \(exact)")
            }
        }
    }

    @Test func tanhIsExactAtZeroOddAndSaturates() {
        for x: Float in [0, 1e-30, 1e-10, 0.3, 2, 8.9, 9.1, 50, .greatestFiniteMagnitude, .infinity] {
            #expect(Float.vtanh(-x) == -Float.vtanh(x))
            #expect(abs(Float.vtanh(x)) <= 1)
        }
        #expect(Float.vtanh(1e-30) == 1e-30 && Double.vtanh(1e-300) == 1e-300)
        #expect(Float.vtanh(.infinity) == 1 && Double.vtanh(-.infinity) == -1)
    }

    @Test func notANumberStaysNotANumber() {
        #expect(Float.vtanh(.nan).isNaN)
        #expect(Double.vexp(.nan).isNaN)
        #expect(Float.vsigmoid(.nan).isNaN)
    }
}
