import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization
import Backprop
import Plots
import PlaygroundSessions
import PlaygroundPage
import ONNXExport

/// `backprop serve`: the page, and one training session per tab over a WebSocket.
///
/// The page (HTML, CSS, JavaScript) ships as package resources; nothing is fetched from the
/// network and no client-named path is ever opened. Every request and upgrade passes `Access`
/// (Host allow-list, Origin, token). Each WebSocket connection owns one `LiveSession`, whose
/// work runs on the `TrainingPool`, in chunks, streaming snapshots; when the tab closes, the
/// socket closes and the session ends.
public enum PlaygroundServer {
    /// How long a client may keep the server waiting: a half-sent or idle HTTP request, and one
    /// WebSocket message the client does not read (a tab that stopped reading loses its slot).
    public struct Timeouts: Sendable {
        public var httpIdle: Duration = .seconds(10)
        public var write: Duration = .seconds(10)
        public init() {}
    }

    /// The downloads only the server offers: the model as ONNX (swift-protobuf is linked here,
    /// not into a tab's WebAssembly module).
    public static func registerDownloads() {
        LiveSession.modelWriters["onnx"] = LiveSession.ModelWriter(name: "model.onnx", mime: "application/octet-stream") { network, features throws(BackpropError) in
            try ONNXModel.bytes(network, features: features, double: false)
        }
    }

    /// Builds the application; `run` serves until the process is stopped. `onRunning` is called
    /// with the bound port once the socket listens (port 0 picks a free one). `lessons`: a folder
    /// of a teacher's own lessons beside the shipped ones (`LessonFiles.all`).
    public static func application(host: String = "127.0.0.1", port: Int = 8080, limits: Limits = .playground, pageLimits: PageLimits = PageLimits(),
                                   access: Access? = nil, lessons folder: String? = nil, timeouts: Timeouts = Timeouts(), caps: ConnectionCaps = ConnectionCaps(), logger: Logger = Logger(label: "backprop.serve"),
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let access = access ?? Access(bind: host, port: port)
        registerDownloads()
        let page = try Page()
        // The lessons are read and checked once, as the page is: a lesson that does not parse is
        // said at start (naming its file and line) rather than to the first student.
        let lessons = try LessonFiles.json(page: page, folder: folder)
        // HEAD answered as GET without the body (link checkers and `curl -I` ask this way).
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: AccessMiddleware(access: access))
        router.get("/") { _, _ in page.response("index.html") }
        router.get("/index.html") { _, _ in page.response("index.html") }
        router.get("/js/:name") { _, context in page.response("js/" + (context.parameters.get("name") ?? "")) }
        router.get("/style.css") { _, _ in page.response("style.css") }
        router.get("/palette.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: PageData.paletteJSON)))
        }
        router.get("/lessons.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: lessons)))
        }
        router.get("/api/settings") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: LiveSession.vocabularyJSON)))
        }
        router.get("/presets.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: PageData.presetsJSON)))
        }
        router.get("/thumbnail/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let png = Thumbnails.png(String(name.prefix { $0 != "." })) else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "no data set \(quoted(name))")))
            }
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }
        router.get("/ws") { _, _ in
            Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: "WebSocket upgrade refused: the page must be served by this server (Origin check)")))
        }
        let sessions = Atomic<Int>(0)
        // Frames up to twice the message limit reach `Connection`, which answers a message over
        // the limit with an error before closing; larger frames are closed at once (1009).
        // Text that is not UTF-8 closes the socket with 1007, as RFC 6455 §8.1 requires, and an
        // unmasked frame with 1002 (§5.1).
        let ws = WebSocketServerConfiguration(maxFrameSize: 2 * pageLimits.messageBytes, extensions: [.nonNegotiatedExtension { MaskedFramesOnly() }],
                                              autoPing: .enabled(timePeriod: .seconds(10)), closeTimeout: .seconds(2), validateUTF8: true)
        let shouldUpgrade: @Sendable (HTTPRequest, any Channel, Logger) throws -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> = { request, channel, logger in
            guard request.path?.split(separator: "?").first == "/ws", access.refusal(request, upgrade: true) == nil else { return .dontUpgrade }
            return .upgrade([:]) { inbound, outbound, _ in
                let count = sessions.add(1, ordering: .relaxed).newValue
                defer {
                    // The last tab closed: hand the sessions' freed memory back to the system,
                    // so an idle server is as small as a fresh one (glibc keeps it otherwise).
                    if sessions.subtract(1, ordering: .relaxed).newValue == 0 { releaseFreedMemory() }
                }
                let connection = Connection(limits: limits, pageLimits: pageLimits, outbound: outbound, logger: logger, writeTimeout: timeouts.write)
                if count > pageLimits.sessions {
                    try await connection.send(error: "too many sessions (\(pageLimits.sessions)) on this server; close another playground tab and reload")
                    return
                }
                do {
                    try await connection.serve(inbound)
                } catch is Connection.StalledClient {
                    // A tab that stopped reading would never take the close frame either: its
                    // queued snapshots would stay in memory and its descriptor open. Drop it.
                    try? await channel.close()
                }
            }
        }
        let counter = ConnectionCounter(caps)
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                WithConnectionCap(base: WithHeaderDeadline(base: HTTP1WebSocketUpgradeChannel(
                    responder: responder, configuration: .init(http1: .init(idleTimeout: TimeAmount(timeouts.httpIdle)), ws: ws), shouldUpgrade: shouldUpgrade),
                    timeout: TimeAmount(timeouts.httpIdle)), counter: counter)
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "backprop"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                access.bound.store(bound, ordering: .relaxed)
                await onRunning(bound)
            },
            logger: logger
        )
        return app
    }

    /// glibc's `malloc_trim(0)`, looked up at run time (the Swift Glibc module leaves out malloc.h).
    static func releaseFreedMemory() {
        #if os(Linux)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}

extension Page {
    func response(_ name: String) -> Response {
        guard let f = files[name] else { return Response(status: .notFound) }
        return Response(status: .ok, headers: [.contentType: f.mime, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: f.body)))
    }
}
