import ArgumentParser
import Foundation
import Backprop

/// `backprop`: every experiment of the sheet by one command.
@main
struct BackpropCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop",
        abstract: "Train small neural networks on 2-D data and see what they learn.",
        discussion: "Run `backprop train` for the sheet's moons experiment; `backprop help train` lists every setting.",
        subcommands: [Train.self, SweepCommand.self, GradCheck.self, Explain.self, DataCommand.self, Eval.self, Predict.self, Serve.self, SiteCommand.self])

    /// Bad input exits with status 2 and one line on standard error; help exits 0.
    static func main() async {
        // A BACKPROP_KERNELS this CPU cannot honour is said once; training goes on with the best path.
        if let notice = KernelPath.notice { FileHandle.standardError.write(Data("warning: \(notice)\n".utf8)) }
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as BackpropError {
            fail("\(error)")
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as CommandFailure {
            fail(error.message, code: error.code)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            fail(message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)")
        }
    }

    static func fail(_ message: String, code: Int32 = 2) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(code)
    }
}

/// A failure with its own exit status (e.g. a gradient check over tolerance).
struct CommandFailure: Error {
    var message: String
    var code: Int32
}

/// Prints to standard output.
func say(_ s: String) { print(s) }
