import Foundation
import Testing
import Backprop
import Playground

/// Inputs that crashed, hung or were silently accepted by the command line, each now
/// refused with exit status 2 and one short line — and runs that stop or diverge lose nothing.
@Suite(.serialized) struct CommandLineSafetyTests {
    let cli = CommandLineTests()

    static let absurd: [([String], String)] = [
        (["train", "--layers", "4294967296,4294967296"], "at most 4096"),
        (["train", "--layers", "100000x100000"], "far more than any network"),
        (["train", "--layers", "5x1000000000000"], "far more than any network"),
        (["train", "--points", "1000000000000"], "points is 1000000000000; at most"),
        (["train", "--dataset", "blobs", "--classes", "1000000000"], "classes is 1000000000; at most"),
        (["train", "--features", Array(repeating: "x1", count: 5000).joined(separator: ",")], "at most 4096"),
        (["train", "--layers", "4096,4096,4096"], "parameters"),
        (["train", "--points", "1000000", "--layers", "2048"], "buffer values"),
        (["train", "--epochs", "99999999999"], "epochs is"),
        (["train", "--out", ""], "--out needs a directory"),
        (["train", "--out", "."], "names no directory"),
        (["sweep", "--seeds", "1000000000", "--epochs", "1"], "--seeds is 1000000000"),
        (["sweep", "--vary", "lr=0.1", "--vary", "lr=1", "--epochs", "1"], "given twice"),
        (["sweep", "--seed", "3", "--epochs", "1"], "--first-seed"),
        (["sweep", "--first-seed", "18446744073709551615", "--seeds", "2", "--epochs", "1"], "largest seed"),
        (["serve", "--port", "70000"], "--port"),
        (["gradcheck", "--layers", "1000,1000"], "parameters to check"),
        // A value that looks like an option is still the value, and is judged as one.
        (["train", "--lr", "-1"], "learning rates must be 0 or positive, got -1"),
        (["train", "--layers", ",,,"], "has an empty width"),
        (["train", "--data-seed", "4294967296"], "seeds go up to 4294967295"),
        (["train", "--dataset", "circles", "--data-seed", "18446744073709551615"], "seeds go up to 4294967295"),
        // A newline in a value is shown escaped, so the message stays one line.
        (["train", "--activation", "re\nlu\u{1B}[31m"], #"unknown activation "re\nlu\u{1B}[31m""#),
    ]

    /// `explain --model run/model.safetensors` reads the run's experiment beside the model; a
    /// model on its own gets told what to pass. On every kernel path zero prints as 0, never -0.
    @Test func explainFindsTheRunsExperimentOrSaysWhatToPass() async throws {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        let trained = try await cli.run(["train", "--layers", "6,6", "--activation", "relu", "--epochs", "20", "--out", run.path, "--quiet"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let model = run.appendingPathComponent("model.safetensors")
        let e = try await cli.run(["explain", "--model", model.path])
        #expect(e.status == 0 && e.stdout.contains("forward"), "\(e.stderr)")
        #expect(!e.stdout.contains("-0,") && !e.stdout.contains("-0]") && !e.stdout.contains("= -0\n"), "a -0 in:\n\(e.stdout)")
        let alone = dir.appendingPathComponent("alone.safetensors")
        try FileManager.default.copyItem(at: model, to: alone)
        let a = try await cli.run(["explain", "--model", alone.path])
        #expect(a.status == 2 && a.stderr.contains("--config DIR/experiment.json"), "\(a.stderr)")
    }

    /// An identity head diverges to finite, ever larger numbers: still a divergence, exit 1.
    @Test func aRunawayRegressionIsADivergence() async throws {
        let r = try await cli.run(["train", "--head", "identity", "--lr", "2", "--epochs", "60", "--quiet"])
        #expect(r.status == 1 && r.stderr.contains("diverged") && r.stderr.contains("training loss grew"), "\(r.status): \(r.stderr)")
        #expect(!r.stdout.contains("R²"), "\(r.stdout)")
    }

    /// The README's `--sbatch-option --qos=short`: an option's value may begin with dashes.
    @Test func anSbatchOptionMayLookLikeAnOption() async throws {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await cli.run(["sweep", "slurm", dir.appendingPathComponent("s").path, "--sbatch-option", "--qos=short",
                                   "--epochs", "1", "--seeds", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let script = try String(contentsOf: dir.appendingPathComponent("s/sweep.sbatch"), encoding: .utf8)
        #expect(script.contains("#SBATCH --qos=short\n"))
    }

    @Test(arguments: absurd)
    func absurdSizesAreRefusedBeforeAllocating(args: [String], mentions: String) async throws {
        let r = try await cli.run(args)
        #expect(r.status == 2, "\(args.prefix(3)): status \(r.status), \(r.stderr.prefix(300))")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.count < 400, "\(r.stderr.prefix(500))")
        #expect(r.stderr.contains(mentions), "\(r.stderr.prefix(300))")
    }

    /// Writes `text` to a file in a fresh directory and runs `args` with `{}` replaced by its path.
    func runWithFile(_ name: String, _ contents: Data, _ args: [String]) async throws -> CommandLineTests.Outcome {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(name)
        try contents.write(to: file)
        return try await cli.run(args.map { $0 == "{}" ? file.path : $0 })
    }

    static func safetensors(header: String) -> Data {
        var d = Data()
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { d.append(contentsOf: $0) }
        d.append(contentsOf: Array(header.utf8))
        return d
    }

    static let hugeArchitecture = #"{"inputs":4294967296,"hidden":[{"units":4294967296,"activation":"tanh"}],"outputs":1,"head":"sigmoid_bce"}"#
    /// The sheet's experiment file, complete (nested settings are read whole).
    static let full = String(decoding: Experiment().jsonData(), as: UTF8.self)

    static let malformed: [(String, String, [String], String)] = [
        // Experiment files: unknown keys, duplicate keys, values out of range.
        ("e.json", #"{"learningRate": -1}"#, ["train", "--config", "{}"], "unknown key \"learningRate\""),
        ("e.json", #"{"foo": 1}"#, ["train", "--config", "{}"], "unknown key \"foo\""),
        ("e.json", #"{"seed": 1, "seed": 2}"#, ["train", "--config", "{}"], "\"seed (given twice)\""),
        ("e.json", full.replacingOccurrences(of: #""epochs" : 10000,"#, with: #""epochs" : 10000, "epochs" : 20,"#), ["train", "--config", "{}"], "training.epochs (given twice)"),
        ("e.json", full.replacingOccurrences(of: #""hidden" : ["#, with: #""hiden" : [8], "hidden" : ["#), ["train", "--config", "{}"], "network.hiden"),
        ("e.json", full.replacingOccurrences(of: #""points" : 500"#, with: #""points" : 100000000000"#), ["train", "--config", "{}"], "points is"),
        ("e.json", full.replacingOccurrences(of: #""initial" : 3"#, with: #""initial" : -1"#), ["train", "--config", "{}"], "learning rate"),
        ("e.json", "<deep>", ["train", "--config", "{}"], "nested deeper"),
        // Model files: widths of 2^32, non-finite weights.
        ("m.json", #"{"format":"backprop-model","version":1,"dtype":"F64","architecture":\#(hugeArchitecture),"layers":[]}"#,
         ["eval", "--model", "{}", "--data", "{}"], "at most 4096"),
        ("m.json", #"{"format":"backprop-model","version":1,"dtype":"F64","architecture":{"inputs":1,"hidden":[],"outputs":1,"head":"identity_mse"},"layers":[{"weight":[[1e999]],"bias":[0]}]}"#,
         ["eval", "--model", "{}", "--data", "{}"], "not valid JSON"),
        // A CSV of 10^6 columns, and a 10 MB field: refused at once, quoted briefly.
        ("wide.csv", "<wide>", ["train", "--data", "{}"], "at most 4096 inputs"),
        ("long.csv", "<long>", ["train", "--data", "{}"], "is not a number"),
    ]

    @Test(arguments: malformed)
    func malformedFilesAreRefusedWithTheirReason(name: String, text: String, args: [String], mentions: String) async throws {
        // The large inputs are made here, so that the test's name (which shows its arguments) stays short.
        let contents = switch text {
        case "<deep>": String(repeating: "[", count: 100_000)
        case "<wide>": Array(repeating: "1", count: 1_000_000).joined(separator: ",") + "\n"   // 10^6 columns
        case "<long>": "a,label\n" + String(repeating: "z", count: 10_000_000) + ",0\n"       // a 10 MB field
        default: text
        }
        let r = try await runWithFile(name, Data(contents.utf8), args)
        #expect(r.status == 2, "\(name): status \(r.status), \(r.stderr.prefix(300))")
        #expect(r.stderr.contains(mentions), "\(r.stderr.prefix(300))")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.count < 400, "\(r.stderr.prefix(500))")
    }

    @Test func safetensorsWithImpossibleShapesAreRefused() async throws {
        let metadata = Self.hugeArchitecture.replacingOccurrences(of: "\"", with: "\\\"")
        let header = #"{"__metadata__":{"backprop.architecture":"\#(metadata)"},"layers.0.weight":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#
        let r = try await runWithFile("m.safetensors", Self.safetensors(header: header), ["eval", "--model", "{}", "--data", "{}"])
        #expect(r.status == 2 && r.stderr.contains("safetensors"), "\(r.stderr)")
    }

    @Test func sigtermStopsTrainingAndStillWritesWhatWasTrained() async throws {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let status = try await cli.interrupted(["train", "--epochs", "100000000", "--record-every", "1000", "--quiet", "--out", out.path], by: SIGTERM).status
        #expect(status == 130)
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as? [String: Any]
        #expect(metrics?["stoppedEarly"] as? Bool == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["run"], "no temporary directory is left beside the run")
    }

    @Test func aDivergedRunWritesItsHistoryAndReplacesTheWholeSet() async throws {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let good = try await cli.run(["train", "--epochs", "20", "--quiet", "--out", out.path])
        #expect(good.status == 0 && FileManager.default.fileExists(atPath: out.appendingPathComponent("model.safetensors").path))
        // Regression with ReLU at learning rate 1e6 overflows within a few epochs.
        let r = try await cli.run(["train", "--dataset", "plane", "--activation", "relu", "--lr", "1000000", "--epochs", "500", "--quiet", "--out", out.path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("diverged"))
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as? [String: Any]
        #expect((metrics?["diverged"] as? String)?.contains("diverged") == true)
        let history = metrics?["history"] as? [Any] ?? []
        #expect(history.count >= 2, "the loss history up to the divergence")
        // The old model is gone with the old set: no new experiment beside an old model.
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        #expect(files == ["experiment.json", "metrics.json", "loss.png", "loss.svg"])
        let experiment = try String(contentsOf: out.appendingPathComponent("experiment.json"), encoding: .utf8)
        #expect(experiment.contains("\"plane\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["run"])
    }

    @Test func aDirectoryWithOtherFilesIsNotReplaced() async throws {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "precious".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let r = try await cli.run(["train", "--epochs", "1", "--quiet", "--out", dir.path])
        #expect(r.status == 2 && r.stderr.contains("notes.txt"), "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("notes.txt"), encoding: .utf8) == "precious")
    }

    @Test func evalRefusesNaNWeights() async throws {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var net = try Network<Double>(Architecture(sizes: [2, 3, 1], activation: .tanh, head: .sigmoidCrossEntropy), initializer: .normal(scale: 1), seed: 1)
        net.setWeight(layer: 1, to: 0, from: 2, .nan)
        let model = dir.appendingPathComponent("nan.safetensors"), csv = dir.appendingPathComponent("d.csv")
        try net.safetensorsData().write(to: model)
        try "a,b,label\n1,2,0\n".write(to: csv, atomically: true, encoding: .utf8)
        let r = try await cli.run(["eval", "--model", model.path, "--data", csv.path])
        #expect(r.status == 2 && r.stderr.contains("layer 2 has a non-finite weight"), "\(r.stderr)")
    }
}

/// `backprop serve` as a process: a taken port, a faulty lessons folder, and SIGTERM while a
/// client has stopped reading.
@Suite(.serialized) struct ServeProcessTests {
    let cli = CommandLineTests()

    /// A listening TCP socket on a free loopback port; returns (descriptor, port).
    static func listener() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        try #require(ok)
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }

    @Test func aTakenPortIsOneClearLine() async throws {
        let (fd, port) = try Self.listener()
        defer { close(fd) }
        let r = try await cli.run(["serve", "--port", "\(port)"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("port \(port) on 127.0.0.1 is already in use"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count == 1)
    }

    /// A teacher's lessons folder with a fault stops the server before it listens: one line
    /// naming the file and its line, not a page that fails for the first student.
    @Test func aFaultyLessonsFolderStopsTheServerInOneLine() async throws {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("---\ntitle: Ours\n---\n## Train\nsetup: preset=moons\nhide: speedometer\n".utf8).write(to: dir.appendingPathComponent("ours.md"))
        let r = try await cli.run(["serve", "--port", "0", "--lessons", dir.path])
        #expect(r.status == 2 && r.stderr.contains("ours.md") && r.stderr.contains("line 6") && r.stderr.contains("no control \"speedometer\""), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count == 1 && r.stdout.isEmpty, "\(r.stdout)\(r.stderr)")
    }

    @Test func sigtermEndsTheServerEvenWithAStalledClient() async throws {
        let status = try await withCheckedThrowingContinuation { (c: CheckedContinuation<Int32, any Error>) in
            Thread {
                c.resume(with: Result {
                    let p = Process()
                    p.executableURL = CommandLineTests.binary
                    p.arguments = ["serve", "--port", "0"]
                    let out = Pipe()
                    p.standardOutput = out
                    p.standardError = Pipe()
                    try p.run()
                    // The first line is the URL with the bound port.
                    var line = Data()
                    while !line.contains(UInt8(ascii: "\n")) { line += out.fileHandleForReading.availableData }
                    let text = String(decoding: line, as: UTF8.self)
                    let port = Int(text.split(separator: ":").last?.prefix { $0.isNumber } ?? "") ?? 0
                    // A client that upgrades, asks to play, and then never reads a byte.
                    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                    var addr = sockaddr_in()
                    addr.sin_family = sa_family_t(AF_INET)
                    addr.sin_port = in_port_t(UInt16(port).bigEndian)
                    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
                    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
                    let upgrade = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                    _ = upgrade.withCString { send(fd, $0, strlen($0), 0) }
                    // {"type":"play"} as a masked client frame (mask 0).
                    let play = Array(#"{"type":"play"}"#.utf8)
                    let frame: [UInt8] = [0x81, 0x80 | UInt8(play.count), 0, 0, 0, 0] + play
                    _ = frame.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
                    sleep(2)
                    kill(p.processIdentifier, SIGTERM)
                    // A hang guard, not a timing: the server must exit at all.
                    let deadline = Date().addingTimeInterval(20)
                    while p.isRunning && Date() < deadline { usleep(50_000) }
                    close(fd)
                    if p.isRunning { p.terminate(); kill(p.processIdentifier, SIGKILL); return -1 }
                    return p.terminationStatus
                })
            }.start()
        }
        #expect(status != -1, "backprop serve did not exit after SIGTERM with a stalled client")
    }
}
