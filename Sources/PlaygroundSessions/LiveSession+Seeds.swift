import Backprop
import Datasets
import Playground

/// "Run seeds": the setup shown, trained from `count` initial weights one after another in the
/// frames a tab's training gets (as play does), each judged as a sweep judges its trials
/// (`SeedRun`) — so the rate the page shows is `backprop sweep --seeds N --first-seed S`'s, to
/// the bit. The runs are the experiment "copy as command" gives, to the stop epoch.
struct SeedJob {
    let base: Experiment
    let criterion: Criterion?
    let firstSeed: UInt64
    let count: Int
    /// The seed in training, and its session.
    var current: (seed: UInt64, session: Session)?
    var results: [SeedResult] = []
    /// Whether the results changed since the last snapshot carried them.
    var changed = true

    var done: Bool { results.count == count }
}

struct SeedResult {
    var seed: UInt64
    var verdict: SeedRun.Verdict?
    var diverged: String?
    /// The output map at 24², as the diagram's squares (one byte per cell, −1…1).
    var map: String
}

extension LiveSession {
    /// How often a seed's run records a history point: the sweep's `checkEvery`, so that what
    /// recording decides (a runaway loss) is decided at the same epochs.
    static let seedRecordEvery = 50
    /// The most seeds one tab trains: twenty small maps fit the output column, and more is a
    /// job for `backprop sweep` on every core.
    static let maxSeeds = 20
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
        seedJob = SeedJob(base: session.experiment, criterion: criterion, firstSeed: seed, count: count)
    }

    /// Trains the seed job for about `budget` seconds, an epoch at a time (a frame holds a
    /// training thread no longer than play's does, whatever the network), recording where
    /// `Session.run(recordEvery:)` records — at the start, every `seedRecordEvery` epochs and
    /// at the last — so that a runaway loss is caught at the sweep's epochs.
    func trainSeeds(budget: Double) {
        guard var job = seedJob, !job.done else { return }
        let start = HostServices.seconds()
        repeat {
            if job.current == nil {
                let seed = job.firstSeed + UInt64(job.results.count)
                do {
                    job.current = (seed, try Session(SeedRun.experiment(job.base, seed: seed)))
                } catch {
                    job.results.append(SeedResult(seed: seed, verdict: nil, diverged: "\(error)", map: ""))
                    job.changed = true
                    continue
                }
            }
            guard let (seed, s) = job.current else { break }
            let stop = job.base.training.epochs
            do throws(BackpropError) {
                if s.history.isEmpty { s.recordNow() }   // the start's point
                if s.epoch < stop {
                    try s.trainer.fit(epochs: 1, evaluateTrain: false)
                    if s.epoch % LiveSession.seedRecordEvery == 0 || s.epoch == stop { s.recordNow() }
                    if let runaway = s.runaway { throw runaway }
                }
                if s.epoch >= stop {
                    let verdict = SeedRun.verdict(s, criterion: job.criterion)
                    job.results.append(SeedResult(seed: seed, verdict: verdict, diverged: nil, map: seedMap(s)))
                    job.current = nil
                    job.changed = true
                }
            } catch {
                job.results.append(SeedResult(seed: seed, verdict: nil, diverged: "\(error)", map: ""))
                job.current = nil
                job.changed = true
            }
        } while !job.done && HostServices.seconds() - start < budget
        seedJob = job
    }

    func seedMap(_ s: Session) -> String {
        let region = ownRegion ?? s.plotRegion
        let grid = s.outputGrid(resolution: resolution.neuron, xMin: region.xMin, xMax: region.xMax, yMin: region.yMin, yMax: region.yMax)
        let head = s.architecture.head
        return LiveSession.map((0..<grid.rows).map { r in
            head == .softmaxCrossEntropy ? Double(grid.row(r).indices.max { grid[r, $0] < grid[r, $1] } ?? 0) / Double(max(1, grid.columns - 1)) * 2 - 1
                : head == .sigmoidCrossEntropy ? 2 * grid[r, 0] - 1 : grid[r, 0]
        })
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
