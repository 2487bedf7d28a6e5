#if hasFeature(Embedded)
import CKernels   // <math.h> (wasi-libc's in the WebAssembly build)
#else
import Foundation
#endif
import Backprop

/// Curves over a shared x axis (loss against epoch), with axes, labels and a legend.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var color: Color
        public var points: [(x: Double, y: Double)]
        public init(name: String, color: Color, points: [(x: Double, y: Double)]) {
            self.name = name; self.color = color; self.points = points
        }
    }
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Log-scale axes (base 10, ticks at powers of ten): for costs that grow by orders of magnitude.
    public var logX = false
    public var logY = false

    public init(title: String, xLabel: String, yLabel: String, series: [Series], logX: Bool = false, logY: Bool = false) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
        self.logX = logX; self.logY = logY
    }

    /// Ticks of a log axis spanning log10 values min…max: the powers of ten inside it; when fewer
    /// than two are, the 1-2-5 steps; when still fewer, every step 1…9 — so an axis within one
    /// decade still has labels.
    static func logTicks(min: Double, max: Double) -> [Double] {
        guard min.isFinite, max.isFinite, min <= max, max - min < 400 else { return [] }
        let decades = Int(min.rounded(.down))...Int(max.rounded(.up)), eps = 1e-9
        func steps(_ mantissas: [Double]) -> [Double] {
            decades.flatMap { n in mantissas.map { log10($0) + Double(n) } }.filter { $0 >= min - eps && $0 <= max + eps }
        }
        for mantissas in [[1.0], [1, 2, 5]] {
            let ticks = steps(mantissas)
            if ticks.count >= 2 { return ticks }
        }
        return steps([1, 2, 3, 4, 5, 6, 7, 8, 9])
    }

    public func drawing(width: Int = 640, height: Int = 400) -> Drawing {
        var d = Drawing(width: width, height: height)
        let left = 64.0, right = 20.0, top = 36.0, bottom = 50.0
        // On a log axis values are placed by log10 and ticks sit at powers of ten.
        func fx(_ v: Double) -> Double { logX ? log10(v) : v }
        func fy(_ v: Double) -> Double { logY ? log10(v) : v }
        let all = series.flatMap { $0.points }.filter { fx($0.x).isFinite && fy($0.y).isFinite }
        let xs = all.map { fx($0.x) }, ys = all.map { fy($0.y) }
        let yMax = (ys.max() ?? 1), yMin = logY ? (ys.min() ?? 0) : min(0, ys.min() ?? 0)
        let xa = Axis(min: xs.min() ?? 0, max: xs.max() ?? 1, pixelStart: left, pixelEnd: Double(width) - right)
        let ya = Axis(min: yMin, max: yMax + (yMax - yMin) * 0.05, pixelStart: Double(height) - bottom, pixelEnd: top)
        func logTicks(_ a: Axis) -> [Double] { Self.logTicks(min: a.min, max: a.max) }
        func label(_ t: Double, _ isLog: Bool) -> String { isLog ? Axis.label(pow(10, t)) : Axis.label(t) }
        d.text(title, Double(width) / 2, 22, anchor: .middle)
        for t in logY ? logTicks(ya) : ya.ticks() {
            d.line(left, ya.pixel(t), Double(width) - right, ya.pixel(t), color: .grid)
            d.text(label(t, logY), left - 8, ya.pixel(t) + 4, anchor: .end)
        }
        for t in logX ? logTicks(xa) : xa.ticks(6) {
            d.line(xa.pixel(t), Double(height) - bottom, xa.pixel(t), Double(height) - bottom + 4, color: .axis)
            d.text(label(t, logX), xa.pixel(t), Double(height) - bottom + 18, anchor: .middle)
        }
        d.line(left, Double(height) - bottom, Double(width) - right, Double(height) - bottom, color: .axis)
        d.line(left, top, left, Double(height) - bottom, color: .axis)
        d.text(xLabel, (left + Double(width) - right) / 2, Double(height) - 12, anchor: .middle)
        d.text(yLabel, 16, (top + Double(height) - bottom) / 2, anchor: .middle, rotated: true)
        for s in series {
            let pts = s.points.filter { fx($0.x).isFinite && fy($0.y).isFinite }.map { (xa.pixel(fx($0.x)), ya.pixel(fy($0.y))) }
            if pts.count == 1 { d.circle(pts[0].0, pts[0].1, radius: 2.5, fill: s.color) }
            d.add(.polyline(points: pts, color: s.color, width: 2))
        }
        for (k, s) in series.enumerated() {
            let x = Double(width) - right - 130, y = top + 14 + Double(k) * 18
            d.line(x, y - 4, x + 22, y - 4, color: s.color, width: 2.5)
            d.text(s.name, x + 28, y)
        }
        return d
    }
}
