import Backprop
import Datasets

/// What `--help`, shell completion and the page's menus say of each setting, looked up in
/// `Experiment.settings`: its current value (as `set(_:to:)` reads it back), its range and
/// its choices.
extension Experiment {
    /// The setting's value in this experiment, as it would be typed (`Setting.value(in:)`).
    public func value(of key: String) -> String? { Experiment.setting(key)?.value(in: self) }

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
    public static func choices(_ key: String) -> [String]? { setting(key)?.choices }

    /// The range `validate` holds a setting to, in words, or nil where there is none to state.
    public static func range(_ key: String, limits: Limits = .standard) -> String? { setting(key)?.range(limits) }

    /// `help` of a setting with its range and the sheet's default, as `backprop help train` shows it.
    public static func helpText(_ key: String) -> String {
        var text = setting(key)?.help ?? ""
        var notes: [String] = []
        if let r = range(key) { notes.append(r) }
        if let v = Experiment.sheetMoons.value(of: key) { notes.append("default: \(v)") }
        if !notes.isEmpty { text += " (\(notes.joined(separator: "; ")))" }
        return text
    }
}
