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
        network diagram as PNG and SVG. Ctrl-C stops training and still writes what was trained.
        """)

    @OptionGroup var options: ExperimentOptions
    @Option(name: .customLong("init-weights"), help: ArgumentHelp("Start from these weights (.safetensors or .json) instead of drawing them.", valueName: "file"))
    var initWeights: String?
    @Option(help: ArgumentHelp("Directory for the model, metrics, experiment and plots.", valueName: "dir"))
    var out: String?
    @Option(name: .customLong("record-every"), help: "Record train/test loss every N epochs (default: 200 points over the run).")
    var recordEvery: Int?
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        let experiment = try options.experiment()
        var initial: Network<Double>?
        if let initWeights { initial = try Network<Double>(contentsOf: URL(fileURLWithPath: initWeights)) }
        if let out { try checkWritable(out) }
        let session = try Session(experiment, initialWeights: initial)
        let epochs = experiment.training.epochs
        let every = max(1, recordEvery ?? epochs / 200)

        let signal = session.stopSignal
        let interrupt = Interrupt { signal.request() }
        defer { interrupt.cancel() }
        var progress = Progress(total: epochs, label: "train")
        let outcome = try session.run(recordEvery: every) { p in
            if !quiet { progress.update(p.epoch, String(format: "epoch %d  train loss %.4f  test loss %.4f", p.epoch, p.trainLoss, p.testLoss)) }
        }
        if !quiet { progress.finish() }
        let stopped = outcome == .stopped
        let (tr, te) = session.metrics()
        if stopped { say("stopped at epoch \(session.epoch) of \(epochs)") }
        say(summary(train: tr, test: te, testCount: session.test.count))
        if let out {
            let files = try session.writeResults(to: URL(fileURLWithPath: out), stoppedEarly: stopped)
            say("wrote \(files.count) files to \(out)")
        }
        if stopped { throw ExitCode(130) }
    }
}

/// One line of results: accuracy (with counts) for classifiers, R² for regression.
func summary(train: Metrics, test: Metrics, testCount: Int) -> String {
    var parts: [String] = []
    if let a = test.accuracy {
        parts.append(String(format: "test accuracy %.4f (%d/%d)", a, Int((a * Double(testCount)).rounded()), testCount))
    }
    if let r2 = test.r2 { parts.append(String(format: "test R² %.4f", r2)) }
    parts.append(String(format: "test loss %.4f", test.loss))
    parts.append(String(format: "train loss %.4f", train.loss))
    if let a = train.accuracy { parts.append(String(format: "train accuracy %.4f", a)) }
    return parts.joined(separator: ", ")
}

/// Fails early, before training, when the output directory cannot be created or written.
func checkWritable(_ path: String) throws {
    let url = URL(fileURLWithPath: path)
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
        guard isDir.boolValue else { throw BackpropError.invalidSetting("--out \(path) is a file, not a directory") }
        guard FileManager.default.isWritableFile(atPath: path) else { throw BackpropError.invalidSetting("--out \(path) is not writable") }
    } else {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw BackpropError.invalidSetting("cannot create --out \(path): \(error.localizedDescription)")
        }
    }
}

/// Turns Ctrl-C into a call of `handler` (once), instead of killing the process.
final class Interrupt: @unchecked Sendable {
    private let source: DispatchSourceSignal
    init(_ handler: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
    }
    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
