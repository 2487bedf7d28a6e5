import Backprop
import Datasets
import Playground
import Plots

/// One browser tab's training session: the experiment, its `Session`, and whether it is
/// playing. Commands from the socket and the training loop take turns through `locked`, on
/// the `TrainingPool`'s threads; training runs in chunks of a few dozen milliseconds between
/// which commands are handled.
///
/// The page may set only `pageKeys` — never `data`, the one setting that names a file: own
/// data arrives as uploaded content (`uploadCSV`) or clicked points, and every size is held
/// to `limits` (`Limits.playground`) before anything is built.
public final class LiveSession: @unchecked Sendable {
    /// The page's starting point: the TensorFlow playground's defaults, its tanh output and
    /// squared error included (the command line's `auto` head is the sheet's sigmoid and
    /// cross-entropy), and the page's pace and stop conditions (`PageControls`).
    static let defaults: [String: String] = [
        "dataset": "circle", "points": "500", "noise": "0", "ratio": "0.5", "features": "x1,x2",
        "layers": "4,2", "activation": "tanh", "head": "tanh", "init": "playground",
        "batch-size": "10", "order": "stored", "lr": "0.03", "epochs": "1000000",
        "regularization": "none", "reg-rate": "0", "reg-style": "playground", "seed": "0", "data-seed": "1",
    ].withDefaults(PageControls.defaults)
    /// Settings that change how training proceeds but not the network or data.
    static let trainingKeys: Set<String> = ["lr", "lr-schedule", "optimizer", "momentum", "regularization", "reg-rate", "reg-style", "batch-size", "order", "epochs"]
    /// Every setting a page may send: an allow-list, so a key added to the command line later
    /// (like `data`, which opens a file) never reaches the server by default.
    static let pageKeys: Set<String> = Set(defaults.keys).union(trainingKeys).union(["classes", "init-scale"]).union(PageControls.keys)
    /// The order in which a link's settings are tried (each one alone is dropped if invalid):
    /// the command line's order, so a schedule sees the epoch count it depends on.
    static let keyOrder: [String] = Experiment.settingKeys.map { $0.key }.filter { pageKeys.contains($0) } + PageControls.keys.sorted()
    /// Epochs after which an unmoved training loss is reported.
    static let plateauEpochs = 1000
    /// Points of loss history a session keeps before it halves them (the page's chart is a few
    /// hundred pixels wide, and its copy is halved at the same count).
    static let historyPoints = 4000

    let limits: Limits
    /// What a "step" may cost (`PageLimits`); the server's other page limits are its own.
    public var pageLimits = PageLimits()
    private let lock = HostServices.Lock()
    private(set) var settings: [String: String] = LiveSession.defaults
    private(set) var session: Session?
    /// Own data (uploaded CSV or clicked points), replacing the generator.
    var ownTrain: LabeledPoints? { didSet { if ownTrain == nil { ownRegion = nil } } }
    var ownTest: LabeledPoints?
    /// The plane own data is drawn over when it grew from a data set by added points: that data
    /// set's (the view must not jump when a first point is clicked); nil: the data's own box.
    var ownRegion: Region?
    /// A download the host adds to the session's own: the server writes ONNX (its executable
    /// links swift-protobuf; a tab's WebAssembly module has none, so the static site does not).
    public struct ModelWriter {
        public let name: String
        public let mime: String
        public let write: (Network<Double>, [Feature]?) throws(BackpropError) -> [UInt8]
        public init(name: String, mime: String, write: @escaping (Network<Double>, [Feature]?) throws(BackpropError) -> [UInt8]) {
            self.name = name; self.mime = mime; self.write = write
        }
    }
    /// Set once, before any session runs (`PlaygroundServer.application`).
    nonisolated(unsafe) public static var modelWriters: [String: ModelWriter] = [:]

