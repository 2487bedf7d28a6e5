import Foundation
import Testing
import Backprop

/// `backprop sweep` with a directory, as a person uses it: killed and resumed, run in tasks,
/// collected; mistakes refused with one line.
@Suite(.serialized) struct SweepCommandTests {
    let cli = CommandLineTests()

    /// 2 × 12 trials of xor, long enough in a debug build that a kill lands mid-sweep.
    static let sweep = ["sweep", "--dataset", "xor", "--points", "200", "--layers", "4", "--head", "tanh", "--lr", "0.03",
                        "--batch-size", "10", "--epochs", "300", "--vary", "activation=tanh|relu", "--seeds", "12",
                        "--criterion", "test-accuracy>=0.9", "--check-every", "10", "--quiet"]

    static func results(in dir: URL) -> Int {
        let trials = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("trials").path)) ?? []
        return trials.filter { FileManager.default.fileExists(atPath: dir.appendingPathComponent("trials/\($0)/result.json").path) }.count
    }

    /// Starts the sweep, waits until `atLeast` trials have finished, sends `signal`.
    func interrupt(_ args: [String], in dir: URL, atLeast: Int, with signal: Int32) async throws -> (Int32, String) {
        try await cli.interrupted(args, by: signal) { Self.results(in: dir) >= atLeast }
    }

    @Test func aKilledSweepLosesOnlyTheTrialsInFlightAndTheSameCommandResumes() async throws {
        let root = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("killed")
        let (status, _) = try await interrupt(Self.sweep + ["--out", dir.path], in: dir, atLeast: 3, with: SIGKILL)
        #expect(status == SIGKILL)
        let survived = Self.results(in: dir)
        #expect(survived >= 3 && survived < 24, "\(survived) results after the kill")

        let resumed = try await cli.run(Array(Self.sweep.dropLast()) + ["--out", dir.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming in \(dir.path): \(survived) of 24 trials finished"), "\(resumed.stderr)")
        #expect(resumed.stdout.contains("\(24 - survived) runs on"), "\(resumed.stdout)")

        let whole = root.appendingPathComponent("whole")
        let once = try await cli.run(Self.sweep + ["--out", whole.path])
        #expect(once.status == 0, "\(once.stderr)")
        for name in ["sweep.csv", "sweep.json"] {
            #expect(try Data(contentsOf: dir.appendingPathComponent(name)) == Data(contentsOf: whole.appendingPathComponent(name)), "\(name)")
        }
    }

    @Test func sigtermStopsTheSweepAndSaysHowToResume() async throws {
        let root = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("s")
        // Ten times the epochs: the signal must find the sweep still running after its first trial,
        // which a loaded machine's poll of the directory can otherwise miss (all 24 done in 0.5 s).
        let longer = Array(Self.sweep.dropLast()).map { $0 == "300" ? "3000" : $0 }
        let (status, stderr) = try await interrupt(longer + ["--out", dir.path], in: dir, atLeast: 1, with: SIGTERM)
        #expect(status == 130, "\(stderr)")
        #expect(stderr.contains("trials are finished in \(dir.path); run the same command again to resume"), "\(stderr)")
    }

    @Test func tasksThenCollectAsAJobArrayWould() async throws {
        let root = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("cluster").path
        let small = ["sweep", "--dataset", "xor", "--points", "100", "--layers", "3", "--epochs", "40", "--vary", "width=2|3",
                     "--seeds", "3", "--criterion", "test-accuracy>=0.7", "--quiet"]
        let made = try await cli.run(["sweep", "slurm", dir] + small.dropFirst() + ["--trials-per-task", "4", "--partition", "short", "--backprop", "/usr/local/bin/backprop"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("2 array tasks of up to 4 trials"), "\(made.stdout)")
        let script = try String(contentsOfFile: dir + "/sweep.sbatch", encoding: .utf8)
        #expect(script.contains("#SBATCH --array=0-1\n") && script.contains("exec /usr/local/bin/backprop sweep task"), "\(script)")

        let early = try await cli.run(["sweep", "collect", dir])
        #expect(early.status == 0)
        #expect(early.stdout.contains("0 of 6 trials finished") && early.stdout.contains("6 of 6 trials have no result yet"), "\(early.stdout)")
        let t1 = try await cli.run(["sweep", "task", dir, "--task", "1", "--quiet"])
        #expect(t1.status == 0 && t1.stdout.contains("task 1 of 2: ran 3 of its 3 trials"), "\(t1.stdout)\(t1.stderr)")
        let t0 = try await cli.run(["sweep", "task", dir, "--task", "0", "--quiet"])
        #expect(t0.status == 0 && t0.stdout.contains("ran 3 of its 3"), "\(t0.stdout)")
        let done = try await cli.run(["sweep", "collect", dir])
        #expect(done.stdout.contains("all 6 trials have finished"), "\(done.stdout)")

        let local = root.appendingPathComponent("local")
        _ = try await cli.run(small + ["--out", local.path])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/sweep.csv")) == Data(contentsOf: local.appendingPathComponent("sweep.csv")))
    }

    static let mistakes: [([String], String)] = [
        (["sweep", "collect", "/nonexistent-sweep"], "not a sweep directory"),
        // Each subcommand has only its own options: the grid's are not collect's or task's.
        (["sweep", "collect", "/tmp", "--seeds", "3"], "--seeds"),
        (["sweep", "task", "/tmp", "--layers", "3"], "--layers"),
        (["sweep", "--task", "1", "--epochs", "1"], "--task"),
        (["sweep", "--submit", "--epochs", "1"], "--submit"),
        (["sweep", "--collect", "/tmp/x"], "now a command of its own: backprop sweep collect DIR"),
        (["sweep", "--run", "/tmp/x"], "backprop sweep task DIR [--task K]"),
        (["sweep", "slurm", "/tmp/x", "--epochs", "1", "--sbatch-option", "qos"], "--sbatch-option"),
        (["sweep", "slurm", "/tmp/x", "--epochs", "1", "--trials-per-task", "0"], "--trials-per-task must be at least 1"),
        (["sweep", "--vary", "width=2|2", "--epochs", "1"], "lists a value twice"),
        (["sweep", "--vary", "depth=2", "--layers", "none", "--epochs", "1"], "no hidden layer to copy"),
    ]

    @Test(arguments: mistakes)
    func mistakesGetOneLine(args: [String], mentions: String) async throws {
        let r = try await cli.run(args)
        #expect(r.status == 2, "\(args): status \(r.status), \(r.stderr.prefix(300))")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr.prefix(500))")
        #expect(r.stderr.contains(mentions), "\(r.stderr.prefix(300))")
    }
}
