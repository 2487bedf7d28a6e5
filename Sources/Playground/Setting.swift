import Backprop
import Datasets

/// One setting of an experiment by name: what it means, how text sets it and how it reads
/// back, its choices and its range. `Experiment.settings` is the one table of them: the command
/// line's options take their help, defaults and completion from it, `set(_:to:)` parses with
/// it, "copy as command" and `experiment.json`-to-flags print with it, a sweep's `--vary` axes
/// and the page's link are read with it, and the page's menus come from it (`/api/settings`).
public struct Setting: Sendable {
    public let key: String
    /// Other spellings `set` accepts (`loss` for `head`, `regularisation`).
    public let aliases: [String]
    public let help: String
    /// The values it takes from a fixed list (shell completion, the page's menus), or nil.
    public let choices: [String]?
    let rangeText: @Sendable (Limits) -> String?
    let read: @Sendable (Experiment) -> String?
    let write: @Sendable (inout Experiment, String) throws(BackpropError) -> Void

    init(_ key: String, aliases: [String] = [], _ help: String, choices: [String]? = nil,
         range: @escaping @Sendable (Limits) -> String? = { _ in nil },
         read: @escaping @Sendable (Experiment) -> String?,
         write: @escaping @Sendable (inout Experiment, String) throws(BackpropError) -> Void) {
        self.key = key; self.aliases = aliases; self.help = help; self.choices = choices
        self.rangeText = range; self.read = read; self.write = write
    }

    /// The range `Experiment.validate` holds it to under `limits`, in words (nil: none to state).
    public func range(_ limits: Limits = .standard) -> String? { rangeText(limits) }

    /// Its value in `experiment`, as `set` reads it back (nil: none of its own, e.g. `data`
    /// without a CSV, or `width` and `depth`, which are shorthands for `layers`).
    public func value(in experiment: Experiment) -> String? { read(experiment) }

    // Parsers that name the setting in their message.
    static func number(_ key: String, _ s: String) throws(BackpropError) -> Double {
        guard let v = Double(s), v.isFinite else { throw .invalidSetting("\(key): \(quoted(s)) is not a number") }
        return v
    }
    static func integer(_ key: String, _ s: String) throws(BackpropError) -> Int {
        if let v = Int(s) { return v }
        // 1e12 or 5000.0 is a whole number too, only written otherwise: say what is wrong with it.
        if let d = Double(s), d.isFinite, d == d.rounded() {
            guard let v = Int(exactly: d) else { throw .invalidSetting("\(key): \(quoted(s)) is far too large") }
            return v
        }
        throw .invalidSetting("\(key): \(quoted(s)) is not a whole number")
    }
    static func seed(_ key: String, _ s: String) throws(BackpropError) -> UInt64 {
        guard let v = UInt64(s) else { throw .invalidSetting("\(key): \(quoted(s)) is not a seed (0 or a positive whole number)") }
        return v
    }
    static func list<T>(_ s: String, _ parse: (String) -> T?, unknown: (Substring) -> String) throws(BackpropError) -> [T] {
        var out: [T] = []
        for name in s.split(separator: ",") {
            guard let v = parse(String(name)) else { throw .invalidSetting(unknown(name)) }
            out.append(v)
        }
        return out
    }
}

