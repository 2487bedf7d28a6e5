import ArgumentParser
import Foundation
import Backprop
import BackpropCommandLine
import Playground

struct GradCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check backpropagation against finite differences for an architecture and head.",
        discussion: "Uses the experiment's network (--layers, --activation, --head, …) at its initial weights on the first --samples training points, in Double, and prints the largest relative error per layer.")

    @OptionGroup var options: ExperimentOptions
    @Option(help: "Training points to check on.") var samples = 16
    @Option(help: "Fail (exit 1) when any layer's largest relative error exceeds this.") var tolerance = 1e-6
    @Option(help: "The finite-difference step, divided for each weight by the size of its input (at least 1).") var step = 1e-3

    func run() throws {
        let session = try Session(try options.experiment())
        guard samples >= 1 else { throw BackpropError.invalidSetting("--samples must be at least 1") }
        let limits = Limits.standard
        try limits.check(session.network.layout.count, "the number of parameters to check (two forward passes each)", atMost: limits.gradientCheckParameters)
        let data = session.train.subset(0..<min(samples, session.train.count))
        let regularization = session.experiment.training.regularization
        let result = try GradientCheck.run(session.network, on: data, step: step, regularization: regularization)
        let penalty = regularization.isActive ? ", loss + \(regularization.kind.rawValue) penalty \(regularization.rate)" : ""
        say("architecture \(session.architecture.sizes.map(String.init).joined(separator: "-")), head \(session.architecture.head.rawValue), \(data.count) samples\(penalty)")
        for (l, e) in result.perLayer.enumerated() {
            let act = l < session.architecture.hidden.count ? session.architecture.hidden[l].activation.rawValue : session.architecture.head.rawValue
            say(String(format: "layer %d (%@): largest relative error %.3e, absolute %.3e", l + 1, act as NSString, e, result.absolutePerLayer[l]))
        }
        if result.largest > tolerance {
            throw CommandFailure(message: String(format: "largest relative error %.3e exceeds the tolerance %.1e", result.largest, tolerance), code: 1)
        }
        if result.checked == 0 {
            throw CommandFailure(message: "no parameter could be checked: every finite-difference step crossed a kink (ReLU, ELU or L1 at 0); try other --samples or a smaller --step", code: 1)
        }
        // "ok" only for a check of every parameter; skipped ones are not vouched for.
        let verdict = String(format: "largest relative error %.3e ≤ %.1e", result.largest, tolerance)
        if result.skipped > 0 {
            say("\(verdict) over \(result.checked) parameters; skipped \(result.skipped) parameters at a kink (every step crossed a ReLU/ELU kink or L1's 0)")
        } else {
            say("ok: \(verdict) over all \(result.checked) parameters")
        }
    }
}
