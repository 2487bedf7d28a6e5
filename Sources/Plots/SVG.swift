#if hasFeature(Embedded)
import CKernels   // <math.h> (wasi-libc's in the WebAssembly build)
#else
import Foundation
#endif
import Backprop

extension Drawing {
    /// The drawing as an SVG document. Cell grids become a PNG embedded as a
    /// data URI (thousands of rects would make a heavy file), everything else vector.
    public func svg() -> String {
        func n(_ v: Double) -> String { printfText("%.2f", v) }
        func paint(_ c: Color, _ attr: String) -> String {
            c.opacity < 1 ? "\(attr)=\"\(c.hex)\" \(attr)-opacity=\"\(n(c.opacity))\"" : "\(attr)=\"\(c.hex)\""
        }
        func escape(_ s: String) -> String {
            var out = ""
            for c in s {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                default: out.append(c)
                }
            }
            return out
        }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\">\n"
        for s in shapes {
            switch s {
            case let .rect(x, y, w, h, fill, stroke, sw):
                out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" \(paint(fill, "fill"))\(stroke.map { " " + paint($0, "stroke") + " stroke-width=\"\(n(sw))\"" } ?? "")/>\n"
            case let .line(x0, y0, x1, y1, c, w):
                out += "<line x1=\"\(n(x0))\" y1=\"\(n(y0))\" x2=\"\(n(x1))\" y2=\"\(n(y1))\" \(paint(c, "stroke")) stroke-width=\"\(n(w))\" stroke-linecap=\"round\"/>\n"
            case let .polyline(points, c, w):
                out += "<polyline fill=\"none\" \(paint(c, "stroke")) stroke-width=\"\(n(w))\" stroke-linejoin=\"round\" points=\"\(points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " "))\"/>\n"
            case let .circle(x, y, r, fill, stroke, sw):
                out += "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" \(paint(fill, "fill"))\(stroke.map { " " + paint($0, "stroke") + " stroke-width=\"\(n(sw))\"" } ?? "")/>\n"
            case let .text(t, x, y, c, anchor, rotated):
                let transform = rotated ? " transform=\"rotate(-90 \(n(x)) \(n(y)))\"" : ""
                out += "<text x=\"\(n(x))\" y=\"\(n(y))\" \(paint(c, "fill")) text-anchor=\"\(anchor.rawValue)\"\(transform)>\(escape(t))</text>\n"
            case let .cells(cols, rows, colors, x, y, w, h):
                var r = Raster(width: cols, height: rows)
                r.cells(cols, rows, colors, 0, 0, Double(cols), Double(rows))
                out += "<image x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(base64(r.png()))\"/>\n"
            }
        }
        return out + "</svg>\n"
    }
}
