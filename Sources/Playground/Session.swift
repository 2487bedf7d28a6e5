#if !hasFeature(Embedded)
import Foundation
#endif
import Backprop
import Datasets

/// One point of a run's history, recorded after an epoch.
public struct HistoryPoint: Equatable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var testLoss: Double
    public var trainAccuracy: Double?
    public var testAccuracy: Double?

    public init(epoch: Int, trainLoss: Double, testLoss: Double, trainAccuracy: Double?, testAccuracy: Double?) {
        self.epoch = epoch; self.trainLoss = trainLoss; self.testLoss = testLoss
        self.trainAccuracy = trainAccuracy; self.testAccuracy = testAccuracy
    }
}

/// An experiment being run: its data, its network and its one training loop.
///
/// Every front end drives a `Session`: the command line runs it to the end
/// and writes files, a sweep runs many, the page steps it and streams
/// snapshots. Precision is Double: gradient checks and the golden comparisons
/// need it, and at playground sizes it costs little (W2, the spiral's 6×6 ReLU: the
/// peers table in docs/performance.md has Double against Float).
public final class Session {
    public private(set) var experiment: Experiment
    /// Points before features are applied (for plotting in the plane).
    public let trainPoints: LabeledPoints
    public let testPoints: LabeledPoints
    public let train: Dataset<Double>
    public let test: Dataset<Double>
    public let architecture: Architecture
    /// The weights training started from (reset returns here).
    public let initialNetwork: Network<Double>
    public private(set) var trainer: Trainer<Double>
    public private(set) var history: [HistoryPoint] = []
    /// Set when a record finds the training loss a million-fold above where it started (and
    /// above 1): diverged, though every number is still finite. An identity head's outputs grow
    /// without a bound to saturate at, so such a run printed a 90-digit R² and counted as done;
    /// no run that is learning gets there (cross-entropy starts near 0.7, squared error near
    /// the targets' variance).
    public private(set) var runaway: BackpropError?
    static let runawayGrowth = 1e6
    /// Whether each history record also records the gradient norms and dead units
    /// (`backprop train --explain`), into `gradientHistory`.
    public var recordsGradients = false
    public private(set) var gradientHistory: [GradientPoint] = []

    /// Builds data and network. `points` replaces the experiment's data source
    /// (an uploaded CSV); `initialWeights` replaces the drawn ones.
    public convenience init(_ experiment: Experiment, points: LabeledPoints? = nil, initialWeights: Network<Double>? = nil) throws(BackpropError) {
        try experiment.validate()
        let all: LabeledPoints
        if let points { all = points } else { all = try Session.loadPoints(experiment.data) }
        guard all.count >= 2 else { throw .invalidData("the data set has \(all.count) points; need at least 2") }
        // scikit-learn's data sets are split the way the sheet split them.
        let style = points == nil ? DatasetName(name: experiment.data.dataset)?.splitStyle ?? .playground : .playground
        let split = try all.split(trainRatio: experiment.data.trainRatio, seed: experiment.data.seed, style: style)
        try self.init(experiment, train: split.train, test: split.test, initialWeights: initialWeights)
    }

    /// A session on given training and test points (the page's own data).
    public init(_ experiment: Experiment, train trainPoints: LabeledPoints, test testPoints: LabeledPoints,
                initialWeights: Network<Double>? = nil) throws(BackpropError) {
        try experiment.validate()
        guard trainPoints.count >= 1 else { throw .invalidData("there are no training points") }
        self.experiment = experiment
        self.trainPoints = trainPoints
        self.testPoints = testPoints
        let task = trainPoints.task
        let classes = max(trainPoints.classes, testPoints.classes)
        let head = experiment.network.head ?? Session.defaultHead(task)
        let trainF = trainPoints.applying(experiment.features), testF = testPoints.applying(experiment.features)
        let outputs = head == .softmaxCrossEntropy ? max(classes, 2) : 1
        architecture = Architecture(
            inputs: trainF.dimension,
            hidden: experiment.network.hidden.enumerated().map { .init(units: $1, activation: experiment.activation($0)) },
            outputs: outputs, head: head)
        train = try trainF.dataset(for: head)
        test = testF.count > 0 ? try testF.dataset(for: head) : try Dataset(x: Matrix(rows: 0, columns: trainF.dimension), y: Matrix(rows: 0, columns: train.y.columns))
        if let given = initialWeights {
            guard given.architecture.sizes == architecture.sizes else {
                throw .invalidArchitecture("the initial weights are for layer sizes \(given.architecture.sizes), the experiment needs \(architecture.sizes)")
            }
            initialNetwork = try Network(architecture, weights: (0..<given.layout.layerCount).map { given.weight($0) },
                                         biases: (0..<given.layout.layerCount).map { given.bias($0) })
        } else {
            initialNetwork = try Network(architecture, initializer: experiment.network.initializer, seed: experiment.seed)
        }
        trainer = try Trainer(network: initialNetwork, data: train, settings: experiment.training)
    }

