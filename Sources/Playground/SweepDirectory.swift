import Foundation
import Synchronization
import Backprop

/// A sweep as files, so that it survives being stopped and can run in pieces anywhere.
///
///     DIR/plan.json                        the sweep: base experiment, axes, seeds, criterion
///     DIR/trials/000017/experiment.json    trial 17's experiment, exactly what it trains
///     DIR/trials/000017/result.json        its result, once it has finished
///     DIR/sweep.csv, sweep.json, sweep.png, sweep.svg   the report over the finished trials
///     DIR/sweep.sbatch, DIR/logs/          with `sweep slurm`: the job-array script and its logs
///
/// Every file is written under a temporary name and renamed, so a trial has a whole result
/// or none, and no name inside the directory is followed if it is a link (`DirectoryHandle`):
/// a link planted in a shared sweep cannot make its owner's run write or read elsewhere. A
/// sweep killed by any signal loses only the trials in flight, and running the same command
/// again skips the finished ones. A trial's number fixes its setting and seed,
/// so a job-array task, a Kubernetes index or a GNU parallel job slot needs nothing but its
/// number to find its trials (`trials(forTask:)`), and every way of running gives the same
/// numbers.
public struct SweepDirectory: Sendable {
    /// The contents of `plan.json`.
    public struct Plan: Codable, Equatable, Sendable {
        /// Layout version, for readers of older directories.
        public var format = 1
        public var sweep: Sweep
        public var trials: Int
        /// Trials per job-array task, at most (`--task K` runs trials K, K + tasks, K + 2·tasks, …).
        public var trialsPerTask: Int
        public var tasks: Int { trials <= 0 ? 0 : (trials - 1) / max(1, trialsPerTask) + 1 }
    }

    public let url: URL
    /// The directory itself and its `trials/`, opened once; every trial is reached from these.
    public let root: DirectoryHandle
    let trialsDirectory: DirectoryHandle
    public let plan: Plan
    /// Every trial of the plan, numbered.
    public let trials: [Sweep.Trial]

    /// File and folder names a sweep directory may hold; anything else means it is not one.
    public static let names: Set<String> = ["plan.json", "trials", "sweep.csv", "sweep.json", "sweep.png", "sweep.svg", "sweep.sbatch", "logs"]

    /// Creates `path` for `sweep`, or opens it when it already holds the same sweep (a resumed
    /// run). A directory holding another sweep, or anything that is not a sweep's, is refused.
    /// Trial files that are missing are written; finished results are kept.
    public static func create(_ sweep: Sweep, at path: String, trialsPerTask: Int? = nil,
                              limits: Limits = .standard) throws(BackpropError) -> SweepDirectory {
        let trials = try sweep.trials(limits: limits)
        let url = try prepare(path)
        let root = try DirectoryHandle(url.path, create: true)
        var plan = Plan(sweep: sweep, trials: trials.count, trialsPerTask: max(1, min(trialsPerTask ?? 1, trials.count)))
        if try root.hasFile("plan.json") {
            let old = try readPlan(root)
            guard old.sweep == sweep, old.trials == trials.count else {
                throw .invalidSetting("\(quoted(path)) holds another sweep (its plan.json differs from these settings); choose a new directory, or delete it to start over")
            }
            if trialsPerTask == nil { plan.trialsPerTask = old.trialsPerTask }
        }
        let dir = SweepDirectory(url: url, root: root, trials: try root.subdirectory("trials", create: true), plan: plan, trials: trials)
        for t in trials {
            let folder = try dir.trialsDirectory.subdirectory(dir.trialName(t.index), create: true)
            if try folder.hasFile("experiment.json") { continue }
            try folder.write(t.experiment.jsonData(), to: "experiment.json")
        }
        // The plan last: a directory with a plan has every trial's file.
        try root.write(try encode(plan), to: "plan.json")
        return dir
    }

