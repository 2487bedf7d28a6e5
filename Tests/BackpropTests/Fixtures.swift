import Foundation
import Backprop

/// The golden trajectories (numpy, float64) copied from `shared/reference/`.
struct Golden: Decodable {
    struct Layer: Decodable { var weight: [[Double]]; var bias: [Double] }
    struct After: Decodable {
        var epochs: Int
        var layers: [Layer]
        var test_loss: Double?
        var test_acc: Double?
        var train_loss: Double?
    }
    var layer_sizes: [Int]
    var x_train: [[Double]]
    var y_train: [Double]
    var x_test: [[Double]]
    var y_test: [Double]
    var initial: [Layer]
    var after: [After]
    var epoch_permutations: [[Int]]?

    static func load(_ name: String) throws -> Golden {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name + ".json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }

    func network(activation: Activation, head: OutputHead) throws -> Network<Double> {
        try Self.network(initial, sizes: layer_sizes, activation: activation, head: head)
    }

    static func network(_ layers: [Layer], sizes: [Int], activation: Activation, head: OutputHead) throws -> Network<Double> {
        try Network(Architecture(sizes: sizes, activation: activation, head: head),
                    weights: layers.map { Matrix($0.weight)! }, biases: layers.map(\.bias))
    }

    func data(targetColumns: Int = 1) throws -> (train: Dataset<Double>, test: Dataset<Double>) {
        (try Dataset(x: Matrix(x_train)!, labels: y_train), try Dataset(x: Matrix(x_test)!, labels: y_test))
    }
}

/// max |a − b| over all parameters.
func maxDifference(_ a: Network<Double>, _ b: Network<Double>) -> Double {
    zip(a.parameters, b.parameters).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
