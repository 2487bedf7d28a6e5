import Foundation
import Backprop

/// The lessons the page offers: the files in `Lessons/` (package resources), each `NAME.md`,
/// and a teacher's own from a folder given to `backprop site` or `backprop serve`.
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

    /// Every shipped lesson file, as (name, text), sorted by name: read as a teacher's folder is.
    public static func texts() throws(BackpropError) -> [(name: String, text: String)] {
        guard let root = Bundle.module.url(forResource: "Lessons", withExtension: nil) else {
            throw .invalidSetting("the lessons are missing from the package resources")
        }
        return try texts(folder: root.path).map { ($0.name, $0.text) }
    }

    /// The most lessons a folder of one's own may hold (a course's worth; each file is at most
    /// `Lesson.maxBytes`).
    public static let maxOwn = 100

    /// A teacher's lessons: every `NAME.md` in `folder` (`backprop site --lessons`, `backprop
    /// serve --lessons`), as (name, text, path). Regular files only — a named pipe or a device is
    /// refused at once, not read — each at most `Lesson.maxBytes`; other files are left alone.
    public static func texts(folder: String) throws(BackpropError) -> [(name: String, text: String, path: String)] {
        switch FileAccess.kind(folder) {
        case .directory: break
        case .missing: throw .invalidSetting("no lessons folder \(quoted(folder))")
        case let k: throw .invalidSetting("the lessons folder \(quoted(folder)) is \(k.words), not a folder")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted() }
        catch { throw .invalidSetting("cannot list the lessons folder \(quoted(folder)): \(FileAccess.errnoWords)") }
        guard !names.isEmpty else { throw .invalidSetting("the lessons folder \(quoted(folder)) holds no NAME.md file") }
        guard names.count <= maxOwn else { throw .invalidSetting("the lessons folder \(quoted(folder)) holds \(names.count) lessons; at most \(maxOwn)") }
        var out: [(name: String, text: String, path: String)] = []
        for file in names {
            let path = (folder.hasSuffix("/") ? folder : folder + "/") + file
            let kind = FileAccess.kind(path)
            guard kind == .regular else { throw .invalidSetting("the lesson \(quoted(path)) is \(kind.words), not a file") }
            let data = try FileAccess.read(path, what: "the lesson", limit: Lesson.maxBytes)
            guard let text = String(data: data, encoding: .utf8) else { throw .invalidSetting("the lesson \(quoted(path)) is not UTF-8 text") }
            out.append((String(file.dropLast(3)), text, path))
        }
        return out
    }

    /// The shipped lessons and, from `folder`, a teacher's own, parsed against the page's controls,
    /// in the order the page lists them: the teacher's first, by name (they are why the folder was
    /// given), then the shipped ones in `order`. An own lesson named as a shipped one replaces it;
    /// a `next:` may name any of them. A fault in an own file is one line naming the file and its line.
    public static func all(page: Page, folder: String? = nil) throws(BackpropError) -> [Lesson] {
        let hideable = hideable(in: page.files["index.html"]?.body ?? "")
        var own: [Lesson] = []
        if let folder {
            for file in try texts(folder: folder) {
                do { own.append(try Lesson(name: file.name, text: file.text, hideable: hideable)) }
                catch { throw .invalidSetting("\(quoted(file.path)): \(error.message)") }
            }
        }
        let shipped = try texts().filter { file in !own.contains { $0.name == file.name } }
            .map { file throws(BackpropError) -> Lesson in try Lesson(name: file.name, text: file.text, hideable: hideable) }
            .sorted { (order.firstIndex(of: $0.name) ?? order.count, $0.name) < (order.firstIndex(of: $1.name) ?? order.count, $1.name) }
        let lessons = own + shipped
        for l in lessons {
            if let next = l.next, !lessons.contains(where: { $0.name == next }) {
                throw .invalidSetting("lesson \(l.name): next: no lesson \(quoted(next, limit: 40))")
            }
        }
        return lessons
    }

    /// `lessons.json`, the list the page reads (`GET /lessons.json`, the static site's file), in
    /// `all`'s order.
    public static func json(page: Page, folder: String? = nil) throws(BackpropError) -> String {
        JSON.array(try all(page: page, folder: folder).map(\.json)).text
    }

    /// The order the page lists lessons in: the sheet's (each `next:` the one after it), then the
    /// crash-course-style exercises (likewise).
    public static let order = ["sheet", "backprop-by-hand", "spiral-seeds", "activations", "regularization",
                               "xor", "feature-crosses", "train-test-gap", "initialization", "learning-rate"]
}
