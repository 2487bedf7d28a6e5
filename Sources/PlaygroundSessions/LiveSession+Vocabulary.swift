import Foundation
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
        let settings: [[String: Any]] = keys.map { key in
            var s: [String: Any] = ["key": key, "help": Experiment.settingKeys.first { $0.key == key }?.help ?? ""]
            if let c = Experiment.choices(key) { s["choices"] = c }
            if let r = Experiment.range(key, limits: limits) { s["range"] = r }
            if let d = defaults[key] { s["default"] = d }
            return s
        }
        let v: [String: Any] = [
            "settings": settings,
            "datasets": DatasetName.playgroundOrder.map(\.rawValue),
            "features": Feature.allCases.map(\.rawValue),
            "activations": Activation.allCases.map(\.rawValue),
            "limits": ["depth": limits.depth, "width": limits.width, "points": limits.points, "classes": limits.classes,
                       "inputs": limits.inputs, "epochs": limits.epochs],
        ]
        return (try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }()
}
