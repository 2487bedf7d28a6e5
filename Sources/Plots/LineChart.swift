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

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    public func drawing(width: Int = 640, height: Int = 400) -> Drawing {
        var d = Drawing(width: width, height: height)
        let left = 64.0, right = 20.0, top = 36.0, bottom = 50.0
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xs = all.map(\.x), ys = all.map(\.y)
        let yMax = (ys.max() ?? 1), yMin = min(0, ys.min() ?? 0)
        let xa = Axis(min: xs.min() ?? 0, max: xs.max() ?? 1, pixelStart: left, pixelEnd: Double(width) - right)
        let ya = Axis(min: yMin, max: yMax + (yMax - yMin) * 0.05, pixelStart: Double(height) - bottom, pixelEnd: top)
        d.text(title, Double(width) / 2, 22, anchor: .middle)
        for t in ya.ticks() {
            d.line(left, ya.pixel(t), Double(width) - right, ya.pixel(t), color: .grid)
            d.text(Axis.label(t), left - 8, ya.pixel(t) + 4, anchor: .end)
        }
        for t in xa.ticks(6) {
            d.line(xa.pixel(t), Double(height) - bottom, xa.pixel(t), Double(height) - bottom + 4, color: .axis)
            d.text(Axis.label(t), xa.pixel(t), Double(height) - bottom + 18, anchor: .middle)
        }
        d.line(left, Double(height) - bottom, Double(width) - right, Double(height) - bottom, color: .axis)
        d.line(left, top, left, Double(height) - bottom, color: .axis)
        d.text(xLabel, (left + Double(width) - right) / 2, Double(height) - 12, anchor: .middle)
        d.text(yLabel, 16, (top + Double(height) - bottom) / 2, anchor: .middle, rotated: true)
        for s in series {
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite }.map { (xa.pixel($0.x), ya.pixel($0.y)) }
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
