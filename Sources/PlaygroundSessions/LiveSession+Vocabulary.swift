import Backprop
import Datasets
import Playground

extension LiveSession {
    /// The settings' vocabulary for the page's menus (`GET /api/settings`): every setting the
    /// page may send, with its help, choices, range and the page's default; the lists the page
    /// offers (data sets in the playground's order, features, activations); and the page's
    /// limits. It comes from the definitions the command line's help and parser use
    /// (`Experiment.settingKeys`, `choices`, `range`), so the page cannot offer what the
    /// server would refuse, nor miss what it accepts.
    public static let vocabularyJSON: String = {
        let limits = Limits.playground
        let keys = keyOrder.filter { k in Experiment.settingKeys.contains { $0.key == k } }
        let settings: [JSON] = keys.map { key in
            var s: [(key: String, value: JSON)] = []
            if let c = Experiment.choices(key) { s.append(("choices", JSON(c))) }
            if let d = defaults[key] { s.append(("default", JSON(d))) }
            s.append(("help", JSON(Experiment.settingKeys.first { $0.key == key }?.help ?? "")))
            s.append(("key", JSON(key)))
            if let r = Experiment.range(key, limits: limits) { s.append(("range", JSON(r))) }
            return .object(s)
        }
        let v: JSON = .object([
            ("activations", JSON(Activation.allCases.map { $0.rawValue })),
            ("datasets", JSON(DatasetName.playgroundOrder.map { $0.rawValue })),
            ("features", JSON(Feature.allCases.map { $0.rawValue })),
            ("limits", .object([("classes", JSON(limits.classes)), ("depth", JSON(limits.depth)), ("epochs", JSON(limits.epochs)),
                                ("inputs", JSON(limits.inputs)), ("points", JSON(limits.points)), ("width", JSON(limits.width))])),
            ("settings", .array(settings)),
        ])
        return v.text
    }()
}
