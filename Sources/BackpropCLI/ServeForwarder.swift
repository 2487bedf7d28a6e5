import ArgumentParser
import Foundation
import Backprop

/// `backprop serve …` runs `backprop-serve …`, the server's own executable beside this one: the
/// server's libraries (Hummingbird, NIO) are most of a clean build, and `backprop train` needs
/// none of them, so `backprop` builds without them.
struct ServeForwarder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the playground page, training on this machine (runs backprop-serve with the same options).",
        discussion: "backprop serve --help lists the options. The page without a server: backprop site DIR.")

    @Argument(parsing: .captureForPassthrough, help: "backprop-serve's options.") var arguments: [String] = []

    func run() throws { try Forward.exec("backprop-serve", arguments) }
}

/// Runs one of Backprop's other executables, built beside this one, in this process's place.
enum Forward {
    static func exec(_ name: String, _ arguments: [String]) throws -> Never {
        let me = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0]).resolvingSymlinksInPath()
        let path = me.deletingLastPathComponent().appendingPathComponent(name).path
        guard FileAccess.kind(path) == .regular else {
            throw BackpropError.invalidSetting("\(name) is not built beside \(me.path); build it with: swift build -c release --product \(name)")
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        throw BackpropError.invalidSetting("cannot run \(quoted(path)): \(FileAccess.errnoWords)")
    }
}
