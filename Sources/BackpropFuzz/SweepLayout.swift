import Foundation
import Backprop
import Playground

/// The `sweep-layout` target: bytes as changes to a sweep directory on disk — names inside it
/// replaced by links (out of it, or within), named pipes, folders or junk — and then the
/// sweep opened, collected, resumed and reported as `backprop sweep` would. Whatever the
/// layout, nothing may be written outside the directory and nothing may block: a violation
/// traps, which libFuzzer reports as a crash.
enum SweepLayout {
    /// Names a change may hit (relative to the sweep directory).
    static let names = ["trials", "trials/000000", "trials/000001", "trials/000000/result.json",
                        "trials/000001/result.json", "trials/000000/experiment.json", "trials/000001/experiment.json",
                        "plan.json", "sweep.csv", "sweep.png", "logs"]

    /// Two trials of one epoch on 40 points: quick enough to train for every input.
    static let sweep: Sweep = {
        var base = Experiment()
        base.data.dataset = "xor"
        base.data.points = 40
        base.network.hidden = [2]
        base.training.epochs = 1
        return Sweep(base: base, axes: [], seeds: 2, criterion: Criterion(metric: .testLoss, lessThan: true, threshold: 1))
    }()

    static func run(_ data: Data) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-fuzz-layout-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        let dir = root.appendingPathComponent("s"), outside = root.appendingPathComponent("outside")
        defer { try? FileManager.default.removeItem(at: root) }
        guard (try? FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)) != nil,
              (try? SweepDirectory.create(sweep, at: dir.path)) != nil else { return }
        let bait = outside.appendingPathComponent("bait")
        FileManager.default.createFile(atPath: bait.path, contents: Data("keep".utf8))
        // Each change: 2 bytes, what to put and where.
        let bytes = [UInt8](data.prefix(32))
        for i in stride(from: 0, to: bytes.count - 1, by: 2) {
            let name = names[Int(bytes[i + 1]) % names.count]
            // The harness itself must not plant through a link it planted before
            // (trials/000000 → outside, then trials/000000/experiment.json): every folder
            // above the name must be a real one.
            let parents = name.split(separator: "/").dropLast().indices.map { k in
                name.split(separator: "/").prefix(k + 1).joined(separator: "/")
            }
            guard parents.allSatisfy({ FileAccess.kind(dir.appendingPathComponent($0).path, follow: false) == .directory }) else { continue }
            let target = dir.appendingPathComponent(name).path
            try? FileManager.default.removeItem(atPath: target)
            switch bytes[i] % 6 {
            case 0: break                                                           // removed
            case 1: try? FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: outside.path)
            case 2: try? FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: bait.path)
            case 3: _ = mkfifo(target, 0o600)
            case 4: try? FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            default: FileManager.default.createFile(atPath: target, contents: Data(bytes[i...].prefix(8)))
            }
        }
        if let opened = try? SweepDirectory(opening: dir.path) {
            _ = try? opened.finished()
            _ = try? opened.run(threads: 1)
            _ = try? opened.writeReport()
        }
        _ = try? SweepDirectory.create(sweep, at: dir.path)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: outside.path)) ?? []
        precondition(left == ["bait"], "a sweep wrote outside its directory: \(left)")
        precondition((try? String(contentsOf: bait, encoding: .utf8)) == "keep", "a sweep wrote through a link to a file outside it")
    }
}