    /// The neuron the page shows over the whole plane (hovered or focused), if any.
    var focus: (layer: Int, neuron: Int)?
    typealias Region = (xMin: Double, xMax: Double, yMin: Double, yMax: Double)
    /// The plane the page draws: the session's, or the one own points were added over.
    var region: Region? { session.map { ownRegion ?? $0.plotRegion } }
    public private(set) var playing = false
    /// Epochs of a `step` still to train. A step trains at most `stepBudget` seconds in its
    /// reply and the rest in the frames after it (`trainFrame`), so that one tab's large step
    /// holds a training thread no longer than a frame of play does.
    public private(set) var stepRemaining = 0
    /// Seconds a step trains before its reply: unbounded for the library and tests (the reply
    /// has trained the whole step); the server sets one frame's training budget.
    public var stepBudget = Double.infinity
    /// Whether frames still have training to do (playing, or a step not yet done).
    public var isTraining: Bool { playing || stepRemaining > 0 || (seedJob.map { !$0.done } ?? false) }
    /// "Run seeds" (LiveSession+Seeds.swift): trained in the frames play and steps leave.
    var seedJob: SeedJob?
    /// Seed jobs started, so each has its own number (`SeedJob.id`).
    var seedJobs = 0
    /// A lesson step's check on the live numbers (`LiveSession+Lesson`), judged in every snapshot.
    var lessonCheck: LessonCheck?
    /// Backprop-by-hand answers found right in every term since the check was set (`LiveSession+ByHand`).
    var byHandSolved = 0
    var controls = PageControls()
    private var diverged: String?
    /// Why training last stopped by itself (the stop epoch or condition), until it goes on.
    private var stopped: String?
    /// The training loss and the epoch it was last seen to move at (for "has not moved").
    private var plateau: (loss: Double, epoch: Int)?
    private var sentHistory = 0
    /// Changes made while training that the settings cannot describe (`LiveSession+Reproduction`).
    var offPath: [(what: String, epoch: Int)] = []
    /// Counts snapshots: two tasks send them (the training loop and command replies), so one
    /// made earlier can reach the page later; the page keeps only the newest (`Snapshot.seq`).
    private var sequence = 0
    private var epochsPerSecond = 0.0
    /// Cells per side of the snapshot's output map and of each neuron's map (the page's sizes;
    /// the fuzz target asks for small ones, to try more messages per second).
    public var resolution = (output: 100, neuron: 24)

    public init(limits: Limits) { self.limits = limits }

    /// Runs `body` with this session to itself.
    public func locked<R, E: Error>(_ body: (LiveSession) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(self)
    }

    // MARK: commands

    /// Answers one message from the page: the JSON texts to send back, in order. Bad input
    /// gets an error reply (and the current snapshot); nothing a message says can stop the
    /// session. The server's `Connection` and the fuzz target both call this.
    public func respond(to text: String) -> [String] {
        let envelope: (type: String, fields: JSON)
        do { envelope = try Command.envelope(text) } catch { return [json(ErrorMessage(message: error.message))] }
        var out: [String] = []
        func data() { if let d = dataMessage() { out.append(json(d)) } }
        if !Command.keepsAStep(envelope.type) { stepRemaining = 0 }
        do throws(BackpropError) {
            switch try Command(type: envelope.type, fields: envelope.fields) {
            case .configure(let settings):
                let dropped = try configure(settings)
                if !dropped.isEmpty { out.append(json(ErrorMessage(message: "Ignored from the link: " + dropped.joined(separator: "; ")))) }
                data()
            case .restore(let r):
                let problems = try restore(r)
                if !problems.isEmpty { out.append(json(ErrorMessage(message: "Restored what could be: " + problems.joined(separator: "; ")))) }
                data()
            case .set(let key, let value):
                if try set(key, value) { data() }
            case .play: setPlaying(true)
            case .pause: setPlaying(false)
            case .step(let n):
                guard n == n.rounded(), n >= 1, n <= Double(pageLimits.stepEpochs) else {
                    throw BackpropError.invalidSetting("step: \(n) is not an epoch count (1…\(pageLimits.stepEpochs))")
                }
                if let session, Limits.product(Int(n), session.train.count, session.network.layout.count).map({ $0 > pageLimits.stepWork }) ?? true {
                    throw BackpropError.invalidSetting("a step of \(Int(n)) epochs is too much work for this network and data (at most \(pageLimits.stepWork) epochs × points × parameters); press play instead")
                }
                setPlaying(false)
                stopped = nil
                stepRemaining = Int(n)
                trainFrame(budget: stepBudget)
            case .reset: try reset()
            case .regenerate:
                try regenerate()
                data()
            case .setWeight(let layer, let to, let from, let value): try setWeight(layer: layer, to: to, from: from, value: value)
            case .setBias(let layer, let neuron, let value): try setBias(layer: layer, neuron: neuron, value: value)
            case .addPoint(let x, let y, let label, let test):
                try addPoint(x: x, y: y, label: label, test: test)
                data()
            case .uploadCSV(let text):
                try uploadCSV(text)
                data()
            case .explain(let layer, let to, let from, let sample):
                out.append(json(try explain(layer: layer, to: to, from: from, sample: sample)))
            case .download(let format):
                return [json(try file(format))]
            case .seeds(let count): try startSeeds(count: count)
            case .check(let expression): try setCheck(expression)
            case .byHand(let layer, let to, let from, let sample, let answers):
                out.append(try byHand(layer: layer, to: to, from: from, sample: sample, answers: answers).text)
            case .focus(let layer, let neuron):
                focus = layer.map { ($0, neuron) }
            }
        } catch {
            out.append(json(ErrorMessage(message: "\(error)")))
        }
        if let s = snapshot() { out.append(json(s)) }
        return out
    }

