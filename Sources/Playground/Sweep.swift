import Foundation
import Synchronization
import Backprop

/// A grid of settings × seeds, run in parallel, summarised per setting.
///
/// Turns "with 5 neurons training only sometimes succeeded" into a measured
/// success rate: each setting is trained from `seeds` different initial
/// weights and judged by one `Criterion`. Each (setting, seed) is a `Trial`,
/// numbered in a fixed order, so that a sweep can also be split into files and
/// run in pieces on other machines (`SweepDirectory`) with the very same numbers.
public struct Sweep: Codable, Equatable, Sendable {
    public struct Axis: Codable, Sendable, Equatable {
        public var key: String
        public var values: [String]
        public init(key: String, values: [String]) { self.key = key; self.values = values }
    }

    /// One run of the sweep: a setting of the axes and a seed.
    public struct Trial: Sendable {
        /// Position in the sweep: settings in grid order (the first axis varies slowest), seeds within.
        public var index: Int
        public var setting: [String: String]
        public var seed: UInt64
        /// The base experiment with the setting and the seed applied: exactly what is trained.
        public var experiment: Experiment
    }

    public struct RunResult: Codable, Equatable, Sendable {
        public var trial: Int
        public var setting: [String: String]
        public var seed: UInt64
        public var success: Bool
        public var epochsToCriterion: Int?
        public var testLoss: Double
        public var testAccuracy: Double?
        public var diverged: String?

        public static func == (a: RunResult, b: RunResult) -> Bool {
            a.trial == b.trial && a.setting == b.setting && a.seed == b.seed && a.success == b.success
                && a.epochsToCriterion == b.epochsToCriterion && a.testAccuracy == b.testAccuracy && a.diverged == b.diverged
                && (a.testLoss == b.testLoss || (a.testLoss.isNaN && b.testLoss.isNaN))
        }
    }

    public struct Summary: Codable, Sendable {
        public var setting: [String: String]
        public var runs: Int
        public var successes: Int
        public var successRate: Double
        public var testLossMean: Double, testLossSD: Double
        public var testLossMin: Double, testLossMax: Double
        public var testAccuracyMean: Double?, testAccuracySD: Double?
        public var testAccuracyMin: Double?, testAccuracyMax: Double?
        /// Mean epochs until the criterion was first met, over the successful runs.
        public var epochsToCriterionMean: Double?
    }

    public var base: Experiment
    public var axes: [Axis]
    public var seeds: Int
    public var firstSeed: UInt64
    public var criterion: Criterion
    /// How often (in epochs) the criterion is checked during a run.
    public var checkEvery: Int

    public init(base: Experiment, axes: [Axis], seeds: Int, firstSeed: UInt64 = 0, criterion: Criterion, checkEvery: Int = 50) {
        self.base = base; self.axes = axes; self.seeds = seeds; self.firstSeed = firstSeed
        self.criterion = criterion; self.checkEvery = checkEvery
    }

    /// Every combination of axis values, in order (the first axis varies slowest).
    public var settings: [[(String, String)]] {
        axes.reduce([[]]) { acc, axis in acc.flatMap { prefix in axis.values.map { prefix + [(axis.key, $0)] } } }
    }

    /// Checks every setting before anything runs, so a typo fails at once.
    /// Sizes are checked against `limits` first: the grid is never built when it would be too large.
    public func experiments(limits: Limits = .standard) throws(BackpropError) -> [(setting: [(String, String)], experiment: Experiment)] {
        try limits.check(seeds, "--seeds", atMost: limits.seeds, atLeast: 1)
        guard firstSeed <= UInt64.max - UInt64(seeds) else { throw .invalidSetting("--first-seed \(firstSeed) + \(seeds) seeds passes the largest seed") }
        guard checkEvery >= 1 else { throw .invalidSetting("--check-every must be at least 1, got \(checkEvery)") }
        var keys = Set<String>()
        for axis in axes {
            guard keys.insert(axis.key).inserted else {
                throw .invalidSetting("--vary \(quoted(axis.key)) is given twice; put all its values in one --vary \(axis.key)=V1|V2|…")
            }
            guard !axis.values.isEmpty else { throw .invalidSetting("--vary \(quoted(axis.key)) has no values") }
            guard Set(axis.values).count == axis.values.count else {
                throw .invalidSetting("--vary \(quoted(axis.key)) lists a value twice")
            }
        }
        guard let runs = Limits.product(axes.map(\.values.count) + [seeds]), runs <= limits.sweepRuns else {
            throw .invalidSetting("the sweep would have more than \(limits.sweepRuns) runs (settings × seeds); use fewer values or seeds")
        }
        var out: [(setting: [(String, String)], experiment: Experiment)] = []
        for s in settings {
            var e = base
            // In the order of `Experiment.settingKeys`, whatever the order of the axes, so that
            // e.g. `depth` sees the `width` it copies and a schedule sees its epochs.
            try e.set(Dictionary(s, uniquingKeysWith: { $1 }))
            try e.validate(limits: limits)
            out.append((s, e))
        }
        return out
    }

