import Foundation
import Testing
import Backprop

/// Runs the interop script with python3.
enum Python {
    static let ready: Bool = {
        if ProcessInfo.processInfo.environment["BACKPROP_REQUIRE_PYTHON"] == "1" { return true }
        return (try? run(["-c", "import safetensors, numpy"])) != nil
    }()

    /// Runs python3 and returns its standard output; throws on a non-zero exit.
    @discardableResult
    static func run(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw BackpropError.invalidData("python3 \(args.first ?? "") failed: \(String(decoding: errData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Backprop's safetensors files against the reference Python package, both ways.
///
/// Needs `python3` with `safetensors` and `numpy` (`.ci/run` installs them).
/// Without them the suite is skipped locally, and fails when
/// `BACKPROP_REQUIRE_PYTHON=1` (as CI sets it), so CI can never skip it silently.
@Suite(.enabled(if: Python.ready, "python3 with safetensors and numpy is not installed"))
struct SafetensorsInteropTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Interop/safetensors_interop.py").path

    struct Case: Codable { var x: [[Double]]; var predictions: [[Double]] }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(arguments: ["F32", "F64"])
    func pythonLoadsOurFilesAndPredictsTheSame(dtype: String) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let arch = Architecture(inputs: 2, hidden: [.init(units: 6, activation: .gelu), .init(units: 5, activation: .elu),
                                                    .init(units: 4, activation: .swish)],
                                outputs: 1, head: .sigmoidCrossEntropy)
        var random = RandomSource(seed: 21)
        let x = Matrix<Double>(rows: 8, columns: 2, elements: (0..<16).map { _ in random.uniform(-3, 3) })!
        let model = dir.appendingPathComponent("m.safetensors"), casePath = dir.appendingPathComponent("case.json")
        let predictions: Matrix<Double>
        if dtype == "F32" {
            let net = try Network<Float>(arch, initializer: .glorotNormal, random: &random)
            try net.write(to: model)
            predictions = try net.converted(to: Double.self).predict(x)
        } else {
            let net = try Network<Double>(arch, initializer: .glorotNormal, random: &random)
            try net.write(to: model)
            predictions = try net.predict(x)
        }
        try JSONEncoder().encode(Case(x: x.nested, predictions: predictions.nested)).write(to: casePath)
        let report = try Python.run([Self.script, "check", model.path, casePath.path])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
        let diff = try #require(json["max_difference"] as? Double)
        #expect(diff < 1e-12, "python's predictions differ by \(diff)")
        #expect((json["dtypes"] as? [String]) == [dtype == "F32" ? "float32" : "float64"])
        let shapes = try #require(json["shapes"] as? [String: [Int]])
        #expect(shapes["layers.0.weight"] == [6, 2])
        #expect(shapes["layers.3.bias"] == [1])
    }

    @Test(arguments: ["F32", "F64"])
    func filesWrittenByPythonLoadAndPredictTheSame(dtype: String) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("py.safetensors"), casePath = dir.appendingPathComponent("case.json")
        try Python.run([Self.script, "write", model.path, casePath.path, dtype])
        let net = try Network<Double>(contentsOf: model)
        #expect(net.architecture.sizes == [3, 5, 4, 3])
        #expect(net.architecture.head == .softmaxCrossEntropy)
        let c = try JSONDecoder().decode(Case.self, from: Data(contentsOf: casePath))
        let got = try net.predict(Matrix(c.x)!)
        let diff = zip(got.elements, Matrix(c.predictions)!.elements).map { abs($0 - $1) }.max() ?? .infinity
        #expect(diff < 1e-12)
    }
}