    // MARK: experiment

    func experiment(from settings: [String: String]) throws(BackpropError) -> Experiment {
        for key in settings.keys where !LiveSession.pageKeys.contains(key) {
            throw .invalidSetting("the page cannot set \(quoted(key)); settings here: \(LiveSession.pageKeys.sorted().joined(separator: ", "))")
        }
        var e = Experiment()
        try e.set(settings.filter { !PageControls.keys.contains($0.key) })
        try e.validate(limits: limits)
        for (key, range) in LiveSession.pageRanges {
            if let text = settings[key], let v = Double(text), !range.contains(v) {
                throw .invalidSetting("\(key): \(text) is outside the page's \(range.lowerBound)…\(range.upperBound) (its control's range)")
            }
        }
        return e
    }

    /// Where the page's own controls stop, narrower than the command line's: noise beyond its
    /// slider's 0.5 makes every point of a playground data set one class, and a rate beyond
    /// its menu's 10 diverges at once, so a link that asks for more is told rather than obeyed.
    static let pageRanges: [(key: String, range: ClosedRange<Double>)] = [("noise", 0...0.5), ("ratio", 0.1...0.9), ("lr", 0...10)]

    /// The page controls in `settings` (valid: `configure` and `set` checked them).
    static func controls(from settings: [String: String]) throws(BackpropError) -> PageControls {
        var c = PageControls()
        for key in PageControls.keys.sorted() { if let v = settings[key] { try c.set(key, v) } }
        return c
    }

    /// Replaces the settings (merged over the defaults) and starts a new session. A link is
    /// read leniently: each setting that is unknown or invalid is dropped and named in the
    /// returned list, and the rest are kept (a typo in `lr=` must not lose the data set).
    @discardableResult
    public func configure(_ given: [String: String]) throws(BackpropError) -> [String] {
        var merged = LiveSession.defaults, dropped: [String] = []
        for key in given.keys.sorted() where !LiveSession.pageKeys.contains(key) {
            dropped.append("the page cannot set \(quoted(key, limit: 30))")
        }
        if given["dataset"] == "csv" && ownTrain == nil {
            dropped.append("dataset=csv (own data is not kept in a link: upload the CSV again or add points)")
        }
        if given["dataset"] != "csv" { ownTrain = nil; ownTest = nil }
        for key in LiveSession.keyOrder {
            guard let value = given[key], !(key == "dataset" && value == "csv" && ownTrain == nil) else { continue }
            var trial = merged
            trial[key] = value
            if key == "dataset" && given["head"] == nil { LiveSession.fitHead(&trial) }
            do {
                _ = try experiment(from: trial)
                _ = try LiveSession.controls(from: trial)
                merged = trial
            } catch {
                dropped.append("\(key)=\(quoted(value, limit: 30)) (\(error.message))")
            }
        }
        do { try rebuild(merged, keepWeights: false) } catch {
            // Each setting was valid alone, but together they are not (e.g. a head for another task).
            try rebuild(LiveSession.defaults, keepWeights: false)
            dropped = ["every setting (\(error.message))"]
        }
        return dropped
    }

    /// The page's head for the data set's task, when the current one cannot learn it: a
    /// multi-class set needs softmax; back on a binary set, the playground's tanh; regression
    /// a linear output. The command line's `auto` stays `auto`.
    static func fitHead(_ s: inout [String: String]) {
        guard let name = s["dataset"].flatMap(DatasetName.init(name:)) else { return }
        let head = s["head"] ?? "auto"
        switch name.task {
        case .multiclass where head != "auto" && !head.hasPrefix("softmax"): s["head"] = "softmax"
        case .binary where head.hasPrefix("softmax") || head.hasPrefix("identity"): s["head"] = "tanh"
        case .regression where head.hasPrefix("softmax") || head.hasPrefix("sigmoid"): s["head"] = "identity"
        default: break
        }
    }

