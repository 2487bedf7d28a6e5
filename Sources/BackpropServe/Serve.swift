import ArgumentParser
import Foundation
import Hummingbird
import Backprop
import PlaygroundServer
import PlaygroundSessions
import BackpropCommandLine

@main
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop-serve",
        abstract: "Serve the playground page: live training in the browser, one session per tab.",
        discussion: """
        Binds 127.0.0.1 unless --host says otherwise; open the printed URL. Requests must name an \
        allowed host (loopback names, the bound address, --allow-host names), so a web page cannot \
        reach the server by DNS rebinding. Binding another address (e.g. 0.0.0.0 for a classroom \
        LAN) requires a token: a random one is printed in the URL unless --token gives one.
        """)

    @Option(help: "Address to bind (127.0.0.1: this machine only).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8080
    @Option(name: .customLong("max-sessions"), help: "Most browser tabs training at once.") var maxSessions = PageLimits().sessions
    @Option(name: .customLong("allow-host"), help: ArgumentHelp("Another host name the page may be opened under (repeatable), e.g. a LAN name.", valueName: "name"))
    var allowHost: [String] = []
    @Option(help: ArgumentHelp("The token every request must carry (default: none on loopback, a random one otherwise).", valueName: "token"))
    var token: String?
    @Option(help: ArgumentHelp("A folder of your own lessons (NAME.md, docs/lessons.md), listed first; one named as a shipped lesson replaces it.", valueName: "dir"))
    var lessons: String?

    /// After SIGTERM or SIGINT the server closes gracefully, but never takes longer than this,
    /// whatever a client does (a stalled socket held graceful shutdown forever).
    static let shutdownDeadline: Double = 1.5

    static func main() async { await CommandLineMain.run(Serve.self) }

    func run() async throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard (1...1024).contains(maxSessions) else { throw ValidationError("--max-sessions must be 1…1024") }
        if let token, token.count < 8 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            throw ValidationError("--token must be at least 8 letters, digits, '-', '_' or '.'")
        }
        let loopback = Access.isLoopback(host)
        let token = self.token ?? (loopback ? nil : Access.randomToken())
        if !loopback {
            FileHandle.standardError.write(Data("warning: serving on \(host), reachable from other machines; every request needs the token in the printed URL\n".utf8))
        }
        var pageLimits = PageLimits()
        pageLimits.sessions = maxSessions
        let access = Access(bind: host, port: port, allowHosts: allowHost, token: token)
        let shownHost = Serve.urlHost(host)
        let app = try PlaygroundServer.application(host: host, port: port, pageLimits: pageLimits, access: access, lessons: lessons) { bound in
            // Written straight to the file handle: print() would sit in a buffer when stdout is a pipe.
            let query = token.map { "?token=\($0)" } ?? ""
            FileHandle.standardOutput.write(Data("Backprop playground: http://\(shownHost):\(bound)/\(query)\n".utf8))
        }
        let deadline = ShutdownDeadline(seconds: Serve.shutdownDeadline)
        defer { deadline.cancel() }
        do {
            try await app.runService()
        } catch {
            let text = "\(error)"
            if text.contains("Address already in use") || text.contains("errno: 98") {
                throw BackpropError.invalidSetting("port \(port) on \(host) is already in use (another backprop serve?); choose another with --port, or --port 0 for any free one")
            }
            if text.contains("Cannot assign requested address") || text.contains("errno: 99") {
                throw BackpropError.invalidSetting("cannot bind \(quoted(host)): not an address of this machine")
            }
            throw BackpropError.invalidSetting("the server stopped: \(text.prefix(200))")
        }
    }

    /// The host as a URL shows it: the wildcard as this machine's loopback, IPv6 in brackets.
    static func urlHost(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "": return "127.0.0.1"
        case "::": return "[::1]"
        default: return host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }
}

/// Exits the process `seconds` after the first SIGTERM or SIGINT. Hummingbird's graceful
/// shutdown (which sees the same signals) closes connections; this makes sure it ends.
final class ShutdownDeadline: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    init(seconds: Double) {
        sources = [SIGTERM, SIGINT].map { sig in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                    FileHandle.standardError.write(Data("backprop serve: clients still open after \(seconds) s; exiting\n".utf8))
                    fflush(nil)
                    _exit(0)
                }
            }
            source.resume()
            return source
        }
    }
    func cancel() { for s in sources { s.cancel() } }
}