    /// Opens a directory that `create` made (for `sweep task` and `sweep collect`).
    public init(opening path: String, limits: Limits = .standard) throws(BackpropError) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard FileAccess.kind(url.path) == .directory else {
            throw .invalidSetting("\(quoted(path)) is not a sweep directory (\(FileAccess.kind(url.path) == .missing ? "there is nothing there" : "it is not a directory")); make one with backprop sweep run … --out DIR or backprop sweep slurm DIR …")
        }
        let root = try DirectoryHandle(url.path, create: false)
        guard try root.hasFile("plan.json") else {
            throw .invalidSetting("\(quoted(path)) is not a sweep directory (it has no plan.json); make one with backprop sweep run … --out DIR or backprop sweep slurm DIR …")
        }
        let plan = try SweepDirectory.readPlan(root)
        let planURL = url.appendingPathComponent("plan.json")
        let trials: [Sweep.Trial]
        do { trials = try plan.sweep.trials(limits: limits) } catch { throw .invalidSetting("\(planURL.path): \(error.message)") }
        guard trials.count == plan.trials, plan.trialsPerTask >= 1, plan.trialsPerTask <= max(1, trials.count) else {
            throw .invalidSetting("\(planURL.path) is inconsistent (\(plan.trials) trials planned, its settings make \(trials.count)); make the sweep again")
        }
        self.init(url: url, root: root, trials: try root.subdirectory("trials", create: true), plan: plan, trials: trials)
    }

    private init(url: URL, root: DirectoryHandle, trials trialsDirectory: DirectoryHandle, plan: Plan, trials: [Sweep.Trial]) {
        self.url = url; self.root = root; self.trialsDirectory = trialsDirectory; self.plan = plan; self.trials = trials
    }

    func trialName(_ index: Int) -> String { String(format: "%06d", index) }
    /// Trial `index`'s folder, which must be a real directory (made when `create`).
    func trialFolder(_ index: Int, create: Bool = false) throws(BackpropError) -> DirectoryHandle {
        try trialsDirectory.subdirectory(trialName(index), create: create)
    }
    /// Whether trial `index` has a result file (anything else by that name is refused).
    func hasResult(_ index: Int) throws(BackpropError) -> Bool {
        guard trialsDirectory.kind(trialName(index)) != .missing else { return false }
        return try trialFolder(index).hasFile("result.json")
    }

    public func trialURL(_ index: Int) -> URL { url.appendingPathComponent("trials").appendingPathComponent(trialName(index)) }
    public func experimentURL(_ index: Int) -> URL { trialURL(index).appendingPathComponent("experiment.json") }
    public func resultURL(_ index: Int) -> URL { trialURL(index).appendingPathComponent("result.json") }

    /// The trials of job-array task `task` (0-based): every `tasks`-th trial from `task` on,
    /// so that each task gets a share of every setting. Consecutive trials are the seeds of one
    /// setting, and settings differ in size: in blocks, the atlas's tasks took 1.3–16.9 s (the
    /// deepest, widest nets together); dealt out, 5.4–6.1 s.
    public func trials(forTask task: Int) throws(BackpropError) -> [Sweep.Trial] {
        guard task >= 0, task < plan.tasks else {
            throw .invalidSetting("--task \(task) is not a task of this sweep; its tasks are 0…\(plan.tasks - 1) (up to \(plan.trialsPerTask) trials each)")
        }
        return Array(stride(from: task, to: trials.count, by: plan.tasks).map { trials[$0] })
    }

    /// The result of trial `index`, if it has finished; a result that does not belong to this
    /// trial (a file copied from another sweep) is an error naming the file.
    public func result(_ index: Int) throws(BackpropError) -> Sweep.RunResult? {
        let file = resultURL(index)
        guard try hasResult(index) else { return nil }
        let r = try SweepDirectory.result(from: try trialFolder(index).read("result.json", what: "the result"), file: file.path)
        let t = trials[index]
        guard r.trial == index, r.seed == t.seed, r.setting == t.setting else {
            throw .invalidSetting("\(file.path) is the result of another trial (trial \(r.trial), seed \(r.seed)); delete it and run the trial again")
        }
        return r
    }

    /// Runs the trials given that have no result yet, on `threads` threads, writing each
    /// result as it finishes. Each trial trains from its `experiment.json`, which must still be
    /// the plan's (an edited file would give numbers that belong to no setting).
    /// Returns the trials run and the threads used.
    public func run(_ some: [Sweep.Trial]? = nil, threads: Int,
                    progress: @Sendable @escaping (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws(BackpropError) -> (ran: Int, threads: Int) {
        var todo: [Sweep.Trial] = []
        for t in some ?? trials where try !hasResult(t.index) {
            let file = experimentURL(t.index)
            let onDisk = try Experiment(json: try trialFolder(t.index).read("experiment.json", what: "the trial"))
            guard onDisk == t.experiment else {
                throw .invalidSetting("\(file.path) differs from the sweep's plan; rerun the sweep command to write it again")
            }
            todo.append(t)
        }
        guard !todo.isEmpty else { return (0, 0) }
        let failure = Mutex<BackpropError?>(nil)
        let total = todo.count
        let used = Sweep.run(todo, criterion: plan.sweep.criterion, checkEvery: plan.sweep.checkEvery, threads: threads) { r in
            do throws(BackpropError) { try trialFolder(r.trial).write(try SweepDirectory.encode(r), to: "result.json") } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        } progress: { done in progress(done, total) }
        if let e = failure.withLock({ $0 }) { throw e }
        return (todo.count, used)
    }

    /// The finished results, in trial order, and how many trials have none yet.
    public func finished() throws(BackpropError) -> (runs: [Sweep.RunResult], missing: Int) {
        var runs: [Sweep.RunResult] = []
        for t in trials { if let r = try result(t.index) { runs.append(r) } }
        return (runs, trials.count - runs.count)
    }

    /// Writes `sweep.csv`, `sweep.json` and the success-rate map (`sweep.png`, `sweep.svg`)
    /// over the finished trials, and returns the report.
    @discardableResult
    public func writeReport() throws(BackpropError) -> (report: Sweep.Report, missing: Int) {
        let (runs, missing) = try finished()
        let sweep = plan.sweep
        let report = sweep.report(runs, trials: trials.count)
        try root.write(Data(Sweep.csv(report.summaries, keys: sweep.axes.map(\.key)).utf8), to: "sweep.csv")
        try root.write(try SweepDirectory.encode(report), to: "sweep.json")
        let map = sweep.successMap(report.summaries)
        try root.write(map.png(), to: "sweep.png")
        try root.write(Data(map.svg().utf8), to: "sweep.svg")
        return (report, missing)
    }

    static func encode(_ value: some Encodable) throws(BackpropError) -> Data {
        do { return try Sweep.encoder.encode(value) } catch { throw .invalidSetting("cannot encode: \(error.localizedDescription)") }
    }

    static func readPlan(_ root: DirectoryHandle) throws(BackpropError) -> Plan {
        try plan(from: try root.read("plan.json", what: "the sweep's plan"), file: "\(root.path)/plan.json")
    }

    /// `plan.json`'s bytes as a plan (its settings are checked when its trials are made).
    /// Read strictly, as experiment files are: a misspelt or doubled key is named, not ignored.
    public static func plan(from data: Data, file: String) throws(BackpropError) -> Plan {
        do {
            return try StrictJSON.decode(Plan.self, from: data, what: "\(file) (a sweep's plan)",
                                         optional: ["sweep.base.data.file", "sweep.base.network.head"],
                                         decoder: Sweep.decoder, encoder: Sweep.encoder)
        } catch { throw .invalidSetting("\(error.message); make the sweep again, or fix the key") }
    }

    /// `result.json`'s bytes as a result (whose trial it is, `result(_:)` checks).
    public static func result(from data: Data, file: String) throws(BackpropError) -> Sweep.RunResult {
        do {
            return try StrictJSON.decode(Sweep.RunResult.self, from: data, what: "\(file) (a trial's result)",
                                         decoder: Sweep.decoder, encoder: Sweep.encoder)
        } catch { throw .invalidSetting("\(error.message); delete it and run the trial again") }
    }

    /// The directory as a URL, created if needed; refused when it holds anything but a sweep's files.
    static func prepare(_ path: String) throws(BackpropError) -> URL {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidSetting("the sweep directory's name is empty") }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw .invalidSetting("\(quoted(path)) is a file, not a directory") }
            let entries = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
            if let foreign = entries.sorted().first(where: { !names.contains($0) && !$0.hasPrefix(".") }) {
                throw .invalidSetting("\(quoted(path)) holds \(quoted(foreign)), which is not a sweep's file; choose a new directory or a previous sweep's")
            }
            guard fm.isWritableFile(atPath: url.path) else { throw .invalidSetting("\(quoted(path)) is not writable") }
        } else {
            do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw .invalidSetting("cannot create \(quoted(path)): \(FileAccess.words(error))")
            }
        }
        return url
    }
}