    /// Changes one setting. Training settings keep the network and its epoch; others start
    /// afresh. Returns whether the data (or the settings the data message carries) changed.
    func set(_ key: String, _ value: String) throws(BackpropError) -> Bool {
        var s = settings
        s[key] = value
        if key == "dataset" && value == "csv" && ownTrain == nil {
            throw .invalidSetting("own data arrives by uploading a CSV or clicking points, not by a setting")
        }
        if key == "dataset" && value != "csv" { ownTrain = nil; ownTest = nil }
        if key == "dataset" { LiveSession.fitHead(&s) }
        if PageControls.keys.contains(key) {
            var c = controls
            try c.set(key, value)
            controls = c
            settings = s
            return false
        }
        if LiveSession.trainingKeys.contains(key), let session {
            if session.epoch > 0 && key == "lr" { s = try rateMidRun(s, session) }
            let e = try experiment(from: s)
            checkRates(session.experiment.training.learningRate, e.training.learningRate, trained: session.epoch)
            if try !session.updateTraining(e.training) { leftThePath(LiveSession.changeName(key), at: session.epoch) }
            settings = s
            return false
        }
        try rebuild(s, keepWeights: false)
        return true
    }

    /// New data from the next data seed; the same weights.
    func regenerate() throws(BackpropError) {
        var s = settings
        s["data-seed"] = String((UInt64(s["data-seed"] ?? "0") ?? 0) &+ 1)
        try rebuild(s, keepWeights: true)
    }

    private func rebuild(_ s: [String: String], keepWeights: Bool) throws(BackpropError) {
        var e = try experiment(from: s)
        let new: Session
        let weights = keepWeights ? session?.initialNetwork : nil
        if let ownTrain, let ownTest {
            e.data.dataset = "csv"
            new = try Session(e, train: ownTrain, test: ownTest, initialWeights: weights)
        } else {
            new = try Session(e, initialWeights: weights)
        }
        do { try limits.check(new.architecture) } catch { throw .invalidSetting(error.message) }
        controls = try LiveSession.controls(from: s)
        session = new
        settings = s
        playing = false
        diverged = nil
        stopped = nil
        plateau = nil
        offPath = []
        sentHistory = 0
    }

    func reset() throws(BackpropError) {
        try session?.reset()
        offPath = []
        diverged = nil
        stopped = nil
        plateau = nil
        sentHistory = 0
    }

    // MARK: own data

    func uploadCSV(_ text: String) throws(BackpropError) {
        let points = try CSV.parse(text, limits: limits)
        let ratio = Double(settings["ratio"] ?? "0.5") ?? 0.5
        let split = try points.split(trainRatio: ratio, seed: UInt64(settings["data-seed"] ?? "0") ?? 0)
        ownRegion = nil
        ownTrain = split.train
        ownTest = split.test
        var s = settings
        s["dataset"] = "csv"
        s["features"] = points.dimension == 2 ? (s["features"] ?? "x1,x2") : "x1,x2"
        s["head"] = points.task == .multiclass ? "softmax" : points.task == .regression ? "identity" : "tanh"
        try rebuild(s, keepWeights: false)
    }

    /// Adds a training (or test) point; the data becomes the page's own. Training goes on
    /// from the current weights and epoch (and keeps playing if it was).
    func addPoint(x: Double, y: Double, label: Double, test: Bool) throws(BackpropError) {
        guard let session else { throw .invalidSetting("no session yet") }
        guard x.isFinite, y.isFinite, label.isFinite else { throw .invalidData("a point needs finite x, y and label") }
        var train = ownTrain ?? session.trainPoints, testSet = ownTest ?? session.testPoints
        guard train.dimension == 2 || train.count == 0 else { throw .invalidData("points can be added to 2-D data only") }
        guard train.count + testSet.count < limits.points else { throw .invalidData("at most \(limits.points) points here") }
        if train.task != .regression {
            guard label == label.rounded(), label >= 0, label < Double(max(train.classes, 2)) else {
                throw .invalidData("class \(label) is not one of 0…\(max(train.classes, 2) - 1)")
            }
        }
        if test { testSet.x.append([x, y]); testSet.target.append(label) } else { train.x.append([x, y]); train.target.append(label) }
        let kept = ownTrain == nil ? session.plotRegion : ownRegion
        ownTrain = train
        ownRegion = kept
        ownTest = testSet
        var s = settings
        s["dataset"] = "csv"
        let (current, epoch, wasPlaying, noted, history) = (session.network, session.epoch, playing, offPath, session.history)
        try rebuild(s, keepWeights: true)
        try self.session?.resume(from: current, epoch: epoch, history: history)
        offPath = noted
        if epoch > 0 { leftThePath("points added", at: epoch) }
        playing = wasPlaying
    }

    // MARK: weights

    func setWeight(layer: Int, to: Int, from: Int, value: Double) throws(BackpropError) {
        guard let session else { throw .invalidSetting("no session yet") }
        let sizes = session.architecture.sizes
        guard value.isFinite else { throw .invalidSetting("a weight must be a finite number") }
        guard layer >= 0, layer < sizes.count - 1, to >= 0, to < sizes[layer + 1], from >= 0, from < sizes[layer] else {
            throw .invalidSetting("there is no weight from neuron \(from) of layer \(layer) to neuron \(to)")
        }
        session.edit { $0.setWeight(layer: layer, to: to, from: from, value) }
        leftThePath("a weight set by hand", at: session.epoch)
    }

