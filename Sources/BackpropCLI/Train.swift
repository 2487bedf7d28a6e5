import ArgumentParser
import Foundation
import Backprop
import Playground

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train one experiment and print its test metrics.",
        discussion: """
        With no options this is the sheet's moons experiment: make_moons with 500 points and \
        noise 0.2, 30 % test, a 2-10-1 net with tanh and a sigmoid output, binary cross-entropy, \
        full batch, learning rate 3, 10,000 epochs. Every option below changes one setting. \
        With --out, the run writes model.safetensors, model.json, metrics.json, experiment.json \
        (to repeat it: --config experiment.json), and the loss curve, decision boundary and \
        network diagram as PNG and SVG (with --explain also the gradient norms per layer). Ctrl-C \
        stops training and still writes what was trained.
        """)

    @OptionGroup var options: ExperimentOptions
    @Option(name: .customLong("init-weights"), help: ArgumentHelp("Start from these weights (.safetensors or .json) instead of drawing them.", valueName: "file"))
    var initWeights: String?
    @Option(help: ArgumentHelp("Directory for the model, metrics, experiment and plots.", valueName: "dir"))
    var out: String?
    @Option(name: .customLong("record-every"), help: "Record train/test loss every N epochs (default: 200 points over the run).")
    var recordEvery: Int?
    @Flag(help: "No progress output.") var quiet = false
    @Flag(help: "Also record the gradient norm per layer and the dead ReLU units at each record (metrics.json, gradients.png/svg).")
    var explain = false

    func run() throws {
        let experiment = try options.experiment()
        var initial: Network<Double>?
        if let initWeights { initial = try Network<Double>(contentsOf: URL(fileURLWithPath: initWeights)) }
        if let out { try ResultDirectory.check(out) }
        if let recordEvery, recordEvery < 1 { throw BackpropError.invalidSetting("--record-every must be at least 1, got \(recordEvery)") }
        let session = try Session(experiment, initialWeights: initial)
        session.recordsGradients = explain
        let epochs = experiment.training.epochs
        // At most `historyPoints` records, however long the run and whatever --record-every says.
        let every = max(1, recordEvery ?? epochs / 200, epochs / Limits.standard.historyPoints + 1)

        let signal = session.stopSignal
        let interrupt = Interrupt { signal.request() }
        defer { interrupt.cancel() }
        var progress = Progress(total: epochs, label: "train")
        var diverged: String?
        let outcome = Result { () throws(BackpropError) -> FitOutcome in
            try session.run(recordEvery: every) { p in
                if !quiet { progress.update(p.epoch, String(format: "epoch %d  train loss %.4f  test loss %.4f", p.epoch, p.trainLoss, p.testLoss)) }
            }
        }
        var stopped = false
        switch outcome {
        case .success(let o): stopped = o == .stopped
        case .failure(.diverged(let epoch, let layer, let detail)): diverged = "\(BackpropError.diverged(epoch: epoch, layer: layer, detail: detail))"
        case .failure(let error): throw error
        }
        if !quiet { progress.finish() }
        if let diverged {
            FileHandle.standardError.write(Data("error: \(diverged)\n".utf8))
        } else {
            let (tr, te) = session.metrics()
            if stopped { say("stopped at epoch \(session.epoch) of \(epochs)") }
            say(summary(train: tr, test: te, testCount: session.test.count))
        }
        if let out {
            let files = try session.writeResults(to: URL(fileURLWithPath: out), stoppedEarly: stopped, diverged: diverged)
            say("wrote \(files.count) files to \(out)\(diverged == nil ? "" : " (the loss history up to the divergence; no model)")")
        }
        if diverged != nil { throw ExitCode(1) }
        if stopped { throw ExitCode(130) }
    }
}

/// One line of results: accuracy (with counts) for classifiers, R² for regression.
func summary(train: Metrics, test: Metrics, testCount: Int) -> String {
    // Four decimals, or four significant digits where fixed point would print dozens.
    func f(_ v: Double) -> String { String(format: abs(v) < 1e6 ? "%.4f" : "%.4g", v) }
    var parts: [String] = []
    if let a = test.accuracy {
        parts.append(String(format: "test accuracy %.4f (%d/%d)", a, Int((a * Double(testCount)).rounded()), testCount))
    }
    if let r2 = test.r2 { parts.append("test R² \(f(r2))") }
    parts.append("test loss \(f(test.loss))")
    parts.append("train loss \(f(train.loss))")
    if let a = train.accuracy { parts.append(String(format: "train accuracy %.4f", a)) }
    return parts.joined(separator: ", ")
}

/// Turns Ctrl-C (SIGINT) and SIGTERM — what `kill`, `timeout` and Slurm send — into one call
/// of `handler`, instead of killing the process: training stops after its current step and
/// the run still writes what it trained.
final class Interrupt: @unchecked Sendable {
    private static let signals = [SIGINT, SIGTERM]
    private let sources: [DispatchSourceSignal]
    init(_ handler: @escaping @Sendable () -> Void) {
        sources = Interrupt.signals.map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
    func cancel() {
        for s in sources { s.cancel() }
        for sig in Interrupt.signals { signal(sig, SIG_DFL) }
    }
}
