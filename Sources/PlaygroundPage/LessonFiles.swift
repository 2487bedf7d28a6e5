import Foundation
import Backprop

/// The lessons the page offers: the files in `Lessons/` (package resources), each `NAME.md`.
public enum LessonFiles {
    /// The names a lesson may hide: the page's `data-hide` attributes (index.html), so a lesson
    /// can hide only what the page can, and a control renamed there fails the lessons' test.
    public static func hideable(in html: String) -> Set<String> {
        var names: Set<String> = []
        var rest = html[...]
        while let r = rest.range(of: "data-hide=\"") {
            rest = rest[r.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            for n in rest[..<end].split(separator: " ") { names.insert(String(n)) }
            rest = rest[end...]
        }
        return names
    }

    /// Every shipped lesson file, as (name, text), sorted by name.
    public static func texts() throws -> [(name: String, text: String)] {
        guard let root = Bundle.module.url(forResource: "Lessons", withExtension: nil) else {
            throw BackpropError.invalidSetting("the lessons are missing from the package resources")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".md") }.sorted()
        return try names.map { (String($0.dropLast(3)), try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// The shipped lessons, parsed against the page's controls.
    public static func all(page: Page) throws -> [Lesson] {
        let hideable = hideable(in: page.files["index.html"]?.body ?? "")
        let lessons = try texts().map { file throws -> Lesson in try Lesson(name: file.name, text: file.text, hideable: hideable) }
        for l in lessons {
            if let next = l.next, !lessons.contains(where: { $0.name == next }) {
                throw BackpropError.invalidSetting("lesson \(l.name): next: no lesson \(quoted(next, limit: 40))")
            }
        }
        return lessons
    }

    /// `lessons.json`, the list the page reads (`GET /lessons.json`, the static site's file),
    /// in `order`, then by name.
    public static func json(page: Page) throws -> String {
        let lessons = try all(page: page)
        let ordered = lessons.sorted { (order.firstIndex(of: $0.name) ?? order.count, $0.name) < (order.firstIndex(of: $1.name) ?? order.count, $1.name) }
        return JSON.array(ordered.map(\.json)).text
    }

    /// The order the page lists lessons in: the sheet's (each `next:` the one after it), then the
    /// crash-course-style exercises (likewise).
    public static let order = ["sheet", "backprop-by-hand", "spiral-seeds", "activations", "regularization",
                               "xor", "feature-crosses", "train-test-gap", "initialization", "learning-rate"]
}
