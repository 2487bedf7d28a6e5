import Backprop
import Datasets

/// Settings by name: the one vocabulary the command line's options, a sweep's
/// `--vary` axes, the page's URL and "copy as command" share.
extension Experiment {
    /// Every key `set(_:to:)` accepts, with what it means (shown by `--help`).
    public static let settingKeys: [(key: String, help: String)] = [
        ("dataset", "data set: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")), or csv"),
        ("data", "a CSV file (header row, last column the target); sets dataset=csv"),
        ("points", "number of generated points"),
        ("noise", "noise (sklearn: standard deviation; playground sets: 0…0.5)"),
        ("ratio", "fraction of points used for training, e.g. 0.7"),
        ("classes", "classes of blobs / arms of spirals"),
        ("data-seed", "seed of the data and of the train/test split"),
        ("features", "inputs, comma-separated: x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)"),
        ("layers", "hidden widths, comma-separated (e.g. 6,6,6) or 6x3; 'none' for no hidden layer"),
        ("width", "neurons in every hidden layer, keeping their number (one layer if there is none); a sweep axis beside depth"),
        ("depth", "number of hidden layers, each as wide as the first (0 for none); a sweep axis beside width"),
        ("activation", "hidden activation, one or one per layer: \(Activation.allCases.map(\.rawValue).joined(separator: ", "))"),
        ("head", "output and loss: sigmoid (BCE), softmax (CE), tanh (playground's squared error), identity (regression); auto by task"),
        ("init", "initialiser: normal, playground, glorot_uniform, glorot_normal, he"),
        ("init-scale", "standard deviation of the normal initialiser"),
        ("epochs", "epochs to train"),
        ("batch-size", "samples per step; 0 = full batch"),
        ("order", "batch order: shuffled or stored"),
        ("lr", "learning rate"),
        ("lr-schedule", "constant | piecewise:EPOCH=RATE,… | exponential:DECAY | cosine[:FINAL[:EPOCHS]] (EPOCHS: the wave's length, default the run's)"),
        ("optimizer", "sgd, momentum, nesterov or adam"),
        ("momentum", "momentum μ for momentum and nesterov"),
        ("regularization", "none, l1 or l2"),
        ("reg-rate", "regularisation rate λ"),
        ("reg-style", "gradient (λ·r'(w) added to the gradient) or playground (a separate step; L1 clipped at zero)"),
        ("seed", "seed of the initial weights (and of the batch shuffling)"),
    ]

    /// Sets several settings, in the order of `settingKeys` (so that, e.g., a
    /// schedule sees the learning rate and epoch count it depends on), whatever
    /// order they were given in. An unknown key is an error.
    public mutating func set(_ settings: [String: String]) throws(BackpropError) {
        for key in settings.keys where !Experiment.settingKeys.contains(where: { $0.key == key }) {
            try set(key, to: settings[key] ?? "")   // throws "unknown setting …"
        }
        for (key, _) in Experiment.settingKeys { if let v = settings[key] { try set(key, to: v) } }
    }

    /// Sets one setting from text, as a person would type it.
    public mutating func set(_ key: String, to raw: String) throws(BackpropError) {
        let value = raw.trimmingCharacters(in: .whitespaces)
        func number(_ s: String) throws(BackpropError) -> Double {
            guard let v = Double(s), v.isFinite else { throw .invalidSetting("\(key): \(quoted(s)) is not a number") }
            return v
        }
        func integer(_ s: String) throws(BackpropError) -> Int {
            guard let v = Int(s) else { throw .invalidSetting("\(key): \(quoted(s)) is not a whole number") }
            return v
        }
        func parseSeed(_ s: String) throws(BackpropError) -> UInt64 {
            guard let v = UInt64(s) else { throw .invalidSetting("\(key): \(quoted(s)) is not a seed (0 or a positive whole number)") }
            return v
        }
        switch key {
        case "dataset":
            guard value == "csv" || DatasetName(name: value) != nil else {
                throw .invalidSetting("unknown data set \(quoted(value)); choose one of \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")) or csv")
            }
            data.dataset = DatasetName(name: value)?.rawValue ?? "csv"
        case "data": data.dataset = "csv"; data.file = value
        case "points": data.points = try integer(value)
        case "noise": data.noise = try number(value)
        case "ratio": data.trainRatio = try number(value)
        case "classes": data.classes = try integer(value)
        case "data-seed": data.seed = try parseSeed(value)
        case "features":
            var fs: [Feature] = []
            for name in value.split(separator: ",") {
                guard let f = Feature(name: String(name)) else {
                    throw .invalidSetting("unknown feature \(quoted(name)); choose from \(Feature.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                fs.append(f)
            }
            features = fs
        case "layers":
            if value == "none" || value.isEmpty { network.hidden = []; break }
            if let x = value.firstIndex(of: "x"), let w = Int(value[..<x]), let n = Int(value[value.index(after: x)...]) {
                guard n >= 0 else { throw .invalidSetting("layers: \(n) layers is not possible") }
                try Limits.standard.check(n, "layers: the number of hidden layers", atMost: Limits.standard.depth)
                network.hidden = Array(repeating: w, count: n)
            } else {
                network.hidden = try value.split(separator: ",").map { s throws(BackpropError) in try integer(String(s)) }
            }
        case "width":
            let w = try integer(value)
            guard w >= 1 else { throw .invalidSetting("width: a hidden layer needs at least 1 neuron, got \(w)") }
            try Limits.standard.check(w, "width", atMost: Limits.standard.width)
            network.hidden = Array(repeating: w, count: max(network.hidden.count, 1))
        case "depth":
            let n = try integer(value)
            guard n >= 0 else { throw .invalidSetting("depth: \(n) hidden layers is not possible") }
            try Limits.standard.check(n, "depth", atMost: Limits.standard.depth)
            guard n == 0 || !network.hidden.isEmpty else {
                throw .invalidSetting("depth: there is no hidden layer to copy; give --width or --layers too")
            }
            network.hidden = Array(repeating: network.hidden.first ?? 1, count: n)
        case "activation":
            var acts: [Activation] = []
            for name in value.split(separator: ",") {
                guard let a = Activation(name: String(name)) else {
                    throw .invalidSetting("unknown activation \(quoted(name)); choose from \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                acts.append(a)
            }
            network.activations = acts
        case "head", "loss":
            if value == "auto" { network.head = nil; break }
            guard let h = OutputHead(name: value) else { throw .invalidSetting("unknown head \(quoted(value)); choose sigmoid, softmax, tanh, identity or auto") }
            network.head = h
        case "init":
            guard let k = Initializer.Kind(rawValue: value.replacingOccurrences(of: "-", with: "_")) else {
                throw .invalidSetting("unknown initialiser \(quoted(value)); choose \(Initializer.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            network.initializer.kind = k
        case "init-scale": network.initializer.scale = try number(value)
        case "epochs": training.epochs = try integer(value)
        case "batch-size": training.batchSize = try integer(value)
        case "order":
            switch value {
            case "shuffled": training.order = .shuffled
            case "stored": training.order = .stored
            default: throw .invalidSetting("order must be shuffled or stored, got \(quoted(value))")
            }
        case "lr":
            let rate = try number(value)
            training.learningRate.initial = rate
            if training.learningRate.kind == .constant { training.learningRate = .constant(rate) }
        case "lr-schedule": training.learningRate = try Experiment.schedule(value, initial: training.learningRate.initial, epochs: training.epochs)
        case "optimizer":
            guard let k = Optimizer.Kind(rawValue: value) else { throw .invalidSetting("unknown optimizer \(quoted(value)); choose sgd, momentum, nesterov or adam") }
            training.optimizer.kind = k
        case "momentum": training.optimizer.momentum = try number(value)
        case "regularization", "regularisation":
            guard let k = Regularization.Kind(rawValue: value) else { throw .invalidSetting("regularization must be none, l1 or l2, got \(quoted(value))") }
            training.regularization.kind = k
        case "reg-rate": training.regularization.rate = try number(value)
        case "reg-style":
            guard let s = Regularization.Style(rawValue: value) else { throw .invalidSetting("reg-style must be gradient or playground, got \(quoted(value))") }
            training.regularization.style = s
        case "seed": seed = try parseSeed(value); training.seed = seed
        default:
            throw .invalidSetting("unknown setting \(quoted(key)); known: \(Experiment.settingKeys.map(\.key).joined(separator: ", "))")
        }
    }

    static func schedule(_ text: String, initial: Double, epochs: Int) throws(BackpropError) -> LearningRateSchedule {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first ?? "" {
        case "constant": return .constant(initial)
        case "piecewise":
            var changes: [(epoch: Int, rate: Double)] = []
            for item in (parts.count > 1 ? parts[1] : "").split(separator: ",") {
                let kv = item.split(separator: "=")
                guard kv.count == 2, let e = Int(kv[0]), let r = Double(kv[1]) else {
                    throw .invalidSetting("lr-schedule: \(quoted(item)) should be EPOCH=RATE, e.g. piecewise:4000=0.001")
                }
                changes.append((e, r))
            }
            return .piecewise(initial, changes)
        case "exponential":
            guard parts.count > 1, let d = Double(parts[1]) else { throw .invalidSetting("lr-schedule: exponential needs a decay per epoch, e.g. exponential:0.999") }
            return .exponential(initial, decay: d)
        case "cosine":
            // cosine[:FINAL[:EPOCHS]]: the wave's length defaults to the run's epochs; a command
            // that trains fewer epochs than the schedule spans (the page's "copy as command" at
            // epoch 39 of a 1,000,000-epoch wave) names it, or its rates would differ.
            let fields = parts.count > 1 ? parts[1].split(separator: ":", omittingEmptySubsequences: false).map(String.init) : []
            guard fields.count <= 2 else { throw .invalidSetting("lr-schedule: use cosine, cosine:FINAL or cosine:FINAL:EPOCHS") }
            let final = fields.first.map { Double($0) } ?? 0
            guard let final, final.isFinite else { throw .invalidSetting("lr-schedule: cosine:FINAL needs a number") }
            var length = max(epochs, 1)
            if fields.count == 2 {
                guard let n = Int(fields[1]), n >= 1 else { throw .invalidSetting("lr-schedule: cosine:FINAL:EPOCHS needs a whole number of epochs, 1 or more") }
                length = n
            }
            return .cosine(initial, final: final, epochs: length)
        default:
            throw .invalidSetting("unknown lr-schedule \(quoted(text)); use constant, piecewise:EPOCH=RATE,…, exponential:DECAY or cosine[:FINAL[:EPOCHS]]")
        }
    }

    /// The settings as `--key value` pairs that rebuild this experiment from the default: every
    /// setting whose value (`value(of:)`, as `set` reads it back) differs from the default's,
    /// in the order `set` applies them.
    public var commandLineArguments: [String] {
        let d = Experiment()
        return Experiment.settingKeys.flatMap { key, _ -> [String] in
            guard let v = value(of: key), v != d.value(of: key) else { return [] }
            return ["--\(key)", v]
        }
    }
}
