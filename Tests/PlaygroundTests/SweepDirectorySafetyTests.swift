import Foundation
import Testing
import Backprop
import Playground

/// A sweep directory never follows a link: a link planted for a trial folder, for `trials/` or
/// for a result is refused, and nothing is read or written through it. Every case works in a
/// scratch directory of its own.
@Suite struct SweepDirectorySafetyTests {
    func scratch() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-sweeps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    let sweep: Sweep = SweepDirectoryTests.sweep

    /// A scratch root holding a fresh sweep (`s`) and an empty folder beside it (`outside`),
    /// where nothing may ever be written.
    func plantedSweep() throws -> (root: URL, outside: URL, path: String, dir: SweepDirectory) {
        let root = try scratch()
        let outside = root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let path = root.appendingPathComponent("s").path
        return (root, outside, path, try SweepDirectory.create(sweep, at: path))
    }

    @Test func aLinkPlantedAsATrialFolderIsRefusedAndNothingIsWrittenThere() throws {
        let (root, outside, path, dir) = try plantedSweep()
        defer { try? FileManager.default.removeItem(at: root) }
        let trial1 = dir.trialURL(1)
        try FileManager.default.removeItem(at: trial1)
        try FileManager.default.createSymbolicLink(at: trial1, withDestinationURL: outside)
        do {
            _ = try SweepDirectory.create(sweep, at: path)
            Issue.record("a resume through a planted link was accepted")
        } catch {
            #expect(error.message.contains("000001") && error.message.contains("never follows links"), "\(error.message)")
        }
        #expect(throws: BackpropError.self) { try SweepDirectory(opening: path).run(threads: 1) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    @Test func aLinkPlantedAsTrialsOrAsAFileIsRefused() throws {
        let (root, outside, path, dir) = try plantedSweep()
        defer { try? FileManager.default.removeItem(at: root) }
        // result.json as a link to a file elsewhere: neither read nor written through.
        let secret = outside.appendingPathComponent("secret")
        try Data("keep".utf8).write(to: secret)
        try FileManager.default.createSymbolicLink(at: dir.resultURL(0), withDestinationURL: secret)
        #expect(throws: BackpropError.self) { try dir.finished() }
        #expect(throws: BackpropError.self) { try dir.run(threads: 1) }
        #expect(try String(contentsOf: secret, encoding: .utf8) == "keep")
        // A result.json that is a named pipe does not block the collector.
        try FileManager.default.removeItem(at: dir.resultURL(0))
        #expect(mkfifo(dir.resultURL(0).path, 0o600) == 0)
        #expect(throws: BackpropError.self) { try dir.finished() }
        // trials/ itself replaced by a link.
        let trials = URL(fileURLWithPath: path).appendingPathComponent("trials")
        try FileManager.default.removeItem(at: trials)
        try FileManager.default.createSymbolicLink(at: trials, withDestinationURL: outside)
        #expect(throws: BackpropError.self) { try SweepDirectory.create(sweep, at: path) }
        #expect(throws: BackpropError.self) { try SweepDirectory(opening: path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["secret"])
    }
}
