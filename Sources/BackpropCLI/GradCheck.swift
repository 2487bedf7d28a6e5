import ArgumentParser
import Foundation
import Backprop
import Playground

struct GradCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check backpropagation against finite differences for an architecture and head.",
        discussion: "Uses the experiment's network (--layers, --activation, --head, …) at its initial weights on the first --samples training points, in Double, and prints the largest relative error per layer.")

    @OptionGroup var options: ExperimentOptions
    @Option(help: "Training points to check on.") var samples = 16
    @Option(help: "Fail (exit 1) when any layer's largest relative error exceeds this.") var tolerance = 1e-6

    func run() throws {
        let session = try Session(try options.experiment())
        guard samples >= 1 else { throw BackpropError.invalidSetting("--samples must be at least 1") }
        let limits = Limits.standard
        try limits.check(session.network.layout.count, "the number of parameters to check (two forward passes each)", atMost: limits.gradientCheckParameters)
        let data = session.train.subset(0..<min(samples, session.train.count))
        let result = try GradientCheck.run(session.network, on: data)
        say("architecture \(session.architecture.sizes.map(String.init).joined(separator: "-")), head \(session.architecture.head.rawValue), \(data.count) samples")
        for (l, e) in result.perLayer.enumerated() {
            let act = l < session.architecture.hidden.count ? session.architecture.hidden[l].activation.rawValue : session.architecture.head.rawValue
            say(String(format: "layer %d (%@): largest relative error %.3e, absolute %.3e", l + 1, act as NSString, e, result.absolutePerLayer[l]))
        }
        if result.skipped > 0 { say("\(result.skipped) parameters skipped: every finite-difference step crossed a ReLU/ELU kink") }
        if result.largest > tolerance {
            throw CommandFailure(message: String(format: "largest relative error %.3e exceeds the tolerance %.1e", result.largest, tolerance), code: 1)
        }
        say(String(format: "ok: largest relative error %.3e ≤ %.1e", result.largest, tolerance))
    }
}