    func setBias(layer: Int, neuron: Int, value: Double) throws(BackpropError) {
        guard let session else { throw .invalidSetting("no session yet") }
        let sizes = session.architecture.sizes
        guard value.isFinite else { throw .invalidSetting("a bias must be a finite number") }
        guard layer >= 0, layer < sizes.count - 1, neuron >= 0, neuron < sizes[layer + 1] else {
            throw .invalidSetting("there is no bias for neuron \(neuron) of layer \(layer)")
        }
        session.edit { $0.setBias(layer: layer, neuron: neuron, value) }
        leftThePath("a bias set by hand", at: session.epoch)
    }

    // MARK: training

    /// Play refuses to start at or past the stop epoch, and says so.
    func setPlaying(_ on: Bool) {
        guard on, diverged == nil, let session else { playing = false; return }
        let stopEpoch = session.experiment.training.epochs
        if session.epoch >= stopEpoch {
            stopped = "Epoch \(grouped(session.epoch)) is the stop epoch (\(grouped(stopEpoch))): raise it to train on."
            playing = false
            return
        }
        stopped = nil
        playing = true
    }

    /// One frame of training: while playing, a chunk of play; while a step is unfinished, up to
    /// `budget` seconds more of it. Returns false when diverged.
    @discardableResult
    public func trainFrame(budget: Double) -> Bool {
        if playing { return trainChunk(budget: budget) }
        if stepRemaining == 0, seedJob != nil { trainSeeds(budget: budget); return true }
        guard stepRemaining > 0, let session else { return true }
        let before = session.epoch
        let ok = trainChunk(budget: budget, maxEpochs: stepRemaining)
        // A stop epoch, a stop condition or a divergence ends the step early, as play.
        stepRemaining = ok && stopped == nil ? max(0, stepRemaining - (session.epoch - before)) : 0
        return ok
    }

    /// Trains for about `budget` seconds (at least one epoch), at most `maxEpochs` — and
    /// while playing at most one frame's `speed`. Training stops exactly at the stop epoch
    /// (the `epochs` setting) when it would cross it, and at the first epoch that meets the
    /// stop condition (checked after every epoch while one is set). Returns false when diverged.
    @discardableResult
    public func trainChunk(budget: Double = 0.04, maxEpochs: Int = .max) -> Bool {
        guard let session, diverged == nil else { return false }
        let start = HostServices.seconds()
        var epochs = 0
        let limit = playing ? min(maxEpochs, controls.speed ?? .max) : maxEpochs
        let stopEpoch = session.experiment.training.epochs
        let barrier = session.epoch < stopEpoch ? stopEpoch : Int.max
        let condition = controls.stopWhen
        do throws(BackpropError) {
            repeat {
                // Epochs between clock reads grow with speed; one at a time when slow or
                // when a stop condition must be checked after each.
                var batch = max(1, min(limit - epochs, Int(epochsPerSecond * min(budget, 0.04) / 8)))
                if condition != nil { batch = 1 }
                batch = min(batch, barrier - session.epoch)
                guard batch > 0 else { break }
                try session.trainer.fit(epochs: batch, evaluateTrain: false)
                if let runaway = session.runaway { throw runaway }
                epochs += batch
                if session.epoch >= barrier {
                    stopped = "Stopped at epoch \(grouped(session.epoch)), the stop epoch."
                    playing = false
                    break
                }
                if let condition {
                    let (tr, te) = session.metrics()
                    let p = HistoryPoint(epoch: session.epoch, trainLoss: tr.loss, testLoss: te.loss, trainAccuracy: tr.accuracy, testAccuracy: te.accuracy)
                    if condition.isMet(by: p) {
                        stopped = "Stopped at epoch \(grouped(session.epoch)): \(condition) is met."
                        playing = false
                        break
                    }
                }
            } while HostServices.seconds() - start < budget && epochs < limit
        } catch {
            diverged = "\(error)"
            playing = false
            return false
        }
        let elapsed = HostServices.seconds() - start
        if elapsed > 0 && limit == .max { epochsPerSecond = Double(epochs) / elapsed }
        session.recordNow()
        sentHistory = session.thinHistory(over: LiveSession.historyPoints, prefix: sentHistory)
        if let p = session.history.last { watch(p) }
        return true
    }

