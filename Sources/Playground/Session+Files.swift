// What a finished run leaves on disk: `metrics.json`'s report and the `--out` directory
// (model, experiment, figures), replaced as a whole set (`ResultDirectory`).

import Foundation
import Backprop
import Plots

extension Session {
    /// Metrics and history as written to `metrics.json`.
    public struct Report: Codable, Sendable {
        public var epochs: Int
        public var train: Metrics
        public var test: Metrics
        public var history: [HistoryPoint]
        public var stoppedEarly: Bool
        /// Why training stopped with NaN or infinite values, when it did.
        public var diverged: String?
        /// With `--explain`: gradient norms per layer and dead-unit fractions at each record.
        public var gradients: [GradientPoint]?
    }

    public func report(stoppedEarly: Bool, diverged: String? = nil) -> Report {
        let (tr, te) = metrics()
        return Report(epochs: epoch, train: tr, test: te, history: history, stoppedEarly: stoppedEarly, diverged: diverged,
                      gradients: recordsGradients ? gradientHistory : nil)
    }

    /// Writes the run's results as the whole content of `directory` (see `ResultDirectory`):
    /// the model (safetensors and JSON), metrics, the experiment, and the loss curve, decision
    /// boundary and network diagram as PNG and SVG. A diverged run (`diverged` says why) has no
    /// model worth keeping: it writes the experiment, the metrics with its history up to the
    /// divergence, and the loss curve. Returns the file names.
    @discardableResult
    public func writeResults(to directory: URL, stoppedEarly: Bool = false, diverged: String? = nil) throws(BackpropError) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var files: [(name: String, data: Data)] = [
            ("experiment.json", experiment.jsonData()),
            ("metrics.json", (try? encoder.encode(report(stoppedEarly: stoppedEarly, diverged: diverged))) ?? Data()),
        ]
        if diverged == nil {
            files = [("model.safetensors", network.safetensorsData()), ("model.json", network.jsonData())] + files
        }
        for (name, d) in figures(diverged: diverged != nil) {
            files.append(("\(name).png", d.png()))
            files.append(("\(name).svg", Data(d.svg().utf8)))
        }
        try ResultDirectory.replace(directory, with: files)
        return files.map(\.name)
    }
}
