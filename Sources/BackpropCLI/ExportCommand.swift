import ArgumentParser
import Foundation
import Backprop
import Playground

/// `backprop export`: a run as a program another tool trains — the sheet's numpy MLP, PyTorch or
/// the sheet's notebook — holding its data, initial weights, batch order, optimiser,
/// regularisation and schedule (`RunExport`); or its trained model as ONNX, which
/// `backprop-onnx` writes (beside this executable, like `backprop-serve`: swift-protobuf stays
/// out of `backprop`'s build).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run as a numpy script, a PyTorch script or a Jupyter notebook that trains the same weights, or its model as ONNX.",
        discussion: """
        The run is the experiment (--config run/experiment.json, or the same options as train). \
        With --model (the run's model.safetensors or model.json) the program ends by saying how \
        far its weights are from the model's; a model of another architecture is refused. \
        --as onnx writes the model (--model, required) for onnxruntime and Netron, the run's \
        features computed in the graph (needs backprop-onnx: swift build -c release --product backprop-onnx).
        """)

    @OptionGroup var options: ExperimentOptions
    @Option(help: ArgumentHelp("The engine's trained model, to compare with at the end (.safetensors or .json).", valueName: "file")) var model: String?
    @Option(name: .customLong("as"), help: ArgumentHelp("numpy, torch, notebook or onnx.", valueName: "kind")) var language: String = "numpy"
    @Flag(help: "ONNX: float64 tensors (default: float32).") var float64 = false
    @Argument(help: ArgumentHelp("The file to write (default: run_numpy.py, run_torch.py or run.ipynb).", valueName: "out")) var out: String?

    func run() throws {
        guard language == "onnx" || RunExport.Language(rawValue: language) != nil else {
            throw BackpropError.invalidSetting("--as \(quoted(language)): use numpy, torch, notebook or onnx")
        }
        let experiment = try options.experiment()
        let session = try Session(experiment)
        let trained = try model.map { try Network<Double>(contentsOf: URL(fileURLWithPath: $0)) }
        let export = try RunExport(experiment, session: session, model: trained)
        guard let kind = RunExport.Language(rawValue: language) else {
            guard let model else { throw BackpropError.invalidSetting("--as onnx needs --model, the trained model to write") }
            let features = session.trainPoints.dimension == 2 ? experiment.features.map(\.rawValue).joined(separator: ",") : "none"
            try Forward.exec("backprop-onnx", ["--model", model, "--features", features] + (float64 ? ["--float64"] : []) + [out ?? "model.onnx"])
        }
        let path = out ?? RunExport.fileName(kind)
        try FileAccess.write(Data(export.program(kind).utf8), to: path)
        print("wrote \(path): \(experiment.training.epochs) epochs, \(kind.rawValue)")
    }
}
