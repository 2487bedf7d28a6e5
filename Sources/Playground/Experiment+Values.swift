import Backprop
import Datasets

/// What `--help` and shell completion say of each setting: its current value (as
/// `set(_:to:)` reads it back), its range under `Limits.standard`, and its choices.
extension Experiment {
    /// The setting's value in this experiment, as it would be typed (nil: no value of its own,
    /// e.g. `data` without a CSV, or `width`/`depth`, which are shorthands for `layers`).
    public func value(of key: String) -> String? {
        switch key {
        case "dataset": data.dataset
        case "data": data.dataset == "csv" ? data.file : nil
        case "points": "\(data.points)"
        case "noise": "\(data.noise)"
        case "ratio": "\(data.trainRatio)"
        case "classes": "\(data.classes)"
        case "data-seed": "\(data.seed)"
        case "features": features.map(\.rawValue).joined(separator: ",")
        case "layers": network.hidden.isEmpty ? "none" : network.hidden.map(String.init).joined(separator: ",")
        case "activation": network.activations.map(\.rawValue).joined(separator: ",")
        case "head": network.head?.rawValue ?? "auto"
        case "init": network.initializer.kind.rawValue
        case "init-scale": "\(network.initializer.scale)"
        case "epochs": "\(training.epochs)"
        case "batch-size": "\(training.batchSize)"
        case "order": training.order == .stored ? "stored" : "shuffled"
        case "lr": "\(training.learningRate.initial)"
        case "lr-schedule": scheduleText
        case "optimizer": training.optimizer.kind.rawValue
        case "momentum": "\(training.optimizer.momentum)"
        case "regularization": training.regularization.kind.rawValue
        case "reg-rate": "\(training.regularization.rate)"
        case "reg-style": training.regularization.style.rawValue
        case "seed": "\(seed)"
        default: nil
        }
    }

    /// The schedule as `lr-schedule` reads it.
    var scheduleText: String {
        let lr = training.learningRate
        switch lr.kind {
        case .constant: return "constant"
        case .piecewise: return "piecewise:" + lr.changes.map { "\($0.epoch)=\($0.rate)" }.joined(separator: ",")
        case .exponential: return "exponential:\(lr.decay)"
        case .cosine: return "cosine:\(lr.final)" + (lr.epochs == training.epochs ? "" : ":\(lr.epochs)")
        }
    }

    /// The values a setting takes from a fixed list (for shell completion), or nil.
    public static func choices(_ key: String) -> [String]? {
        switch key {
        case "dataset": DatasetName.allCases.map(\.rawValue) + ["csv"]
        case "activation": Activation.allCases.map(\.rawValue)
        case "head": ["sigmoid", "softmax", "tanh", "identity", "auto"]
        case "init": Initializer.Kind.allCases.map(\.rawValue)
        case "order": ["shuffled", "stored"]
        case "optimizer": Optimizer.Kind.allCases.map(\.rawValue)
        case "regularization": Regularization.Kind.allCases.map(\.rawValue)
        case "reg-style": Regularization.Style.allCases.map(\.rawValue)
        case "lr-schedule": ["constant", "piecewise:", "exponential:", "cosine"]
        default: nil
        }
    }

    /// The range `validate` holds a setting to, in words, or nil where there is none to state.
    public static func range(_ key: String, limits: Limits = .standard) -> String? {
        switch key {
        case "points": "4…\(limits.points)"
        case "classes": "2…\(limits.classes)"
        case "ratio": "between 0 and 1"
        case "noise", "init-scale", "reg-rate": "0 or more"
        case "epochs": "0…\(limits.epochs)"
        case "batch-size": "0…the number of points"
        case "width": "1…\(limits.width)"
        case "depth": "0…\(limits.depth)"
        case "layers": "at most \(limits.depth) layers of \(limits.width)"
        case "features": "at most \(limits.inputs)"
        default: nil
        }
    }

    /// `help` of a setting with its range and the sheet's default, as `backprop help train` shows it.
    public static func helpText(_ key: String) -> String {
        var text = settingKeys.first { $0.key == key }?.help ?? ""
        var notes: [String] = []
        if let r = range(key) { notes.append(r) }
        if let v = Experiment.sheetMoons.value(of: key) { notes.append("default: \(v)") }
        if !notes.isEmpty { text += " (\(notes.joined(separator: "; ")))" }
        return text
    }
}
