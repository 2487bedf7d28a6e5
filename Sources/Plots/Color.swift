/// An sRGB colour with opacity.
public struct Color: Equatable, Hashable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8
    public var opacity: Double

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, opacity: Double = 1) {
        self.r = r; self.g = g; self.b = b; self.opacity = opacity
    }

    /// `#rrggbb`.
    public init?(hex: String) {
        let s = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        guard s.count == 6, let v = UInt32(s, radix: 16) else { return nil }
        self.init(UInt8(v >> 16), UInt8((v >> 8) & 0xff), UInt8(v & 0xff))
    }

    public var hex: String {
        func h(_ x: UInt8) -> String { let s = String(x, radix: 16); return s.count == 1 ? "0" + s : s }
        return "#" + h(r) + h(g) + h(b)
    }

    public func withOpacity(_ o: Double) -> Color { Color(r, g, b, opacity: o) }

    /// Linear blend: t = 0 gives self, 1 gives other.
    public func mixed(with other: Color, _ t: Double) -> Color {
        let u = min(max(t, 0), 1)
        func m(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - u) + Double(b) * u).rounded()) }
        return Color(m(r, other.r), m(g, other.g), m(b, other.b), opacity: opacity * (1 - u) + other.opacity * u)
    }

    public static let white = Color(255, 255, 255)
    public static let black = Color(0, 0, 0)
    public static let text = Color(40, 40, 40)
    public static let grid = Color(225, 225, 225)
    public static let axis = Color(120, 120, 120)
}

/// The colours every front end uses (the page reads the same values from
/// `/palette.json`), so a plot on the page and a PNG from the command line agree.
public enum Palette {
    /// Negative end of the diverging scale (the playground's orange).
    public static let negative = Color(245, 147, 34)
    /// Zero: a light grey, so the sign of a value is the hue.
    public static let neutral = Color(232, 234, 235)
    /// Positive end (the playground's blue).
    public static let positive = Color(8, 119, 189)
    /// Class colours for k-class problems (class 0 first); binary uses negative/positive.
    /// The first eight are Okabe and Ito's palette (Wong, Nature Methods 2011), told apart
    /// with the common colour-vision deficiencies; no green sits next to a red. Classes 9 and
    /// 10 (Paul Tol's wine and olive) are told apart less well: past eight, read the legend.
    public static let classes: [Color] = [
        Color(230, 159, 0), Color(86, 180, 233), Color(0, 158, 115), Color(240, 228, 66),
        Color(0, 114, 178), Color(213, 94, 0), Color(204, 121, 167), Color(0, 0, 0),
        Color(136, 34, 85), Color(153, 153, 51),
    ]
    public static func classColor(_ k: Int) -> Color { classes[((k % classes.count) + classes.count) % classes.count] }

    /// Diverging scale over [−1, 1]: orange → grey → blue, clamped.
    public static func diverging(_ v: Double) -> Color {
        guard v.isFinite else { return Color(0, 0, 0) }
        let t = min(max(v, -1), 1)
        return t < 0 ? neutral.mixed(with: negative, -t) : neutral.mixed(with: positive, t)
    }

    /// The diverging scale cut into `levels` steps (the playground uses 31 over [−1, 1]).
    public static func diverging(_ v: Double, levels: Int) -> Color {
        let t = min(max(v, -1), 1)
        let step = 2.0 / Double(max(levels - 1, 1))
        return diverging((t / step).rounded() * step)
    }

    /// A k-class cell: the winning class's colour, lighter where the model is unsure
    /// (confidence = winning probability, 1/k → white, 1 → full colour).
    public static func classCell(_ probabilities: [Double]) -> Color {
        guard let best = probabilities.indices.max(by: { probabilities[$0] < probabilities[$1] }) else { return .white }
        let k = Double(probabilities.count)
        let confidence = (probabilities[best] - 1 / k) / (1 - 1 / k)
        return Color.white.mixed(with: classColor(best), 0.15 + 0.75 * confidence)
    }
}
