import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization
import Backprop
import Plots

/// `backprop serve`: the page, and one training session per tab over a WebSocket.
///
/// The page (HTML, CSS, JavaScript) ships as package resources; nothing is
/// fetched from the network. Each WebSocket connection owns one `LiveSession`;
/// training runs in its own task, in chunks, and streams snapshots; when the
/// tab closes, the socket closes and the session ends. The upgrade is refused
/// when the Origin header names another host than the one the page came from.
public enum PlaygroundServer {
    /// Builds the application; `run` serves until the process is stopped.
    public static func application(host: String = "127.0.0.1", port: Int = 8080, limits: Limits = Limits(),
                                   logger: Logger = Logger(label: "backprop.serve")) throws -> some ApplicationProtocol {
        let page = try Page()
        let router = Router()
        router.get("/") { _, _ in page.response("index.html") }
        router.get("/index.html") { _, _ in page.response("index.html") }
        router.get("/app.js") { _, _ in page.response("app.js") }
        router.get("/style.css") { _, _ in page.response("style.css") }
        router.get("/palette.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: paletteJSON)))
        }
        router.get("/thumbnail/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let png = Thumbnails.png(String(name.prefix { $0 != "." })) else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "no data set \(name)")))
            }
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }
        router.get("/ws") { _, _ in
            Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: "WebSocket upgrade refused: the page must be served by this server (Origin check)")))
        }
        let sessions = Atomic<Int>(0)
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: .init(ws: .init(maxFrameSize: limits.messageBytes))) { request, _, logger in
                guard request.path == "/ws", originAllowed(request) else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    let count = sessions.add(1, ordering: .relaxed).newValue
                    defer { sessions.subtract(1, ordering: .relaxed) }
                    if count > limits.sessions {
                        try await outbound.write(.text(json(ErrorMessage(message: "too many sessions (\(limits.sessions)) on this server; close another playground tab and reload"))))
                        return
                    }
                    try await Connection(limits: limits, outbound: outbound, logger: logger).serve(inbound)
                }
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "backprop"),
            logger: logger
        )
        return app
    }

    /// Accepts an upgrade without an Origin (non-browser clients), or whose Origin
    /// names the host and port the request was sent to. Browsers send `http(s)://`
    /// origins with the port; for them host and port must match, so another page
    /// (another site, or another server on this machine) cannot drive a session.
    /// Non-browser clients (`ws://` origins, as swift-websocket's client sends
    /// without a port) need only the host to match: they could send any header anyway.
    static func originAllowed(_ request: HTTPRequest) -> Bool {
        guard let origin = request.headerFields[.origin] else { return true }
        guard let authority = request.authority?.lowercased(), let url = URL(string: origin.lowercased()),
              let originHost = url.host, let scheme = url.scheme else { return false }
        let requestHost = authority.split(separator: ":").first.map(String.init) ?? authority
        switch scheme {
        case "http", "https":
            let port = url.port ?? (scheme == "https" ? 443 : 80)
            let requestPort = authority.contains(":") ? Int(authority.split(separator: ":").last ?? "") : 80
            return originHost == requestHost && port == requestPort
        default:
            return originHost == requestHost
        }
    }

    static let paletteJSON: String = {
        let p: [String: Any] = [
            "negative": Palette.negative.hex, "neutral": Palette.neutral.hex, "positive": Palette.positive.hex,
            "classes": Palette.classes.map(\.hex),
        ]
        return (try? JSONSerialization.data(withJSONObject: p, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }()
}

/// The page's files, read once from the package resources.
struct Page: Sendable {
    let files: [String: (mime: String, body: String)]

    init() throws {
        var files: [String: (String, String)] = [:]
        for (name, mime) in [("index.html", "text/html; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"), ("style.css", "text/css; charset=utf-8")] {
            let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
            guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Page")
                ?? Bundle.module.url(forResource: base, withExtension: ext) else {
                throw BackpropError.invalidSetting("the page's \(name) is missing from the package resources")
            }
            files[name] = (mime, try String(contentsOf: url, encoding: .utf8))
        }
        self.files = files
    }

    func response(_ name: String) -> Response {
        guard let f = files[name] else { return Response(status: .notFound) }
        return Response(status: .ok, headers: [.contentType: f.mime, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: f.body)))
    }
}
