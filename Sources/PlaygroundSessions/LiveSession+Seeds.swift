import Backprop
import Datasets
import Playground

/// "Run seeds": the setup shown, trained from `count` initial weights, each judged as a sweep
/// judges its trials (`SeedRun`) — so the rate the page shows is `backprop sweep --seeds N
/// --first-seed S`'s, to the bit. The runs are the experiment "copy as command" gives, to the
/// stop epoch.
///
/// Each seed is a `SeedTask` that any thread can train, apart from the session: the session's
/// own frames train one at a time (as play does), and a host with more cores takes the others
/// as well — the server on its training pool, the browser build in helper workers (from the
/// task's JSON). Every seed's run is its own and ends the same wherever it ran.
struct SeedJob {
    /// Which job of the session this is: a result from an earlier one (its task was still out
    /// when the student started another) is not this one's, whatever its seed.
    let id: Int
    let base: Experiment
    let criterion: Criterion?
    let firstSeed: UInt64
    let count: Int
    /// The plane the seeds' maps are drawn over (own points keep theirs) and their resolution.
    let region: LiveSession.Region
    let resolution: Int
    /// Seeds not yet taken, in order.
    var pending: [UInt64]
    /// The seed the session's own frames train, if any.
    var current: SeedTask?
    /// Results by seed as they come (out of order when several threads train).
    var results: [SeedResult] = []
    /// Whether the results changed since the last snapshot carried them.
    var changed = true

    var done: Bool { results.count == count }

    /// Whether `seed` is one of this job's and has no result yet.
    func awaits(_ seed: UInt64) -> Bool {
        seed >= firstSeed && seed - firstSeed < UInt64(count) && !results.contains { $0.seed == seed }
    }
}

struct SeedResult {
    var job: Int
    var seed: UInt64
    var verdict: SeedRun.Verdict?
    var diverged: String?
    /// The output map at 24², as the diagram's squares (one byte per cell, −1…1).
    var map: String
}

extension SeedResult {
    /// As a helper sends it back: every number as its exact JSON text.
    var json: JSON {
        var f: [(key: String, value: JSON)] = [("job", JSON(job)), ("seed", JSON("\(seed)")), ("map", JSON(map))]
        if let v = verdict {
            f += [("success", .bool(v.success)), ("testLoss", JSON(v.testLoss))]
            if let a = v.testAccuracy { f.append(("testAccuracy", JSON(a))) }
        }
        if let d = diverged { f.append(("diverged", JSON(d))) }
        return .object(f)
    }

    init?(json m: JSON) {
        guard let job = m["job"]?.int, let seed = m["seed"]?.string.flatMap({ UInt64($0) }), let map = m["map"]?.string else { return nil }
        self.job = job
        self.seed = seed
        self.map = map
        diverged = m["diverged"]?.string
        if let success = m["success"]?.bool, let loss = m["testLoss"]?.number {
            verdict = SeedRun.Verdict(success: success, testLoss: loss, testAccuracy: m["testAccuracy"]?.number)
        } else {
            verdict = nil
        }
    }
}

/// One seed of a job: its session, trained an epoch at a time and recorded where
/// `Session.run(recordEvery:)` records — at the start, every `seedRecordEvery` epochs and at
/// the last — so that a runaway loss is caught at the sweep's epochs.
public final class SeedTask: @unchecked Sendable {
    let job: Int
    let seed: UInt64
    let criterion: Criterion?
    let region: LiveSession.Region
    let resolution: Int
    private var session: Session?
    private(set) var result: SeedResult?

    init(job: Int, _ base: Experiment, seed: UInt64, criterion: Criterion?, region: LiveSession.Region, resolution: Int,
         train: LabeledPoints? = nil, test: LabeledPoints? = nil) {
        self.job = job; self.seed = seed; self.criterion = criterion; self.region = region; self.resolution = resolution
        do {
            let e = SeedRun.experiment(base, seed: seed)
            if let train, let test { session = try Session(e, train: train, test: test) } else { session = try Session(e) }
        } catch {
            result = SeedResult(job: job, seed: seed, verdict: nil, diverged: "\(error)", map: "")
        }
    }

    /// Trains for about `budget` seconds (at least an epoch); true once the seed is done.
    public func train(budget: Double) -> Bool {
        guard result == nil, let s = session else { return true }
        let stop = s.experiment.training.epochs, start = HostServices.seconds()
        do throws(BackpropError) {
            if s.history.isEmpty { s.recordNow() }   // the start's point
            while s.epoch < stop {
                try s.trainer.fit(epochs: 1, evaluateTrain: false)
                if s.epoch % LiveSession.seedRecordEvery == 0 || s.epoch == stop { s.recordNow() }
                if let runaway = s.runaway { throw runaway }
                if HostServices.seconds() - start >= budget { break }
            }
            if s.epoch >= stop {
                result = SeedResult(job: job, seed: seed, verdict: SeedRun.verdict(s, criterion: criterion), diverged: nil, map: map(s))
            }
        } catch {
            result = SeedResult(job: job, seed: seed, verdict: nil, diverged: "\(error)", map: "")
        }
        if result != nil { session = nil }
        return result != nil
    }

