import ArgumentParser
import Foundation
import Backprop
import Datasets
import Playground

/// Reads a model file and a CSV whose columns are the model's inputs,
/// optionally followed by a target column.
struct ModelAndTable {
    let network: Network<Double>
    let header: [String]
    let x: Matrix<Double>
    let targets: [Double]?

    init(model: String, csv: String) throws {
        network = try Network<Double>(contentsOf: URL(fileURLWithPath: model))
        let data = try Limits.standard.readFile(csv, what: "the CSV file")
        guard let text = String(data: data, encoding: .utf8) else { throw BackpropError.invalidData("\(quoted(csv)) is not UTF-8 text") }
        let (header, rows) = try CSV.parseTable(text)
        let inputs = network.architecture.inputs
        guard header.count == inputs || header.count == inputs + 1 else {
            throw BackpropError.invalidData("\(csv) has \(header.count) columns; the model takes \(inputs) inputs (optionally followed by a target column)")
        }
        self.header = header
        x = Matrix(rows: rows.count, columns: inputs, elements: rows.flatMap { $0.prefix(inputs) }) ?? Matrix(rows: 0, columns: inputs)
        targets = header.count == inputs + 1 ? rows.map { $0[inputs] } : nil
    }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate a model on a CSV (inputs then the target): loss, accuracy, confusion matrix or R².")
    @Option(help: ArgumentHelp("Model file (.safetensors or .json).", valueName: "file")) var model: String
    @Option(help: ArgumentHelp("CSV with the model's inputs and the target as last column.", valueName: "file.csv")) var data: String
    @Flag(help: "Print the metrics as JSON.") var json = false

    func run() throws {
        let t = try ModelAndTable(model: model, csv: data)
        guard var targets = t.targets else { throw BackpropError.invalidData("\(data) has no target column; eval needs one (use predict for predictions)") }
        let head = t.network.architecture.head
        if head == .tanhSquaredError { targets = targets.map { $0 > 0 ? 1 : -1 } }
        if head == .sigmoidCrossEntropy { targets = targets.map { $0 > 0.5 ? 1 : 0 } }
        let metrics = try t.network.evaluate(try Dataset(x: t.x, labels: targets))
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            print(String(decoding: try e.encode(metrics), as: UTF8.self))
            return
        }
        var out = [String(format: "loss %.6f", metrics.loss)]
        if let a = metrics.accuracy { out.append(String(format: "accuracy %.4f", a)) }
        if let r2 = metrics.r2 { out.append(String(format: "R² %.4f", r2)) }
        print(out.joined(separator: ", ") + " on \(t.x.rows) rows")
        if let c = metrics.confusion {
            print("confusion (rows: actual, columns: predicted):")
            for row in c { print(row.map { String(format: "%6d", $0) }.joined()) }
        }
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a model's predictions for each row of a CSV.")
    @Option(help: ArgumentHelp("Model file (.safetensors or .json).", valueName: "file")) var model: String
    @Option(help: ArgumentHelp("CSV with the model's inputs (a last target column is ignored).", valueName: "file.csv")) var data: String
    @Option(help: ArgumentHelp("Output CSV (default: standard output).", valueName: "file.csv")) var out: String?
    @Flag(help: "Compute in float32 (the weights and inputs rounded to it), as a float32 runtime such as an ONNX one does.") var float32 = false

    func run() throws {
        let t = try ModelAndTable(model: model, csv: data)
        let p: Matrix<Double>
        if float32, let x = Matrix<Float>(rows: t.x.rows, columns: t.x.columns, elements: t.x.elements.map { Float($0) }) {
            let q = try t.network.converted(to: Float.self).predict(x)
            p = Matrix(rows: q.rows, columns: q.columns, elements: q.elements.map { Double($0) }) ?? Matrix(rows: 0, columns: q.columns)
        } else {
            p = try t.network.predict(t.x)
        }
        let head = t.network.architecture.head
        var names = (0..<p.columns).map { p.columns == 1 ? "output" : "p\($0)" }
        if head.isClassifier { names.append("class") }
        var text = (Array(t.header.prefix(t.network.architecture.inputs)) + names).joined(separator: ",") + "\n"
        for r in 0..<p.rows {
            var cells = t.x.row(r).map { "\($0)" } + p.row(r).map { "\($0)" }
            switch head {
            case .softmaxCrossEntropy: cells.append("\(p.row(r).indices.max { p[r, $0] < p[r, $1] } ?? 0)")
            case .sigmoidCrossEntropy: cells.append(p[r, 0] >= 0.5 ? "1" : "0")
            case .tanhSquaredError: cells.append(p[r, 0] >= 0 ? "1" : "-1")
            case .identitySquaredError: break
            }
            text += cells.joined(separator: ",") + "\n"
        }
        if let out { try FileAccess.write(Data(text.utf8), to: out) } else { print(text, terminator: "") }
    }
}
