import Backprop
import Datasets

// experiment.json as a JSON value without Foundation: the document `Codable` reads (its keys,
// sorted; nil fields left out), which the command line writes next to every run and the page
// downloads — in the browser too. ExperimentFileTests read it back strictly and compare.
extension Experiment {
    public var json: JSON {
        var d: [(key: String, value: JSON)] = [
            ("dataset", JSON(data.dataset)), ("points", JSON(data.points)), ("noise", JSON(data.noise)),
            ("trainRatio", JSON(data.trainRatio)), ("classes", JSON(data.classes)), ("seed", JSON(data.seed))]
        if let file = data.file { d.append(("file", JSON(file))) }
        var n: [(key: String, value: JSON)] = [
            ("hidden", JSON(network.hidden)), ("activations", JSON(network.activations.map { $0.rawValue })),
            ("initializer", network.initializer.json)]
        if let head = network.head { n.append(("head", JSON(head.rawValue))) }
        return .sorted([("data", .sorted(d)), ("features", JSON(features.map { $0.rawValue })), ("network", .sorted(n)),
                        ("training", training.json), ("seed", JSON(seed))])
    }

    /// experiment.json's text: indented, for people to read and edit.
    public var fileText: String { json.prettyText + "\n" }
}
