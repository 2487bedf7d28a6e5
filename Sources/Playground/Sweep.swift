import Foundation
import Synchronization
import Backprop

/// A grid of settings × seeds, run in parallel, summarised per setting.
///
/// Turns "with 5 neurons training only sometimes succeeded" into a measured
/// success rate: each setting is trained from `seeds` different initial
/// weights and judged by one `Criterion`.
public struct Sweep: Sendable {
    public struct Axis: Sendable, Equatable {
        public var key: String
        public var values: [String]
        public init(key: String, values: [String]) { self.key = key; self.values = values }
    }

    public struct RunResult: Codable, Sendable {
        public var setting: [String: String]
        public var seed: UInt64
        public var success: Bool
        public var epochsToCriterion: Int?
        public var testLoss: Double
        public var testAccuracy: Double?
        public var diverged: String?
    }

    public struct Summary: Codable, Sendable {
        public var setting: [String: String]
        public var runs: Int
        public var successes: Int
        public var successRate: Double
        public var testLossMean: Double, testLossSD: Double
        public var testAccuracyMean: Double?, testAccuracySD: Double?
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
        var keys = Set<String>()
        for axis in axes {
            guard keys.insert(axis.key).inserted else {
                throw .invalidSetting("--vary \(quoted(axis.key)) is given twice; put all its values in one --vary \(axis.key)=V1|V2|…")
            }
            guard !axis.values.isEmpty else { throw .invalidSetting("--vary \(quoted(axis.key)) has no values") }
        }
        guard let runs = Limits.product(axes.map(\.values.count) + [seeds]), runs <= limits.sweepRuns else {
            throw .invalidSetting("the sweep would have more than \(limits.sweepRuns) runs (settings × seeds); use fewer values or seeds")
        }
        var out: [(setting: [(String, String)], experiment: Experiment)] = []
        for s in settings {
            var e = base
            for (k, v) in s { try e.set(k, to: v) }
            try e.validate()
            out.append((s, e))
        }
        return out
    }

    /// Runs all settings × seeds on `threads` threads (default: all cores).
    /// `progress` is called (from any thread) after each finished run.
    public func run(threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                    progress: @Sendable (Int, Int) -> Void = { _, _ in }) throws(BackpropError) -> Result {
        let grid = try experiments()
        let jobs = grid.flatMap { g in (0..<seeds).map { (g.setting, g.experiment, firstSeed + UInt64($0)) } }
        let results = Mutex<[RunResult?]>(Array(repeating: nil, count: jobs.count))
        let done = Atomic<Int>(0)
        let criterion = self.criterion, every = max(1, checkEvery)
        let workers = max(1, min(threads, jobs.count))
        // Each worker takes the next job index; runs are independent and deterministic per seed.
        let next = Atomic<Int>(0)
        let busyWorkers = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var ranOne = false
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < jobs.count else { return }
                if !ranOne { ranOne = true; busyWorkers.add(1, ordering: .relaxed) }
                let (setting, experiment, seed) = jobs[i]
                let r = Sweep.runOne(setting: setting, experiment: experiment, seed: seed, criterion: criterion, every: every)
                results.withLock { $0[i] = r }
                progress(done.add(1, ordering: .relaxed).newValue, jobs.count)
            }
        }
        let runs = results.withLock { $0.compactMap { $0 } }
        return Result(runs: runs, summaries: Sweep.summarise(runs, order: grid.map { Dictionary(uniqueKeysWithValues: $0.setting) }),
                      threadsUsed: busyWorkers.load(ordering: .relaxed))
    }

    public struct Result: Sendable {
        public var runs: [RunResult]
        public var summaries: [Summary]
        /// Worker threads that ran at least one job.
        public var threadsUsed: Int
    }

    static func runOne(setting: [(String, String)], experiment: Experiment, seed: UInt64, criterion: Criterion, every: Int) -> RunResult {
        var e = experiment
        e.seed = seed
        e.training.seed = seed
        let dict = Dictionary(setting, uniquingKeysWith: { $1 })
        var first: Int?
        do {
            let session = try Session(e)
            try session.run(recordEvery: every) { p in
                if first == nil && criterion.isMet(by: p) { first = p.epoch }
            }
            let m = session.metrics().test
            let last = session.history.last
            return RunResult(setting: dict, seed: seed, success: last.map(criterion.isMet) ?? false,
                             epochsToCriterion: first, testLoss: m.loss, testAccuracy: m.accuracy, diverged: nil)
        } catch {
            return RunResult(setting: dict, seed: seed, success: false, epochsToCriterion: nil, testLoss: .nan,
                             testAccuracy: nil, diverged: "\(error)")
        }
    }

    static func summarise(_ runs: [RunResult], order: [[String: String]]) -> [Summary] {
        func meanSD(_ v: [Double]) -> (Double, Double) {
            guard !v.isEmpty else { return (.nan, .nan) }
            let m = v.reduce(0, +) / Double(v.count)
            let sd = v.count > 1 ? (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot() : 0
            return (m, sd)
        }
        return order.map { setting in
            let rs = runs.filter { $0.setting == setting }
            let ok = rs.filter(\.success)
            let (lm, lsd) = meanSD(rs.map(\.testLoss).filter(\.isFinite))
            let accs = rs.compactMap(\.testAccuracy)
            let (am, asd) = meanSD(accs)
            let epochs = ok.compactMap(\.epochsToCriterion).map(Double.init)
            return Summary(setting: setting, runs: rs.count, successes: ok.count,
                           successRate: rs.isEmpty ? 0 : Double(ok.count) / Double(rs.count),
                           testLossMean: lm, testLossSD: lsd,
                           testAccuracyMean: accs.isEmpty ? nil : am, testAccuracySD: accs.isEmpty ? nil : asd,
                           epochsToCriterionMean: epochs.isEmpty ? nil : epochs.reduce(0, +) / Double(epochs.count))
        }
    }
}