    func map(_ s: Session) -> String {
        let grid = s.outputGrid(resolution: resolution, xMin: region.xMin, xMax: region.xMax, yMin: region.yMin, yMax: region.yMax)
        let head = s.architecture.head
        return LiveSession.map((0..<grid.rows).map { r in
            head == .softmaxCrossEntropy ? Double(grid.row(r).indices.max { grid[r, $0] < grid[r, $1] } ?? 0) / Double(max(1, grid.columns - 1)) * 2 - 1
                : head == .sigmoidCrossEntropy ? 2 * grid[r, 0] - 1 : grid[r, 0]
        })
    }
}

extension LiveSession {
    /// How often a seed's run records a history point: the sweep's `checkEvery`, so that what
    /// recording decides (a runaway loss) is decided at the same epochs.
    static let seedRecordEvery = 50
    /// The most seeds one tab trains: twenty small maps fit the output column, and more is a
    /// job for `backprop sweep` on every core.
    static let maxSeeds = 20
    /// The largest map a seed task draws (the page's squares are 24²).
    static let maxSeedResolution = 256
    /// `backprop sweep`'s criterion when none is given.
    static let sweepCriterion = "test-loss<0.1"

    func startSeeds(count: Int) throws(BackpropError) {
        guard count != 0 else { seedJob = nil; return }
        guard let session else { throw .invalidSetting("no session yet") }
        guard (2...LiveSession.maxSeeds).contains(count) else { throw .invalidSetting("seeds: \(count) is not a number of runs (2…\(LiveSession.maxSeeds) here)") }
        let epochs = session.experiment.training.epochs
        guard epochs < Int(LiveSession.defaults["epochs"] ?? "") ?? .max else {
            throw .invalidSetting("set a stop epoch first: each seed trains to it")
        }
        setPlaying(false)   // (a step in progress ended with this message, as with any other)
        let seed = UInt64(settings["seed"] ?? "0") ?? 0
        guard seed <= UInt64.max - UInt64(count) else { throw .invalidSetting("seed \(seed) + \(count) seeds passes the largest seed") }
        // Judged by the stop condition, or as `backprop sweep` judges without one.
        let criterion: Criterion
        if let c = controls.stopWhen { criterion = c } else { criterion = try Criterion(parsing: LiveSession.sweepCriterion) }
        seedJobs += 1
        seedJob = SeedJob(id: seedJobs, base: session.experiment, criterion: criterion, firstSeed: seed, count: count,
                          region: region ?? session.plotRegion, resolution: resolution.neuron,
                          pending: (0..<UInt64(count)).map { seed + $0 })
    }

    /// The next seed for a thread to train, apart from the session (nil: none left). The
    /// session's lock is held only to take it and to give back its result.
    public func takeSeedTask() -> SeedTask? {
        guard let job = seedJob, let seed = takePendingSeed() else { return nil }
        let own = job.base.data.dataset == "csv"
        return SeedTask(job: job.id, job.base, seed: seed, criterion: job.criterion, region: job.region, resolution: job.resolution,
                        train: own ? ownTrain : nil, test: own ? ownTest : nil)
    }

    private func takePendingSeed() -> UInt64? {
        guard var job = seedJob, !job.pending.isEmpty else { return nil }
        let seed = job.pending.removeFirst()
        seedJob = job
        return seed
    }

    // MARK: seeds in another module instance (the browser build's helper workers)

    /// The next seed as text for another instance of the module: the settings the job's
    /// experiment is made from, the seed, the criterion and the map's plane. Nil when none is
    /// left, or when the settings cannot say the experiment (own data: its seeds train here).
    public func takeSeedTaskJSON() -> String? {
        guard let job = seedJob, !job.pending.isEmpty, job.base.data.dataset != "csv" else { return nil }
        let experimentSettings = settings.filter { !PageControls.keys.contains($0.key) }
        guard (try? experiment(from: experimentSettings)) == job.base, let seed = takePendingSeed() else { return nil }
        let r = job.region
        var f: [(key: String, value: JSON)] = [("job", JSON(job.id)), ("settings", JSON(experimentSettings)), ("seed", JSON("\(seed)")),
                                               ("region", JSON([r.xMin, r.xMax, r.yMin, r.yMax])), ("resolution", JSON(job.resolution))]
        if let c = job.criterion { f.append(("criterion", JSON("\(c)"))) }
        return JSON.object(f).text
    }

