import Backprop
import Playground
import PlaygroundSessions

/// A lesson: steps through the playground, each with its setup, the controls it hides, a task,
/// an optional prediction to commit to before training, a check on the live numbers and what to
/// notice once it passes. Written as a small Markdown file (`Lessons/NAME.md`, docs/lessons.md):
///
///     ---
///     title: The sheet's moons
///     summary: One line for the list of lessons.
///     next: the lesson that follows (optional)
///     ---
///
///     ## Train the sheet's network
///     setup: preset=moons&epochs=2000
///     hide: head, optimizer
///     predict: Will the test accuracy pass 0.95? | yes | no
///     check: epoch>=2000 and test-accuracy>=0.95
///
///     The task, in paragraphs (`code` in backquotes).
///
///     notice: What to see once the check passes; the text after this line is part of it.
///
/// The text is the page's as text, never markup: the page puts it in text nodes.
public struct Lesson: Equatable, Sendable {
    public struct Prediction: Equatable, Sendable {
        public var question: String
        public var options: [String]
    }
    public struct Step: Equatable, Sendable {
        public var title: String
        /// The link's settings the step starts from (a preset's, with the others over them);
        /// nil: the step goes on from where the last one left the playground.
        public var setup: [String: String]?
        public var hide: [String] = []
        public var task: [String] = []
        public var predict: Prediction?
        public var check: LessonCheck?
        public var notice: [String] = []
    }
    public var name: String
    public var title: String
    public var summary: String
    /// The lesson that follows this one, if any (`next:`): a link to the first walks through all.
    public var next: String?
    public var steps: [Step]

    /// The longest lesson file read (a lesson is a page of text).
    static let maxBytes = 64 << 10