    /// Keeps the epoch at which the training loss last moved (by more than 0.1 %).
    private func watch(_ p: HistoryPoint) {
        guard let ref = plateau, abs(p.trainLoss - ref.loss) <= 1e-3 * max(abs(ref.loss), 1e-6), p.epoch >= ref.epoch else {
            plateau = (p.trainLoss, p.epoch)
            return
        }
    }

    /// What the page must say in words: a layer whose every neuron is dead, a loss that
    /// has not moved for `plateauEpochs`.
    func notices(dead: [[Bool]], epoch: Int) -> [String] {
        var out: [String] = []
        for (l, layer) in dead.enumerated() where !layer.isEmpty && layer.allSatisfy({ $0 }) {
            out.append("Every neuron of hidden layer \(l + 1) is dead (ReLU never active on the training data), so nothing after it can learn. Lower the learning rate and reset, or try new weights.")
        }
        if let ref = plateau, epoch - ref.epoch >= LiveSession.plateauEpochs, ref.loss.isFinite {
            out.append("The training loss has not moved from \(printfText("%.4f", ref.loss)) in \(grouped(epoch - ref.epoch)) epochs.")
        }
        return out
    }

    // MARK: messages

    /// The current snapshot and data as the JSON texts the page reads (nil before the first session).
    public func snapshotJSON() -> String? { snapshot().map(json) }
    public func dataJSON() -> String? { dataMessage().map(json) }
    /// An error reply.
    public static func errorJSON(_ message: String) -> String { json(ErrorMessage(message: message)) }

    func dataMessage() -> DataMessage? {
        guard let session else { return nil }
        func rows(_ p: LabeledPoints) -> [[Double]] {
            zip(p.x, p.target).map { x, t in [x.first ?? 0, x.count > 1 ? x[1] : 0, t] }
        }
        // Every feature's map, on or off, for the diagram's previews (the playground dims the
        // ones that are off): the data's region decides them, so they come with the data.
        var maps: [String: String] = [:]
        if session.trainPoints.dimension == 2 {
            let all = LiveSession.plane(region ?? session.plotRegion, resolution.neuron).applying(Feature.allCases)
            for (c, f) in Feature.allCases.enumerated() { maps[f.rawValue] = LiveSession.map(all.x.map { $0[c] }) }
        }
        return DataMessage(task: session.trainPoints.task.rawValue, classes: max(session.trainPoints.classes, session.testPoints.classes),
                           train: rows(session.trainPoints), test: rows(session.testPoints), settings: settings, featureMaps: maps)
    }

    /// The network's inputs at the cell centres of an `n`×`n` grid over `region` (the run's
    /// features of 2-D points), or nil when they are not the network's inputs.
    static func planeInputs(_ session: Session, _ region: Region, _ n: Int) -> Matrix<Double>? {
        let pts = plane(region, n)
        let features = session.trainPoints.dimension == 2 ? pts.applying(session.experiment.features) : pts
        guard features.dimension == session.architecture.inputs else { return nil }
        return Matrix<Double>(features.x)
    }

    /// The cell centres of an `n`×`n` grid over `region`, row 0 at the top: where the neurons'
    /// maps are drawn.
    static func plane(_ region: (xMin: Double, xMax: Double, yMin: Double, yMax: Double), _ n: Int) -> LabeledPoints {
        var plane: [[Double]] = []
        for row in 0..<n {
            for col in 0..<n {
                plane.append([region.xMin + (Double(col) + 0.5) / Double(n) * (region.xMax - region.xMin),
                              region.yMax - (Double(row) + 0.5) / Double(n) * (region.yMax - region.yMin)])
            }
        }
        return LabeledPoints(x: plane, target: Array(repeating: 0, count: plane.count), task: .regression, classes: 0)
    }

