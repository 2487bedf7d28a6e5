#if !hasFeature(Embedded)
import Foundation
#endif
import Backprop
import Datasets

/// One experiment, completely: data set, features, network, training settings
/// and seeds. The command line, a sweep and the page all run this one type, and
/// every run writes it next to its results (`experiment.json`) so that it can
/// be repeated exactly with `backprop train --config experiment.json`.
///
/// The default value is the sheet's moons experiment.
public struct Experiment: Equatable, Hashable, Sendable {
    public struct DataSettings: Equatable, Hashable, Sendable {
        /// A generator name (`moons`, `spiral`, …) or `csv`.
        public var dataset: String = "moons"
        /// CSV file (with `dataset == "csv"`).
        public var file: String?
        public var points: Int = 500
        public var noise: Double = 0.2
        /// Fraction of points used for training; the rest is the test set.
        public var trainRatio: Double = 0.7
        /// Classes for blobs and spirals.
        public var classes: Int = 3
        public var seed: UInt64 = 42
        public init() {}
    }

    public struct NetworkSettings: Equatable, Hashable, Sendable {
        /// Hidden layer widths, input to output.
        public var hidden: [Int] = [10]
        /// One activation for every hidden layer, or one per layer.
        public var activations: [Activation] = [.tanh]
        /// Output head; nil chooses from the task (sigmoid for binary, softmax
        /// for k classes, identity for regression).
        public var head: OutputHead? = nil
        public var initializer: Initializer = .normal(scale: 1)
        public init() {}
    }

    public var data = DataSettings()
    /// Input features for 2-D data (ignored for CSV data with other widths).
    public var features: [Feature] = [.x1, .x2]
    public var network = NetworkSettings()
    public var training = TrainingSettings(epochs: 10_000, batchSize: 0, order: .shuffled, learningRate: .constant(3))
    /// Seeds the initial weights.
    public var seed: UInt64 = 0

    public init() {}

    /// The sheet's moons experiment (the default).
    public static let sheetMoons = Experiment()

    /// The activation of hidden layer `l`.
    public func activation(_ l: Int) -> Activation {
        network.activations.isEmpty ? .tanh : network.activations[min(l, network.activations.count - 1)]
    }

    /// Checks every setting a person can get wrong, with a message saying what to change, and
    /// every size against `limits` before anything is generated or allocated.
    public func validate(limits: Limits = .standard) throws(BackpropError) {
        guard data.dataset == "csv" || DatasetName(name: data.dataset) != nil else {
            throw .invalidSetting("unknown data set \(quoted(data.dataset)); choose one of \(DatasetName.allCases.map { $0.rawValue }.joined(separator: ", ")) or csv")
        }
        guard data.trainRatio > 0 && data.trainRatio < 1 else {
            throw .invalidSetting("the training ratio must be between 0 and 1 (exclusive), got \(data.trainRatio)")
        }
        try limits.check(data.points, "points", atMost: limits.points, atLeast: 4)
        try limits.check(data.classes, "classes", atMost: limits.classes, atLeast: 2)
        guard data.noise >= 0 && data.noise.isFinite else { throw .invalidSetting("noise must be 0 or more, got \(data.noise)") }
        for (i, h) in network.hidden.enumerated() where h < 1 {
            throw .invalidSetting("hidden layer \(i + 1) has \(h) neurons; every layer needs at least 1")
        }
        guard network.activations.count <= 1 || network.activations.count == network.hidden.count else {
            throw .invalidSetting("\(network.activations.count) activations for \(network.hidden.count) hidden layers: give one, or one per layer")
        }
        guard !features.isEmpty else { throw .invalidSetting("choose at least one input feature") }
        try limits.check(features.count, "the number of input features", atMost: limits.inputs)
        try limits.check(training.epochs, "epochs", atMost: limits.epochs)
        try limits.check(training.batchSize, "the batch size", atMost: limits.points)
        guard network.initializer.scale.isFinite, network.initializer.scale >= 0 else {
            throw .invalidSetting("init-scale must be 0 or more, got \(network.initializer.scale)")
        }
        try training.learningRate.validate()
        try training.optimizer.validate()
        try training.regularization.validate()
        // The network and its buffers, as far as they are known before the data is read
        // (a CSV's width is checked again when the session is built).
        if data.dataset != "csv" {
            let outputs = network.head == .softmaxCrossEntropy ? data.classes : 1
            let arch = Architecture(inputs: features.count, hidden: network.hidden.enumerated().map { .init(units: $1, activation: activation($0)) },
                                    outputs: outputs, head: network.head ?? .identitySquaredError)
            do { try limits.check(arch) } catch { throw .invalidSetting(error.message) }
            let trainCount = Int((Double(data.points) * data.trainRatio).rounded(.up))
            try limits.checkBuffers(arch, samples: training.batchSize == 0 ? trainCount : min(training.batchSize, trainCount))
        } else {
            try limits.check(network.hidden.count, "the number of hidden layers", atMost: limits.depth)
            for w in network.hidden { try limits.check(w, "a hidden layer's width", atMost: limits.width) }
        }
    }
}

#if !hasFeature(Embedded)
// experiment.json: read strictly, written with sorted keys. Synthesised coding needs the
// conformance in the file that declares the type; the WebAssembly build has no Codable.
extension Experiment.DataSettings: Codable {}
extension Experiment.NetworkSettings: Codable {}

extension Experiment: Codable {
    enum CodingKeys: String, CodingKey { case data, features, network, training, seed }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Experiment()
        data = try c.decodeIfPresent(DataSettings.self, forKey: .data) ?? d.data
        features = try c.decodeIfPresent([Feature].self, forKey: .features) ?? d.features
        network = try c.decodeIfPresent(NetworkSettings.self, forKey: .network) ?? d.network
        training = try c.decodeIfPresent(TrainingSettings.self, forKey: .training) ?? d.training
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    }

    public func jsonData() -> Data { Data(fileText.utf8) }

    /// Reads an experiment file strictly: unknown or duplicate keys are refused with their
    /// path (a misspelt key must not silently train the default), and so are values out of
    /// range (`validate`). Keys left out keep the sheet's moons values.
    public init(json: Data, limits: Limits = .standard) throws(BackpropError) {
        self = try StrictJSON.decode(Experiment.self, from: json, what: "experiment file", optional: ["data.file", "network.head"])
        do { try validate(limits: limits) } catch { throw .invalidSetting("experiment file: \(error.message)") }
    }
}
#endif
