#if hasFeature(Embedded)
import CKernels   // <math.h> (wasi-libc's in the WebAssembly build)
#else
import Foundation
#endif
import Backprop

/// A linear map from data values to pixels, with "nice" tick values (1, 2, 5 × 10ⁿ).
public struct Axis: Sendable {
    public var min: Double, max: Double
    public var pixelStart: Double, pixelEnd: Double

    public init(min: Double, max: Double, pixelStart: Double, pixelEnd: Double) {
        let span = max - min
        self.min = span > 0 && span.isFinite ? min : min - 0.5
        self.max = span > 0 && span.isFinite ? max : min + 0.5
        self.pixelStart = pixelStart
        self.pixelEnd = pixelEnd
    }

    public func pixel(_ v: Double) -> Double { pixelStart + (v - min) / (max - min) * (pixelEnd - pixelStart) }

    /// About `count` round tick values inside [min, max].
    public func ticks(_ count: Int = 5) -> [Double] {
        let raw = (max - min) / Double(Swift.max(count, 1))
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var out: [Double] = []
        var t = ceil(min / step) * step
        while t <= max + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    public static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 { return printfText("%.0e", v) }
        if v == v.rounded() { return String(Int(v)) }
        var s = printfText("%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}
