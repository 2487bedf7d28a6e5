/// A picture as a list of shapes, in pixel coordinates (origin top left).
/// One description, two renderings: `png()` rasterises it, `svg()` writes it
/// as vector text, so a chart is drawn once for both formats.
public struct Drawing: Sendable {
    public enum Anchor: String, Sendable { case start, middle, end }

    public enum Shape: Sendable {
        case rect(x: Double, y: Double, width: Double, height: Double, fill: Color, stroke: Color?, strokeWidth: Double)
        case line(x0: Double, y0: Double, x1: Double, y1: Double, color: Color, width: Double)
        case polyline(points: [(Double, Double)], color: Color, width: Double)
        case circle(x: Double, y: Double, radius: Double, fill: Color, stroke: Color?, strokeWidth: Double)
        case text(String, x: Double, y: Double, color: Color, anchor: Anchor, rotated: Bool)
        /// A grid of cells (row 0 at the top) stretched over a rectangle.
        case cells(columns: Int, rows: Int, colors: [Color], x: Double, y: Double, width: Double, height: Double)
    }

    public let width: Int
    public let height: Int
    public private(set) var shapes: [Shape] = []

    public init(width: Int, height: Int, background: Color = .white) {
        self.width = width
        self.height = height
        shapes.append(.rect(x: 0, y: 0, width: Double(width), height: Double(height), fill: background, stroke: nil, strokeWidth: 0))
    }

    public mutating func add(_ shape: Shape) { shapes.append(shape) }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: Color, stroke: Color? = nil, strokeWidth: Double = 1) {
        add(.rect(x: x, y: y, width: w, height: h, fill: fill, stroke: stroke, strokeWidth: strokeWidth))
    }
    public mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, color: Color, width: Double = 1) {
        add(.line(x0: x0, y0: y0, x1: x1, y1: y1, color: color, width: width))
    }
    public mutating func circle(_ x: Double, _ y: Double, radius: Double, fill: Color, stroke: Color? = nil, strokeWidth: Double = 1) {
        add(.circle(x: x, y: y, radius: radius, fill: fill, stroke: stroke, strokeWidth: strokeWidth))
    }
    /// Text with its baseline at y.
    public mutating func text(_ s: String, _ x: Double, _ y: Double, color: Color = .text, anchor: Anchor = .start, rotated: Bool = false) {
        add(.text(s, x: x, y: y, color: color, anchor: anchor, rotated: rotated))
    }
}
