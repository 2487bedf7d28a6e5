import Foundation
import Backprop
import Plots

/// Writes `data` to `url` under a temporary name, then renames it into place,
/// so an existing file is never left half-written.
public func writeAtomically(_ data: Data, to url: URL) throws(BackpropError) {
    do { try data.write(to: url, options: .atomic) } catch {
        throw .invalidSetting("cannot write \(url.path): \(error.localizedDescription)")
    }
}

extension Session {
    /// Metrics and history as written to `metrics.json`.
    public struct Report: Codable, Sendable {
        public var epochs: Int
        public var train: Metrics
        public var test: Metrics
        public var history: [HistoryPoint]
        public var stoppedEarly: Bool
    }

    public func report(stoppedEarly: Bool) -> Report {
        let (tr, te) = metrics()
        return Report(epochs: epoch, train: tr, test: te, history: history, stoppedEarly: stoppedEarly)
    }

    /// Writes the run's results into `directory` (created if needed): the model
    /// (safetensors and JSON), metrics, the experiment, and the loss curve,
    /// decision boundary and network diagram as PNG and SVG. Returns the file names.
    @discardableResult
    public func writeResults(to directory: URL, stoppedEarly: Bool = false) throws(BackpropError) -> [String] {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw .invalidSetting("cannot create \(directory.path): \(error.localizedDescription)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var files: [(String, Data)] = [
            ("model.safetensors", network.safetensorsData()),
            ("model.json", network.jsonData()),
            ("experiment.json", experiment.jsonData()),
            ("metrics.json", (try? encoder.encode(report(stoppedEarly: stoppedEarly))) ?? Data()),
        ]
        let plots: [(String, Drawing)] = [
            ("loss", lossPlot().drawing()),
            ("boundary", boundaryPlot().drawing()),
            ("network", networkPlot().drawing()),
        ]
        for (name, d) in plots {
            files.append(("\(name).png", d.png()))
            files.append(("\(name).svg", Data(d.svg().utf8)))
        }
        for (name, data) in files { try writeAtomically(data, to: directory.appendingPathComponent(name)) }
        return files.map(\.0)
    }
}
