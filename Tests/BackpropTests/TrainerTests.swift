import Foundation
import Testing
import TestFixtures
import Backprop

@Suite struct TrainerTests {
    static let xor = try! Dataset<Double>(x: Matrix([[0, 0], [0, 1], [1, 0], [1, 1]])!, labels: [0, 1, 1, 0])

    @Test func xorIsLearnedByA241TanhNet() throws {
        let arch = Architecture(sizes: [2, 4, 1], activation: .tanh, head: .sigmoidCrossEntropy)
        let net = try Network<Double>(arch, initializer: .normal(scale: 1), seed: 1)
        let trainer = try Trainer(network: net, data: Self.xor, settings: TrainingSettings(
            epochs: 2000, batchSize: 0, learningRate: .constant(1)))
        try trainer.fit(evaluateTrain: false)
        let m = trainer.evaluate()
        #expect(m.accuracy == 1)
        #expect(m.loss < 0.05)
        #expect(m.confusion == [[2, 0], [0, 2]])
    }

    /// The trainer trains its own (aligned) copy of the parameters: reading `network` after a step
    /// gives that step's parameters, and setting it (the page's click-to-edit) is what the next step
    /// starts from — on the fused batch-1 step and on Adam's.
    @Test(arguments: [Optimizer.sgd, .adam()])
    func anEditedNetworkIsWhatTrainingContinuesFrom(optimizer: Optimizer) throws {
        let arch = Architecture(sizes: [2, 12, 1], activation: .tanh, head: .sigmoidCrossEntropy)
        let net = try Network<Double>(arch, initializer: .normal(scale: 1), seed: 4)
        let settings = TrainingSettings(epochs: 10, batchSize: 1, order: .stored, learningRate: .constant(0.1), optimizer: optimizer)
        let trainer = try Trainer(network: net, data: Self.xor, settings: settings)
        try trainer.trainEpoch()
        let once = trainer.network
        #expect(once.parameters != net.parameters)
        var edited = once
        edited.setWeight(layer: 0, to: 3, from: 1, 0.5)
        trainer.network = edited
        #expect(trainer.network.parameters == edited.parameters)
        try trainer.trainEpoch()
        // The same epoch from the edited network by a trainer that never saw the first (SGD keeps no
        // state; Adam's moments differ, so only the step is compared there).
        let fresh = try Trainer(network: edited, data: Self.xor, settings: settings, epoch: 1)
        try fresh.trainEpoch()
        if optimizer == .sgd { #expect(trainer.network.parameters == fresh.network.parameters) }
        #expect(trainer.network.parameters != edited.parameters)
    }

    @Test func theSheetsMoonsRunFromTheDefaultSeedReachesItsMeasuredAccuracy() throws {
        // The sheet's data (make_moons 500, noise 0.2, 30 % test), 2-10-1 tanh/sigmoid,
        // full batch, lr 3, 10,000 epochs, weights N(0, 1) from the default seed 0: test
        // accuracy 0.9533, the worst of seeds 0-19 (mean 0.9697, max 0.9867; the claim over
        // seeds is checked by scripts/check-claims.sh with the release build).
        let g = try Golden.load("w1_moons")
        let (train, test) = try g.data()
        let net = try Network<Double>(Architecture(sizes: [2, 10, 1], activation: .tanh, head: .sigmoidCrossEntropy),
                                      initializer: .normal(scale: 1), seed: 0)
        let trainer = try Trainer(network: net, data: train, settings: TrainingSettings(
            epochs: 10_000, batchSize: 0, order: .stored, learningRate: .constant(3)))
        var reports: [EpochReport] = []
        try trainer.fit(test: test, reportEvery: 500) { reports.append($0) }
        #expect(reports.count == 20)
        #expect(reports.last?.epoch == 10_000)
        let accuracy = try #require(reports.last?.test?.accuracy)
        #expect(accuracy >= 0.95, "test accuracy \(accuracy)")
        // The training loss falls over the run.
        #expect(try #require(reports.last?.train?.loss) < reports[0].train!.loss)
    }

    @Test func sameSeedSameNumbersBitForBit() throws {
        func run() throws -> [Float] {
            let arch = Architecture(sizes: [2, 8, 8, 1], activation: .relu, head: .tanhSquaredError)
            let net = try Network<Float>(arch, initializer: .playground, seed: 7)
            var x = Matrix<Float>(rows: 50, columns: 2), r = RandomSource(seed: 5)
            for k in x.elements.indices { x.elements[k] = Float(r.uniform(-5, 5)) }
            let y = (0..<50).map { x[$0, 0] * x[$0, 1] >= 0 ? Float(1) : -1 }
            let t = try Trainer(network: net, data: try Dataset(x: x, labels: y), settings: TrainingSettings(
                epochs: 30, batchSize: 7, order: .shuffled, learningRate: .constant(0.03), optimizer: .adam(), seed: 11))
            try t.fit(evaluateTrain: false)
            return t.network.parameters
        }
        #expect(try run() == run())
    }

    @Test func divergenceIsATypedErrorNamingEpochAndLayer() throws {
        let arch = Architecture(sizes: [2, 4, 1], activation: .linear, head: .identitySquaredError)
        let net = try Network<Double>(arch, initializer: .normal(scale: 1), seed: 2)
        let data = try Dataset<Double>(x: Matrix([[100, -100], [50, 80]])!, labels: [1e6, -1e6])
        let trainer = try Trainer(network: net, data: data, settings: TrainingSettings(epochs: 1000, learningRate: .constant(10)))
        do {
            try trainer.fit(evaluateTrain: false)
            Issue.record("training did not diverge")
        } catch {
            guard case .diverged(let epoch, let layer, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(epoch >= 1 && epoch < 1000)
            let l = try #require(layer, "the error names the layer")
            #expect((1...2).contains(l))
            #expect("\(error)".contains("diverged at epoch \(epoch)"))
        }
    }

    @Test func theRunningLossIsMeasuredOnlyWhenAskedAndChangesNothing() throws {
        // Skipping the loss must not touch the error signal: both runs end at the same weights.
        let arch = Architecture(sizes: [2, 3, 1], activation: .tanh, head: .sigmoidCrossEntropy)
        func trainer() throws -> Trainer<Double> {
            try Trainer(network: try Network<Double>(arch, initializer: .glorotUniform, seed: 4), data: Self.xor,
                        settings: TrainingSettings(epochs: 3, batchSize: 2, order: .stored, learningRate: .constant(0.5)))
        }
        var quiet: [Double?] = [], measured: [Double?] = []
        let a = try trainer(), b = try trainer(), byHand = try trainer()
        try a.fit(evaluateTrain: false) { quiet.append($0.runningLoss) }
        try b.fit(evaluateTrain: false, measureRunningLoss: true) { measured.append($0.runningLoss) }
        let expected = try (0..<3).map { _ in try byHand.trainEpoch() }
        #expect(quiet == [nil, nil, nil])
        #expect(measured.compactMap { $0 } == expected && expected.allSatisfy { $0 > 0 && $0.isFinite })
        #expect(a.network.parameters == b.network.parameters && b.network.parameters == byHand.network.parameters)
    }

    @Test func aStopRequestedFromAnotherThreadEndsFitCleanly() async throws {
        let arch = Architecture(sizes: [2, 16, 16, 1], activation: .tanh, head: .sigmoidCrossEntropy)
        let trainer = try Trainer(network: try Network<Double>(arch, initializer: .glorotUniform, seed: 1),
                                  data: Self.xor, settings: TrainingSettings(epochs: 100_000_000, learningRate: .constant(0.1)))
        let signal = trainer.stopSignal
        let task = Task.detached { () -> (FitOutcome, Int) in
            let outcome = try trainer.fit(reportEvery: 1_000_000, evaluateTrain: false)
            return (outcome, trainer.epoch)
        }
        try await Task.sleep(for: .milliseconds(200))
        signal.request()
        let (outcome, epoch) = try await task.value
        #expect(outcome == .stopped)
        #expect(epoch > 0 && epoch < 100_000_000)
    }

    @Test func badSettingsAndDataAreRefusedWithAMessage() throws {
        let arch = Architecture(sizes: [2, 3, 1], activation: .tanh, head: .sigmoidCrossEntropy)
        let net = try Network<Double>(arch, initializer: .he, seed: 1)
        #expect(throws: BackpropError.self) {
            try Trainer(network: net, data: Self.xor, settings: TrainingSettings(epochs: 1, learningRate: .constant(-1)))
        }
        #expect(throws: BackpropError.self) {
            try Trainer(network: net, data: Self.xor, settings: TrainingSettings(epochs: 1, batchSize: -2, learningRate: .constant(1)))
        }
        let wide = try Dataset<Double>(x: Matrix([[1, 2, 3]])!, labels: [1])
        #expect(throws: BackpropError.invalidData("the data has 3 input columns but the network takes 2")) {
            try Trainer(network: net, data: wide, settings: TrainingSettings(epochs: 1, learningRate: .constant(1)))
        }
        let nan = try Dataset<Double>(x: Matrix([[1, .nan]])!, labels: [1])
        #expect(throws: BackpropError.self) { try Trainer(network: net, data: nan, settings: TrainingSettings(epochs: 1, learningRate: .constant(1))) }
        #expect(throws: BackpropError.self) {
            try Network<Double>(Architecture(sizes: [2, 0, 1], activation: .relu, head: .sigmoidCrossEntropy), initializer: .he, seed: 1)
        }
        let soft = try Network<Double>(Architecture(sizes: [2, 3], activation: .relu, head: .softmaxCrossEntropy), initializer: .he, seed: 1)
        let badClass = try Dataset<Double>(x: Matrix([[1, 2]])!, labels: [3])
        #expect(throws: BackpropError.self) { try soft.evaluate(badClass) }
    }

    /// A given batch order must be, epoch by epoch, a permutation of the training rows: a row
    /// twice (so another missing), a row out of range or an order of the wrong length is refused,
    /// naming the order.
    @Test func aGivenOrderThatIsNotAPermutationIsRefused() throws {
        let net = try Network<Double>(Architecture(sizes: [2, 3, 1], activation: .tanh, head: .sigmoidCrossEntropy), initializer: .he, seed: 1)
        func settings(_ orders: [[Int]]) -> TrainingSettings {
            TrainingSettings(epochs: 2, batchSize: 2, order: .given(orders), learningRate: .constant(0.1))
        }
        _ = try Trainer(network: net, data: Self.xor, settings: settings([[0, 1, 2, 3], [3, 1, 0, 2]]))
        for (orders, which) in [([[0, 1, 2, 3], [3, 1, 1, 2]], 2), ([[0, 1, 2, 4]], 1), ([[0, -1, 2, 3]], 1),
                                ([[0, 1, 2]], 1), ([[0, 1, 2, 3], [0, 1, 2, 3, 0]], 2)] {
            #expect(throws: BackpropError.invalidSetting("permutation \(which) is not a permutation of the 4 training rows"),
                    "\(orders)") { try Trainer(network: net, data: Self.xor, settings: settings(orders)) }
        }
        #expect(throws: BackpropError.self) { try Trainer(network: net, data: Self.xor, settings: settings([])) }
    }

    @Test func miniBatchesCoverEveryRowIncludingAShortLastBatch() throws {
        // With lr 0 nothing moves, and the running loss is the mean of batch means.
        let arch = Architecture(sizes: [2, 1], activation: .linear, head: .identitySquaredError)
        let net = try Network<Double>(arch, weights: [Matrix([[1, 0]])!], biases: [[0]])
        let data = try Dataset<Double>(x: Matrix([[1, 0], [2, 0], [3, 0]])!, labels: [0, 0, 0])
        let trainer = try Trainer(network: net, data: data, settings: TrainingSettings(
            epochs: 1, batchSize: 2, order: .stored, learningRate: LearningRateSchedule(kind: .constant, initial: 1e-300)))
        let running = try trainer.trainEpoch()
        #expect(trainer.steps == 2)
        // batches {1, 2} → (0.5 + 2)/2 = 1.25 and {3} → 4.5
        #expect(abs(running - (1.25 + 4.5) / 2) < 1e-12)
    }

    @Test func floatTrainsTheSameRunAsDoubleToSinglePrecision() throws {
        let g = try Golden.load("w1_moons")
        let (train, _) = try g.data()
        let netD = try g.network(activation: .tanh, head: .sigmoidCrossEntropy)
        let settings = TrainingSettings(epochs: 100, batchSize: 0, order: .stored, learningRate: .constant(3))
        let d = try Trainer(network: netD, data: train, settings: settings)
        let f = try Trainer(network: netD.converted(to: Float.self),
                            data: try Dataset(x: train.x.converted(), y: train.y.converted()), settings: settings)
        try d.fit(evaluateTrain: false)
        try f.fit(evaluateTrain: false)
        let diff = zip(d.network.parameters, f.network.parameters).map { abs($0 - Double($1)) }.max() ?? 0
        #expect(diff < 1e-3 * d.network.maxMagnitude)
    }
}
