import Foundation
import Backprop
import Datasets
import Playground

/// One browser tab's training session: the experiment, its `Session`, and whether it is
/// playing. Commands from the socket and the training loop take turns through `locked`, on
/// the `TrainingPool`'s threads; training runs in chunks of a few dozen milliseconds between
/// which commands are handled.
///
/// The page may set only `pageKeys` — never `data`, the one setting that names a file: own
/// data arrives as uploaded content (`uploadCSV`) or clicked points, and every size is held
/// to `limits` (`Limits.playground`) before anything is built.
public final class LiveSession: @unchecked Sendable {
    /// The page's starting point: the TensorFlow playground's defaults.
    static let defaults: [String: String] = [
        "dataset": "circle", "points": "500", "noise": "0", "ratio": "0.5", "features": "x1,x2",
        "layers": "4,2", "activation": "tanh", "head": "auto", "init": "playground",
        "batch-size": "10", "order": "stored", "lr": "0.03", "epochs": "1000000",
        "regularization": "none", "reg-rate": "0", "reg-style": "playground", "seed": "0", "data-seed": "1",
    ]
    /// Settings that change how training proceeds but not the network or data.
    static let trainingKeys: Set<String> = ["lr", "lr-schedule", "optimizer", "momentum", "regularization", "reg-rate", "reg-style", "batch-size", "order", "epochs"]
    /// Every setting a page may send: an allow-list, so a key added to the command line later
    /// (like `data`, which opens a file) never reaches the server by default.
    static let pageKeys: Set<String> = Set(defaults.keys).union(trainingKeys).union(["classes", "init-scale"])

    let limits: Limits
    private let lock = NSLock()
    private(set) var settings: [String: String] = LiveSession.defaults
    private var session: Session?
    /// Own data (uploaded CSV or clicked points), replacing the generator.
    private var ownTrain: LabeledPoints?
    private var ownTest: LabeledPoints?
    public private(set) var playing = false
    private var diverged: String?
    private var sentHistory = 0
    private var epochsPerSecond = 0.0
    /// Cells per side of the snapshot's output map and of each neuron's map (the page's sizes;
    /// the fuzz target asks for small ones, to try more messages per second).
    public var resolution = (output: 100, neuron: 24)

    public init(limits: Limits) { self.limits = limits }

    /// Runs `body` with this session to itself.
    public func locked<R>(_ body: (LiveSession) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(self)
    }

    // MARK: commands

