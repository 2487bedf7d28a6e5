/// A point drawn over a heat map.
public struct PlotPoint: Sendable {
    public var x: Double, y: Double
    public var color: Color
    /// Test points get a dark outline, training points a white one (as on the playground).
    public var isTest: Bool
    public init(x: Double, y: Double, color: Color, isTest: Bool) {
        self.x = x; self.y = y; self.color = color; self.isTest = isTest
    }
}

/// What the legend of a heat map explains.
public enum HeatMapLegend: Sendable {
    /// A colour bar from −1 (orange) to +1 (blue) with the names of the two ends.
    case diverging(low: String, high: String)
    /// One swatch per class.
    case classes([String])
    /// A colour bar for a regression output between the given values.
    case values(min: Double, max: Double)
}

/// A decision-boundary (or output) heat map over a rectangle of the plane,
/// with data points and a legend.
public struct HeatMap: Sendable {
    public var title: String
    /// Plane region: x ∈ [xMin, xMax], y ∈ [yMin, yMax].
    public var xMin: Double, xMax: Double, yMin: Double, yMax: Double
    /// `columns × rows` colours; row 0 is the *top* (largest y).
    public var columns: Int, rows: Int
    public var cells: [Color]
    public var points: [PlotPoint]
    public var legend: HeatMapLegend
    /// Whether the legend explains a model's output ("unsure", train/test
    /// outlines); off for a plain scatter of a data set.
    public var explainsModel = true

    public init(title: String, xMin: Double, xMax: Double, yMin: Double, yMax: Double,
                columns: Int, rows: Int, cells: [Color], points: [PlotPoint], legend: HeatMapLegend) {
        self.title = title
        self.xMin = xMin; self.xMax = xMax; self.yMin = yMin; self.yMax = yMax
        self.columns = columns; self.rows = rows
        self.cells = cells
        self.points = points
        self.legend = legend
    }

    /// The centre of grid cell (column, row) in plane coordinates.
    public static func cellCentre(column: Int, row: Int, columns: Int, rows: Int,
                                  xMin: Double, xMax: Double, yMin: Double, yMax: Double) -> (x: Double, y: Double) {
        (xMin + (Double(column) + 0.5) / Double(columns) * (xMax - xMin),
         yMax - (Double(row) + 0.5) / Double(rows) * (yMax - yMin))
    }

    public func drawing(size: Int = 480) -> Drawing {
        let left = 50.0, top = 30.0, plot = Double(size), legendWidth = 120.0
        var d = Drawing(width: Int(left + plot + legendWidth + 10), height: Int(top + plot + 45))
        d.text(title, left + plot / 2, 20, anchor: .middle)
        d.add(.cells(columns: columns, rows: rows, colors: cells, x: left, y: top, width: plot, height: plot))
        let xa = Axis(min: xMin, max: xMax, pixelStart: left, pixelEnd: left + plot)
        let ya = Axis(min: yMin, max: yMax, pixelStart: top + plot, pixelEnd: top)
        for p in points where p.x >= xMin && p.x <= xMax && p.y >= yMin && p.y <= yMax {
            d.circle(xa.pixel(p.x), ya.pixel(p.y), radius: 3.5, fill: p.color,
                     stroke: p.isTest ? Color.black : Color.white, strokeWidth: 1.2)
        }
        d.rect(left, top, plot, plot, fill: Color(0, 0, 0, opacity: 0), stroke: .axis)
        for t in xa.ticks() {
            d.line(xa.pixel(t), top + plot, xa.pixel(t), top + plot + 4, color: .axis)
            d.text(Axis.label(t), xa.pixel(t), top + plot + 17, anchor: .middle)
        }
        for t in ya.ticks() {
            d.line(left - 4, ya.pixel(t), left, ya.pixel(t), color: .axis)
            d.text(Axis.label(t), left - 7, ya.pixel(t) + 4, anchor: .end)
        }
        d.text("x1", left + plot / 2, top + plot + 36, anchor: .middle)
        d.text("x2", 16, top + plot / 2, anchor: .middle, rotated: true)
        // Legend.
        let lx = left + plot + 18
        switch legend {
        case .diverging(let low, let high):
            drawBar(&d, x: lx, y: top, height: plot / 2, top: high, bottom: low, midLabel: explainsModel ? "unsure" : "")
        case .values(let lo, let hi):
            drawBar(&d, x: lx, y: top, height: plot / 2, top: Axis.label(hi), bottom: Axis.label(lo), midLabel: Axis.label((lo + hi) / 2))
        case .classes(let names):
            for (k, name) in names.enumerated() {
                let y = top + 8 + Double(k) * 20
                d.rect(lx, y - 10, 14, 14, fill: Palette.classColor(k), stroke: .axis)
                d.text(name, lx + 20, y + 1)
            }
            if explainsModel { d.text("light = unsure", lx, top + 18 + Double(names.count) * 20, color: .axis) }
        }
        if explainsModel {
            d.circle(lx + 7, top + plot - 36, radius: 3.5, fill: .axis, stroke: .white, strokeWidth: 1.2)
            d.text("train", lx + 18, top + plot - 32)
            d.circle(lx + 7, top + plot - 16, radius: 3.5, fill: .axis, stroke: .black, strokeWidth: 1.2)
            d.text("test", lx + 18, top + plot - 12)
        }
        return d
    }

    private func drawBar(_ d: inout Drawing, x: Double, y: Double, height: Double, top: String, bottom: String, midLabel: String) {
        let steps = 31
        let colors = (0..<steps).map { Palette.diverging(1 - 2 * Double($0) / Double(steps - 1)) }
        d.add(.cells(columns: 1, rows: steps, colors: colors, x: x, y: y, width: 16, height: height))
        d.rect(x, y, 16, height, fill: Color(0, 0, 0, opacity: 0), stroke: .axis)
        d.text(top, x + 22, y + 10)
        d.text(midLabel, x + 22, y + height / 2 + 4, color: .axis)
        d.text(bottom, x + 22, y + height)
    }
}