    /// A download: the model (safetensors, JSON) or experiment.json, the bytes `backprop train
    /// --out` writes.
    func file(_ format: String) throws(BackpropError) -> FileMessage {
        guard let session else { throw .invalidSetting("no session yet") }
        if let kind = RunExport.Language(rawValue: format) {
            // The run as a program, as "copy as command" gives it: to the epoch trained (or the stop
            // epoch before any), compared at its end with these weights when they are that run's.
            var e = session.experiment
            e.training.epochs = reproducedEpochs(session)
            let ours = session.epoch > 0 && offPath.isEmpty ? session.network : nil
            let program = try RunExport(e, session: session, model: ours).program(kind)
            return FileMessage(name: RunExport.fileName(kind), mime: kind == .notebook ? "application/x-ipynb+json" : "text/x-python",
                               base64: base64(Array(program.utf8)))
        }
        if format.hasSuffix(".svg") {
            // The command line's figures (`train --out`'s boundary.svg, network.svg, loss.svg), from the same code.
            let name = String(format.dropLast(4))
            guard let figure = session.figures(diverged: diverged != nil).first(where: { $0.name == name }) else {
                throw .invalidSetting("no figure \(quoted(format, limit: 30)) here; the figures: boundary.svg, network.svg, loss.svg")
            }
            return FileMessage(name: format, mime: "image/svg+xml", base64: base64(Array(figure.drawing.svg().utf8)))
        }
        if let w = LiveSession.modelWriters[format] {
            let features = session.trainPoints.dimension == 2 ? session.experiment.features : nil
            return FileMessage(name: w.name, mime: w.mime, base64: base64(try w.write(session.network, features)))
        }
        switch format {
        case "safetensors":
            return FileMessage(name: "model.safetensors", mime: "application/octet-stream", base64: base64(session.network.safetensorsBytes()))
        case "json":
            return FileMessage(name: "model.json", mime: "application/json", base64: base64(Array(session.network.modelJSON.text.utf8)))
        case "experiment":
            var e = session.experiment
            e.training.epochs = reproducedEpochs(session)
            return FileMessage(name: "experiment.json", mime: "application/json", base64: base64(Array(e.fileText.utf8)))
        case "data":
            // The file "copy as command" names for own data: both sets, kept apart by its test column.
            guard session.experiment.data.dataset == "csv" else { throw .invalidSetting("only own data (an upload or added points) downloads as own-data.csv") }
            let text = CSV.format(train: session.trainPoints, test: session.testPoints)
            return FileMessage(name: "own-data.csv", mime: "text/csv", base64: base64(Array(text.utf8)))
        default:
            throw .invalidSetting("unknown download format \"\(format)\"; use safetensors, json, experiment, data, numpy, torch, notebook, boundary.svg, network.svg or loss.svg")
        }
    }

    /// The epochs a download or "copy as command" trains: the ones trained so far, or before
    /// any the stop epoch — what play would train (one file, one command, not "0 epochs").
    func reproducedEpochs(_ session: Session) -> Int {
        session.epoch > 0 ? session.epoch : max(session.experiment.training.epochs, 1)
    }

    /// The `backprop train …` line that reproduces this setup (to the current epoch, or before
    /// training to the stop epoch).
    func command() -> String {
        guard let session else { return "backprop train" }
        var e = session.experiment
        e.training.epochs = reproducedEpochs(session)
        var args = e.commandLineArguments
        if session.experiment.data.dataset == "csv" {
            // Own data cannot travel in a command line: say where it must come from.
            if let i = args.firstIndex(of: "--data") { args[i + 1] = "own-data.csv" } else { args += ["--data", "own-data.csv"] }
        }
        return LiveSession.commandLine(["backprop", "train"] + args)
    }

    /// Words as a shell line: a word with a space or a shell metacharacter in single quotes.
    static func commandLine(_ words: [String]) -> String {
        words.map { $0.contains(where: { " |*^()&;<>".contains($0) }) ? "'\($0)'" : $0 }.joined(separator: " ")
    }