    /// A task from `takeSeedTaskJSON`, trained to its end: its result as text for `finishSeedTask(json:)`.
    public static func runSeedTask(_ text: String) -> String {
        let m = try? JSON.parse(text)
        func failed(_ why: String) -> String {
            JSON.object([("job", m?["job"] ?? .null), ("seed", m?["seed"] ?? .null), ("error", JSON(why))]).text
        }
        guard let m, let job = m["job"]?.int, let seedText = m["seed"]?.string, let seed = UInt64(seedText),
              let fields = m["settings"], case .object(let pairs) = fields,
              let r = m["region"]?.array(of: { $0.number }), r.count == 4, let resolution = m["resolution"]?.int else {
            return failed("not a seed task")
        }
        var settings: [String: String] = [:]
        for (k, v) in pairs { settings[k] = v.string ?? "" }
        // The page's limits, as the session's own experiments are held to (`experiment(from:)`).
        guard (1...LiveSession.maxSeedResolution).contains(resolution) else { return failed("resolution \(resolution) out of range") }
        var e = Experiment()
        do { try e.set(settings); try e.validate(limits: .playground) } catch { return failed(error.message) }
        let criterion = m["criterion"]?.string.flatMap { try? Criterion(parsing: $0) }
        let task = SeedTask(job: job, e, seed: seed, criterion: criterion, region: (r[0], r[1], r[2], r[3]), resolution: resolution)
        while !task.train(budget: .infinity) {}
        return task.result?.json.text ?? failed("no result")
    }

    /// A helper's answer: the seed's result, recorded as one trained here would be; a helper
    /// that failed gives its seed back (`{"seed": …, "error": …}`), for the session's frames.
    public func finishSeedTask(json text: String) {
        guard let m = try? JSON.parse(text), let seed = m["seed"]?.string.flatMap({ UInt64($0) }), let id = m["job"]?.int else { return }
        if m["error"] != nil {
            guard var job = seedJob, job.id == id, job.awaits(seed), !job.pending.contains(seed) else { return }
            job.pending.append(seed)
            job.pending.sort()
            seedJob = job
            return
        }
        if let r = SeedResult(json: m) { record(r) }
    }

    /// A trained task's result, recorded if it belongs to the job in force (a job replaced
    /// meanwhile ignores it).
    public func finishSeedTask(_ task: SeedTask) {
        guard let result = task.result else { return }
        record(result)
    }

    func record(_ result: SeedResult) {
        guard var job = seedJob, job.id == result.job, job.awaits(result.seed) else { return }
        job.results.append(result)
        job.results.sort { $0.seed < $1.seed }
        job.changed = true
        seedJob = job
    }

    /// The session's own share of the seeds, in the frames play and steps leave: for about
    /// `budget` seconds, the seed it is on and then the next one not taken.
    func trainSeeds(budget: Double) {
        let start = HostServices.seconds()
        repeat {
            guard let job = seedJob, !job.done else { return }
            if job.current == nil {
                guard let task = takeSeedTask() else { return }   // the rest is being trained elsewhere
                seedJob?.current = task
            }
            guard let task = seedJob?.current else { return }
            if task.train(budget: budget - (HostServices.seconds() - start)) {
                seedJob?.current = nil
                finishSeedTask(task)
            }
        } while HostServices.seconds() - start < budget
    }

    /// The seed job for a snapshot, when it changed since the last one (nil otherwise: the
    /// page keeps what it was sent).
    func seedsReply() -> JSON? {
        guard var job = seedJob, job.changed else { return nil }
        job.changed = false
        seedJob = job
        var args = job.base.commandLineArguments
        args += ["--seeds", "\(job.count)", "--first-seed", "\(job.firstSeed)"]
        if let c = job.criterion { args += ["--criterion", "\(c)"] }
        let command = LiveSession.commandLine(["backprop", "sweep"] + args)
        let results: [JSON] = job.results.map { r in
            var f: [(key: String, value: JSON)] = [("seed", JSON(Double(r.seed))), ("map", JSON(r.map))]
            if let v = r.verdict {
                f += [("testLoss", JSON(v.testLoss)), ("success", .bool(job.criterion != nil && v.success))]
                if let a = v.testAccuracy { f.append(("testAccuracy", JSON(a))) }
            }
            if let d = r.diverged { f.append(("diverged", JSON(d))) }
            return .object(f)
        }
        var f: [(key: String, value: JSON)] = [("count", JSON(job.count)), ("firstSeed", JSON(Double(job.firstSeed))),
                                               ("epochs", JSON(job.base.training.epochs)), ("results", .array(results)),
                                               ("command", JSON(command)), ("resolution", JSON(resolution.neuron))]
        if let c = job.criterion { f.append(("criterion", JSON("\(c)"))) }
        return .object(f)
    }
}
