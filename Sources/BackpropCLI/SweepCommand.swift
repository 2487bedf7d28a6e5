import ArgumentParser
import Foundation
import Backprop
import Playground

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid of settings × seeds in parallel and report success rates.",
        discussion: """
        Each --vary KEY=V1|V2|… adds an axis (keys as the train options, e.g. --vary layers=4x6|5x6|6x6). \
        Every combination is trained from --seeds different initial weights on all cores. Per setting the \
        table gives the success rate against --criterion, mean ± sd of test loss and accuracy, and the mean \
        epochs until the criterion was first met (checked every --check-every epochs).
        """)

    @OptionGroup var options: ExperimentOptions
    @Option(name: .customLong("vary"), help: ArgumentHelp("An axis of the grid: KEY=V1|V2|…; repeat for more axes.", valueName: "key=v1|v2"))
    var vary: [String] = []
    @Option(help: "Initial weights per setting (seeds first-seed, first-seed+1, …).") var seeds = 10
    @Option(name: .customLong("first-seed"), help: "The first seed.") var firstSeed: UInt64 = 0
    @Option(help: "Success criterion: test-loss<X, test-accuracy>=X, train-loss<X or train-accuracy>=X.")
    var criterion = "test-loss<0.1"
    @Option(name: .customLong("check-every"), help: "Check the criterion every N epochs.") var checkEvery = 50
    @Option(help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: ArgumentHelp("Directory for sweep.csv and sweep.json.", valueName: "dir")) var out: String?
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        guard options.seed == nil else {
            throw BackpropError.invalidSetting("sweep takes --first-seed and --seeds, not --seed: its runs use seeds first-seed, first-seed+1, …")
        }
        guard checkEvery >= 1 else { throw BackpropError.invalidSetting("--check-every must be at least 1, got \(checkEvery)") }
        let base = try options.experiment()
        var axes: [Sweep.Axis] = []
        for v in vary {
            let kv = v.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[1].isEmpty else { throw BackpropError.invalidSetting("--vary \(quoted(v)): use KEY=V1|V2|…") }
            axes.append(Sweep.Axis(key: kv[0], values: kv[1].split(separator: "|").map(String.init)))
        }
        guard threads >= 1 else { throw BackpropError.invalidSetting("--threads must be at least 1") }
        let sweep = Sweep(base: base, axes: axes, seeds: seeds, firstSeed: firstSeed,
                          criterion: try Criterion(parsing: criterion), checkEvery: checkEvery)
        if let out { try checkWritable(out) }
        let total = try sweep.experiments().count * seeds
        if !quiet { FileHandle.standardError.write(Data("sweep: \(total) runs on \(min(threads, total)) threads\n".utf8)) }
        let quiet = self.quiet
        let started = Date()
        let result = try sweep.run(threads: threads) { done, total in
            if !quiet && (done == total || done % max(1, total / 10) == 0) {
                FileHandle.standardError.write(Data("sweep: \(done)/\(total) runs done\n".utf8))
            }
        }
        let (runs, summaries) = (result.runs, result.summaries)
        let keys = axes.map(\.key)
        say("criterion: \(sweep.criterion), \(seeds) seeds per setting, \(runs.count) runs on \(result.threadsUsed) threads, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        say(table(summaries, keys: keys))
        if let out {
            let dir = URL(fileURLWithPath: out)
            try writeAtomically(Data(csv(summaries, keys: keys).utf8), to: dir.appendingPathComponent("sweep.csv"))
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            struct File: Encodable { var experiment: Experiment; var criterion: String; var seeds: Int; var summaries: [Sweep.Summary]; var runs: [Sweep.RunResult] }
            try writeAtomically(try e.encode(File(experiment: base, criterion: "\(sweep.criterion)", seeds: seeds, summaries: summaries, runs: runs)),
                                to: dir.appendingPathComponent("sweep.json"))
            say("wrote sweep.csv and sweep.json to \(out)")
        }
    }

    func fmt(_ v: Double?, _ digits: Int = 4) -> String { v.map { $0.isFinite ? String(format: "%.\(digits)f", $0) : "nan" } ?? "-" }

    func table(_ s: [Sweep.Summary], keys: [String]) -> String {
        let header = keys + ["success", "test loss (mean ± sd)", "test accuracy (mean ± sd)", "epochs to criterion"]
        let rows = s.map { r in
            keys.map { r.setting[$0] ?? "" } + [
                "\(r.successes)/\(r.runs) (\(Int((r.successRate * 100).rounded()))%)",
                "\(fmt(r.testLossMean)) ± \(fmt(r.testLossSD))",
                r.testAccuracyMean == nil ? "-" : "\(fmt(r.testAccuracyMean)) ± \(fmt(r.testAccuracySD))",
                fmt(r.epochsToCriterionMean, 0),
            ]
        }
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }

    func csv(_ s: [Sweep.Summary], keys: [String]) -> String {
        var out = (keys + ["runs", "successes", "success_rate", "test_loss_mean", "test_loss_sd", "test_accuracy_mean", "test_accuracy_sd", "epochs_to_criterion_mean"]).joined(separator: ",") + "\n"
        for r in s {
            let setting: [String] = keys.map { "\"\(r.setting[$0] ?? "")\"" }
            let counts: [String] = ["\(r.runs)", "\(r.successes)", "\(r.successRate)", "\(r.testLossMean)", "\(r.testLossSD)"]
            let optional: [Double?] = [r.testAccuracyMean, r.testAccuracySD, r.epochsToCriterionMean]
            let cells: [String] = setting + counts + optional.map { v in v.map { "\($0)" } ?? "" }
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }
}
