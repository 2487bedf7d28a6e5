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

    @Option(help: ArgumentHelp(Experiment.help("dataset"))) var dataset: String?
    @Option(help: ArgumentHelp(Experiment.help("data"), valueName: "file.csv")) var data: String?
    @Option(help: ArgumentHelp(Experiment.help("points"))) var points: String?
    @Option(help: ArgumentHelp(Experiment.help("noise"))) var noise: String?
    @Option(help: ArgumentHelp(Experiment.help("ratio"))) var ratio: String?
    @Option(help: ArgumentHelp(Experiment.help("classes"))) var classes: String?
    @Option(name: .customLong("data-seed"), help: ArgumentHelp(Experiment.help("data-seed"))) var dataSeed: String?
    @Option(help: ArgumentHelp(Experiment.help("features"))) var features: String?
    @Option(help: ArgumentHelp(Experiment.help("layers"))) var layers: String?
    @Option(help: ArgumentHelp(Experiment.help("width"))) var width: String?
    @Option(help: ArgumentHelp(Experiment.help("depth"))) var depth: String?
    @Option(help: ArgumentHelp(Experiment.help("activation"))) var activation: String?
    @Option(help: ArgumentHelp(Experiment.help("head"))) var head: String?
    @Option(help: ArgumentHelp(Experiment.help("init"))) var `init`: String?
    @Option(name: .customLong("init-scale"), help: ArgumentHelp(Experiment.help("init-scale"))) var initScale: String?
    @Option(help: ArgumentHelp(Experiment.help("epochs"))) var epochs: String?
    @Option(name: .customLong("batch-size"), help: ArgumentHelp(Experiment.help("batch-size"))) var batchSize: String?
    @Option(help: ArgumentHelp(Experiment.help("order"))) var order: String?
    @Option(help: ArgumentHelp(Experiment.help("lr"))) var lr: String?
    @Option(name: .customLong("lr-schedule"), help: ArgumentHelp(Experiment.help("lr-schedule"))) var lrSchedule: String?
    @Option(help: ArgumentHelp(Experiment.help("optimizer"))) var optimizer: String?
    @Option(help: ArgumentHelp(Experiment.help("momentum"))) var momentum: String?
    @Option(help: ArgumentHelp(Experiment.help("regularization"))) var regularization: String?
    @Option(name: .customLong("reg-rate"), help: ArgumentHelp(Experiment.help("reg-rate"))) var regRate: String?
    @Option(name: .customLong("reg-style"), help: ArgumentHelp(Experiment.help("reg-style"))) var regStyle: String?
    @Option(help: ArgumentHelp(Experiment.help("seed"))) var seed: String?

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
    static func help(_ key: String) -> String { settingKeys.first { $0.key == key }?.help ?? "" }
}
