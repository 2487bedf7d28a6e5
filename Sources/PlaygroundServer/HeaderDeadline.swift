import HummingbirdCore
import Logging
import NIOCore

/// Closes a connection whose first request head has not fully arrived within `timeout`.
///
/// With a WebSocket upgrader in the pipeline, Hummingbird adds its idle-timeout handler only
/// once the first head is parsed (the upgrader must see it first), so a client that sent
/// half a request line held its connection forever; 1,100 of them stayed open. This handler
/// sits in front of everything from the moment the connection is accepted, watches the raw
/// bytes for the blank line that ends the head, and passes everything through untouched once
/// it has seen it — from then on Hummingbird's idle timeout (HTTP) or the WebSocket ping
/// (upgrades) watch. (It stays in the pipeline: removing it while the upgrader rebuilds the
/// pipeline is a race not worth having for one branch per read.)
final class HeaderDeadlineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    /// The last bytes read, so that a "\r\n\r\n" split across reads is found.
    private var tail: [UInt8] = []
    private var headSeen = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { deadline?.cancel() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !headSeen {
            let bytes = tail + Array(unwrapInboundIn(data).readableBytesView)
            let end: [UInt8] = [13, 10, 13, 10]
            headSeen = bytes.count >= 4 && (0...(bytes.count - 4)).contains { bytes[$0..<($0 + 4)].elementsEqual(end) }
            tail = headSeen ? [] : Array(bytes.suffix(3))
            if headSeen { deadline?.cancel() }
        }
        context.fireChannelRead(data)
    }
}

/// A server child channel with a `HeaderDeadlineHandler` in front of its pipeline.
struct WithHeaderDeadline<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let timeout: TimeAmount

    /// The handler goes in first, before the HTTP decoder and the upgrader, so that it sees the
    /// very first bytes.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(HeaderDeadlineHandler(timeout: timeout), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async { await base.handle(value: value, logger: logger) }
}