    func snapshot() -> Snapshot? {
        guard let session else { return nil }
        let (outputResolution, neuronResolution) = resolution
        let (tr, te) = session.metrics()
        let net = session.network, arch = session.architecture
        let region = self.region ?? session.plotRegion
        let newHistory = session.history.dropFirst(sentHistory).map { [Double($0.epoch), $0.trainLoss, $0.testLoss] }
        sentHistory = session.history.count
        // Output map.
        let grid = session.outputGrid(resolution: outputResolution, xMin: region.xMin, xMax: region.xMax, yMin: region.yMin, yMax: region.yMax)
        var bytes: [UInt8] = []
        let classes = arch.head == .softmaxCrossEntropy ? arch.outputs : 0
        for r in 0..<grid.rows {
            if classes > 0 {
                let row = grid.row(r)
                let best = row.indices.max { row[$0] < row[$1] } ?? 0
                bytes += [UInt8(best), UInt8((min(max(row[best], 0), 1) * 255).rounded())]
            } else {
                let v = arch.head == .sigmoidCrossEntropy ? 2 * grid[r, 0] - 1 : grid[r, 0]
                bytes.append(LiveSession.byte(v))
            }
        }
        // Neuron maps: inputs (features) and every hidden neuron, over a coarse grid.
        let n = neuronResolution
        var neurons: [[String]] = []
        if let x = LiveSession.planeInputs(session, region, n) {
            neurons.append((0..<arch.inputs).map { c in LiveSession.map((0..<x.rows).map { x[$0, c] }) })
            if let outs = try? net.layerOutputs(x) {
                for l in 0..<arch.hidden.count {
                    neurons.append((0..<outs[l].columns).map { c in LiveSession.map((0..<outs[l].rows).map { outs[l][$0, c] }) })
                }
            }
        }
        // Dead and saturated neurons on the training set.
        var units = UnitStates(outputs: [], hidden: [])
        if let outs = try? net.layerOutputs(session.train.x), session.train.count > 0 {
            units = UnitStates(outputs: outs, hidden: arch.hidden)
        }
        let (dead, saturated) = (units.dead, units.saturated)
        let names = session.trainPoints.dimension == 2 && session.experiment.features.count == arch.inputs
            ? session.experiment.features.map { $0.rawValue } : (1...max(arch.inputs, 1)).map { "x\($0)" }
        let weights = (0..<net.layout.layerCount).map { net.weight($0).nested }
        let traced = batchTrace(session)
        let focused = focusMap(session, region: region)
        sequence += 1
        return Snapshot(
            seq: sequence, state: diverged != nil ? "diverged" : (playing ? "running" : "paused"), message: diverged,
            stopped: stopped, notices: notices(dead: dead, epoch: session.epoch), settings: settings,
            stopEpoch: session.experiment.training.epochs,
            maxWeight: weights.joined().joined().map(abs).filter { $0.isFinite }.max() ?? 0,
            epoch: session.epoch, trainLoss: tr.loss, testLoss: te.loss, trainAccuracy: tr.accuracy, testAccuracy: te.accuracy,
            r2: te.r2 ?? tr.r2, confusion: te.confusion ?? tr.confusion, history: Array(newHistory),
            sizes: arch.sizes, inputNames: names, activations: arch.hidden.map { $0.activation.rawValue }, head: arch.head.rawValue,
            weights: weights, biases: (0..<net.layout.layerCount).map { net.bias($0) },
            output: base64(bytes), outputResolution: outputResolution, outputClasses: classes,
            neurons: neurons, neuronResolution: n, focused: focused.map { [$0.layer, $0.neuron] }, focusMap: focused?.map,
            dead: dead, saturated: saturated,
            region: [region.xMin, region.xMax, region.yMin, region.yMax], seeds: seedsReply(), check: checkReply(metrics: (tr, te)),
            gradientNorms: traced?.trace.gradientNorms ?? [], neuronDeltas: traced.map { LiveSession.meanAbsoluteDeltas($0.trace) } ?? [],
            deadFraction: units.deadFraction, batchRows: traced?.rows ?? [],
            gradients: controls.gradients ? traced?.trace.weightGradients.map { $0.nested } : nil,
            biasGradients: controls.gradients ? traced?.trace.biasGradients : nil,
            epochsPerSecond: playing ? epochsPerSecond : 0,
            learningRate: session.experiment.training.learningRate.rate(epoch: session.epoch), command: command(), unreproduced: unreproduced)
    }

    /// 12345 as "12,345", as the page shows counts.
    func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func byte(_ v: Double) -> UInt8 {
        guard v.isFinite else { return 128 }
        return UInt8(((min(max(v, -1), 1) + 1) / 2 * 255).rounded())
    }

    /// The focused neuron's map at the output map's resolution: enlarged, it is drawn as finely
    /// as the output (the diagram's squares need only `resolution.neuron`). Nil when nothing is
    /// focused or the focus names no unit of this network.
    func focusMap(_ session: Session, region: Region) -> (layer: Int, neuron: Int, map: String)? {
        guard let (layer, neuron) = focus else { return nil }
        let arch = session.architecture
        guard layer >= 0, layer <= arch.hidden.count, neuron >= 0, neuron < arch.sizes[layer] else { return nil }
        guard let x = LiveSession.planeInputs(session, region, resolution.output) else { return nil }
        if layer == 0 { return (layer, neuron, LiveSession.map((0..<x.rows).map { x[$0, neuron] })) }
        guard let outs = try? session.network.layerOutputs(x) else { return nil }
        let o = outs[layer - 1]
        return (layer, neuron, LiveSession.map((0..<o.rows).map { o[$0, neuron] }))
    }

    /// One neuron's map as bytes, scaled so its largest magnitude is at most 1.
    static func map(_ values: [Double]) -> String {
        let m = max(1, values.map { abs($0) }.filter { $0.isFinite }.max() ?? 1)
        return base64(values.map { byte($0 / m) })
    }
}

extension Dictionary where Key == String, Value == String {
    /// These entries, and those of `defaults` whose keys are not among them.
    func withDefaults(_ defaults: [String: String]) -> [String: String] {
        var out = self
        for (k, v) in defaults where out[k] == nil { out[k] = v }
        return out
    }
}