    public static func defaultHead(_ task: Task) -> OutputHead {
        switch task {
        case .binary: return .sigmoidCrossEntropy
        case .multiclass: return .softmaxCrossEntropy
        case .regression: return .identitySquaredError
        }
    }

    public static func loadPoints(_ d: Experiment.DataSettings) throws(BackpropError) -> LabeledPoints {
        if d.dataset == "csv" {
            guard let file = d.file, !file.isEmpty else { throw .invalidSetting("the csv data set needs a file (--data FILE.csv)") }
            #if hasFeature(Embedded)
            throw .invalidSetting("a page reads no files: upload \(quoted(file)) as CSV text instead")
            #else
            return try CSV.read(URL(fileURLWithPath: file))
            #endif
        }
        guard let name = DatasetName(name: d.dataset) else { throw .invalidSetting("unknown data set \(d.dataset)") }
        return try Generators.generate(name, count: d.points, noise: d.noise, seed: d.seed, classes: d.classes)
    }

    public var network: Network<Double> { trainer.network }
    public var epoch: Int { trainer.epoch }

    /// Replaces one weight or bias (the page's click-to-edit); training continues from it.
    public func edit(_ change: (inout Network<Double>) -> Void) {
        var n = trainer.network
        change(&n)
        trainer.network = n
    }

    /// Starts again from the initial weights (the same ones: reproducible).
    public func reset() throws(BackpropError) {
        trainer = try Trainer(network: initialNetwork, data: train, settings: experiment.training)
        history = []
        gradientHistory = []
        runaway = nil
    }

    /// Continues from `network` at `epoch`, as if trained here: a page that reconnects, or
    /// new points added while training. Its sizes must be this session's; the optimiser's
    /// state (momentum, Adam's moments) starts afresh, and reset still returns to the
    /// initial weights. `history` is the loss curve so far, if the caller kept it.
    public func resume(from network: Network<Double>, epoch: Int, history earlier: [HistoryPoint] = []) throws(BackpropError) {
        guard network.architecture.sizes == architecture.sizes else {
            throw .invalidArchitecture("the weights are for layer sizes \(network.architecture.sizes), this network has \(architecture.sizes)")
        }
        guard epoch >= 0 else { throw .invalidSetting("an epoch count cannot be negative") }
        guard earlier.allSatisfy({ $0.epoch >= 0 && $0.epoch <= epoch }), zip(earlier, earlier.dropFirst()).allSatisfy({ $0.epoch < $1.epoch }) else {
            throw .invalidSetting("the loss history must run in rising epochs up to epoch \(epoch)")
        }
        let copy = try Network(architecture, weights: (0..<network.layout.layerCount).map { network.weight($0) },
                               biases: (0..<network.layout.layerCount).map { network.bias($0) })
        trainer = try Trainer(network: copy, data: train, settings: experiment.training, epoch: epoch)
        history = earlier
        gradientHistory = []
        runaway = nil
    }

    /// New training settings (learning rate, optimiser, regularisation, batch
    /// size, …) for the network as it is now; the epoch count, the history and
    /// the reset weights stay. Returns whether the run stayed on its path: a new stop epoch or
    /// schedule only (`Trainer.continueWith`). Any other change starts a new trainer at this
    /// epoch — its batch order and optimiser state from the beginning, a run that no experiment
    /// file describes once it has trained.
    @discardableResult
    public func updateTraining(_ settings: TrainingSettings) throws(BackpropError) -> Bool {
        var e = experiment
        e.training = settings
        try e.validate()
        var same = settings
        same.epochs = trainer.settings.epochs
        same.learningRate = trainer.settings.learningRate
        let onItsPath = same == trainer.settings
        if onItsPath {
            try trainer.continueWith(epochs: settings.epochs, learningRate: settings.learningRate)
        } else {
            trainer = try Trainer(network: trainer.network, data: train, settings: settings, epoch: trainer.epoch)
        }
        experiment = e
        return onItsPath || trainer.epoch == 0
    }

