import Foundation
import Testing
import Backprop
import Datasets
import Playground

/// experiment.json and the model files are written without Foundation (`Experiment.json`,
/// `Network.modelJSON`, `safetensorsBytes`: the page in the browser downloads them too) and read
/// by `Codable`. Every value written reads back equal through the strict reader, which refuses a
/// key the decoder does not know — so the hand-written keys cannot drift from the decoder's.
@Suite struct ExperimentFileTests {
    static var experiments: [Experiment] {
        var unusual = Experiment()
        unusual.data.dataset = "csv"
        unusual.data.file = "own \"data\".csv"
        unusual.data.seed = UInt64.max - 6
        unusual.seed = (1 << 60) + 3
        unusual.network.hidden = [6, 5, 4]
        unusual.network.activations = [.relu, .tanh, .sigmoid]
        unusual.network.head = .softmaxCrossEntropy
        unusual.network.initializer = Initializer(.glorotUniform, scale: 0.5)
        unusual.training = TrainingSettings(epochs: 250, batchSize: 7, order: .given([[2, 0, 1], [1, 2, 0]]),
                                            learningRate: .piecewise(0.1, [(100, 0.01), (200, 0.001)]),
                                            optimizer: .adam(), regularization: Regularization(.l2, rate: 1e-4, style: .playground), seed: 9)
        var cosine = Experiment()
        cosine.features = [.x1, .x2, .sinX1, .x1x2]
        cosine.training.learningRate = .cosine(0.3, final: 0.01, epochs: 500)
        cosine.training.order = .stored
        cosine.training.optimizer = .momentum(0.8)
        return [Experiment(), unusual, cosine]
    }

    @Test(arguments: experiments.indices) func anExperimentFileReadsBackEqual(index: Int) throws {
        let e = Self.experiments[index]
        let text = e.fileText
        let strict = try Experiment(json: Data(text.utf8), limits: .standard)
        #expect(strict == e, "\(text)")
        #expect(try JSONDecoder().decode(Experiment.self, from: Data(text.utf8)) == e)
        // What the strict reader checks against: Foundation's own encoding of the same value.
        let again = try JSONEncoder().encode(e)
        #expect(try JSONDecoder().decode(Experiment.self, from: again) == strict)
    }

    @Test func theModelFilesReadBackBitForBit() throws {
        let arch = Architecture(inputs: 3, hidden: [.init(units: 4, activation: .relu), .init(units: 2, activation: .gelu)], outputs: 3, head: .softmaxCrossEntropy)
        let d = try Network<Double>(arch, initializer: .he, seed: 3)
        #expect(try Network<Double>(json: Data(d.modelJSON.text.utf8)) == d)
        #expect(try Network<Double>(safetensors: Data(d.safetensorsBytes())) == d)
        let f = try Network<Float>(arch, initializer: .glorotNormal, seed: 4)
        #expect(try Network<Float>(safetensors: Data(f.safetensorsBytes())) == f)
        #expect(try Network<Float>(json: Data(f.modelJSON.text.utf8)) == f)
    }
}
