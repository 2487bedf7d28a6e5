import ArgumentParser
import Foundation
import Backprop
import Playground

/// The experiment settings as command-line options. Every option is a key of
/// `Experiment.set(_:to:)`, so the command line, sweeps and the page speak
/// the same vocabulary. Options override `--config`; unset options keep the
/// config's (or the default sheet moons experiment's) values.
struct ExperimentOptions: ParsableArguments {
    @Option(name: .long, help: "An experiment file (experiment.json from an earlier run); other options override it.")
    var config: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("dataset")), completion: Experiment.completion("dataset")) var dataset: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("data"), valueName: "file.csv"), completion: .file(extensions: ["csv"])) var data: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("points")), completion: Experiment.completion("points")) var points: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("noise")), completion: Experiment.completion("noise")) var noise: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("ratio")), completion: Experiment.completion("ratio")) var ratio: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("classes")), completion: Experiment.completion("classes")) var classes: String?
    @Option(name: .customLong("data-seed"), parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("data-seed")), completion: Experiment.completion("data-seed")) var dataSeed: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("features")), completion: Experiment.completion("features")) var features: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("layers")), completion: Experiment.completion("layers")) var layers: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("width")), completion: Experiment.completion("width")) var width: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("depth")), completion: Experiment.completion("depth")) var depth: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("activation")), completion: Experiment.completion("activation")) var activation: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("head")), completion: Experiment.completion("head")) var head: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("init")), completion: Experiment.completion("init")) var `init`: String?
    @Option(name: .customLong("init-scale"), parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("init-scale")), completion: Experiment.completion("init-scale")) var initScale: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("epochs")), completion: Experiment.completion("epochs")) var epochs: String?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("batch-size")), completion: Experiment.completion("batch-size")) var batchSize: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("order")), completion: Experiment.completion("order")) var order: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("lr")), completion: Experiment.completion("lr")) var lr: String?
    @Option(name: .customLong("lr-schedule"), parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("lr-schedule")), completion: Experiment.completion("lr-schedule")) var lrSchedule: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("optimizer")), completion: Experiment.completion("optimizer")) var optimizer: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("momentum")), completion: Experiment.completion("momentum")) var momentum: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("regularization")), completion: Experiment.completion("regularization")) var regularization: String?
    @Option(name: .customLong("reg-rate"), parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("reg-rate")), completion: Experiment.completion("reg-rate")) var regRate: String?
    @Option(name: .customLong("reg-style"), parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("reg-style")), completion: Experiment.completion("reg-style")) var regStyle: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(Experiment.helpText("seed")), completion: Experiment.completion("seed")) var seed: String?

    /// The options given, by setting key.
    var pairs: [(String, String?)] {
        [("dataset", dataset), ("data", data), ("points", points), ("noise", noise), ("ratio", ratio),
         ("classes", classes), ("data-seed", dataSeed), ("features", features), ("layers", layers),
         ("width", width), ("depth", depth), ("activation", activation), ("head", head), ("init", `init`), ("init-scale", initScale),
         ("epochs", epochs), ("batch-size", batchSize), ("order", order), ("lr", lr), ("lr-schedule", lrSchedule),
         ("optimizer", optimizer), ("momentum", momentum), ("regularization", regularization),
         ("reg-rate", regRate), ("reg-style", regStyle), ("seed", seed)]
    }

    /// The experiment: the config file (or the sheet's moons), then each given option.
    func experiment() throws(BackpropError) -> Experiment {
        var e = Experiment.sheetMoons
        if let config {
            e = try Experiment(json: try Limits.standard.readFile(config, what: "the config file"))
        }
        try e.set(Dictionary(uniqueKeysWithValues: pairs.compactMap { k, v in v.map { (k, $0) } }))
        try e.validate()
        return e
    }
}

extension Experiment {
    /// Completion from the setting's fixed choices, where it has them.
    static func completion(_ key: String) -> CompletionKind? { choices(key).map { .list($0) } }
}
