import Foundation
import Testing
import Backprop
import Playground

/// Outputs never replace what is not ours and inputs never block (a sweep directory's links:
/// `SweepDirectorySafetyTests`). Every case works in a scratch directory with its own device node, named
/// pipes and links — never the machine's `/dev`.
@Suite(.serialized) struct FileSafetyTests {
    let cli = CommandLineTests()

    func scratch() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    func kind(_ url: URL) -> FileAccess.Kind { FileAccess.kind(url.path, follow: false) }

    /// A character device equal to /dev/null (major 1, minor 3), made in `dir`; nil when this
    /// process may not make device nodes (not root).
    func nullDevice(in dir: URL) -> URL? {
        let node = dir.appendingPathComponent("null")
        return mknod(node.path, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 ? node : nil
    }

    @Test func aDeviceIsWrittenInPlaceNeverReplaced() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        guard let null = nullDevice(in: dir) else { return }   // needs root, as CI has
        for flag in ["--csv", "--png", "--svg"] {
            let r = try await cli.run(["data", "--dataset", "moons", "--points", "20", flag, null.path])
            #expect(r.status == 0, "\(flag): \(r.stderr)")
            #expect(kind(null) == .characterDevice, "\(flag) replaced the device node")
        }
        // The library's own writer, too: a model written to a device stays a device.
        let net = try Network<Double>(Architecture(inputs: 2, hidden: [.init(units: 3, activation: .tanh)], outputs: 1, head: .sigmoidCrossEntropy), initializer: .glorotUniform, seed: 1)
        try net.write(to: null, format: .json)
        #expect(kind(null) == .characterDevice)
    }

    @Test func aNamedPipeIsWrittenInPlace() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("out.fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        // Without a reader the writer says so at once instead of waiting.
        let alone = try await cli.run(["data", "--dataset", "xor", "--points", "8", "--csv", fifo.path])
        #expect(alone.status == 2 && alone.stderr.contains("nothing is reading"), "\(alone.stderr)")
        // With one (opened first, without blocking), the data arrives through the pipe.
        let readEnd = open(fifo.path, O_RDONLY | O_NONBLOCK)
        #expect(readEnd >= 0)
        let r = try await cli.run(["data", "--dataset", "xor", "--points", "8", "--csv", fifo.path])
        var received = [UInt8](repeating: 0, count: 1 << 16)
        let n = read(readEnd, &received, received.count)
        close(readEnd)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(kind(fifo) == .pipe)
        #expect(n > 0 && String(decoding: received.prefix(max(n, 0)), as: UTF8.self).hasPrefix("x1,x2,label\n"))
    }

    @Test func dashAndDevStdoutMeanStandardOutput() async throws {
        for target in ["-", "/dev/stdout"] {
            let r = try await cli.run(["data", "--dataset", "xor", "--points", "8", "--csv", target])
            #expect(r.status == 0, "\(target): \(r.stderr)")
            #expect(r.stdout.hasPrefix("x1,x2,label\n") && r.stdout.split(separator: "\n").count == 9, "\(target): \(r.stdout.prefix(200))")
        }
    }

    @Test func aLinkIsWrittenWhereItPointsAndALinkToNothingIsRefused() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("real.csv")
        try Data("old\n".utf8).write(to: target)
        let link = dir.appendingPathComponent("link.csv")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let r = try await cli.run(["data", "--dataset", "xor", "--points", "8", "--csv", link.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(kind(link) == .symlink, "the link itself was replaced")
        #expect(try String(contentsOf: target, encoding: .utf8).hasPrefix("x1,x2,label"))

        let dangling = dir.appendingPathComponent("dangling.csv")
        let elsewhere = dir.appendingPathComponent("elsewhere.csv")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: elsewhere.path)
        let d = try await cli.run(["data", "--dataset", "xor", "--points", "8", "--csv", dangling.path])
        #expect(d.status == 2 && d.stderr.contains("symbolic link to nothing"), "\(d.stderr)")
        #expect(kind(elsewhere) == .missing)
    }

    @Test func aDirectoryOrAMissingFolderIsRefusedInOneLine() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (path, words) in [(dir.path, "is a directory"), (dir.appendingPathComponent("no/such/x.csv").path, "does not exist")] {
            let r = try await cli.run(["data", "--dataset", "xor", "--points", "8", "--csv", path])
            #expect(r.status == 2 && r.stderr.contains(words) && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        #expect(kind(dir) == .directory)
    }

    @Test func aReplacedFileKeepsItsPermissions() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("out.txt")
        try Data("old".utf8).write(to: file)
        chmod(file.path, 0o640)
        try FileAccess.write(Data("new".utf8), to: file.path)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new")
        var st = stat()
        stat(file.path, &st)
        #expect(st.st_mode & 0o777 == 0o640)
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.txt"])
    }

    /// A named pipe as --config or --data used to block for ever; a device as input is refused too.
    @Test func aPipeOrDeviceAsInputIsRefusedAtOnce() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("in.fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        for args in [["train", "--config", fifo.path], ["train", "--data", fifo.path, "--epochs", "1"]] {
            let r = try await cli.run(args)
            #expect(r.status == 2 && r.stderr.contains("named pipe, not a file") && r.stderr.contains("give -"), "\(args): \(r.stderr)")
        }
        if let null = nullDevice(in: dir) {
            let r = try await cli.run(["train", "--config", null.path])
            #expect(r.status == 2 && r.stderr.contains("a device, not a file"), "\(r.stderr)")
        }
    }

    /// A pipe given by design — a shell's `<(…)`, /dev/fd/N — is read.
    @Test func aPipeGivenAsADescriptorIsRead() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = Array(String(decoding: Experiment().jsonData(), as: UTF8.self).utf8)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let writer = Thread {
            text.withUnsafeBytes { _ = write(writeEnd, $0.baseAddress, $0.count) }
            close(writeEnd)
        }
        writer.start()
        let data = try Limits.standard.readFile("/dev/fd/\(readEnd)", what: "the config file")
        close(readEnd)
        #expect(try Experiment(json: data) == Experiment())
    }
}
