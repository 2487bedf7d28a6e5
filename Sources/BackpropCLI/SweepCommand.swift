import ArgumentParser
import Foundation
import Backprop
import Playground

/// `backprop sweep`: a grid of settings × seeds. Run here (`run`, the default), or as a Slurm job
/// array (`slurm`) whose tasks each run a share of the sweep's directory (`task`), reported from
/// whatever has finished (`collect`). Each subcommand takes only its own options.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid of settings × seeds in parallel and report success rates.",
        discussion: """
        backprop sweep [run] trains the grid here on all cores; backprop sweep slurm DIR writes it as a job \
        array; backprop sweep task DIR --task K runs one task's share of a sweep directory; backprop sweep \
        collect DIR reports whatever has finished. The numbers are those of the local sweep, bit for bit.
        """,
        subcommands: [SweepRun.self, SweepSlurm.self, SweepTask.self, SweepCollect.self],
        defaultSubcommand: SweepRun.self)
}

/// The grid that `run` and `slurm` train: the experiment's options, the axes, the seeds and the criterion.
struct SweepGrid: ParsableArguments {
    @OptionGroup var options: ExperimentOptions
    @Option(name: .customLong("vary"), help: ArgumentHelp("An axis of the grid: KEY=V1|V2|…; repeat for more axes.", valueName: "key=v1|v2"))
    var vary: [String] = []
    @Option(help: "Initial weights per setting (seeds first-seed, first-seed+1, …; default 10).") var seeds: Int?
    @Option(name: .customLong("first-seed"), help: "The first seed (default 0).") var firstSeed: UInt64?
    @Option(help: "Success criterion: test-loss<X, test-accuracy>=X, train-loss<X or train-accuracy>=X (default test-loss<0.1).")
    var criterion: String?
    @Option(name: .customLong("check-every"), help: "Check the criterion every N epochs (default 50).") var checkEvery: Int?

    func makeSweep() throws -> Sweep {
        guard options.seed == nil else {
            throw BackpropError.invalidSetting("sweep takes --first-seed and --seeds, not --seed: its runs use seeds first-seed, first-seed+1, …")
        }
        let base = try options.experiment()
        var axes: [Sweep.Axis] = []
        for v in vary {
            let kv = v.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[1].isEmpty else { throw BackpropError.invalidSetting("--vary \(quoted(v)): use KEY=V1|V2|…") }
            axes.append(Sweep.Axis(key: kv[0], values: kv[1].split(separator: "|").map(String.init)))
        }
        let sweep = Sweep(base: base, axes: axes, seeds: seeds ?? 10, firstSeed: firstSeed ?? 0,
                          criterion: try Criterion(parsing: criterion ?? "test-loss<0.1"), checkEvery: checkEvery ?? 50)
        _ = try sweep.experiments()   // every setting checked before anything is written or run
        return sweep
    }
}

/// What every sweep subcommand prints: progress on standard error (unless `quiet`), results on standard output.
protocol SweepOutput {
    var quiet: Bool { get }
}

extension SweepOutput {
    func note(_ s: String) { if !quiet { FileHandle.standardError.write(Data((s + "\n").utf8)) } }
    func progress(_ done: Int, _ total: Int) {
        if !quiet && (done == total || done % max(1, total / 10) == 0) {
            FileHandle.standardError.write(Data("sweep: \(done)/\(total) runs done\n".utf8))
        }
    }
    func seconds(since start: Date) -> String { String(format: "%.1f s", Date().timeIntervalSince(start)) }

    /// Worker threads: `given`, else a Slurm task's CPUs, else every core.
    func threadCount(_ given: Int?) throws -> Int {
        let slurmCPUs = ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"].flatMap(Int.init)
        let n = given ?? slurmCPUs ?? ProcessInfo.processInfo.activeProcessorCount
        guard n >= 1 else { throw BackpropError.invalidSetting("--threads must be at least 1") }
        return n
    }
}

