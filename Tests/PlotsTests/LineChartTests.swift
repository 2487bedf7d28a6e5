import Foundation
import Testing
@testable import Plots

/// A log axis always carries at least two labelled ticks: the powers of ten when it spans them,
/// finer steps when it lies within a decade.
@Suite struct LineChartTests {
    func ticks(_ lo: Double, _ hi: Double) -> [Double] {
        LineChart.logTicks(min: log10(lo), max: log10(hi)).map { (pow(10, $0) * 1000).rounded() / 1000 }
    }

    @Test func logTicksArePowersOfTenAcrossDecadesAndFinerWithinOne() {
        #expect(ticks(0.01, 50) == [0.01, 0.1, 1, 10])
        #expect(ticks(0.17, 0.76) == [0.2, 0.5])
        #expect(ticks(0.23, 0.74) == [0.3, 0.4, 0.5, 0.6, 0.7])
        #expect(ticks(3, 3) == [3])
        #expect(LineChart.logTicks(min: .nan, max: 1).isEmpty)
        #expect(LineChart.logTicks(min: 2, max: 1).isEmpty)
    }
}
