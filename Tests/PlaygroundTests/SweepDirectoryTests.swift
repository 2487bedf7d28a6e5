import Foundation
import Testing
import Backprop
import Playground

/// A sweep as files: resumed, split into tasks, collected, always with the numbers of the
/// sweep run in one piece in memory.
@Suite struct SweepDirectoryTests {
    /// 2 settings × 3 seeds of a small xor net: 6 trials, quick even in a debug build.
    static let sweep: Sweep = {
        var base = Experiment()
        base.data.dataset = "xor"
        base.data.points = 120
        base.network.hidden = [4]
        base.network.head = .tanhSquaredError
        base.training.epochs = 60
        base.training.batchSize = 10
        base.training.learningRate = .constant(0.03)
        return Sweep(base: base, axes: [.init(key: "activation", values: ["tanh", "relu"])], seeds: 3,
                     criterion: Criterion(metric: .testAccuracy, lessThan: false, threshold: 0.8), checkEvery: 10)
    }()

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func tasksThenCollectGiveTheNumbersOfTheSweepInMemory() throws {
        let root = try tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("s").path
        let dir = try SweepDirectory.create(Self.sweep, at: path, trialsPerTask: 4)
        #expect(dir.plan.tasks == 2)
        #expect(try dir.trials(forTask: 1).map(\.index) == [1, 3, 5])   // dealt out, not in blocks
        #expect(throws: BackpropError.self) { try dir.trials(forTask: 2) }
        // Every trial is a file a person can train on its own: the experiment with its seed.
        let third = try Experiment(json: Data(contentsOf: dir.experimentURL(2)))
        #expect(third.seed == 2 && third.network.activations == [.tanh])

        // Task 1 alone: the report says what is missing.
        #expect(try dir.run(try dir.trials(forTask: 1), threads: 2).ran == 3)
        let partial = try SweepDirectory(opening: path).writeReport()
        #expect(partial.missing == 3)
        #expect(partial.report.summaries.map(\.runs) == [1, 2])   // trial 1: tanh; 3 and 5: relu

        // Reopened (another process, another machine): task 0, then nothing is left to run.
        let again = try SweepDirectory(opening: path)
        #expect(try again.run(try again.trials(forTask: 0), threads: 1).ran == 3)
        #expect(try again.run(threads: 2).ran == 0)
        let (report, missing) = try again.writeReport()
        #expect(missing == 0)

        let inMemory = try Self.sweep.run(threads: 2)
        #expect(report.runs == inMemory.runs.sorted { $0.trial < $1.trial })
        let keys = Self.sweep.axes.map(\.key)
        #expect(try String(contentsOfFile: path + "/sweep.csv", encoding: .utf8) == Sweep.csv(inMemory.summaries, keys: keys))
        #expect(Sweep.table(report.summaries, keys: keys) == Sweep.table(inMemory.summaries, keys: keys))
        let png = try Data(contentsOf: URL(fileURLWithPath: path + "/sweep.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func theSameSweepResumesAndAnotherIsRefused() throws {
        let root = try tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("s").path
        let dir = try SweepDirectory.create(Self.sweep, at: path)
        _ = try dir.run(Array(dir.trials[0..<2]), threads: 1)
        let first = try Data(contentsOf: dir.resultURL(0))
        let resumed = try SweepDirectory.create(Self.sweep, at: path)
        #expect(try resumed.finished().runs.count == 2)
        #expect(try resumed.run(threads: 2).ran == 4)
        #expect(try Data(contentsOf: dir.resultURL(0)) == first)

        var other = Self.sweep
        other.seeds = 4
        let e = #expect(throws: BackpropError.self) { try SweepDirectory.create(other, at: path) }
        #expect(e?.message.contains("holds another sweep") == true)

        // A directory of someone's files is never taken over.
        let foreign = root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: foreign.appendingPathComponent("holiday.jpg"))
        let f = #expect(throws: BackpropError.self) { try SweepDirectory.create(Self.sweep, at: foreign.path) }
        #expect(f?.message.contains("holiday.jpg") == true)
    }

    @Test func aResultOrTrialThatIsNotThePlansIsRefused() throws {
        let root = try tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = try SweepDirectory.create(Self.sweep, at: root.appendingPathComponent("s").path)
        _ = try dir.run([dir.trials[0]], threads: 1)
        // Trial 0's result copied over trial 1's: the seed gives it away.
        try FileManager.default.copyItem(at: dir.resultURL(0), to: dir.resultURL(1))
        let e = #expect(throws: BackpropError.self) { try dir.finished() }
        #expect(e?.message.contains("another trial") == true)
        try FileManager.default.removeItem(at: dir.resultURL(1))
        try Data("{ not json".utf8).write(to: dir.resultURL(1))
        #expect(throws: BackpropError.self) { try dir.finished() }
        try FileManager.default.removeItem(at: dir.resultURL(1))

        // An edited experiment.json would train numbers that belong to no setting.
        var edited = dir.trials[2].experiment
        edited.training.epochs = 5
        try edited.jsonData().write(to: dir.experimentURL(2))
        let t = #expect(throws: BackpropError.self) { try dir.run([dir.trials[2]], threads: 1) }
        #expect(t?.message.contains("differs from the sweep's plan") == true)
    }

    /// Sweep files are read strictly, as experiment files are: the key is named, in one line.
    @Test func aMisspeltOrDoubledKeyInASweepFileIsNamed() throws {
        let root = try tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("s").path
        let dir = try SweepDirectory.create(Self.sweep, at: path)
        _ = try dir.run([dir.trials[0]], threads: 1)
        // Reading back what was written is fine.
        #expect(try dir.finished().runs.count == 1)
        let result = try String(contentsOf: dir.resultURL(0), encoding: .utf8)
        try result.replacingOccurrences(of: "{", with: #"{"sed": 1, "#, options: [], range: result.range(of: "{"))
            .write(to: dir.resultURL(0), atomically: true, encoding: .utf8)
        let r = #expect(throws: BackpropError.self) { try dir.finished() }
        #expect(r?.message.contains(#"unknown key "sed""#) == true && r?.message.contains("\n") == false, "\(r?.message ?? "")")
        let planFile = URL(fileURLWithPath: path).appendingPathComponent("plan.json")
        let plan = try String(contentsOf: planFile, encoding: .utf8)
        try plan.replacingOccurrences(of: "{", with: #"{"trials": 6, "#, options: [], range: plan.range(of: "{"))
            .write(to: planFile, atomically: true, encoding: .utf8)
        let p = #expect(throws: BackpropError.self) { try SweepDirectory(opening: path) }
        #expect(p?.message.contains("trials (given twice)") == true, "\(p?.message ?? "")")
    }

    @Test func widthAndDepthAreSettingsThatCommute() throws {
        var a = Experiment(), b = Experiment()
        try a.set(["depth": "3", "width": "5"])
        try b.set("width", to: "5"); try b.set("depth", to: "3")
        #expect(a.network.hidden == [5, 5, 5] && b.network.hidden == [5, 5, 5])
        var c = Experiment()
        try c.set("layers", to: "none")
        #expect(throws: BackpropError.self) { try c.set("depth", to: "2") }
        try c.set("width", to: "7")
        #expect(c.network.hidden == [7])
        #expect(throws: BackpropError.self) { try c.set("width", to: "0") }
    }

    @Test func theSlurmScriptAsksForWhatTheTrialsNeed() throws {
        let root = try tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = try SweepDirectory.create(Self.sweep, at: root.appendingPathComponent("s").path, trialsPerTask: 2)
        var script = SlurmScript(executable: "/opt/backprop bin/backprop", workingDirectory: "/home/student")
        script.throttle = 2
        script.partition = "short"
        script.options = ["--qos=debug"]
        try script.validate(directory: dir.url.path)
        let text = script.text(for: dir)
        #expect(text.hasPrefix("#!/bin/bash\n"))
        #expect(text.contains("#SBATCH --array=0-2%2\n"))
        #expect(text.contains("#SBATCH --partition=short\n") && text.contains("#SBATCH --qos=debug\n"))
        #expect(text.contains("#SBATCH --time=00:05:00\n"), "\(text)")   // the floor: these trials take milliseconds
        #expect(text.contains("exec '/opt/backprop bin/backprop' sweep task \(dir.url.path) --task \"$SLURM_ARRAY_TASK_ID\""))
        // The later #SBATCH line wins, so the extra options come after the computed ones.
        #expect(text.range(of: "--qos=debug")!.lowerBound > text.range(of: "--time=")!.lowerBound)

        script.options = ["--qos=x\nrm -rf ~"]
        #expect(throws: BackpropError.self) { try script.validate(directory: dir.url.path) }
        script.options = []
        script.partition = "a b"
        #expect(throws: BackpropError.self) { try script.validate(directory: dir.url.path) }

        // The estimate grows with the work: the sheet's spiral at 5,000 epochs against 60 of xor.
        var spiral = Experiment()
        try spiral.set(["dataset": "spiral", "layers": "6x6", "epochs": "5000", "batch-size": "10"])
        #expect(SlurmScript.estimate(spiral).seconds > 100 * SlurmScript.estimate(Self.sweep.base).seconds)
        #expect(SlurmScript.duration(90_061) == "1-01:01:01")
    }
}

/// Each setting's value, read back by `set`, changes nothing: what help shows as the default
/// is what the setting is.
@Suite struct SettingValueTests {
    @Test(arguments: ["moons.json", "spiral-6x6-relu.json", "regularization-l1.json"])
    func everyValueReadsBackToTheSameExperiment(file: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/\(file)")
        var e = try Experiment(json: Data(contentsOf: url))
        e.training.learningRate = .cosine(0.1, final: 0.001, epochs: 777)   // a schedule whose length is not the run's
        for (key, _) in Experiment.settingKeys {
            guard let v = e.value(of: key) else { continue }
            var again = e
            try again.set(key, to: v)
            #expect(again == e, "\(key)=\(v)")
        }
    }
}
