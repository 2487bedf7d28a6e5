#if hasFeature(Embedded)
import CKernels   // <math.h>
#else
import Foundation
import CZlib
#endif

/// An RGB pixel buffer that a `Drawing` is rasterised into, with
/// coverage-based anti-aliasing for circles and lines.
struct Raster {
    let width: Int, height: Int
    var pixels: [Double]   // r, g, b in 0…255, row-major

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = Array(repeating: 255, count: width * height * 3)
    }

    @inline(__always)
    mutating func blend(_ x: Int, _ y: Int, _ c: Color, _ coverage: Double) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let a = min(max(coverage * c.opacity, 0), 1)
        guard a > 0 else { return }
        let k = (y * width + x) * 3
        pixels[k] += (Double(c.r) - pixels[k]) * a
        pixels[k + 1] += (Double(c.g) - pixels[k + 1]) * a
        pixels[k + 2] += (Double(c.b) - pixels[k + 2]) * a
    }

    mutating func fillRect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ c: Color) {
        let x0 = max(0, Int(x.rounded())), x1 = min(width, Int((x + w).rounded()))
        let y0 = max(0, Int(y.rounded())), y1 = min(height, Int((y + h).rounded()))
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 { for xx in x0..<x1 { blend(xx, yy, c, 1) } }
    }

    /// A segment of the given width: coverage from the distance of each pixel centre to the segment.
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: Color, _ w: Double) {
        let half = max(w, 0.6) / 2
        let minX = Int((min(x0, x1) - half - 1).rounded(.down)), maxX = Int((max(x0, x1) + half + 1).rounded(.up))
        let minY = Int((min(y0, y1) - half - 1).rounded(.down)), maxY = Int((max(y0, y1) + half + 1).rounded(.up))
        let dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy
        for yy in max(0, minY)...min(height - 1, max(0, maxY)) {
            for xx in max(0, minX)...min(width - 1, max(0, maxX)) {
                let px = Double(xx) + 0.5, py = Double(yy) + 0.5
                let t = len2 > 0 ? min(max(((px - x0) * dx + (py - y0) * dy) / len2, 0), 1) : 0
                let ex = px - (x0 + t * dx), ey = py - (y0 + t * dy)
                let d = (ex * ex + ey * ey).squareRoot()
                blend(xx, yy, c, min(max(half + 0.5 - d, 0), 1) * (w < 0.6 ? w / 0.6 : 1))
            }
        }
    }

    mutating func disc(_ cx: Double, _ cy: Double, _ r: Double, _ c: Color) {
        guard r > 0 else { return }
        for yy in max(0, Int(cy - r - 1))...min(height - 1, max(0, Int(cy + r + 1))) {
            for xx in max(0, Int(cx - r - 1))...min(width - 1, max(0, Int(cx + r + 1))) {
                let dx = Double(xx) + 0.5 - cx, dy = Double(yy) + 0.5 - cy
                blend(xx, yy, c, min(max(r + 0.5 - (dx * dx + dy * dy).squareRoot(), 0), 1))
            }
        }
    }

    mutating func ring(_ cx: Double, _ cy: Double, _ r: Double, _ c: Color, _ w: Double) {
        for yy in max(0, Int(cy - r - w - 1))...min(height - 1, max(0, Int(cy + r + w + 1))) {
            for xx in max(0, Int(cx - r - w - 1))...min(width - 1, max(0, Int(cx + r + w + 1))) {
                let dx = Double(xx) + 0.5 - cx, dy = Double(yy) + 0.5 - cy
                let d = abs((dx * dx + dy * dy).squareRoot() - r)
                blend(xx, yy, c, min(max(w / 2 + 0.5 - d, 0), 1))
            }
        }
    }

    mutating func text(_ s: String, _ x: Double, _ baseline: Double, _ c: Color, _ anchor: Drawing.Anchor, rotated: Bool) {
        let w = Double(BitmapFont.width(s))
        let shift = anchor == .start ? 0 : (anchor == .middle ? w / 2 : w)
        var pen = 0
        for ch in s {
            let g = BitmapFont.glyph(ch)
            let rows = g.alpha.count / g.width
            for gy in 0..<rows {
                for gx in 0..<g.width {
                    let a = g.alpha[gy * g.width + gx]
                    guard a > 0 else { continue }
                    let u = Double(pen + gx) - shift, v = Double(gy - BitmapFont.ascent)
                    // Rotated text runs upwards (for a y-axis label).
                    let px = rotated ? x + v : x + u, py = rotated ? baseline - u : baseline + v
                    blend(Int(px.rounded(.down)), Int(py.rounded(.down)), c, Double(a) / 255)
                }
            }
            pen += g.advance
        }
    }

    mutating func cells(_ columns: Int, _ rows: Int, _ colors: [Color], _ x: Double, _ y: Double, _ w: Double, _ h: Double) {
        guard columns > 0, rows > 0, colors.count == columns * rows else { return }
        let x0 = max(0, Int(x.rounded())), x1 = min(width, Int((x + w).rounded()))
        let y0 = max(0, Int(y.rounded())), y1 = min(height, Int((y + h).rounded()))
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 {
            let r = min(rows - 1, Int((Double(yy) + 0.5 - y) / h * Double(rows)))
            for xx in x0..<x1 {
                let col = min(columns - 1, Int((Double(xx) + 0.5 - x) / w * Double(columns)))
                blend(xx, yy, colors[max(0, r) * columns + max(0, col)], 1)
            }
        }
    }

    /// PNG bytes: 8-bit RGB, one IDAT: compressed by the system zlib natively; in the
    /// WebAssembly build (no zlib) in stored deflate blocks, larger but the same image.
    func png() -> [UInt8] {
        let raw = scanlines()
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
        func chunk(_ type: String, _ body: [UInt8]) {
            let typed = Array(type.utf8) + body
            out += be32(UInt32(body.count)) + typed
            out += be32(Raster.crc32(typed))
        }
        chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        chunk("IDAT", Raster.zlibStream(raw))
        chunk("IEND", [])
        return out
    }

    /// The image as PNG's filtered scanlines (filter 0, none): what IDAT compresses.
    func scanlines() -> [UInt8] {
        var raw = [UInt8]()
        raw.reserveCapacity((width * 3 + 1) * height)
        for y in 0..<height {
            raw.append(0)
            for x in 0..<(width * 3) { raw.append(UInt8(min(max(pixels[y * width * 3 + x].rounded(), 0), 255))) }
        }
        return raw
    }

    /// The PNG chunks' CRC-32 (ISO 3309, the polynomial 0xEDB88320 reflected).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c >> 1) ^ (0xEDB8_8320 & (0 &- (c & 1))) }
        }
        return ~c
    }

    /// A zlib stream (RFC 1950) of `raw`.
    static func zlibStream(_ raw: [UInt8]) -> [UInt8] {
        #if hasFeature(Embedded)
        // Stored blocks (RFC 1951 §3.2.4): at most 65,535 bytes each, then the Adler-32.
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let n = min(65_535, raw.count - start), last: UInt8 = start + n == raw.count ? 1 : 0
            out += [last, UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
            out += raw[start..<(start + n)]
            start += n
        } while start < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for x in raw { a = (a + UInt32(x)) % 65_521; b = (b + a) % 65_521 }
        let adler = (b << 16) | a
        return out + [UInt8(adler >> 24), UInt8((adler >> 16) & 0xff), UInt8((adler >> 8) & 0xff), UInt8(adler & 0xff)]
        #else
        var bound = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(bound))
        let status = compress2(&compressed, &bound, raw, uLong(raw.count), 6)
        precondition(status == Z_OK, "zlib compress2 failed with \(status)")  // only on out-of-memory
        compressed.removeSubrange(Int(bound)...)
        return compressed
        #endif
    }
}

