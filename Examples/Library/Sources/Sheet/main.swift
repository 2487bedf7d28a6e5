// The sheet's moons experiment with the library: data (Datasets), the engine (Backprop), a
// plot (Plots), and the same run as an `Experiment` (Playground), which must agree.
import Foundation
import Backprop
import Datasets
import Plots
import Playground

// make_moons(500, noise 0.2, random_state 42), split as train_test_split(test_size 0.3, 42).
let points = try Generators.generate(.moons, count: 500, noise: 0.2, seed: 42)
let (trainPoints, testPoints) = try points.split(trainRatio: 0.7, seed: 42, style: .sklearn)
let train: Dataset<Double> = try trainPoints.dataset(for: .sigmoidCrossEntropy)
let test: Dataset<Double> = try testPoints.dataset(for: .sigmoidCrossEntropy)

// A 2-10-1 tanh net with a sigmoid output, full batch, learning rate 3, 10,000 epochs.
let arch = Architecture(sizes: [2, 10, 1], activation: .tanh, head: .sigmoidCrossEntropy)
let net = try Network<Double>(arch, initializer: .normal(scale: 1), seed: 0)
let trainer = try Trainer(network: net, data: train, settings: TrainingSettings(
    epochs: 10_000, batchSize: 0, learningRate: .constant(3)))
try trainer.fit(test: test, reportEvery: 2_500) { print("epoch \($0.epoch): test accuracy \($0.test?.accuracy ?? 0)") }
let accuracy = trainer.evaluate(test).accuracy ?? 0
print(String(format: "library: test accuracy %.4f", accuracy))

// The same experiment through Playground's Session (what `backprop train` runs).
let session = try Session(Experiment())
try session.run()
let viaSession = session.metrics().test.accuracy ?? 0
print(String(format: "session: test accuracy %.4f", viaSession))

// A loss curve as PNG, with Plots.
let chart = LineChart(title: "moons", xLabel: "epoch", yLabel: "loss", series: [
    .init(name: "training", color: Palette.positive, points: session.history.map { (Double($0.epoch), $0.trainLoss) }),
])
let png = chart.drawing().png()
print("loss curve: \(png.count) bytes of PNG")
guard accuracy == viaSession, accuracy > 0.9 else {
    print("error: the library and the session disagree (\(accuracy) vs \(viaSession))")
    exit(1)
}
