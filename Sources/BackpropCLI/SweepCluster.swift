import ArgumentParser
import Foundation
import Backprop
import Playground

/// `backprop sweep slurm DIR`: the sweep's trials and a Slurm job-array script; with `--submit`, the job.
struct SweepSlurm: ParsableCommand, SweepOutput {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write the grid's trials and a Slurm job array to run them (DIR/sweep.sbatch).",
        discussion: """
        Task K of the array runs `backprop sweep task DIR --task K` on its CPUs; `backprop sweep collect DIR` then \
        builds the report from whatever has finished. The numbers are those of the local sweep, bit for bit.
        """)

    @Argument(help: ArgumentHelp("The sweep's directory (made, or a sweep made before).", valueName: "dir")) var directory: String
    @OptionGroup var grid: SweepGrid
    @Flag(help: "Submit the script with sbatch and print the job id.") var submit = false
    @Option(name: .customLong("trials-per-task"), help: "Trials per array task (default: at least 50 tasks, each under ~2 estimated minutes).")
    var trialsPerTask: Int?
    @Option(help: "At most this many array tasks at once (--array=…%N).") var throttle: Int?
    @Option(help: "The partition (queue) to run in.") var partition: String?
    @Option(help: "The account to charge.") var account: String?
    @Option(name: .customLong("sbatch-option"), parsing: .unconditionalSingleValue, help: ArgumentHelp("Another #SBATCH line, e.g. --qos=short; repeatable, later lines win.", valueName: "option"))
    var sbatchOptions: [String] = []
    @Option(name: .customLong("backprop"), help: ArgumentHelp("The backprop executable the tasks run (default: this one).", valueName: "path"))
    var executable: String?
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        let sweep = try grid.makeSweep(), path = directory
        if let trialsPerTask, trialsPerTask < 1 { throw BackpropError.invalidSetting("--trials-per-task must be at least 1, got \(trialsPerTask)") }
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
            say("submit it with: sbatch \(shellQuoted(file.path)); afterwards: backprop sweep collect \(shellQuoted(path))")
            return
        }
        let job = try sbatch(file)
        say("submitted job \(job); when it has finished: backprop sweep collect \(shellQuoted(path))")
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
}

/// `backprop sweep task DIR [--task K]`: one machine's share of a sweep directory (all of it without `--task`).
struct SweepTask: ParsableCommand, SweepOutput {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Run the unfinished trials of a sweep directory: one task's, or all.")

    @Argument(help: ArgumentHelp("A sweep directory (made by run --out or slurm).", valueName: "dir")) var directory: String
    @Option(help: ArgumentHelp("Only this task's trials (0-based, as $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX).", valueName: "k"))
    var task: Int?
    @Option(help: "Worker threads (default: all cores; in a Slurm task, its CPUs).") var threads: Int?
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        let dir = try SweepDirectory(opening: directory)
        let threads = try threadCount(self.threads)
        let some = try task.map { try dir.trials(forTask: $0) }
        let todo = some ?? dir.trials
        let started = Date()
        let (ran, _) = try dir.run(some, threads: threads) { done, total in progress(done, total) }
        let what = task.map { "task \($0) of \(dir.plan.tasks)" } ?? "sweep"
        say("\(what): ran \(ran) of its \(todo.count) trials (\(todo.count - ran) had finished before) on \(min(threads, max(ran, 1))) thread\(min(threads, max(ran, 1)) == 1 ? "" : "s"), \(seconds(since: started))")
    }
}

/// `backprop sweep collect DIR`: sweep.csv, sweep.json and the map from whatever has finished.
struct SweepCollect: ParsableCommand, SweepOutput {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Build sweep.csv, sweep.json and the map from the finished trials of a sweep directory.")

    @Argument(help: ArgumentHelp("A sweep directory.", valueName: "dir")) var directory: String
    var quiet: Bool { true }

    func run() throws {
        let path = directory
        let dir = try SweepDirectory(opening: path)
        let (report, missing) = try dir.writeReport()
        let sweep = dir.plan.sweep
        say("criterion: \(sweep.criterion), \(sweep.seeds) seeds per setting, \(report.finished) of \(report.trials) trials finished")
        say(Sweep.table(report.summaries, keys: sweep.axes.map(\.key)))
        say(missing == 0 ? "all \(report.trials) trials have finished" : "\(missing) of \(report.trials) trials have no result yet")
        say("wrote sweep.csv, sweep.json, sweep.png and sweep.svg to \(path)")
    }
}