    /// Every trial, numbered: settings in grid order, `seeds` seeds within each.
    public func trials(limits: Limits = .standard) throws(BackpropError) -> [Trial] {
        let grid = try experiments(limits: limits)
        var out: [Trial] = []
        out.reserveCapacity(grid.count * seeds)
        for (g, entry) in grid.enumerated() {
            for k in 0..<seeds {
                let seed = firstSeed + UInt64(k)
                let e = SeedRun.experiment(entry.experiment, seed: seed)
                out.append(Trial(index: g * seeds + k, setting: Dictionary(entry.setting, uniquingKeysWith: { $1 }), seed: seed, experiment: e))
            }
        }
        return out
    }

    /// Runs all settings × seeds on `threads` threads (default: all cores), in memory.
    /// `progress` is called (from any thread) after each finished run.
    public func run(threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                    progress: @Sendable (Int, Int) -> Void = { _, _ in }) throws(BackpropError) -> Result {
        let all = try trials()
        let results = Mutex<[RunResult?]>(Array(repeating: nil, count: all.count))
        let used = Sweep.run(all, criterion: criterion, checkEvery: checkEvery, threads: threads) { r in
            results.withLock { $0[r.trial] = r }
        } progress: { done in progress(done, all.count) }
        let runs = results.withLock { $0.compactMap { $0 } }
        return Result(runs: runs, summaries: summarise(runs), threadsUsed: used)
    }

    public struct Result: Sendable {
        public var runs: [RunResult]
        public var summaries: [Summary]
        /// Worker threads that ran at least one job.
        public var threadsUsed: Int
    }

    /// Runs `trials` on up to `threads` threads, each worker taking the next trial; `finished`
    /// receives each result as soon as it exists (from any thread). Runs are independent and
    /// deterministic per seed, so the order they finish in changes no number.
    /// Returns the number of threads that ran at least one trial.
    static func run(_ trials: [Trial], criterion: Criterion, checkEvery: Int, threads: Int,
                    finished: @Sendable (RunResult) -> Void, progress: @Sendable (Int) -> Void = { _ in }) -> Int {
        let done = Atomic<Int>(0), next = Atomic<Int>(0), busyWorkers = Atomic<Int>(0)
        let every = max(1, checkEvery)
        let workers = max(1, min(threads, trials.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var ranOne = false
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < trials.count else { return }
                if !ranOne { ranOne = true; busyWorkers.add(1, ordering: .relaxed) }
                finished(runOne(trials[i], criterion: criterion, every: every))
                progress(done.add(1, ordering: .relaxed).newValue)
            }
        }
        return busyWorkers.load(ordering: .relaxed)
    }

    static func runOne(_ trial: Trial, criterion: Criterion, every: Int) -> RunResult {
        var first: Int?
        do {
            let session = try Session(trial.experiment)
            try session.run(recordEvery: every) { p in
                if first == nil && criterion.isMet(by: p) { first = p.epoch }
            }
            let v = SeedRun.verdict(session, criterion: criterion)
            return RunResult(trial: trial.index, setting: trial.setting, seed: trial.seed, success: v.success,
                             epochsToCriterion: first, testLoss: v.testLoss, testAccuracy: v.testAccuracy, diverged: nil)
        } catch {
            return RunResult(trial: trial.index, setting: trial.setting, seed: trial.seed, success: false, epochsToCriterion: nil,
                             testLoss: .nan, testAccuracy: nil, diverged: "\(error)")
        }
    }

    /// One summary per setting of the grid, in grid order, over the runs given (all or some).
    public func summarise(_ runs: [RunResult]) -> [Summary] {
        func meanSD(_ v: [Double]) -> (Double, Double) {
            guard !v.isEmpty else { return (.nan, .nan) }
            let m = v.reduce(0, +) / Double(v.count)
            let sd = v.count > 1 ? (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot() : 0
            return (m, sd)
        }
        let bySetting = Dictionary(grouping: runs, by: { $0.trial / max(1, seeds) })
        return settings.enumerated().map { g, pairs in
            let setting = Dictionary(pairs, uniquingKeysWith: { $1 })
            let rs = (bySetting[g] ?? []).sorted { $0.trial < $1.trial }
            let ok = rs.filter(\.success)
            let losses = rs.map(\.testLoss).filter(\.isFinite)
            let (lm, lsd) = meanSD(losses)
            let accs = rs.compactMap(\.testAccuracy)
            let (am, asd) = meanSD(accs)
            let epochs = ok.compactMap(\.epochsToCriterion).map(Double.init)
            return Summary(setting: setting, runs: rs.count, successes: ok.count,
                           successRate: rs.isEmpty ? 0 : Double(ok.count) / Double(rs.count),
                           testLossMean: lm, testLossSD: lsd, testLossMin: losses.min() ?? .nan, testLossMax: losses.max() ?? .nan,
                           testAccuracyMean: accs.isEmpty ? nil : am, testAccuracySD: accs.isEmpty ? nil : asd,
                           testAccuracyMin: accs.min(), testAccuracyMax: accs.max(),
                           epochsToCriterionMean: epochs.isEmpty ? nil : epochs.reduce(0, +) / Double(epochs.count))
        }
    }
}