/// `backprop sweep [run]`: the grid here, on all cores; with `--out DIR` as a directory a rerun resumes.
struct SweepRun: ParsableCommand, SweepOutput {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train the grid here, on all cores (the default).",
        discussion: """
        Each --vary KEY=V1|V2|… adds an axis (keys as the train options, e.g. --vary layers=4x6|5x6|6x6, \
        or --vary width=2|4|8 --vary depth=1|2|3). Every combination is trained from --seeds different initial \
        weights on all cores. Per setting the table gives the success rate against --criterion, test loss and \
        accuracy as mean ± sd and min–max, and the mean epochs until the criterion was first met (checked \
        every --check-every epochs).

        With --out DIR the sweep is a directory: plan.json, one experiment.json per trial and one result.json \
        per finished trial, then sweep.csv, sweep.json and a success-rate map (sweep.png/svg). Stopped by \
        Ctrl-C, SIGTERM or SIGKILL, it loses only the trials in flight: the same command resumes.
        """)

    @OptionGroup var grid: SweepGrid
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: ArgumentHelp("The sweep's directory: trials, results, sweep.csv, sweep.json, sweep.png/svg. Rerun to resume.", valueName: "dir"))
    var out: String?
    @Flag(help: "No progress output.") var quiet = false
    // The options these subcommands replaced, each refused with its new form.
    @Option(help: .hidden) var collect: String?
    @Option(name: .customLong("run"), help: .hidden) var runDirectory: String?
    @Option(help: .hidden) var slurm: String?

    func run() throws {
        if collect != nil { throw BackpropError.invalidSetting("--collect DIR is now a command of its own: backprop sweep collect DIR") }
        if runDirectory != nil { throw BackpropError.invalidSetting("--run DIR is now a command of its own: backprop sweep task DIR [--task K]") }
        if slurm != nil { throw BackpropError.invalidSetting("--slurm DIR is now a command of its own: backprop sweep slurm DIR [the grid's options] [--submit]") }
        let sweep = try grid.makeSweep()
        let threads = try threadCount(self.threads)
        if let out { return try runInDirectory(sweep, out, threads: threads) }
        let total = sweep.settings.count * sweep.seeds
        note("sweep: \(total) runs on \(min(threads, total)) threads")
        let started = Date()
        let result = try sweep.run(threads: threads) { done, total in progress(done, total) }
        say("criterion: \(sweep.criterion), \(sweep.seeds) seeds per setting, \(result.runs.count) runs on \(result.threadsUsed) threads, \(seconds(since: started))")
        say(Sweep.table(result.summaries, keys: sweep.axes.map(\.key)))
    }

    /// `--out DIR`: the sweep as files, run here on all cores, resumed when DIR holds it already.
    func runInDirectory(_ sweep: Sweep, _ out: String, threads: Int) throws {
        let dir = try SweepDirectory.create(sweep, at: out)
        let already = try dir.finished().runs.count
        let total = dir.trials.count
        if already == total {
            note("sweep: all \(total) trials in \(out) have finished; writing the report")
        } else if already > 0 {
            note("sweep: resuming in \(out): \(already) of \(total) trials finished, \(total - already) to run on \(min(threads, total - already)) threads")
        } else {
            note("sweep: \(total) runs on \(min(threads, total)) threads")
        }
        // A signal ends the process at once: every finished trial is already on disk, and the
        // ones in flight are lost (a trial is whole or absent). Say how to go on.
        let interrupt = Interrupt {
            let finished = (try? dir.finished().runs.count) ?? 0
            FileHandle.standardError.write(Data("\nsweep: stopped; \(finished) of \(total) trials are finished in \(out); run the same command again to resume\n".utf8))
            _exit(130)
        }
        let started = Date()
        let (ran, used) = try dir.run(threads: threads) { done, total in progress(done, total) }
        interrupt.cancel()
        let (report, missing) = try dir.writeReport()
        say("criterion: \(sweep.criterion), \(sweep.seeds) seeds per setting, \(ran) runs on \(used) threads, \(seconds(since: started))"
            + (already > 0 ? " (\(already) finished before)" : ""))
        say(Sweep.table(report.summaries, keys: sweep.axes.map(\.key)))
        if missing > 0 { say("\(missing) of \(total) trials have no result") }
        say("wrote sweep.csv, sweep.json, sweep.png and sweep.svg to \(out)")
    }
}

/// This process's executable, as an absolute path (what a job script should run).
func currentExecutable() -> String {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
}