extension Drawing {
    #if !hasFeature(Embedded)
    /// The drawing as a PNG image.
    public func png() -> Data { Data(pngBytes()) }
    #endif

    /// The drawing as PNG bytes.
    public func pngBytes() -> [UInt8] {
        var r = Raster(width: width, height: height)
        for s in shapes {
            switch s {
            case let .rect(x, y, w, h, fill, stroke, sw):
                r.fillRect(x, y, w, h, fill)
                if let stroke {
                    r.line(x, y, x + w, y, stroke, sw); r.line(x + w, y, x + w, y + h, stroke, sw)
                    r.line(x + w, y + h, x, y + h, stroke, sw); r.line(x, y + h, x, y, stroke, sw)
                }
            case let .line(x0, y0, x1, y1, c, w): r.line(x0, y0, x1, y1, c, w)
            case let .polyline(points, c, w):
                for (a, b) in zip(points, points.dropFirst()) { r.line(a.0, a.1, b.0, b.1, c, w) }
            case let .circle(x, y, radius, fill, stroke, sw):
                r.disc(x, y, radius, fill)
                if let stroke { r.ring(x, y, radius, stroke, sw) }
            case let .text(s, x, y, c, anchor, rotated): r.text(s, x, y, c, anchor, rotated: rotated)
            case let .cells(cols, rows, colors, x, y, w, h): r.cells(cols, rows, colors, x, y, w, h)
            }
        }
        return r.png()
    }
}
