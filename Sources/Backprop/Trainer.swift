/// What the training loop reports after an epoch.
public struct EpochReport: Sendable {
    /// Completed epochs so far (1 after the first).
    public var epoch: Int
    /// Optimiser steps so far.
    public var steps: Int
    public var learningRate: Double
    /// Mean of the batch losses seen during the epoch (parameters moved meanwhile);
    /// nil unless `fit(measureRunningLoss: true)` asked for it.
    public var runningLoss: Double?
    /// Metrics on the training set at the epoch's final parameters, when requested.
    public var train: Metrics?
    /// Metrics on the test set at the epoch's final parameters, when a test set was given.
    public var test: Metrics?
}

/// Why `fit` returned.
public enum FitOutcome: Equatable, Sendable {
    case finished
    /// `StopSignal.request()` was called; the parameters are those of the last full step.
    case stopped
}

/// The one training loop: epochs of mini-batches, a learning-rate schedule,
/// an optimiser and regularisation, reporting after each epoch.
///
/// The command line, a sweep and the page all drive this class; they differ
/// only in how they render its reports. Buffers are sized once for the batch
/// size, so `trainEpoch()` allocates nothing (counted by the benchmark).
public final class Trainer<T: Scalar> {
    /// The network as trained so far. Setting it (to edit a weight) keeps the
    /// optimiser state; the architecture must stay the same.
    public var network: Network<T> {
        get {
            if stale {
                current.parameters.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: parameters, count: $0.count) }
                stale = false
            }
            return current
        }
        set {
            precondition(newValue.architecture == current.architecture, "the architecture cannot change under a trainer")
            current = newValue
            newValue.parameters.withUnsafeBufferPointer { parameters.update(from: $0.baseAddress!, count: $0.count) }
            stale = false
        }
    }
    public let data: Dataset<T>
    public private(set) var settings: TrainingSettings
    public let stopSignal = StopSignal()
    /// Where in this epoch's order the last step's batch was (see `lastBatchRows`).
    ///
    /// `@exclusivity(unchecked)` on the values every step writes (this, `steps`, `stale`,
    /// `fullBatchLoaded`): plain values only this trainer's own methods change, on the thread that
    /// trains (a `Trainer` is not shared between threads), so the dynamic exclusivity checks —
    /// `swift_beginAccess` and a thread-local lookup per write, a visible share of a batch-1 step
    /// in `perf` — guard nothing.
    @exclusivity(unchecked) private var lastBatch = (start: 0, count: 0)
    public private(set) var epoch = 0
    @exclusivity(unchecked) public private(set) var steps = 0

    /// The architecture, and the parameters as of the last read of `network` (see `stale`).
    private var current: Network<T>
    /// The parameters that training moves, 64-byte aligned: a Swift array's elements start 32
    /// bytes into a 16-byte-aligned block, so every 16-lane load and store of a weight row would
    /// straddle two cache lines, which the one-sample update (all loads and stores) pays for.
    /// `network` copies them out when read after a step, and in when set.
    private let parameters: UnsafeMutablePointer<T>
    /// Whether `parameters` moved since `current` last took them.
    @exclusivity(unchecked) private var stale = false
    /// Whether a step is plain SGD without regularisation, which the workspace may fuse (`Workspace.sgdStep`).
    private let plainSGD: Bool
    private let batchSize: Int
    private let workspace: Workspace<T>
    private var random: RandomSource
    private var order: [Int]
    private var optimizerState: [T]
    /// Playground-style L1: links that crossed zero and are frozen at 0.
    private var dead: [Bool]
    /// The regulariser's derivative at the weights before a playground-style step.
    private var penaltyScratch: [T]
    /// Where each layer's weights (not its biases) lie among the parameters: what regularisation reaches.
    private let weightRanges: [Range<Int>]
    /// Whether the workspace holds the whole training set in stored order.
    @exclusivity(unchecked) private var fullBatchLoaded = false
    private lazy var evaluator = Evaluator<T>(architecture: current.architecture, kernels: kernels)
    /// The instructions this trainer's loops run with (`KernelPath.selected` unless given).
    public var kernels: KernelPath { workspace.kernels.path }

    /// `epoch` is where counting starts: a trainer that takes over a network
    /// trained elsewhere continues its schedule from there. `kernels` chooses the instruction
    /// set (a path this CPU cannot run falls back to the baseline).
    public init(network: Network<T>, data: Dataset<T>, settings: TrainingSettings, epoch: Int = 0,
                kernels: KernelPath = .selected) throws(BackpropError) {
        guard data.count > 0 else { throw .invalidData("the training set is empty") }
        try data.validate(for: network.architecture)
        try settings.validate(trainingCount: data.count)
        self.current = network
        plainSGD = settings.optimizer.kind == .sgd && !settings.regularization.isActive
        self.data = data
        self.settings = settings
        batchSize = settings.batchSize == 0 ? data.count : min(settings.batchSize, data.count)
        try Limits.standard.checkBuffers(network.architecture, samples: batchSize)
        // After the last check that can throw: a failed init runs no deinit.
        let aligned = UnsafeMutableRawPointer.allocate(byteCount: network.layout.count * MemoryLayout<T>.stride, alignment: 64)
            .bindMemory(to: T.self, capacity: network.layout.count)
        network.parameters.withUnsafeBufferPointer { aligned.initialize(from: $0.baseAddress!, count: $0.count) }
        parameters = aligned
        workspace = Workspace(architecture: network.architecture, capacity: batchSize, kernels: kernels)
        random = RandomSource(seed: settings.seed)
        order = Array(0..<data.count)
        optimizerState = Array(repeating: 0, count: settings.optimizer.stateSlots * network.layout.count)
        dead = Array(repeating: false, count: network.layout.count)
        penaltyScratch = Array(repeating: 0, count: network.layout.count)
        let layout = network.layout
        weightRanges = (0..<layout.layerCount).map { layout.weightOffsets[$0] ..< layout.weightOffsets[$0] + layout.fanIn($0) * layout.fanOut($0) }
        self.epoch = max(0, epoch)
    }

    deinit { UnsafeMutableRawPointer(parameters).deallocate() }

    /// Goes on with another stop epoch and learning-rate schedule, the two settings a run can
    /// change without leaving its path: the batch order, the optimiser's state and the step
    /// count carry on. The run is then the one a trainer with the new settings from the start
    /// makes, as long as the two schedules give the same rate for every epoch trained so far.
    /// Any other setting needs a new trainer, whose order and state start again.
    public func continueWith(epochs: Int, learningRate: LearningRateSchedule) throws(BackpropError) {
        var s = settings
        s.epochs = epochs
        s.learningRate = learningRate
        try s.validate(trainingCount: data.count)
        settings = s
    }

    /// Asks a running `fit` to stop after the current step. Safe from any thread.
    public func requestStop() { stopSignal.request() }

    /// One epoch over the training set. Returns the mean batch loss.
    /// Throws `.diverged` as soon as a loss or parameter is not finite.
    @discardableResult
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func trainEpoch() throws(BackpropError) -> Double {
        try trainEpoch(measuringLoss: true) ?? .nan
    }

    /// One epoch; the mean batch loss when `measuringLoss`, else nil — the loss is then not
    /// computed at all (a log per sample for cross-entropy), and a divergence is caught by
    /// the parameter check at the end of the epoch instead of at the batch.
    private func trainEpoch(measuringLoss: Bool) throws(BackpropError) -> Double? {
        let n = data.count
        let eta = T(settings.learningRate.rate(epoch: epoch))
        let storedOrder: Bool
        switch settings.order {
        case .stored: storedOrder = true
        case .shuffled: storedOrder = false; random.shuffle(&order)
        case .given(let perms):
            storedOrder = false
            let p = perms[epoch % perms.count]
            for i in 0..<n { order[i] = p[i] }
        }
        var lossSum = 0.0, batches = 0
        var start = 0
        while start < n {
            if stopSignal.isRequested { break }
            let m = min(batchSize, n - start)
            lastBatch = (start, m)
            if storedOrder {
                // A full batch in stored order is the same every epoch: load it once.
                if !(m == n && fullBatchLoaded) { workspace.gather(data, rowsFrom: start, count: m) }
                fullBatchLoaded = m == n
            } else {
                order.withUnsafeBufferPointer { workspace.gather(data, indices: $0.baseAddress! + start, count: m) }
            }
            let loss = step(rows: m, learningRate: eta, measuringLoss: measuringLoss)
            if measuringLoss {
                guard loss.isFinite else { throw divergence(detail: "the batch loss is \(loss)") }
                lossSum += Double(loss) / Double(m)
            }
            batches += 1
            start += m
        }
        epoch += 1
        if let l = firstNonFiniteLayer() { throw .diverged(epoch: epoch, layer: l + 1, detail: "a parameter is NaN or infinite") }
        return measuringLoss ? (batches > 0 ? lossSum / Double(batches) : .nan) : nil
    }

    /// One optimiser step on the `m` rows gathered in the workspace; returns their summed
    /// loss when `measuringLoss` (else 0).
    private func step(rows m: Int, learningRate eta: T, measuringLoss: Bool) -> T {
        steps += 1
        stale = true
        let p = parameters
        // Plain SGD on 1–7 samples that run sample by sample: the workspace updates each layer
        // as the backward pass leaves it (`Workspace.sgdStep`), the same step bit for bit.
        if plainSGD, let loss = workspace.sgdStep(p, learningRate: eta, withLoss: measuringLoss) { return loss }
        let layout = current.layout
        let reg = settings.regularization
        let opt = settings.optimizer
        let t = steps
        let loss = workspace.lossAndGradient(p, withLoss: measuringLoss)
        let g = workspace.gradient
        let lambda = T(reg.rate)
        if reg.isActive && reg.style == .gradient {
            for r in weightRanges { for k in r { g[k] += lambda * reg.derivative(p[k]) } }
        }
        let playground = reg.isActive && reg.style == .playground
        penaltyScratch.withUnsafeMutableBufferPointer { scratch in
            if playground {
                for r in weightRanges { for k in r { scratch[k] = reg.derivative(p[k]) } }
            }
            // Plain SGD through the path's kernel (the same roundings as `Optimizer.apply`; at
            // batch 1 the update of every parameter is a step's largest loop).
            if opt.kind == .sgd {
                workspace.kernels.sgd(parameters: p, gradient: g, count: layout.count, learningRate: eta)
            } else {
                optimizerState.withUnsafeMutableBufferPointer { s in
                    opt.apply(parameters: p, gradient: g, count: layout.count, state: s.baseAddress ?? p, learningRate: eta, step: t)
                }
            }
            if playground {
                // The playground's rule: each weight steps by −η λ R'(w) of its value before the
                // optimiser's step; under L1 a weight that would cross zero is 0 from then on.
                dead.withUnsafeMutableBufferPointer { dead in
                    for r in weightRanges {
                        for k in r {
                            if dead[k] { p[k] = 0; continue }
                            let w = p[k], next = w - eta * lambda * scratch[k]
                            if reg.kind == .l1 && w * next < 0 { p[k] = 0; dead[k] = true } else { p[k] = next }
                        }
                    }
                }
            }
        }
        return loss
    }

    /// The rows of the training data in the last step's batch (empty before the first step):
    /// what the page's gradient view traces.
    public var lastBatchRows: [Int] {
        let (start, m) = lastBatch
        guard m > 0, start + m <= order.count else { return [] }
        if case .stored = settings.order { return Array(start ..< start + m) }
        return Array(order[start ..< start + m])
    }

    /// Trains up to `epochs` more epochs (default: up to `settings.epochs` in all),
    /// calling `onEpoch` after every `reportEvery`-th epoch and after the last.
    /// Train metrics are computed only when `evaluateTrain`; test metrics when `test` is given;
    /// the running loss only when `measureRunningLoss`.
    @discardableResult
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func fit(
        epochs: Int? = nil, test: Dataset<T>? = nil, reportEvery: Int = 1, evaluateTrain: Bool = true,
        measureRunningLoss: Bool = false, onEpoch: (EpochReport) -> Void = { _ in }
    ) throws(BackpropError) -> FitOutcome {
        if let test { try test.validate(for: current.architecture) }
        let target = epoch + (epochs ?? max(0, settings.epochs - epoch))
        let every = max(1, reportEvery)
        while epoch < target {
            if stopSignal.isRequested { return .stopped }
            let rate = settings.learningRate.rate(epoch: epoch)
            let running = try trainEpoch(measuringLoss: measureRunningLoss)
            if stopSignal.isRequested && epoch < target { return .stopped }
            if epoch % every == 0 || epoch == target {
                onEpoch(report(learningRate: rate, runningLoss: running, test: test, evaluateTrain: evaluateTrain))
            }
        }
        return .finished
    }

    /// Metrics of the current network on `data` (the training set by default).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func evaluate(_ data: Dataset<T>? = nil) -> Metrics {
        evaluator.metrics(network, data ?? self.data)
    }

    private func report(learningRate: Double, runningLoss: Double?, test: Dataset<T>?, evaluateTrain: Bool) -> EpochReport {
        EpochReport(epoch: epoch, steps: steps, learningRate: learningRate, runningLoss: runningLoss,
                    train: evaluateTrain ? evaluate() : nil, test: test.map { evaluate($0) })
    }

    private func firstNonFiniteLayer() -> Int? {
        let layout = current.layout
        for l in 0..<layout.layerCount {
            let end = layout.biasOffsets[l] + layout.fanOut(l)
            for k in layout.weightOffsets[l] ..< end where !parameters[k].isFinite { return l }
        }
        return nil
    }

    private func divergence(detail: String) -> BackpropError {
        .diverged(epoch: epoch + 1, layer: firstNonFiniteLayer().map { $0 + 1 }, detail: detail)
    }
}