    /// Trains `epochs` more (default: to the experiment's epoch count), recording
    /// history every `recordEvery` epochs and calling `onRecord` with each point.
    @discardableResult
    public func run(epochs: Int? = nil, recordEvery: Int = 1, onRecord: (HistoryPoint) -> Void = { _ in }) throws(BackpropError) -> FitOutcome {
        if history.isEmpty { record(onRecord) }
        let outcome = try trainer.fit(epochs: epochs, reportEvery: recordEvery, evaluateTrain: false) { _ in record(onRecord) }
        if let runaway { throw runaway }
        return outcome
    }

    /// Asks a running `run` to stop after the current step; safe from any thread.
    public var stopSignal: StopSignal { trainer.stopSignal }

    /// Records a history point now (after training driven in chunks).
    public func recordNow() {
        if history.last?.epoch != trainer.epoch { record { _ in } }
    }

    /// Halves a history of more than `limit` points — every other point from the first, and the
    /// last — as the page does with its copy: a live session that plays for hours keeps a
    /// curve, not a point for every frame (33 a second, 56 bytes each, for as long as the tab
    /// is open). Returns how many of the first `prefix` points remain, so that a reader who had
    /// those knows where the new ones start. Runs (`run`) never thin their history.
    public func thinHistory(over limit: Int, prefix: Int) -> Int {
        guard history.count > limit else { return prefix }
        let last = history.count - 1
        let kept = history.indices.filter { $0 % 2 == 0 || $0 == last }
        let gradients = gradientHistory.count == history.count ? kept.map { gradientHistory[$0] } : gradientHistory
        history = kept.map { history[$0] }
        gradientHistory = gradients
        return kept.count(where: { $0 < prefix })
    }

    private func record(_ onRecord: (HistoryPoint) -> Void) {
        let (tr, te) = metrics()
        let p = HistoryPoint(epoch: trainer.epoch, trainLoss: tr.loss, testLoss: te.loss, trainAccuracy: tr.accuracy, testAccuracy: te.accuracy)
        if runaway == nil, let start = history.first?.trainLoss, start.isFinite,
           p.trainLoss > Session.runawayGrowth * max(start, 1) {
            runaway = .diverged(epoch: p.epoch, layer: nil, detail: "the training loss grew from \(start) to \(p.trainLoss)")
        }
        history.append(p)
        if recordsGradients, let g = gradientPoint() { gradientHistory.append(g) }
        onRecord(p)
    }

    /// Metrics on the training and test sets at the current weights.
    public func metrics() -> (train: Metrics, test: Metrics) {
        (trainer.evaluate(), test.count > 0 ? trainer.evaluate(test) : Metrics(loss: .nan))
    }

    /// The network's outputs over a `resolution × resolution` grid of the plane
    /// (row 0 at the top), features applied to each grid point.
    public func outputGrid(resolution: Int, xMin: Double, xMax: Double, yMin: Double, yMax: Double) -> Matrix<Double> {
        var x = Matrix<Double>(rows: resolution * resolution, columns: architecture.inputs)
        for row in 0..<resolution {
            for col in 0..<resolution {
                let (px, py) = (xMin + (Double(col) + 0.5) / Double(resolution) * (xMax - xMin),
                                yMax - (Double(row) + 0.5) / Double(resolution) * (yMax - yMin))
                let f = experiment.features.count == architecture.inputs && trainPoints.dimension == 2
                    ? experiment.features.map { $0.value(px, py) } : [px, py]
                for c in 0..<architecture.inputs where c < f.count { x[row * resolution + col, c] = f[c] }
            }
        }
        return (try? trainer.network.predict(x)) ?? Matrix(rows: 0, columns: 0)
    }

    /// The plane region to draw: the data set's fixed plane (the playground's [−6, 6]²), or
    /// the data's bounding box widened by 25 % on each side (so the boundary shows how the
    /// model extrapolates).
    public var plotRegion: (xMin: Double, xMax: Double, yMin: Double, yMax: Double) {
        if let plane = DatasetName(name: experiment.data.dataset)?.fixedPlane { return plane }
        let pts = (trainPoints.x + testPoints.x).filter { $0.count >= 2 }
        let xs = pts.map { $0[0] }, ys = pts.map { $0[1] }
        let (x0, x1, y0, y1) = (xs.min() ?? -1, xs.max() ?? 1, ys.min() ?? -1, ys.max() ?? 1)
        let px = max((x1 - x0) * 0.25, 0.5), py = max((y1 - y0) * 0.25, 0.5)
        return (x0 - px, x1 + px, y0 - py, y1 + py)
    }
}

#if !hasFeature(Embedded)
extension HistoryPoint: Codable {}
#endif
