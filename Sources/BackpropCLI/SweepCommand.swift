import ArgumentParser
import Foundation
import Backprop
import Playground

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid of settings × seeds in parallel and report success rates.",
        discussion: """
        Each --vary KEY=V1|V2|… adds an axis (keys as the train options, e.g. --vary layers=4x6|5x6|6x6, \
        or --vary width=2|4|8 --vary depth=1|2|3). Every combination is trained from --seeds different initial \
        weights on all cores. Per setting the table gives the success rate against --criterion, test loss and \
        accuracy as mean ± sd and min–max, and the mean epochs until the criterion was first met (checked \
        every --check-every epochs).

        With --out DIR the sweep is a directory: plan.json, one experiment.json per trial and one result.json \
        per finished trial, then sweep.csv, sweep.json and a success-rate map (sweep.png/svg). Stopped by \
        Ctrl-C, SIGTERM or SIGKILL, it loses only the trials in flight: the same command resumes.

        On a cluster: --slurm DIR writes the trials and DIR/sweep.sbatch, a job array whose task K runs \
        `backprop sweep --run DIR --task K` (--submit also submits it); --collect DIR then builds the report \
        from whatever has finished. The numbers are those of the local sweep, bit for bit.
        """)

    @OptionGroup var options: ExperimentOptions
    @Option(name: .customLong("vary"), help: ArgumentHelp("An axis of the grid: KEY=V1|V2|…; repeat for more axes.", valueName: "key=v1|v2"))
    var vary: [String] = []
    @Option(help: "Initial weights per setting (seeds first-seed, first-seed+1, …; default 10).") var seeds: Int?
    @Option(name: .customLong("first-seed"), help: "The first seed (default 0).") var firstSeed: UInt64?
    @Option(help: "Success criterion: test-loss<X, test-accuracy>=X, train-loss<X or train-accuracy>=X (default test-loss<0.1).")
    var criterion: String?
    @Option(name: .customLong("check-every"), help: "Check the criterion every N epochs (default 50).") var checkEvery: Int?
    @Option(help: "Worker threads (default: all cores; in a Slurm task, its CPUs).") var threads: Int?
    @Option(help: ArgumentHelp("The sweep's directory: trials, results, sweep.csv, sweep.json, sweep.png/svg. Rerun to resume.", valueName: "dir"))
    var out: String?
    @Flag(help: "No progress output.") var quiet = false

    @Option(help: ArgumentHelp("Build sweep.csv, sweep.json and the map from the finished trials of a sweep directory.", valueName: "dir"))
    var collect: String?
    @Option(name: .customLong("run"), help: ArgumentHelp("Run the unfinished trials of a sweep directory (all, or one task's with --task).", valueName: "dir"))
    var runDirectory: String?
    @Option(help: ArgumentHelp("With --run: only this task's trials (0-based, as $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX).", valueName: "k"))
    var task: Int?

    @Option(help: ArgumentHelp("Write the sweep's trials and a Slurm job-array script (DIR/sweep.sbatch) instead of running.", valueName: "dir"))
    var slurm: String?
    @Flag(help: "With --slurm: submit the script with sbatch and print the job id.") var submit = false
    @Option(name: .customLong("trials-per-task"), help: "With --slurm: trials per array task (default: at least 50 tasks, each under ~2 estimated minutes).")
    var trialsPerTask: Int?
    @Option(help: "With --slurm: at most this many array tasks at once (--array=…%N).") var throttle: Int?
    @Option(help: "With --slurm: the partition (queue) to run in.") var partition: String?
    @Option(help: "With --slurm: the account to charge.") var account: String?
    @Option(name: .customLong("sbatch-option"), parsing: .unconditionalSingleValue, help: ArgumentHelp("With --slurm: another #SBATCH line, e.g. --qos=short; repeatable, later lines win.", valueName: "option"))
    var sbatchOptions: [String] = []
    @Option(name: .customLong("backprop"), help: ArgumentHelp("With --slurm: the backprop executable the tasks run (default: this one).", valueName: "path"))
    var executable: String?

    func run() throws {
        if let collect { return try collectResults(collect) }
        if let runDirectory { return try runTrials(runDirectory) }
        guard task == nil else { throw BackpropError.invalidSetting("--task goes with --run DIR") }
        let sweep = try makeSweep()
        if let slurm { return try writeSlurm(sweep, to: slurm) }
        if let given = slurmOptionsGiven.first { throw BackpropError.invalidSetting("\(given) goes with --slurm DIR") }
        let threads = try threadCount()
        if let out { return try runInDirectory(sweep, out, threads: threads) }
        let total = sweep.settings.count * sweep.seeds
        note("sweep: \(total) runs on \(min(threads, total)) threads")
        let started = Date()
        let result = try sweep.run(threads: threads) { done, total in progress(done, total) }
        say("criterion: \(sweep.criterion), \(sweep.seeds) seeds per setting, \(result.runs.count) runs on \(result.threadsUsed) threads, \(seconds(since: started))")
        say(Sweep.table(result.summaries, keys: sweep.axes.map(\.key)))
    }

    // MARK: - The sweep's own settings

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

    /// The options that only `--slurm` uses, as given.
    var slurmOptionsGiven: [String] {
        [("--submit", submit), ("--trials-per-task", trialsPerTask != nil), ("--throttle", throttle != nil),
         ("--partition", partition != nil), ("--account", account != nil),
         ("--sbatch-option", !sbatchOptions.isEmpty), ("--backprop", executable != nil)].filter(\.1).map(\.0)
    }

    /// --collect and --run read the sweep from its directory; a setting given beside them would be ignored, so it is refused.
    func refuseSettings(_ mode: String) throws {
        var given = options.pairs.filter { $0.1 != nil }.map { "--\($0.0)" }
        if options.config != nil { given.append("--config") }
        let own: [(String, Bool)] = [("--vary", !vary.isEmpty), ("--seeds", seeds != nil), ("--first-seed", firstSeed != nil),
                                     ("--criterion", criterion != nil), ("--check-every", checkEvery != nil), ("--out", out != nil),
                                     ("--slurm", slurm != nil),
                                     ("--collect", mode != "--collect" && collect != nil), ("--run", mode != "--run" && runDirectory != nil)]
        given += own.filter(\.1).map(\.0) + slurmOptionsGiven
        if mode == "--collect" && task != nil { given.append("--task") }
        if mode == "--collect" && threads != nil { given.append("--threads") }
        if let first = given.first {
            throw BackpropError.invalidSetting("\(mode) DIR takes no \(first): the sweep's settings are in DIR/plan.json")
        }
    }

    func threadCount() throws -> Int {
        let slurmCPUs = ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"].flatMap(Int.init)
        let n = threads ?? slurmCPUs ?? ProcessInfo.processInfo.activeProcessorCount
        guard n >= 1 else { throw BackpropError.invalidSetting("--threads must be at least 1") }
        return n
    }

    // MARK: - Modes

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

    /// `--run DIR [--task K]`: one machine's share of a sweep directory.
    func runTrials(_ path: String) throws {
        try refuseSettings("--run")
        let dir = try SweepDirectory(opening: path)
        let threads = try threadCount()
        let some = try task.map { try dir.trials(forTask: $0) }
        let todo = some ?? dir.trials
        let started = Date()
        let (ran, _) = try dir.run(some, threads: threads) { done, total in progress(done, total) }
        let what = task.map { "task \($0) of \(dir.plan.tasks)" } ?? "sweep"
        say("\(what): ran \(ran) of its \(todo.count) trials (\(todo.count - ran) had finished before) on \(min(threads, max(ran, 1))) thread\(min(threads, max(ran, 1)) == 1 ? "" : "s"), \(seconds(since: started))")
    }

    /// `--collect DIR`: the report over whatever has finished.
    func collectResults(_ path: String) throws {
        try refuseSettings("--collect")
        let dir = try SweepDirectory(opening: path)
        let (report, missing) = try dir.writeReport()
        let sweep = dir.plan.sweep
        say("criterion: \(sweep.criterion), \(sweep.seeds) seeds per setting, \(report.finished) of \(report.trials) trials finished")
        say(Sweep.table(report.summaries, keys: sweep.axes.map(\.key)))
        say(missing == 0 ? "all \(report.trials) trials have finished" : "\(missing) of \(report.trials) trials have no result yet")
        say("wrote sweep.csv, sweep.json, sweep.png and sweep.svg to \(path)")
    }

    /// `--slurm DIR`: the trials and a job-array script; with --submit, the job.
    func writeSlurm(_ sweep: Sweep, to path: String) throws {
        if let trialsPerTask, trialsPerTask < 1 { throw BackpropError.invalidSetting("--trials-per-task must be at least 1, got \(trialsPerTask)") }
        if threads != nil { throw BackpropError.invalidSetting("--threads does not go with --slurm: each task uses its CPUs (--sbatch-option --cpus-per-task=N)") }
        let cwd = FileManager.default.currentDirectoryPath
        let exe = executable.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: cwd)).standardizedFileURL.path } ?? currentExecutable()
        var script = SlurmScript(executable: exe, workingDirectory: cwd)
        script.throttle = throttle; script.partition = partition; script.account = account; script.options = sbatchOptions
        try script.validate(directory: URL(fileURLWithPath: path).standardizedFileURL.path)
        let planned = try sweep.trials()
        let dir = try SweepDirectory.create(sweep, at: path, trialsPerTask: trialsPerTask ?? SlurmScript.defaultTrialsPerTask(planned))
        _ = try dir.root.subdirectory("logs", create: true)
        let file = dir.url.appendingPathComponent("sweep.sbatch")
        try dir.root.write(Data(script.text(for: dir).utf8), to: "sweep.sbatch")
        let already = try dir.finished().runs.count
        say("wrote \(dir.trials.count) trials (\(already) finished) and \(file.path): \(dir.plan.tasks) array tasks of \(dir.plan.trialsPerTask == 1 ? "1 trial each" : "up to \(dir.plan.trialsPerTask) trials")")
        guard submit else {
            say("submit it with: sbatch \(shellQuoted(file.path)); afterwards: backprop sweep --collect \(shellQuoted(path))")
            return
        }
        let job = try sbatch(file)
        say("submitted job \(job); when it has finished: backprop sweep --collect \(shellQuoted(path))")
    }

    /// Runs `sbatch --parsable FILE` and returns the job id it prints.
    func sbatch(_ file: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sbatch", "--parsable", file.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { throw BackpropError.invalidSetting("cannot run sbatch: \(error.localizedDescription)") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard p.terminationStatus == 0, let id = text.split(separator: ";").first, !id.isEmpty else {
            let reason = String(decoding: errors, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "exit status \(p.terminationStatus)"
            if p.terminationStatus == 127 { throw BackpropError.invalidSetting("sbatch is not on this machine; submit \(file.path) from the cluster's login node") }
            throw BackpropError.invalidSetting("sbatch refused the job: \(reason)")
        }
        return String(id)
    }

    // MARK: - Output

    func note(_ s: String) { if !quiet { FileHandle.standardError.write(Data((s + "\n").utf8)) } }
    func progress(_ done: Int, _ total: Int) {
        if !quiet && (done == total || done % max(1, total / 10) == 0) {
            FileHandle.standardError.write(Data("sweep: \(done)/\(total) runs done\n".utf8))
        }
    }
    func seconds(since start: Date) -> String { String(format: "%.1f s", Date().timeIntervalSince(start)) }
}

/// This process's executable, as an absolute path (what a job script should run).
func currentExecutable() -> String {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
}
