import HummingbirdWebSocket
import NIOWebSocket

/// Refuses client data frames that are not masked (RFC 6455 §5.1: "a server MUST close the
/// connection upon receiving a frame that is not masked"), before any of them is read as a command.
///
/// Masking is what keeps a page's script from steering the bytes a proxy on the way sees; every
/// browser masks, so an unmasked frame comes from a tool that ignores the protocol, and its
/// messages are not executed. The WebSocket layer unmasks frames before the session sees them
/// and has no option for this, but it passes every data frame through its extensions first, with
/// the mask still attached: this is one, applied without negotiation.
///
/// It closes with 1002 (protocol error). The layer maps only its own errors to close codes, and
/// of those only NIO's frame-shape errors to 1002, so that is the error thrown; anything else
/// would close with 1011, "server error", which this is not. Control frames (ping, pong, close)
/// do not pass through extensions: an unmasked ping is answered, an unmasked close closes.
struct MaskedFramesOnly: WebSocketExtension {
    var name: String { "masked-frames-only" }

    func processReceivedFrame(_ frame: WebSocketFrame, context: WebSocketExtensionContext) async throws -> WebSocketFrame {
        guard frame.maskKey != nil else { throw NIOWebSocketError.fragmentedControlFrame }
        return frame
    }

    func processFrameToSend(_ frame: WebSocketFrame, context: WebSocketExtensionContext) async throws -> WebSocketFrame { frame }

    func shutdown() async {}
}
