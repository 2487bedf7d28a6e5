import Foundation
import Testing
import Backprop
import Playground

/// The `backprop` executable end to end: exit codes, messages, files written.
@Suite(.serialized) struct CommandLineTests {
    /// The built executable, beside the test bundle in the build directory.
    static let binary: URL = {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("backprop")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/backprop")
    }()

    struct Outcome { var status: Int32; var stdout: String; var stderr: String }

    /// Runs the executable on a thread of its own: waiting for a process blocks, and a blocked
    /// cooperative thread (two on a 2-core machine) starved the server tests running beside.
    func run(_ args: [String]) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try Self.runBlocking(args) }) }.start()
        }
    }

    static func runBlocking(_ args: [String]) throws -> Outcome {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes concurrently so neither can fill up and block the child.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Outcome(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts the executable, waits until `ready()` says so (by default: 1.5 s), sends `signal`,
    /// and returns its exit status and standard error (on a thread of its own).
    func interrupted(_ args: [String], by signal: Int32,
                     when ready: @escaping @Sendable () -> Bool = { usleep(1_500_000); return true }) async throws -> (status: Int32, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let p = Process()
                    p.executableURL = Self.binary
                    p.arguments = args
                    let err = Pipe()
                    p.standardOutput = Pipe()
                    p.standardError = err
                    try p.run()
                    let deadline = Date().addingTimeInterval(120)
                    while p.isRunning && !ready() && Date() < deadline { usleep(5_000) }
                    kill(p.processIdentifier, signal)
                    let text = err.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    return (p.terminationStatus, String(decoding: text, as: UTF8.self))
                })
            }.start()
        }
    }

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test func trainWritesEveryResultFileAndTheExperimentRepeatsExactly() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run1")
        let r = try await run(["train", "--epochs", "300", "--quiet", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("test accuracy"))
        for name in ["model.safetensors", "model.json", "metrics.json", "experiment.json",
                     "loss.png", "loss.svg", "boundary.png", "boundary.svg", "network.png", "network.svg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        for png in ["loss.png", "boundary.png", "network.png"] {
            #expect(decodePNG(try Data(contentsOf: out.appendingPathComponent(png))) != nil, "\(png) does not decode")
        }
        #expect(try String(contentsOf: out.appendingPathComponent("boundary.svg"), encoding: .utf8).hasPrefix("<svg"))
        // The written experiment reproduces the run bit for bit.
        let again = dir.appendingPathComponent("run2")
        let r2 = try await run(["train", "--config", out.appendingPathComponent("experiment.json").path, "--quiet", "--out", again.path])
        #expect(r2.status == 0)
        #expect(r2.stdout == r.stdout.replacingOccurrences(of: out.path, with: again.path))
        #expect(try Data(contentsOf: out.appendingPathComponent("model.safetensors")) == Data(contentsOf: again.appendingPathComponent("model.safetensors")))
        // And the model evaluates and predicts on CSV data.
        let csv = dir.appendingPathComponent("moons.csv")
        #expect(try await run(["data", "--csv", csv.path]).status == 0)
        let e = try await run(["eval", "--model", out.appendingPathComponent("model.safetensors").path, "--data", csv.path])
        #expect(e.status == 0 && e.stdout.contains("accuracy") && e.stdout.contains("confusion"), "\(e.stderr)")
        let p = try await run(["predict", "--model", out.appendingPathComponent("model.json").path, "--data", csv.path])
        #expect(p.status == 0 && p.stdout.split(separator: "\n").count == 501)
        // --init-weights starts from a saved model.
        let w = try await run(["train", "--epochs", "1", "--quiet", "--init-weights", out.appendingPathComponent("model.safetensors").path])
        #expect(w.status == 0, "\(w.stderr)")
    }

    /// `train --explain` records gradient norms and dead units; `explain` prints one sample's
    /// backpropagation whose numbers obey the sheet's δ(L) = ŷ − y and ∂L/∂W = δ zᵀ.
    @Test func explainShowsBackpropagationWithTheNumbers() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let r = try await run(["train", "--epochs", "40", "--quiet", "--explain", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as? [String: Any]
        let gradients = try #require(metrics?["gradients"] as? [[String: Any]])
        #expect(gradients.count == 41)
        #expect(gradients.allSatisfy { ($0["norms"] as? [Double])?.count == 2 && ($0["norms"] as? [Double])?.allSatisfy { $0 > 0 } == true })
        #expect(decodePNG(try Data(contentsOf: out.appendingPathComponent("gradients.png"))) != nil)
        let e = try await run(["explain", "--config", out.appendingPathComponent("experiment.json").path,
                               "--model", out.appendingPathComponent("model.safetensors").path, "--sample", "3"])
        #expect(e.status == 0, "\(e.stderr)")
        /// The numbers in brackets on the line that starts with `prefix`.
        func numbers(_ prefix: String) -> [Double] {
            guard let line = e.stdout.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }),
                  let open = line.lastIndex(of: "[") else { return [] }
            return line[line.index(after: open)...].dropLast().split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        }
        let yhat = numbers("ŷ = sigmoid"), delta = numbers("δ(2) = ŷ − y"), z1 = numbers("z(1) = tanh"), gw1 = numbers("[")
        let y = try #require(e.stdout.split(separator: "\n").first.flatMap { $0.components(separatedBy: "y = [").last }.flatMap { Double($0.dropLast()) })
        #expect(yhat.count == 1 && delta.count == 1 && z1.count == 10, "\(e.stdout)")
        #expect(abs(delta[0] - (yhat[0] - y)) < 1e-5)
        // The first printed gradient row is ∂L/∂W1 = δ(2) z(1)ᵀ.
        #expect(gw1.count == 10 && zip(gw1, z1).allSatisfy { abs($0 - delta[0] * $1) <= 1e-5 * max(1e-3, abs($0)) })
        let bad = try await run(["explain", "--sample", "350"])
        #expect(bad.status == 2 && bad.stderr.contains("not one of the 350 training samples"), "\(bad.stderr)")
    }

    @Test(arguments: [
        (["train", "--activation", "bogus"], "unknown activation"),
        (["train", "--layers", "4,0"], "0 neurons"),
        (["train", "--lr=-1"], "learning rate"),
        (["train", "--ratio", "1.5"], "ratio"),
        (["train", "--data", "/nonexistent/file.csv"], "cannot read"),
        (["train", "--config", "/nonexistent.json"], "cannot read"),
        (["train", "--init-weights", "/nonexistent.safetensors"], "cannot read"),
        (["train", "--dataset", "plane", "--head", "sigmoid", "--epochs", "1"], "regression"),
        (["train", "--dataset", "blobs", "--head", "tanh", "--epochs", "1"], "softmax"),
        (["train", "--frobnicate"], "Unknown option"),
        (["sweep", "--vary", "layers", "--epochs", "1"], "KEY=V1"),
        (["sweep", "--vary", "bogus=1|2", "--epochs", "1"], "unknown setting"),
        (["eval", "--model", "/nonexistent.json", "--data", "/nonexistent.csv"], "cannot read"),
    ])
    func badInputExitsWithStatus2AndOneLine(args: [String], mentions: String) async throws {
        let r = try await run(args)
        #expect(r.status == 2, "\(args): status \(r.status), \(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("error: "))
        #expect(r.stderr.contains(mentions), "\(r.stderr)")
    }

    @Test func malformedFilesExitWith2AndLoseNothing() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.csv")
        try "x1,x2,label\n1,2,0\n3,oops,1\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try await run(["train", "--data", bad.path, "--epochs", "1"])
        #expect(r.status == 2 && r.stderr.contains("line 3, column 2"))
        let corrupt = dir.appendingPathComponent("m.safetensors")
        try Data([1, 2, 3]).write(to: corrupt)
        let m = try await run(["eval", "--model", corrupt.path, "--data", bad.path])
        #expect(m.status == 2 && m.stderr.contains("safetensors"))
        let badJSON = dir.appendingPathComponent("e.json")
        try "{\"training\": 5}".write(to: badJSON, atomically: true, encoding: .utf8)
        let j = try await run(["train", "--config", badJSON.path])
        #expect(j.status == 2 && j.stderr.contains("training"))
        // An existing output file survives a failed run untouched.
        let out = dir.appendingPathComponent("keep.csv")
        try "precious".write(to: out, atomically: true, encoding: .utf8)
        let d = try await run(["data", "--dataset", "nope", "--csv", out.path])
        #expect(d.status == 2)
        #expect(try String(contentsOf: out, encoding: .utf8) == "precious")
    }

    @Test func dataWritesCSVAndAScatterForEverySet() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["moons", "circles", "circle", "xor", "gauss", "spiral", "plane", "multi-gauss", "blobs", "spirals"] {
            let csv = dir.appendingPathComponent("\(name).csv"), png = dir.appendingPathComponent("\(name).png")
            let r = try await run(["data", "--dataset", name, "--points", "200", "--csv", csv.path, "--png", png.path])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            #expect(try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").count == 201)
            #expect(decodePNG(try Data(contentsOf: png)) != nil)
        }
    }

    @Test func gradcheckPassesForAnyArchitecture() async throws {
        let r = try await run(["gradcheck", "--layers", "5,4", "--activation", "gelu,tanh", "--dataset", "blobs", "--head", "softmax"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("layer 3"))
        #expect(r.stdout.contains("ok: largest relative error"))
    }

    @Test func sweepRunsOnBothCoresAndWritesCSVAndJSON() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await run(["sweep", "--dataset", "xor", "--layers", "4", "--head", "tanh", "--lr", "0.03", "--batch-size", "10",
                         "--epochs", "150", "--vary", "activation=tanh|relu", "--seeds", "4", "--threads", "2",
                         "--criterion", "test-accuracy>=0.9", "--check-every", "10", "--quiet", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("8 runs on 2 threads"), "\(r.stdout)")
        #expect(r.stdout.contains("tanh") && r.stdout.contains("relu"))
        let csv = try String(contentsOf: dir.appendingPathComponent("sweep.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 3)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("sweep.json"))) as? [String: Any]
        #expect((json?["runs"] as? [Any])?.count == 8)
    }

    @Test func ctrlCStopsTrainingAndStillWritesWhatWasTrained() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let status = try await interrupted(["train", "--epochs", "100000000", "--record-every", "1000", "--quiet", "--out", dir.path], by: SIGINT).status
        #expect(status == 130)
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("metrics.json"))) as? [String: Any]
        #expect(metrics?["stoppedEarly"] as? Bool == true)
        #expect((metrics?["epochs"] as? Int ?? 0) > 0)
        #expect(try Network<Double>(contentsOf: dir.appendingPathComponent("model.safetensors")).architecture.sizes == [2, 10, 1])
    }

    @Test func helpExplainsEveryOption() async throws {
        let r = try await run(["help", "train"])
        #expect(r.status == 0)
        for option in ["--dataset", "--layers", "--activation", "--lr-schedule", "--reg-style", "--out", "--config", "--init-weights"] {
            #expect(r.stdout.contains(option), "\(option) missing from help")
        }
        // Defaults and ranges, from the settings themselves (help wraps its lines, so spaces are folded).
        let text = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for shown in ["(4…1000000; default: 500)", "(default: moons)", "(0…1000000000; default: 10000)", "(default: tanh)", "(default: 3.0)"] {
            #expect(text.contains(shown), "\(shown) missing from help")
        }
    }

    /// The options are declared one by one (ArgumentParser needs a property each): every
    /// setting must have its option, and every option must be a setting.
    @Test func everySettingIsAnOptionOfTrainAndSweep() async throws {
        // `sweep run` and `sweep slurm` take the grid (`SweepGrid`): every setting is an option of both.
        for command in [["train"], ["sweep", "run"], ["sweep", "slurm"]] {
            let r = try await run(["help"] + command)
            for (key, _) in Experiment.settingKeys {
                #expect(r.stdout.contains("--\(key) "), "--\(key) missing from backprop help \(command.joined(separator: " "))")
            }
        }
    }

    @Test func shellCompletionOffersTheChoices() async throws {
        let r = try await run(["--generate-completion-script", "bash"])
        #expect(r.status == 0)
        for word in ["leaky_relu", "multi-gauss", "nesterov", "glorot_uniform"] {
            #expect(r.stdout.contains(word), "\(word) missing from the completion script")
        }
    }
}