    /// Parses a lesson file; `hideable`: the names of the page's controls a step may hide.
    /// Every fault is one line naming the file's line.
    public init(name: String, text: String, hideable: Set<String>) throws(BackpropError) {
        guard !name.isEmpty, name.utf8.count <= 40, name.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }) else {
            throw .invalidSetting("lesson name \(quoted(name, limit: 40)): lowercase letters, digits and - only")
        }
        guard text.utf8.count <= Lesson.maxBytes else { throw .invalidSetting("lesson \(name): over \(Lesson.maxBytes) bytes") }
        self.name = name
        var title = "", summary = "", next: String?, steps: [Step] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in String(line.reversed().drop { $0 == " " || $0 == "\r" }.reversed()) }
        func fail(_ line: Int, _ why: String) -> BackpropError { .invalidSetting("lesson \(name), line \(line + 1): \(why)") }
        var i = 0
        // Front matter: title and summary.
        guard lines.first == "---" else { throw fail(0, "a lesson starts with --- and its title: …") }
        i = 1
        while i < lines.count && lines[i] != "---" {
            let (key, value) = Lesson.field(lines[i])
            switch key {
            case "title": title = value
            case "summary": summary = value
            case "next": next = value
            case nil where lines[i].isEmpty: break
            default: throw fail(i, "front matter has title:, summary: and next: only")
            }
            i += 1
        }
        guard i < lines.count else { throw fail(i - 1, "the front matter has no closing ---") }
        guard !title.isEmpty else { throw fail(0, "the lesson needs a title:") }
        i += 1
        // Steps: each from a "## " heading; its fields, then its text (after notice: the notice's).
        var inNotice = false, paragraph = ""
        func endParagraph() {
            guard !paragraph.isEmpty, !steps.isEmpty else { paragraph = ""; return }
            if inNotice { steps[steps.count - 1].notice.append(paragraph) } else { steps[steps.count - 1].task.append(paragraph) }
            paragraph = ""
        }
        while i < lines.count {
            let line = lines[i]
            defer { i += 1 }
            if line.hasPrefix("## ") {
                endParagraph()
                inNotice = false
                steps.append(Step(title: String(line.dropFirst(3))))
                continue
            }
            if line.isEmpty { endParagraph(); continue }
            guard !steps.isEmpty else { throw fail(i, "text before the first step (a step starts with \"## \" and its title)") }
            let (key, value) = Lesson.field(line)
            switch key {
            case "setup":
                do { steps[steps.count - 1].setup = try Lesson.setup(value) } catch { throw fail(i, error.message) }
            case "hide":
                let names = value.split(separator: ",").map { trimmingSpaces(String($0)) }.filter { !$0.isEmpty }
                if let unknown = names.first(where: { !hideable.contains($0) }) {
                    throw fail(i, "hide: no control \(quoted(unknown, limit: 30)); the page's: \(hideable.sorted().joined(separator: ", "))")
                }
                steps[steps.count - 1].hide = names
            case "predict":
                let parts = value.split(separator: "|").map { trimmingSpaces(String($0)) }
                guard parts.count >= 3, parts.allSatisfy({ !$0.isEmpty }) else { throw fail(i, "predict: a question and at least two answers, split by |") }
                steps[steps.count - 1].predict = Prediction(question: parts[0], options: Array(parts.dropFirst()))
            case "check":
                do { steps[steps.count - 1].check = try LessonCheck(parsing: value) } catch { throw fail(i, error.message) }
            case "notice":
                endParagraph()
                inNotice = true
                paragraph = value
            default:
                paragraph += paragraph.isEmpty ? line : " " + line
            }
        }
        endParagraph()
        guard !steps.isEmpty else { throw fail(lines.count - 1, "the lesson has no steps (\"## \" and a title)") }
        guard steps[0].setup != nil else { throw .invalidSetting("lesson \(name): its first step needs a setup: (a link there starts from it)") }
        self.title = title
        self.summary = summary
        self.next = next
        self.steps = steps
    }

    /// `key: value` for the fields a lesson knows; (nil, _) for any other line (text).
    static func field(_ line: String) -> (String?, String) {
        for key in ["title", "summary", "next", "setup", "hide", "predict", "check", "notice"] where line.hasPrefix(key + ":") {
            return (key, trimmingSpaces(String(line.dropFirst(key.count + 1))))
        }
        return (nil, line)
    }

    /// A link's settings, `preset=NAME&key=value…`: the preset's, with the others over them.
    static func setup(_ text: String) throws(BackpropError) -> [String: String] {
        var given: [(String, String)] = []
        for part in text.split(separator: "&") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[0].isEmpty else { throw .invalidSetting("setup: \(quoted(String(part), limit: 30)) is not key=value") }
            given.append((kv[0], kv[1]))
        }
        var out: [String: String] = [:]
        if let name = given.first(where: { $0.0 == "preset" })?.1 {
            guard let preset = Preset.all.first(where: { $0.name == name }) else {
                throw .invalidSetting("setup: no preset \(quoted(name, limit: 30)); presets: \(Preset.all.map(\.name).joined(separator: ", "))")
            }
            out = preset.settings
        }
        for (k, v) in given where k != "preset" { out[k] = v }
        return out
    }
}

extension Lesson {
    /// The lesson as the JSON the page reads (`lessons.json`).
    public var json: JSON {
        .object([("name", JSON(name)), ("title", JSON(title)), ("summary", JSON(summary)), ("next", next.map { JSON($0) } ?? .null),
                 ("steps", .array(steps.map { s in
            var f: [(key: String, value: JSON)] = [("title", JSON(s.title))]
            f.append(("setup", s.setup.map { JSON($0) } ?? .null))
            f += [("hide", JSON(s.hide)), ("task", JSON(s.task))]
            f.append(("predict", s.predict.map { .object([("question", JSON($0.question)), ("options", JSON($0.options))]) } ?? .null))
            f.append(("check", s.check.map { JSON($0.text) } ?? .null))
            f.append(("notice", JSON(s.notice)))
            return .object(f)
        }))])
    }
}
