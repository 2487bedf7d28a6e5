import Foundation
import Backprop
import Plots

/// Time per training sample as the network and the batch grow, against the
/// time the matrix products alone would take at the machine's peak.
///
/// Network: 64 inputs → one hidden ReLU layer of width w → 10 softmax outputs,
/// Float, 1,024 random samples. Widths 8…1024 at batch 32; batches 1…1024 at
/// width 128. A step's matrix work per sample is 4·(64w + 10w) + 2·10w FLOPs
/// (forward, weight gradients, the hidden layer's error signal); the
/// FLOP-bound line divides it by `peak` (default 97 GFLOP/s, the single-core
/// Float32 matrix-multiply peak measured on this machine in shared/peers).
enum Scaling {
    struct Point { var width: Int; var batch: Int; var secondsPerSample: Double; var flopBound: Double }

    static func measure(width: Int, batch: Int, peak: Double) throws -> Point {
        var r = RandomSource(seed: 1)
        let n = 1024
        let x = Matrix<Float>(rows: n, columns: 64, elements: (0..<(n * 64)).map { _ in Float(r.uniform(-1, 1)) })!
        let data = try Dataset(x: x, labels: (0..<n).map { _ in Float(r.int(below: 10)) })
        let arch = Architecture(sizes: [64, width, 10], activation: .relu, head: .softmaxCrossEntropy)
        let trainer = try Trainer(network: try Network<Float>(arch, initializer: .he, seed: 2), data: data,
                                  settings: TrainingSettings(epochs: 1_000_000, batchSize: batch, order: .stored, learningRate: .constant(0.001)))
        try trainer.trainEpoch()  // warm-up, and a first estimate
        var epochs = 1, elapsed = 0.0
        let start = DispatchTime.now().uptimeNanoseconds
        repeat {
            try trainer.trainEpoch()
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            epochs += 1
        } while elapsed < 0.25
        let flops = Double(4 * (64 * width + 10 * width) + 2 * 10 * width)
        return Point(width: width, batch: batch, secondsPerSample: elapsed / Double((epochs - 1) * n), flopBound: flops / peak)
    }

    static func run(directory: String, peak: Double) throws {
        let dir = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var widthPoints: [Point] = [], batchPoints: [Point] = []
        for w in [8, 16, 32, 64, 128, 256, 512, 1024] {
            widthPoints.append(try measure(width: w, batch: 32, peak: peak))
            print(String(format: "width %4d batch 32: %.3f µs/sample (FLOP bound %.3f)", w, widthPoints.last!.secondsPerSample * 1e6, widthPoints.last!.flopBound * 1e6))
        }
        for b in [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] {
            batchPoints.append(try measure(width: 128, batch: b, peak: peak))
            print(String(format: "width  128 batch %4d: %.3f µs/sample (FLOP bound %.3f)", b, batchPoints.last!.secondsPerSample * 1e6, batchPoints.last!.flopBound * 1e6))
        }
        var csv = "width,batch,us_per_sample,flop_bound_us\n"
        for p in widthPoints + batchPoints { csv += "\(p.width),\(p.batch),\(p.secondsPerSample * 1e6),\(p.flopBound * 1e6)\n" }
        try Data(csv.utf8).write(to: dir.appendingPathComponent("scaling.csv"), options: .atomic)
        let charts = [
            ("scaling-width", LineChart(title: "time per sample, 64-w-10 ReLU/softmax, batch 32, Float, one core", xLabel: "hidden width w",
                                        yLabel: "microseconds per sample", series: [
                .init(name: "Backprop", color: Palette.positive, points: widthPoints.map { (Double($0.width), $0.secondsPerSample * 1e6) }),
                .init(name: "FLOP bound", color: Palette.negative, points: widthPoints.map { (Double($0.width), $0.flopBound * 1e6) }),
            ], logX: true, logY: true)),
            ("scaling-batch", LineChart(title: "time per sample, 64-128-10, Float, one core", xLabel: "batch size",
                                        yLabel: "microseconds per sample", series: [
                .init(name: "Backprop", color: Palette.positive, points: batchPoints.map { (Double($0.batch), $0.secondsPerSample * 1e6) }),
                .init(name: "FLOP bound", color: Palette.negative, points: batchPoints.map { (Double($0.batch), $0.flopBound * 1e6) }),
            ], logX: true, logY: true)),
        ]
        for (name, chart) in charts {
            let d = chart.drawing()
            try d.png().write(to: dir.appendingPathComponent(name + ".png"), options: .atomic)
            try Data(d.svg().utf8).write(to: dir.appendingPathComponent(name + ".svg"), options: .atomic)
        }
        print("wrote scaling.csv, scaling-width.png/svg, scaling-batch.png/svg to \(directory)")
    }
}
