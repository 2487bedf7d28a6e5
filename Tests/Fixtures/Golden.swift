import Foundation
import Backprop

/// The golden trajectories (numpy, float64) copied from `shared/reference/`: W1's moons, W2's
/// spiral, W3's digits (the JSON files beside this one), for the tests of every target and the bench.
public struct Golden: Decodable {
    public struct Layer: Decodable { public var weight: [[Double]]; public var bias: [Double] }
    public struct After: Decodable {
        public var epochs: Int
        public var layers: [Layer]
        public var test_loss: Double?
        public var test_acc: Double?
        public var train_loss: Double?
    }
    public var layer_sizes: [Int]
    public var x_train: [[Double]]
    public var y_train: [Double]
    public var x_test: [[Double]]
    public var y_test: [Double]
    public var initial: [Layer]
    public var after: [After]
    public var epoch_permutations: [[Int]]?

    public static func load(_ name: String) throws -> Golden {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(name + ".json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }

    public func network(activation: Activation, head: OutputHead) throws -> Network<Double> {
        try Self.network(initial, sizes: layer_sizes, activation: activation, head: head)
    }

    public static func network(_ layers: [Layer], sizes: [Int], activation: Activation, head: OutputHead) throws -> Network<Double> {
        try Network(Architecture(sizes: sizes, activation: activation, head: head),
                    weights: layers.map { Matrix($0.weight)! }, biases: layers.map(\.bias))
    }

    public func data(targetColumns: Int = 1) throws -> (train: Dataset<Double>, test: Dataset<Double>) {
        (try Dataset(x: Matrix(x_train)!, labels: y_train), try Dataset(x: Matrix(x_test)!, labels: y_test))
    }
}

/// max |a − b| over all parameters.
public func maxDifference(_ a: Network<Double>, _ b: Network<Double>) -> Double {
    zip(a.parameters, b.parameters).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
