import Foundation
import Backprop
import Datasets
import Playground
import PlaygroundSessions

/// Every reader of outside input, as a function of bytes. A target must never crash, hang or
/// allocate beyond `Limits` whatever the bytes; refusing them with an error is the expected end.
enum FuzzTarget: String, CaseIterable {
    /// `CSV.parse`: own data from `--data` and the page's upload.
    case csv
    /// `Network(safetensors:)`: `--init-weights`, `eval`, `predict`.
    case safetensors
    /// `Network(json:)`: model.json.
    case modelJSON = "model-json"
    /// `Experiment(json:)`, then the settings it implies as a command line, set again.
    case experiment
    /// The page's messages: each line one WebSocket message to a fresh `LiveSession`.
    case message
    /// A sweep directory's `plan.json` (its trials, report and Slurm script) and `result.json`.
    case sweep
    /// A sweep directory on disk with links, pipes and junk planted in it (`SweepLayout`).
    case sweepLayout = "sweep-layout"

    func run(_ data: Data) {
        switch self {
        case .csv:
            _ = try? CSV.parse(String(decoding: data, as: UTF8.self))
        case .safetensors:
            _ = try? Network<Double>(safetensors: data)
            _ = try? Network<Float>(safetensors: data)
        case .modelJSON:
            _ = try? Network<Double>(json: data)
        case .experiment:
            guard let e = try? Experiment(json: data) else { return }
            var again = Experiment()
            let args = e.commandLineArguments
            var settings: [String: String] = [:]
            for i in stride(from: 0, to: args.count - 1, by: 2) { settings[String(args[i].dropFirst(2))] = args[i + 1] }
            _ = try? again.set(settings)
            _ = try? again.validate()
        case .sweep:
            // Standard limits but at most 200 trials, so that each input stays quick.
            var limits = Limits.standard
            limits.sweepRuns = 200
            if let plan = try? SweepDirectory.plan(from: data, file: "plan.json"), let trials = try? plan.sweep.trials(limits: limits) {
                _ = Sweep.table(plan.sweep.summarise([]), keys: plan.sweep.axes.map(\.key))
                _ = SlurmScript.defaultTrialsPerTask(trials)
                _ = plan.tasks
            }
            if let r = try? SweepDirectory.result(from: data, file: "result.json") {
                let sweep = Sweep(base: Experiment(), axes: [], seeds: 1, criterion: Criterion(metric: .testLoss, lessThan: true, threshold: 0.1))
                _ = Sweep.csv(sweep.summarise([r]), keys: Array(r.setting.keys))
            }
        case .sweepLayout:
            SweepLayout.run(data)
        case .message:
            // The page's limits, but data sets of at most 60 points and small maps: every
            // message path runs, ten times as many times a second.
            var limits = Limits.playground
            limits.points = 60
            let live = LiveSession(limits: limits)
            live.resolution = (output: 4, neuron: 2)
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n").prefix(8) {
                _ = live.locked { $0.respond(to: String(line)) }
            }
        }
    }

    /// The target named by `BACKPROP_FUZZ_TARGET` (read once).
    static let selected: FuzzTarget? = ProcessInfo.processInfo.environment["BACKPROP_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))
}
