import Foundation
import Backprop
import Plots
import PlaygroundSessions

/// The page's files, read once from the package resources: the HTML, the style sheet and
/// the ES modules in `Page/js` (listed at start-up; a request can only pick one of these by
/// name, never name a path).
public struct Page: Sendable {
    public let files: [String: (mime: String, body: String)]

    public init() throws {
        guard let root = Bundle.module.url(forResource: "Page", withExtension: nil) else {
            throw BackpropError.invalidSetting("the page is missing from the package resources")
        }
        var names = ["index.html", "style.css"]
        let modules = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("js").path)) ?? []
        names += modules.filter { $0.hasSuffix(".js") }.sorted().map { "js/" + $0 }
        guard names.contains("js/main.js") else { throw BackpropError.invalidSetting("the page's js/main.js is missing from the package resources") }
        var files: [String: (String, String)] = [:]
        for name in names {
            let mime = name.hasSuffix(".html") ? "text/html; charset=utf-8" : name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
            files[name] = (mime, try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8))
        }
        self.files = files
    }
}

/// The page's data besides its session: presets and colours, as JSON files (the server's
/// `GET /presets.json` and `/palette.json`, and the static site's files of the same names).
public enum PageData {
    /// The sheet's experiments, one click each (`Preset`).
    public static let presetsJSON = Preset.allJSON

    public static let paletteJSON: String = {
        let p: [String: Any] = [
            "negative": Palette.negative.hex, "neutral": Palette.neutral.hex, "positive": Palette.positive.hex,
            "classes": Palette.classes.map(\.hex),
        ]
        return (try? JSONSerialization.data(withJSONObject: p, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }()
}
