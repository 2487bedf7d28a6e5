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

    func run() throws {
        let me = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0]).resolvingSymlinksInPath()
        let server = me.deletingLastPathComponent().appendingPathComponent("backprop-serve").path
        guard FileAccess.kind(server) == .regular else {
            throw BackpropError.invalidSetting("backprop-serve is not built beside \(me.path); build it with: swift build -c release --product backprop-serve")
        }
        let argv = ([server] + arguments).map { strdup($0) } + [nil]
        execv(server, argv)
        throw BackpropError.invalidSetting("cannot run \(quoted(server)): \(FileAccess.errnoWords)")
    }
}
