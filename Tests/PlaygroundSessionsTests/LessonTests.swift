import Foundation
import Testing
import Backprop
import Playground
import PlaygroundPage
@testable import PlaygroundSessions

/// Lessons: the file format, the check on the live numbers, and every shipped lesson — each
/// loads, hides only what the page has, starts from a setup the page accepts whole, and its
/// checks pass on the run the step describes and fail on one that does not meet them.
@Suite struct LessonTests {
    static let page = try? Page()
    static var hideable: Set<String> { LessonFiles.hideable(in: page?.files["index.html"]?.body ?? "") }

    func train(_ live: LiveSession) {
        live.locked { $0.setPlaying(true) }
        for _ in 0..<1_000_000 where live.isTraining { _ = live.trainFrame(budget: 0.05) }
    }

    func judged(_ live: LiveSession) throws -> (passed: Bool, text: String) {
        let reply = try #require(live.checkReply())
        return (reply["passed"]?.bool == true, reply.text)
    }

    @Test func theChecksGrammarAndItsErrors() throws {
        let c = try LessonCheck(parsing: "epoch>=2000 and test-accuracy>=0.95 and w(1,2,1)<=0")
        #expect(c.terms.map(\.quantity) == [.epoch, .testAccuracy, .weight(1, 2, 1)])
        #expect(c.text == "epoch>=2000 and test-accuracy>=0.95 and w(1,2,1)<=0")
        for (bad, says) in [("test-loss", "needs <, <=, > or >="), ("loss<0.1", "unknown quantity \"loss\""),
                            ("test-loss<abc", "\"abc\" is not a number"), ("epoch>=1 and", "an empty term"),
                            ("w(0,1,1)<1", "needs 3 numbers from 1"), ("b(1)<1", "needs 2 numbers from 1"),
                            ("epoch=>1", "unknown comparison"), ("epoch<inf", "is not a number")] {
            #expect(throws: BackpropError.self, "\(bad)") { try LessonCheck(parsing: bad) }
            do { _ = try LessonCheck(parsing: bad) } catch { #expect(error.message.contains(says), "\(bad): \(error.message)") }
        }
    }

    @Test func aCheckHoldsWhenEveryTermDoes() throws {
        let c = try LessonCheck(parsing: "test-loss<0.1 and zero-weights<=3")
        func judge(_ loss: Double, _ zeros: Double?) -> [Bool] {
            c.evaluate { q in
                switch q {
                case .testLoss: .success(loss)
                default: zeros.map { .success($0) } ?? .failure(.invalidSetting("none"))
                }
            }.map(\.holds)
        }
        #expect(judge(0.05, 3) == [true, true])     // <= includes the threshold
        #expect(judge(0.1, 3) == [false, true])     // < does not
        #expect(judge(0.05, 4) == [true, false])
        #expect(judge(.nan, 0) == [false, true])    // a diverged loss meets nothing
        #expect(judge(0.05, nil) == [true, false])  // no value: not met
    }

    @Test func theSessionJudgesItsLiveNumbers() throws {
        let live = LiveSession(limits: .playground)
        _ = try live.configure(["dataset": "xor", "layers": "none", "features": "x1,x2,x1*x2", "epochs": "200"])
        var replies = live.respond(to: #"{"type":"check","expression":"epoch>=200 and test-accuracy>=0.98 and w(1,1,3)>0.5 and seeds-run>=2"}"#).joined()
        #expect(replies.contains(#""passed":false"#))
        #expect(replies.contains("run seeds for this setup first"))
        train(live)
        let after = try judged(live)
        #expect(!after.passed && after.text.contains(#""text":"epoch>=200","holds":true"#), "\(after.text)")
        #expect(after.text.contains(#""text":"w(1,1,3)>0.5","holds":true"#), "the cross's weight carries XOR: \(after.text)")
        _ = live.respond(to: #"{"type":"seeds","count":2}"#)
        for _ in 0..<10_000 where live.isTraining { _ = live.trainFrame(budget: 0.05) }
        #expect(try judged(live).passed)
        // Another setup: the seeds run for the last one are no answer, and the check stays.
        _ = try live.configure(["dataset": "xor", "layers": "none", "epochs": "200"])
        train(live)
        let plain = try judged(live)
        #expect(!plain.passed && plain.text.contains("run seeds for this setup first"))
        #expect(plain.text.contains(#""text":"test-accuracy>=0.98","holds":false"#), "no line separates XOR: \(plain.text)")
        // A check that does not parse is refused in words and leaves none; an empty one clears it.
        replies = live.respond(to: #"{"type":"check","expression":"tset-loss<1"}"#).joined()
        #expect(replies.contains("unknown quantity"))
        _ = live.respond(to: #"{"type":"check","expression":""}"#)
        #expect(live.checkReply() == nil)
        replies = live.respond(to: #"{"type":"check","expression":"w(9,1,1)<1"}"#).joined()
        #expect(replies.contains("this network has no weight w(9,1,1)"))
    }

    @Test func theFormatsFaultsNameTheirLine() throws {
        let hide: Set<String> = ["lr"]
        func fault(_ text: String) -> String {
            do { _ = try Lesson(name: "t", text: text, hideable: hide); return "" } catch { return error.message }
        }
        #expect(fault("# no front matter").contains("line 1: a lesson starts with ---"))
        #expect(fault("---\ntitle: T\n---\n## S\nsetup: preset=nope").contains("line 5: setup: no preset \"nope\""))
        #expect(fault("---\ntitle: T\n---\n## S\nsetup: lr=1\nhide: lr, speed").contains("line 6: hide: no control \"speed\""))
        #expect(fault("---\ntitle: T\n---\n## S\nsetup: lr=1\npredict: yes?").contains("line 6: predict: a question and at least two answers"))
        #expect(fault("---\ntitle: T\n---\n## S\nsetup: lr=1\ncheck: loss<1").contains("line 6: check: unknown quantity"))
        #expect(fault("---\ntitle: T\n---\n## S\n").contains("its first step needs a setup"))
        #expect(fault("---\ntitle: T\n---\ntext\n").contains("line 4: text before the first step"))
        #expect(fault("---\ntitle: T\n").contains("no closing ---"))
        #expect(fault("---\n---\n## S\nsetup: lr=1").contains("needs a title"))
        #expect(throws: BackpropError.self) { try Lesson(name: "../x", text: "", hideable: hide) }
        let l = try Lesson(name: "t", text: "---\ntitle: T\n---\n## S\nsetup: preset=moons&epochs=5\nTask one\ngoes on.\n\nTwo.\nnotice: Seen\nstill.\n## Next\n", hideable: hide)
        #expect(l.steps.count == 2 && l.steps[0].task == ["Task one goes on.", "Two."] && l.steps[0].notice == ["Seen still."])
        #expect(l.steps[0].setup?["epochs"] == "5" && l.steps[0].setup?["dataset"] == "moons" && l.steps[1].setup == nil)
    }

    /// Every shipped lesson: parsed against the page's controls, each setup accepted whole, the
    /// order listing every lesson, and text the page shows as text.
    @Test func everyShippedLessonLoads() throws {
        let page = try #require(LessonTests.page)
        let lessons = try LessonFiles.all(page: page)
        #expect(lessons.count >= 9)
        #expect(Set(lessons.map(\.name)).isSubset(of: Set(LessonFiles.order)), "every lesson has its place in the list")
        #expect(LessonTests.hideable.isSuperset(of: ["presets", "lr", "data", "layers", "seeds", "activation"]))
        for lesson in lessons {
            for (k, step) in lesson.steps.enumerated() {
                #expect(step.check != nil, "\(lesson.name) step \(k + 1) has a check")
                #expect(!(step.task + step.notice).joined().contains("<"), "\(lesson.name): text, never markup")
                guard let setup = step.setup else { continue }
                let dropped = try LiveSession(limits: .playground).configure(setup)
                #expect(dropped.isEmpty, "\(lesson.name) step \(k + 1): \(dropped)")
            }
        }
        // The sheet's lessons follow one another: one link to the first walks through them all.
        var walk = ["sheet"]
        while let next = lessons.first(where: { $0.name == walk.last })?.next, !walk.contains(next) { walk.append(next) }
        #expect(walk == ["sheet", "backprop-by-hand", "spiral-seeds", "activations", "regularization"])
                let json = try LessonFiles.json(page: page)
        #expect(json.hasPrefix(#"[{"name":"sheet""#))
    }

    /// A scratch folder holding `files` (name → text), for a teacher's lessons.
    func folder(_ files: [String: String]) throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-lessons-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: d.appendingPathComponent(name)) }
        return d
    }

    static let ownLesson = "---\ntitle: Our moons\nsummary: The course's first hour.\nnext: sheet\n---\n## Train\nsetup: preset=moons&epochs=50\ncheck: epoch>=50\n"

    /// A teacher's folder: its lessons listed first, one named as a shipped lesson replaces it,
    /// other files left alone, and a `next:` may lead into the shipped ones.
    @Test func aTeachersLessonsComeFirstAndReplaceTheirNamesakes() throws {
        let page = try #require(LessonTests.page)
        let shipped = try LessonFiles.all(page: page)
        let xor = LessonTests.ownLesson.replacingOccurrences(of: "Our moons", with: "Our XOR")
        let dir = try folder(["ours.md": LessonTests.ownLesson, "xor.md": xor, "notes.txt": "not a lesson"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let lessons = try LessonFiles.all(page: page, folder: dir.path)
        #expect(lessons.prefix(2).map(\.name) == ["ours", "xor"] && lessons[1].title == "Our XOR")
        #expect(lessons.count == shipped.count + 1 && lessons.filter { $0.name == "xor" }.count == 1)
        #expect(Array(lessons.dropFirst(2).map(\.name)) == shipped.map(\.name).filter { $0 != "xor" }, "the shipped ones keep their order")
        #expect(try LessonFiles.json(page: page, folder: dir.path).hasPrefix(#"[{"name":"ours""#))
    }

    /// A fault in a teacher's lesson is one line naming the file and its line; a folder that is
    /// missing, a file, empty, or holds a named pipe or an oversized file is refused at once.
    @Test func aTeachersFaultyFolderIsOneLine() throws {
        let page = try #require(LessonTests.page)
        func refusal(_ folder: String) -> String {
            do { _ = try LessonFiles.all(page: page, folder: folder); return "accepted" } catch { return "\(error)" }
        }
        let bad = try folder(["ours.md": LessonTests.ownLesson.replacingOccurrences(of: "check: epoch>=50", with: "hide: speedometer")])
        defer { try? FileManager.default.removeItem(at: bad) }
        let said = refusal(bad.path)
        #expect(said.contains("ours.md") && said.contains("line 8") && said.contains("no control \"speedometer\"") && !said.contains("\n"), "\(said)")
        let lost = try folder(["ours.md": LessonTests.ownLesson.replacingOccurrences(of: "next: sheet", with: "next: nowhere")])
        defer { try? FileManager.default.removeItem(at: lost) }
        #expect(refusal(lost.path).contains("next: no lesson \"nowhere\""))
        #expect(refusal(bad.path + "/missing").contains("no lessons folder"))
        #expect(refusal(bad.appendingPathComponent("ours.md").path).contains("is a file, not a folder"))
        let empty = try folder(["readme.txt": "x"])
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(refusal(empty.path).contains("holds no NAME.md file"))
        let big = try folder(["ours.md": LessonTests.ownLesson + String(repeating: "x", count: 70_000)])
        defer { try? FileManager.default.removeItem(at: big) }
        #expect(refusal(big.path).contains("ours.md\" is larger than 64 KB"), "\(refusal(big.path))")
        // A named pipe nobody writes: refused without being opened for reading (which would block).
        let piped = try folder([:])
        defer { try? FileManager.default.removeItem(at: piped) }
        #expect(mkfifo(piped.appendingPathComponent("pipe.md").path, 0o600) == 0)
        #expect(refusal(piped.path).contains("pipe.md\" is a named pipe, not a file"), "\(refusal(piped.path))")
    }

    /// The steps a student passes by pressing play: each passes at its stop epoch. (The steps
    /// over seeds are the sweep's figures, held by `.ci/run`'s claims in a release build; the
    /// steps without a setup go on from what the student did.)
    @Test(arguments: ["sheet", "backprop-by-hand", "activations", "regularization", "train-test-gap", "xor", "initialization", "feature-crosses", "learning-rate"])
    func theStepsPassWhenDoneAsTheySay(name: String) throws {
        let page = try #require(LessonTests.page)
        let lesson = try #require(try LessonFiles.all(page: page).first { $0.name == name })
        for (k, step) in lesson.steps.enumerated() {
            guard let setup = step.setup, let check = step.check, !check.terms.contains(where: { $0.quantity == .seedsRun || $0.quantity == .seedSuccess }) else { continue }
            let live = LiveSession(limits: .playground)
            live.resolution = (8, 4)
            _ = try live.configure(setup)
            try live.setCheck(check.text)
            #expect(try !judged(live).passed, "\(name) step \(k + 1) passes before training")
            train(live)
            let outcome = try judged(live)
            if check.terms.contains(where: { $0.quantity == .byHand }) {
                // The student's part: every term of one weight's backprop, as the engine has it.
                #expect(!outcome.passed, "\(outcome.text)")
                let L = try #require(live.session).architecture.sizes.count - 2
                let answers = Dictionary(uniqueKeysWithValues: try live.byHandTerms(layer: L, to: 0, from: 0, sample: 3).map { ($0.name, "\($0.expected)") })
                _ = try live.byHand(layer: L, to: 0, from: 0, sample: 3, answers: answers)
                #expect(try judged(live).passed)
            } else             if name == "learning-rate" && step.title == "Your turn" {
                // The student's part: 0.03 is too slow for 30 epochs; a rate they choose passes.
                #expect(!outcome.passed, "\(outcome.text)")
                try live.reset()
                _ = try live.set("lr", "0.1")
                train(live)
                #expect(try judged(live).passed)
            } else {
                #expect(outcome.passed, "\(name) step \(k + 1) (\(step.title)): \(outcome.text)")
            }
        }
    }
}