    /// Answers one message from the page: the JSON texts to send back, in order. Bad input
    /// gets an error reply (and the current snapshot); nothing a message says can stop the
    /// session. The server's `Connection` and the fuzz target both call this.
    public func respond(to text: String) -> [String] {
        let message: ClientMessage
        do { message = try ClientMessage(json: text) } catch { return [json(ErrorMessage(message: error.message))] }
        var out: [String] = []
        func data() { if let d = dataMessage() { out.append(json(d)) } }
        do {
            switch message.type {
            case "configure":
                try configure(message.settings ?? [:])
                data()
            case "set":
                guard let key = message.key else { throw BackpropError.invalidSetting("set needs a key") }
                if try set(key, message.text ?? message.value.map { "\($0)" } ?? "") { data() }
            case "play": setPlaying(true)
            case "pause": setPlaying(false)
            case "step":
                setPlaying(false)
                trainChunk(budget: 0, maxEpochs: 1)
            case "reset": try reset()
            case "regenerate":
                try regenerate()
                data()
            case "setWeight":
                guard let layer = message.layer, let to = message.to, let from = message.from, let value = message.value else {
                    throw BackpropError.invalidSetting("setWeight needs layer, to, from and a numeric value")
                }
                try setWeight(layer: layer, to: to, from: from, value: value)
            case "setBias":
                guard let layer = message.layer, let neuron = message.neuron, let value = message.value else {
                    throw BackpropError.invalidSetting("setBias needs layer, neuron and a numeric value")
                }
                try setBias(layer: layer, neuron: neuron, value: value)
            case "addPoint":
                guard let x = message.x, let y = message.y, let label = message.label else {
                    throw BackpropError.invalidData("addPoint needs x, y and label")
                }
                try addPoint(x: x, y: y, label: label, test: message.test ?? false)
                data()
            case "uploadCSV":
                try uploadCSV(message.text ?? "")
                data()
            case "download":
                return [json(try file(message.format ?? "safetensors"))]
            default:
                throw BackpropError.invalidSetting("unknown message type \(quoted(message.type))")
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
        try e.set(settings)
        try e.validate(limits: limits)
        return e
    }

    /// Replaces the settings (merged over the defaults) and starts a new session.
    public func configure(_ given: [String: String]) throws(BackpropError) {
        var merged = LiveSession.defaults
        for (k, v) in given { merged[k] = v }
        if merged["dataset"] == "csv" && ownTrain == nil {
            throw .invalidSetting("own data cannot be restored from a link: upload the CSV again (or add points) after the page loads")
        }
        if merged["dataset"] != "csv" { ownTrain = nil; ownTest = nil }
        try rebuild(merged, keepWeights: false)
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
        if LiveSession.trainingKeys.contains(key), let session {
            let e = try experiment(from: s)
            try session.updateTraining(e.training)
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
        session = new
        settings = s
        playing = false
        diverged = nil
        sentHistory = 0
    }

    func reset() throws(BackpropError) {
        try session?.reset()
        diverged = nil
        sentHistory = 0
    }

    // MARK: own data

    func uploadCSV(_ text: String) throws(BackpropError) {
        let points = try CSV.parse(text, limits: limits)
        let ratio = Double(settings["ratio"] ?? "0.5") ?? 0.5
        let split = try points.split(trainRatio: ratio, seed: UInt64(settings["data-seed"] ?? "0") ?? 0)
        ownTrain = split.train
        ownTest = split.test
        var s = settings
        s["dataset"] = "csv"
        s["features"] = points.dimension == 2 ? (s["features"] ?? "x1,x2") : "x1,x2"
        s["head"] = "auto"
        try rebuild(s, keepWeights: false)
    }

    /// Adds a training (or test) point; the data becomes the page's own.
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
        ownTrain = train
        ownTest = testSet
        var s = settings
        s["dataset"] = "csv"
        try rebuild(s, keepWeights: true)
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
    }

    func setBias(layer: Int, neuron: Int, value: Double) throws(BackpropError) {
        guard let session else { throw .invalidSetting("no session yet") }
        let sizes = session.architecture.sizes
        guard value.isFinite else { throw .invalidSetting("a bias must be a finite number") }
        guard layer >= 0, layer < sizes.count - 1, neuron >= 0, neuron < sizes[layer + 1] else {
            throw .invalidSetting("there is no bias for neuron \(neuron) of layer \(layer)")
        }
        session.edit { $0.setBias(layer: layer, neuron: neuron, value) }
    }

    // MARK: training

    func setPlaying(_ on: Bool) { playing = on && diverged == nil }

    /// Trains for about `budget` seconds (at least one epoch). Returns false when diverged.
    @discardableResult
    public func trainChunk(budget: Double = 0.04, maxEpochs: Int = .max) -> Bool {
        guard let session, diverged == nil else { return false }
        let start = Date()
        var epochs = 0
        do {
            repeat {
                // Epochs between clock reads grow with speed; one at a time when slow.
                let batch = max(1, min(maxEpochs - epochs, Int(epochsPerSecond * budget / 8)))
                try session.trainer.fit(epochs: batch, evaluateTrain: false)
                epochs += batch
            } while Date().timeIntervalSince(start) < budget && epochs < maxEpochs
        } catch {
            diverged = "\(error)"
            playing = false
            return false
        }
        let elapsed = Date().timeIntervalSince(start)
        if elapsed > 0 { epochsPerSecond = Double(epochs) / elapsed }
        session.recordNow()
        return true
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
        return DataMessage(task: session.trainPoints.task.rawValue, classes: max(session.trainPoints.classes, session.testPoints.classes),
                           train: rows(session.trainPoints), test: rows(session.testPoints), settings: settings)
    }

    func file(_ format: String) throws(BackpropError) -> FileMessage {
        guard let session else { throw .invalidSetting("no session yet") }
        switch format {
        case "safetensors":
            return FileMessage(name: "model.safetensors", mime: "application/octet-stream", base64: session.network.safetensorsData().base64EncodedString())
        case "json":
            return FileMessage(name: "model.json", mime: "application/json", base64: session.network.jsonData().base64EncodedString())
        case "experiment":
            var e = session.experiment
            e.training.epochs = session.epoch
            return FileMessage(name: "experiment.json", mime: "application/json", base64: e.jsonData().base64EncodedString())
        default:
            throw .invalidSetting("unknown download format \"\(format)\"; use safetensors, json or experiment")
        }
    }

    /// The `backprop train …` line that reproduces this setup (to the current epoch).
    func command() -> String {
        guard let session else { return "backprop train" }
        var e = session.experiment
        e.training.epochs = max(session.epoch, 1)
        var args = e.commandLineArguments
        if session.experiment.data.dataset == "csv" {
            // Own data cannot travel in a command line: say where it must come from.
            if let i = args.firstIndex(of: "--data") { args[i + 1] = "own-data.csv" } else { args += ["--data", "own-data.csv"] }
        }
        return (["backprop", "train"] + args.map { $0.contains(where: { " |*^()&;<>".contains($0) }) ? "'\($0)'" : $0 }).joined(separator: " ")
    }

    func snapshot() -> Snapshot? {
        guard let session else { return nil }
        let (outputResolution, neuronResolution) = resolution
        let (tr, te) = session.metrics()
        let net = session.network, arch = session.architecture
        let region = session.plotRegion
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
        var plane: [[Double]] = []
        for row in 0..<n {
            for col in 0..<n {
                plane.append([region.xMin + (Double(col) + 0.5) / Double(n) * (region.xMax - region.xMin),
                              region.yMax - (Double(row) + 0.5) / Double(n) * (region.yMax - region.yMin)])
            }
        }
        let pts = LabeledPoints(x: plane, target: Array(repeating: 0, count: plane.count), task: .regression, classes: 0)
        let features = session.trainPoints.dimension == 2 ? pts.applying(session.experiment.features) : pts
        var neurons: [[String]] = []
        if features.dimension == arch.inputs, let x = Matrix<Double>(features.x) {
            neurons.append((0..<arch.inputs).map { c in LiveSession.map((0..<x.rows).map { x[$0, c] }) })
            if let outs = try? net.layerOutputs(x) {
                for l in 0..<arch.hidden.count {
                    neurons.append((0..<outs[l].columns).map { c in LiveSession.map((0..<outs[l].rows).map { outs[l][$0, c] }) })
                }
            }
        }
        // Dead and saturated neurons on the training set.
        var dead: [[Bool]] = [], saturated: [[Bool]] = []
        if let outs = try? net.layerOutputs(session.train.x), session.train.count > 0 {
            for (l, h) in arch.hidden.enumerated() {
                let o = outs[l]
                var d: [Bool] = [], s: [Bool] = []
                for c in 0..<o.columns {
                    let col = (0..<o.rows).map { o[$0, c] }
                    d.append([.relu].contains(h.activation) && col.allSatisfy { $0 <= 0 })
                    let sat: Int
                    switch h.activation {
                    case .tanh: sat = col.filter { abs($0) > 0.97 }.count
                    case .sigmoid: sat = col.filter { $0 < 0.03 || $0 > 0.97 }.count
                    default: sat = 0
                    }
                    s.append(Double(sat) >= 0.95 * Double(col.count))
                }
                dead.append(d)
                saturated.append(s)
            }
        }
        let names = session.trainPoints.dimension == 2 && session.experiment.features.count == arch.inputs
            ? session.experiment.features.map(\.rawValue) : (1...max(arch.inputs, 1)).map { "x\($0)" }
        return Snapshot(
            state: diverged != nil ? "diverged" : (playing ? "running" : "paused"), message: diverged,
            epoch: session.epoch, trainLoss: tr.loss, testLoss: te.loss, trainAccuracy: tr.accuracy, testAccuracy: te.accuracy,
            r2: te.r2 ?? tr.r2, confusion: te.confusion ?? tr.confusion, history: Array(newHistory),
            sizes: arch.sizes, inputNames: names, activations: arch.hidden.map(\.activation.rawValue), head: arch.head.rawValue,
            weights: (0..<net.layout.layerCount).map { net.weight($0).nested }, biases: (0..<net.layout.layerCount).map { net.bias($0) },
            output: Data(bytes).base64EncodedString(), outputResolution: outputResolution, outputClasses: classes,
            neurons: neurons, neuronResolution: n, dead: dead, saturated: saturated,
            region: [region.xMin, region.xMax, region.yMin, region.yMax],
            epochsPerSecond: playing ? epochsPerSecond : 0, command: command())
    }

    static func byte(_ v: Double) -> UInt8 {
        guard v.isFinite else { return 128 }
        return UInt8(((min(max(v, -1), 1) + 1) / 2 * 255).rounded())
    }

    /// One neuron's map as bytes, scaled so its largest magnitude is at most 1.
    static func map(_ values: [Double]) -> String {
        let m = max(1, values.map { abs($0) }.filter(\.isFinite).max() ?? 1)
        return Data(values.map { byte($0 / m) }).base64EncodedString()
    }
}