extension Experiment {
    /// Every setting, in the order `set(_:)` applies them: a schedule after the learning rate and
    /// epochs it depends on, `depth` after the `width` it copies.
    public static let settings: [Setting] = [
        Setting("dataset", "data set: \(DatasetName.allCases.map { $0.rawValue }.joined(separator: ", ")), or csv",
                choices: DatasetName.allCases.map { $0.rawValue } + ["csv"],
                read: { $0.data.dataset }) { e, v throws(BackpropError) in
            guard v == "csv" || DatasetName(name: v) != nil else {
                throw .invalidSetting("unknown data set \(quoted(v)); choose one of \(DatasetName.allCases.map { $0.rawValue }.joined(separator: ", ")) or csv")
            }
            e.data.dataset = DatasetName(name: v)?.rawValue ?? "csv"
        },
        Setting("data", "a CSV file (header row, last column the target); sets dataset=csv",
                read: { $0.data.dataset == "csv" ? $0.data.file : nil }) { e, v in e.data.dataset = "csv"; e.data.file = v },
        Setting("points", "number of generated points", range: { "4…\($0.points)" },
                read: { "\($0.data.points)" }) { e, v throws(BackpropError) in e.data.points = try Setting.integer("points", v) },
        Setting("noise", "noise (sklearn: standard deviation; playground sets: 0…0.5)", range: { _ in "0 or more" },
                read: { "\($0.data.noise)" }) { e, v throws(BackpropError) in e.data.noise = try Setting.number("noise", v) },
        Setting("ratio", "fraction of points used for training, e.g. 0.7", range: { _ in "between 0 and 1" },
                read: { "\($0.data.trainRatio)" }) { e, v throws(BackpropError) in e.data.trainRatio = try Setting.number("ratio", v) },
        Setting("classes", "classes of blobs / arms of spirals", range: { "2…\($0.classes)" },
                read: { "\($0.data.classes)" }) { e, v throws(BackpropError) in e.data.classes = try Setting.integer("classes", v) },
        Setting("data-seed", "seed of the data and of the train/test split",
                read: { "\($0.data.seed)" }) { e, v throws(BackpropError) in e.data.seed = try Setting.seed("data-seed", v) },
        Setting("features", "inputs, comma-separated: \(Feature.allCases.map { $0.rawValue }.joined(separator: ","))",
                choices: Feature.allCases.map { $0.rawValue }, range: { "at most \($0.inputs)" },
                read: { $0.features.map { $0.rawValue }.joined(separator: ",") }) { e, v throws(BackpropError) in
            e.features = try Setting.list(v, Feature.init(name:)) {
                "unknown feature \(quoted($0)); choose from \(Feature.allCases.map { $0.rawValue }.joined(separator: ", "))"
            }
        },
        Setting("layers", "hidden widths, comma-separated (e.g. 6,6,6) or 6x3; 'none' for no hidden layer",
                range: { "at most \($0.depth) layers of \($0.width)" },
                read: { $0.network.hidden.isEmpty ? "none" : $0.network.hidden.map(String.init).joined(separator: ",") }) { e, v throws(BackpropError) in
            if v == "none" || v.isEmpty { e.network.hidden = []; return }
            if let x = v.firstIndex(of: "x"), let w = Int(v[..<x]), let n = Int(v[v.index(after: x)...]) {
                guard n >= 0 else { throw .invalidSetting("layers: \(n) layers is not possible") }
                // Only what the list may cost to build: the depth the caller allows (the page's 8,
                // the command line's 64) is `validate(limits:)`'s to say, in its own words.
                guard n <= 10_000 else { throw .invalidSetting("layers: \(n) hidden layers is far more than any network here may have") }
                e.network.hidden = Array(repeating: w, count: n)
            } else {
                let widths = v.split(separator: ",", omittingEmptySubsequences: false)
                guard !widths.contains(where: { $0.allSatisfy { $0 == " " } }) else {
                    throw .invalidSetting("layers: \(quoted(v)) has an empty width; give widths like 6,6,6 or 6x3, or none")
                }
                e.network.hidden = try widths.map { s throws(BackpropError) in try Setting.integer("layers", String(s)) }
            }
        },
        Setting("width", "neurons in every hidden layer, keeping their number (one layer if there is none); a sweep axis beside depth",
                range: { "1…\($0.width)" }, read: { _ in nil }) { e, v throws(BackpropError) in
            let w = try Setting.integer("width", v)
            guard w >= 1 else { throw .invalidSetting("width: a hidden layer needs at least 1 neuron, got \(w)") }
            try Limits.standard.check(w, "width", atMost: Limits.standard.width)
            e.network.hidden = Array(repeating: w, count: max(e.network.hidden.count, 1))
        },
        Setting("depth", "number of hidden layers, each as wide as the first (0 for none); a sweep axis beside width",
                range: { "0…\($0.depth)" }, read: { _ in nil }) { e, v throws(BackpropError) in
            let n = try Setting.integer("depth", v)
            guard n >= 0 else { throw .invalidSetting("depth: \(n) hidden layers is not possible") }
            try Limits.standard.check(n, "depth", atMost: Limits.standard.depth)
            guard n == 0 || !e.network.hidden.isEmpty else {
                throw .invalidSetting("depth: there is no hidden layer to copy; give --width or --layers too")
            }
            e.network.hidden = Array(repeating: e.network.hidden.first ?? 1, count: n)
        },
        Setting("activation", "hidden activation, one or one per layer: \(Activation.allCases.map { $0.rawValue }.joined(separator: ", "))",
                choices: Activation.allCases.map { $0.rawValue },
                read: { $0.network.activations.map { $0.rawValue }.joined(separator: ",") }) { e, v throws(BackpropError) in
            e.network.activations = try Setting.list(v, Activation.init(name:)) {
                "unknown activation \(quoted($0)); choose from \(Activation.allCases.map { $0.rawValue }.joined(separator: ", "))"
            }
        },
        Setting("head", aliases: ["loss"], "output and loss: sigmoid (BCE), softmax (CE), tanh (playground's squared error), identity (regression); auto by task",
                choices: ["sigmoid", "softmax", "tanh", "identity", "auto"],
                // The short names of the choices ("tanh" for tanh_mse), as people and the page type them.
                read: { $0.network.head.map { String($0.rawValue.prefix { $0 != "_" }) } ?? "auto" }) { e, v throws(BackpropError) in
            if v == "auto" { e.network.head = nil; return }
            guard let h = OutputHead(name: v) else { throw .invalidSetting("unknown head \(quoted(v)); choose sigmoid, softmax, tanh, identity or auto") }
            e.network.head = h
        },
        Setting("init", "initialiser: \(Initializer.Kind.allCases.map { $0.rawValue }.joined(separator: ", "))",
                choices: Initializer.Kind.allCases.map { $0.rawValue },
                read: { $0.network.initializer.kind.rawValue }) { e, v throws(BackpropError) in
            guard let k = Initializer.Kind(rawValue: String(v.map { $0 == "-" ? "_" : $0 })) else {
                throw .invalidSetting("unknown initialiser \(quoted(v)); choose \(Initializer.Kind.allCases.map { $0.rawValue }.joined(separator: ", "))")
            }
            e.network.initializer.kind = k
        },
        Setting("init-scale", "standard deviation of the normal initialiser", range: { _ in "0 or more" },
                read: { "\($0.network.initializer.scale)" }) { e, v throws(BackpropError) in e.network.initializer.scale = try Setting.number("init-scale", v) },
        Setting("epochs", "epochs to train", range: { "0…\($0.epochs)" },
                read: { "\($0.training.epochs)" }) { e, v throws(BackpropError) in e.training.epochs = try Setting.integer("epochs", v) },
        Setting("batch-size", "samples per step; 0 = full batch", range: { _ in "0…the number of points" },
                read: { "\($0.training.batchSize)" }) { e, v throws(BackpropError) in e.training.batchSize = try Setting.integer("batch-size", v) },
        Setting("order", "batch order: shuffled or stored", choices: ["shuffled", "stored"],
                read: { $0.training.order == .stored ? "stored" : "shuffled" }) { e, v throws(BackpropError) in
            switch v {
            case "shuffled": e.training.order = .shuffled
            case "stored": e.training.order = .stored
            default: throw .invalidSetting("order must be shuffled or stored, got \(quoted(v))")
            }
        },
        Setting("lr", "learning rate", read: { "\($0.training.learningRate.initial)" }) { e, v throws(BackpropError) in
            let rate = try Setting.number("lr", v)
            e.training.learningRate.initial = rate
            if e.training.learningRate.kind == .constant { e.training.learningRate = .constant(rate) }
        },
        Setting("lr-schedule", "constant | piecewise:EPOCH=RATE,… | exponential:DECAY | cosine[:FINAL[:EPOCHS]] (EPOCHS: the wave's length, default the run's)",
                choices: ["constant", "piecewise:", "exponential:", "cosine"],
                read: { $0.scheduleText }) { e, v throws(BackpropError) in
            e.training.learningRate = try Experiment.schedule(v, initial: e.training.learningRate.initial, epochs: e.training.epochs)
        },
        Setting("optimizer", "sgd, momentum, nesterov or adam", choices: Optimizer.Kind.allCases.map { $0.rawValue },
                read: { $0.training.optimizer.kind.rawValue }) { e, v throws(BackpropError) in
            guard let k = Optimizer.Kind(rawValue: v) else { throw .invalidSetting("unknown optimizer \(quoted(v)); choose sgd, momentum, nesterov or adam") }
            e.training.optimizer.kind = k
        },
        Setting("momentum", "momentum μ for momentum and nesterov",
                read: { "\($0.training.optimizer.momentum)" }) { e, v throws(BackpropError) in e.training.optimizer.momentum = try Setting.number("momentum", v) },
        Setting("regularization", aliases: ["regularisation"], "none, l1 or l2", choices: Regularization.Kind.allCases.map { $0.rawValue },
                read: { $0.training.regularization.kind.rawValue }) { e, v throws(BackpropError) in
            guard let k = Regularization.Kind(rawValue: v) else { throw .invalidSetting("regularization must be none, l1 or l2, got \(quoted(v))") }
            e.training.regularization.kind = k
        },
        Setting("reg-rate", "regularisation rate λ", range: { _ in "0 or more" },
                read: { "\($0.training.regularization.rate)" }) { e, v throws(BackpropError) in e.training.regularization.rate = try Setting.number("reg-rate", v) },
        Setting("reg-style", "gradient (λ·r'(w) added to the gradient) or playground (a separate step; L1 clipped at zero)",
                choices: Regularization.Style.allCases.map { $0.rawValue },
                read: { $0.training.regularization.style.rawValue }) { e, v throws(BackpropError) in
            guard let s = Regularization.Style(rawValue: v) else { throw .invalidSetting("reg-style must be gradient or playground, got \(quoted(v))") }
            e.training.regularization.style = s
        },
        Setting("seed", "seed of the initial weights (and of the batch shuffling)",
                read: { "\($0.seed)" }) { e, v throws(BackpropError) in
            e.seed = try Setting.seed("seed", v)
            e.training.seed = e.seed
        },
    ]

    /// The setting named `key` (or one of its aliases).
    public static func setting(_ key: String) -> Setting? { settingsByName[key] }

    static let settingsByName: [String: Setting] = {
        var byName: [String: Setting] = [:]
        for s in settings { for name in [s.key] + s.aliases where byName[name] == nil { byName[name] = s } }
        return byName
    }()
}
