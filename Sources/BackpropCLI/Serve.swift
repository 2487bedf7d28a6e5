import ArgumentParser
import Foundation
import Hummingbird
import PlaygroundServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the playground page: live training in the browser, one session per tab.",
        discussion: "Binds 127.0.0.1 unless --host says otherwise. Open the printed URL.")

    @Option(help: "Address to bind (127.0.0.1: this machine only).") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(name: .customLong("max-sessions"), help: "Most browser tabs training at once.") var maxSessions = 16

    func run() async throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1…65535") }
        var limits = Limits()
        limits.sessions = max(1, maxSessions)
        let app = try PlaygroundServer.application(host: host, port: port, limits: limits)
        // Written straight to the file handle: print() would sit in a buffer when stdout is a pipe.
        FileHandle.standardOutput.write(Data("Backprop playground: http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)/\n".utf8))
        try await app.runService()
    }
}
