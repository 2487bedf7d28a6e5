import Foundation
import Backprop

/// One of the three shared workloads (`shared/peers/README.md`), read from the
/// golden trajectory files in `Tests/Fixtures`: data, initial
/// weights, hyper-parameters and numpy's float64 result.
struct Workload {
    let name: String
    let architecture: Architecture
    let settings: TrainingSettings
    let train: Dataset<Double>
    let test: Dataset<Double>
    let initial: Network<Double>
    /// numpy's float64 parameters after `settings.epochs`, when the file has them.
    let golden: Network<Double>?
    /// numpy's float64 test loss after `settings.epochs`.
    let goldenTestLoss: Double?

    private struct File: Decodable {
        struct Layer: Decodable { var weight: [[Double]]; var bias: [Double] }
        struct After: Decodable { var epochs: Int; var layers: [Layer]; var test_loss: Double? }
        var layer_sizes: [Int]
        var x_train: [[Double]]; var y_train: [Double]
        var x_test: [[Double]]; var y_test: [Double]
        var initial: [Layer]
        var after: [After]
        var epoch_permutations: [[Int]]?
    }

    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures")

    static func load(_ name: String) throws -> Workload {
        let file: String, activation: Activation, head: OutputHead, epochs: Int
        switch name {
        case "w1": (file, activation, head, epochs) = ("w1_moons", .tanh, .sigmoidCrossEntropy, 10_000)
        case "w2": (file, activation, head, epochs) = ("w2_spiral", .relu, .tanhSquaredError, 5000)
        case "w3": (file, activation, head, epochs) = ("w3_digits", .relu, .softmaxCrossEntropy, 50)
        default: throw BackpropError.invalidSetting("unknown workload \(name); use w1, w2 or w3")
        }
        let f = try JSONDecoder().decode(File.self, from: Data(contentsOf: fixtures.appendingPathComponent(file + ".json")))
        let arch = Architecture(sizes: f.layer_sizes, activation: activation, head: head)
        func net(_ layers: [File.Layer]) throws -> Network<Double> {
            try Network(arch, weights: layers.compactMap { Matrix($0.weight) }, biases: layers.map(\.bias))
        }
        let settings: TrainingSettings
        switch name {
        case "w1": settings = TrainingSettings(epochs: epochs, batchSize: 0, order: .stored, learningRate: .constant(3))
        case "w2": settings = TrainingSettings(epochs: epochs, batchSize: 10, order: .stored, learningRate: .piecewise(0.003, [(4000, 0.001)]))
        default: settings = TrainingSettings(epochs: epochs, batchSize: 32, order: .given(f.epoch_permutations ?? []), learningRate: .constant(0.1))
        }
        let final = f.after.first { $0.epochs == epochs }
        return Workload(
            name: name, architecture: arch, settings: settings,
            train: try Dataset(x: Matrix(f.x_train) ?? Matrix(rows: 0, columns: 0), labels: f.y_train),
            test: try Dataset(x: Matrix(f.x_test) ?? Matrix(rows: 0, columns: 0), labels: f.y_test),
            initial: try net(f.initial),
            golden: name == "w2" ? nil : try final.map { try net($0.layers) },
            goldenTestLoss: final?.test_loss)
    }

    /// Optimiser steps in the whole run.
    var steps: Int {
        let n = train.count, b = settings.batchSize == 0 ? n : settings.batchSize
        return settings.epochs * ((n + b - 1) / b)
    }
}
