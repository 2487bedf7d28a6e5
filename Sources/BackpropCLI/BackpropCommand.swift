import ArgumentParser
import Foundation
import Backprop
import BackpropCommandLine

/// `backprop`: every experiment of the sheet by one command.
@main
struct BackpropCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop",
        abstract: "Train small neural networks on 2-D data and see what they learn.",
        discussion: "Run `backprop train` for the sheet's moons experiment; `backprop help train` lists every setting.",
        subcommands: [Train.self, SweepCommand.self, GradCheck.self, Explain.self, DataCommand.self, Eval.self, Predict.self, ExportCommand.self, ServeForwarder.self, SiteCommand.self])

    /// Bad input exits with status 2 and one line on standard error; help exits 0.
    static func main() async { await CommandLineMain.run(BackpropCommand.self) }

    static func fail(_ message: String, code: Int32 = 2) -> Never { CommandLineMain.fail(message, code: code) }
}

/// Prints to standard output.
func say(_ s: String) { print(s) }
