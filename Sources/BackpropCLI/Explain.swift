import ArgumentParser
import Foundation
import Backprop
import Playground

/// `backprop explain`: backpropagation for one sample, with the numbers.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one sample's forward pass, error signals δ and gradients, in the sheet's notation.",
        discussion: """
        The numbers are the engine's own (its forward and backward buffers). The data are the \
        experiment's, as for `backprop train` (the same options, or --config experiment.json of \
        the run that wrote the model); --model gives the weights, by default the experiment's \
        initial ones. Example: backprop train --out run && backprop explain --config run/experiment.json --model run/model.safetensors --sample 3
        """)

    @OptionGroup var options: ExperimentOptions
    @Option(help: ArgumentHelp("Model file (.safetensors or .json); default: the experiment's initial weights.", valueName: "file"))
    var model: String?
    @Option(help: "Index of the sample, counting from 0.") var sample = 0
    @Flag(help: "A test sample instead of a training sample.") var test = false

    func run() throws {
        // A run's model has its experiment beside it (`train --out`): that is the one it belongs to.
        var options = self.options
        var besideModel: String?
        if let model, options.config == nil {
            let file = URL(fileURLWithPath: model).deletingLastPathComponent().appendingPathComponent("experiment.json").path
            if FileAccess.kind(file) == .regular { options.config = file; besideModel = file }
        }
        let experiment = try options.experiment()
        let weights = try model.map { try Network<Double>(contentsOf: URL(fileURLWithPath: $0)) }
        let session: Session
        do { session = try Session(experiment, initialWeights: weights) } catch {
            guard case .invalidArchitecture(let m) = error else { throw error }
            let hint = besideModel.map { "; \($0), beside the model, describes another network" }
                ?? "; give the run's experiment with --config DIR/experiment.json (train --out writes it beside the model)"
            throw BackpropError.invalidArchitecture(m + hint)
        }
        print(try session.explanation(sample: sample, test: test))
    }
}
