import Foundation
import Synchronization
import Backprop
import Datasets
import Plots

/// Small scatter pictures of each data set for the page's data chooser, drawn
/// once with the same colours as everything else.
public enum Thumbnails {
    private static let cache = Mutex<[String: [UInt8]]>([:])

    public static func png(_ name: String) -> [UInt8]? {
        if let hit = cache.withLock({ $0[name] }) { return hit }
        guard let set = DatasetName(name: name),
              let points = try? Generators.generate(set, count: 300, noise: 0.05, seed: 7, classes: 3) else { return nil }
        let size = 64.0
        var d = Drawing(width: Int(size), height: Int(size), background: Color(250, 250, 250))
        let plane = set.thumbnailPlane
        let r = (plane.xMax - plane.xMin) / 2
        let (cx, cy) = ((plane.xMin + plane.xMax) / 2, (plane.yMin + plane.yMax) / 2)
        for (p, t) in zip(points.x, points.target) {
            let color: Color = switch points.task {
            case .binary: t > 0.5 ? Palette.positive : Palette.negative
            case .multiclass: Palette.classColor(Int(t))
            case .regression: Palette.diverging(t * 2)
            }
            d.circle((p[0] - cx + r) / (2 * r) * size, (r - (p[1] - cy)) / (2 * r) * size, radius: 1.6, fill: color)
        }
        let png = [UInt8](d.png())
        cache.withLock { $0[name] = png }
        return png
    }
}
