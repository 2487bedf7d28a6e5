import Foundation
import Testing
import Backprop
import Datasets

/// Small files shaped to make a reader build far more than their size. Each is refused, and the
/// process that refuses it stays near the input's own size: its peak resident memory (from
/// `wait4`) stays within a few times the file above a baseline run's. Linux carries a process's
/// high-water mark across `exec`, so a spawned child's figure starts at this test process's own
/// size; the baseline is measured from the same state, and a reader that built even ten times
/// its input (these built a hundred to two thousand) lands far above the bound.
@Suite(.serialized) struct InputBombTests {
    let cli = CommandLineTests()

    /// Runs the CLI and returns its exit status, standard error and peak RSS in bytes.
    func runMeasured(_ args: [String]) throws -> (status: Int32, stderr: String, peak: Int) {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let errFile = dir.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([CommandLineTests.binary.path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, CommandLineTests.binary.path, &actions, nil, argv, environ)
        #expect(spawned == 0)
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let stderr = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
        return (exit, stderr, usage.ru_maxrss * 1024)
    }

    /// The runtime's own footprint: a command that reads nothing.
    func baseline() throws -> Int { try runMeasured(["data", "--dataset", "xor", "--points", "4"]).peak }

    func expectRefusedSmall(_ name: String, _ contents: Data, _ args: [String], mentions: String) throws {
        let dir = try cli.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(name)
        try contents.write(to: file)
        let base = try baseline()
        let r = try runMeasured(args.map { $0 == "{}" ? file.path : $0 })
        #expect(r.status == 2, "\(name): status \(r.status), \(r.stderr.prefix(300))")
        #expect(r.stderr.contains(mentions) && r.stderr.split(separator: "\n").count == 1, "\(name): \(r.stderr.prefix(300))")
        let bound = base + 4 * contents.count + (32 << 20)
        #expect(r.peak < bound, "\(name) (\(contents.count >> 20) MB): peak \(r.peak >> 20) MB, bound \(bound >> 20) MB (baseline \(base >> 20) MB)")
    }

    /// A thousand tensors whose offsets all name the same 4 MB: each would decode to its own copy.
    @Test func aliasedSafetensorsAreRefusedBeforeDecoding() throws {
        let floats = 1 << 20
        var entries = ["\"__metadata__\":{\"backprop.architecture\":\"{\\\"inputs\\\":2,\\\"hidden\\\":[],\\\"outputs\\\":1,\\\"head\\\":\\\"sigmoid_bce\\\"}\"}"]
        for i in 0..<1000 { entries.append("\"t\(i)\":{\"dtype\":\"F32\",\"shape\":[\(floats)],\"data_offsets\":[0,\(4 * floats)]}") }
        var data = CommandLineSafetyTests.safetensors(header: "{" + entries.joined(separator: ",") + "}")
        data.append(Data(count: 4 * floats))
        try expectRefusedSmall("alias.safetensors", data, ["explain", "--model", "{}"], mentions: "overlap")
    }

    /// 16 MB of newlines after a header: no row is built for a blank line.
    @Test func aFileOfNewlinesCostsItsOwnSize() throws {
        try expectRefusedSmall("newlines.csv", Data("a,b,label\n".utf8) + Data(repeating: 10, count: 16 << 20),
                               ["train", "--data", "{}", "--epochs", "1"], mentions: "no data rows")
    }

    /// One row of 16 M commas: its fields are counted, not built.
    @Test func oneRowOfCommasCostsItsOwnSize() throws {
        try expectRefusedSmall("commas.csv", Data("a,b,label\n1,2,0".utf8) + Data(repeating: UInt8(ascii: ","), count: 16 << 20),
                               ["train", "--data", "{}", "--epochs", "1"], mentions: "columns, the header has 3")
    }

    /// A header of 16 M commas: refused at the column limit.
    @Test func aHeaderOfCommasCostsItsOwnSize() throws {
        try expectRefusedSmall("header.csv", Data(repeating: UInt8(ascii: ","), count: 16 << 20) + Data("\n1,2\n".utf8),
                               ["train", "--data", "{}", "--epochs", "1"], mentions: "at most 4096 inputs")
    }

    /// More rows or numbers than the limits: refused at the first row past them.
    @Test func rowsPastTheLimitsAreRefusedAtTheFirstOne() throws {
        var limits = Limits.standard
        limits.points = 3
        #expect(throws: BackpropError.invalidData("the CSV file has more than 3 data rows; at most 3 here")) {
            try CSV.parseTable("a,y\n1,0\n2,0\n3,0\n4,0\n", limits: limits)
        }
        limits.points = 100
        limits.dataValues = 5
        #expect(throws: BackpropError.invalidData("the CSV file has more than 2 rows of 2 columns; at most 5 numbers here")) {
            try CSV.parseTable("a,y\n1,0\n2,0\n3,0\n", limits: limits)
        }
        // Blank lines at the end are not rows; one between rows is an error; \r\n and \r end lines.
        #expect(try CSV.parseTable("a,y\r\n1,0\r2,1\n\n  \n", limits: limits).rows == [[1, 0], [2, 1]])
        #expect(throws: BackpropError.invalidData("line 3 is empty")) { try CSV.parseTable("a,y\n1,0\n\n2,1\n") }
    }
}
