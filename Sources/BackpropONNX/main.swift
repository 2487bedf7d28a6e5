import ArgumentParser
import Foundation
import Backprop
import Datasets
import ONNXExport
import BackpropCommandLine

/// `backprop-onnx`: what `backprop export --as onnx` runs, a model file as an ONNX model.
/// Apart from `backprop`, so that its first build needs no swift-protobuf.
@main
struct ONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop-onnx",
        abstract: "Write a trained model as an ONNX model (what backprop export --as onnx runs).")

    @Option(help: ArgumentHelp("The trained model (.safetensors or .json).", valueName: "file")) var model: String
    @Option(help: ArgumentHelp("The run's features for 2-D data (x1,x2,x1*x2,…), computed in the graph from the points; none: the model takes the network's inputs.", valueName: "list"))
    var features: String = "none"
    @Flag(help: "float64 tensors (default: float32).") var float64 = false
    @Argument(help: ArgumentHelp("The file to write.", valueName: "out.onnx")) var out: String = "model.onnx"

    static func main() async { await CommandLineMain.run(ONNXCommand.self) }

    func run() throws {
        let network = try Network<Double>(contentsOf: URL(fileURLWithPath: model))
        var list: [Feature]? = nil
        if features != "none" {
            var parsed: [Feature] = []
            for name in features.split(separator: ",") {
                guard let f = Feature(name: String(name)) else { throw BackpropError.invalidSetting("--features: \(quoted(String(name))) is not a feature") }
                parsed.append(f)
            }
            guard parsed.count == network.architecture.inputs else {
                throw BackpropError.invalidArchitecture("\(parsed.count) features for a model of \(network.architecture.inputs) inputs")
            }
            list = parsed
        }
        let bytes = try ONNXModel.bytes(network, features: list, double: float64)
        try FileAccess.write(Data(bytes), to: out)
        print("wrote \(out): ONNX opset 20, \(float64 ? "float64" : "float32"), layers \(network.architecture.sizes.map { "\($0)" }.joined(separator: "-"))")
    }
}
