import ArgumentParser
import Foundation
import Backprop

/// How each of Backprop's executables (`backprop`, `backprop-serve`) runs its command: bad input
/// exits with status 2 and one line on standard error, help exits 0.
public enum CommandLineMain {
    public static func run<Root: ParsableCommand>(_ root: Root.Type) async -> Never {
        // A BACKPROP_KERNELS this CPU cannot honour is said once; training goes on with the best path.
        if let notice = KernelPath.notice { FileHandle.standardError.write(Data("warning: \(notice)\n".utf8)) }
        do {
            var command = try Root.parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let error as BackpropError {
            fail("\(error)")
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as CommandFailure {
            fail(error.message, code: error.code)
        } catch {
            if Root.exitCode(for: error) == .success { Root.exit(withError: error) }
            fail(Root.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)")
        }
    }

    public static func fail(_ message: String, code: Int32 = 2) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(code)
    }
}

/// A failure with its own exit status (e.g. a gradient check over tolerance).
public struct CommandFailure: Error {
    public var message: String
    public var code: Int32
    public init(message: String, code: Int32) { self.message = message; self.code = code }
}
