import Foundation
import Testing

/// `backprop site`: the static site written whole, with a teacher's own lessons when given, and
/// nothing written when anything it needs is faulty.
@Suite(.serialized) struct SiteCommandTests {
    let cli = CommandLineTests()

    /// A module the site accepts (the WebAssembly magic and version): the page's own engine is
    /// the browser test's; this test is about the files around it.
    func module(in dir: URL) throws -> String {
        let url = dir.appendingPathComponent("engine.wasm")
        try Data([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]).write(to: url)
        return url.path
    }

    @Test func aTeachersLessonsAreListedFirstInTheSite() async throws {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lessons = dir.appendingPathComponent("lessons")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        try Data("---\ntitle: Our moons\nsummary: The course's first hour.\n---\n## Train\nsetup: preset=moons&epochs=50\ncheck: epoch>=50\n".utf8)
            .write(to: lessons.appendingPathComponent("ours.md"))
        let site = dir.appendingPathComponent("site")
        let wasm = try module(in: dir)
        let r = try await cli.run(["site", site.path, "--wasm", wasm, "--lessons", lessons.path])
        #expect(r.status == 0, "\(r.stderr)")
        let list = try String(contentsOf: site.appendingPathComponent("lessons.json"), encoding: .utf8)
        #expect(list.hasPrefix(#"[{"name":"ours""#) && list.contains(#""name":"sheet""#), "\(list.prefix(80))")
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("index.html").path))
        // Written again over the site it wrote: the same files, accepted.
        #expect(try await cli.run(["site", site.path, "--wasm", wasm, "--lessons", lessons.path]).status == 0)
    }

    @Test func aFaultyLessonIsOneLineAndNothingIsWritten() async throws {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lessons = dir.appendingPathComponent("lessons")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        try Data("---\ntitle: Ours\n---\n## Train\nsetup: preset=moons\ncheck: loss<0.1\n".utf8).write(to: lessons.appendingPathComponent("ours.md"))
        let site = dir.appendingPathComponent("site")
        let r = try await cli.run(["site", site.path, "--wasm", try module(in: dir), "--lessons", lessons.path])
        let lines = r.stderr.split(separator: "\n")
        #expect(r.status == 2 && lines.count == 1, "\(r.status) \(r.stderr)")
        #expect(!r.stderr.contains("invalid setting: the lessons: invalid setting"), "said once: \(r.stderr)")
        #expect(r.stderr.contains("ours.md") && r.stderr.contains("line 6") && r.stderr.contains("unknown quantity \"loss\""), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: site.path), "nothing written, not even the folder")
        let missing = try await cli.run(["site", site.path, "--wasm", try module(in: dir), "--lessons", dir.appendingPathComponent("none").path])
        #expect(missing.status == 2 && missing.stderr.contains("no lessons folder"), "\(missing.stderr)")
    }
}
