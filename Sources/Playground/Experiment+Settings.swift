import Backprop
import Datasets

/// Settings by name (`Experiment.settings`, Setting.swift): the one vocabulary the command
/// line's options, a sweep's `--vary` axes, the page's URL and menus and "copy as command" share.
extension Experiment {
    /// Every key `set(_:to:)` accepts, with what it means (shown by `--help`), in the order of
    /// `settings`.
    public static let settingKeys: [(key: String, help: String)] = settings.map { ($0.key, $0.help) }

    /// Sets several settings, in the order of `settings` (so that, e.g., a schedule sees the
    /// learning rate and epoch count it depends on), whatever order they were given in. An
    /// unknown key is an error.
    public mutating func set(_ values: [String: String]) throws(BackpropError) {
        for key in values.keys where !Experiment.settingKeys.contains(where: { $0.key == key }) {
            try set(key, to: values[key] ?? "")   // an alias, or throws "unknown setting …"
        }
        for s in Experiment.settings { if let v = values[s.key] { try set(s.key, to: v) } }
    }

    /// Sets one setting from text, as a person would type it.
    public mutating func set(_ key: String, to raw: String) throws(BackpropError) {
        guard let setting = Experiment.setting(key) else {
            throw .invalidSetting("unknown setting \(quoted(key)); known: \(Experiment.settingKeys.map { $0.key }.joined(separator: ", "))")
        }
        try setting.write(&self, trimmingSpaces(raw))
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
