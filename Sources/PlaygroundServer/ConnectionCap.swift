import Foundation
import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// How many connections the server holds at once, in all and from one address.
///
/// Without a cap, 400 half-open connections from one machine on the LAN (a `--host 0.0.0.0`
/// bind), before any token is checked, used every descriptor: accept failed with EMFILE in a
/// loop that spun a core, and the page was unreachable until the header deadline closed them.
/// The total stays below the process's descriptor limit (files, the listening socket and the
/// training threads need some), so accept never fails; one address gets a share, so one
/// client cannot take the rest. A connection over either cap is closed as soon as it is accepted.
public struct ConnectionCaps: Sendable {
    public var total: Int
    public var perAddress: Int

    /// Below the descriptor limit (less 64 for everything else), at most 1,024; 128 per address
    /// (32 training tabs of one browser take about 40).
    public init(total: Int = ConnectionCaps.descriptorBound, perAddress: Int = 128) {
        self.total = total
        self.perAddress = perAddress
    }

    public static var descriptorBound: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 256 }
        let soft = Int(clamping: limit.rlim_cur)   // RLIM_INFINITY is the largest value: clamped, then capped below
        return max(8, min(1024, soft - 64))
    }
}

/// The connections held now, counted per address.
final class ConnectionCounter: Sendable {
    let caps: ConnectionCaps
    private let held = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    init(_ caps: ConnectionCaps) { self.caps = caps }

    /// Counts a new connection from `address`, or returns false (and counts nothing) over a cap.
    func admit(_ address: String) -> Bool {
        held.withLock { h in
            let mine = h.byAddress[address, default: 0]
            guard h.total < caps.total, mine < caps.perAddress else { return false }
            h.total += 1
            h.byAddress[address] = mine + 1
            return true
        }
    }

    func release(_ address: String) {
        held.withLock { h in
            h.total -= 1
            let mine = h.byAddress[address, default: 1] - 1
            h.byAddress[address] = mine > 0 ? mine : nil
        }
    }
}

/// A server child channel that admits a connection only within the caps.
struct WithConnectionCap<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let counter: ConnectionCounter

    struct OverCap: Error {}

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = channel.remoteAddress?.ipAddress ?? "?"
        guard counter.admit(address) else {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(OverCap())
        }
        let counter = self.counter
        channel.closeFuture.whenComplete { _ in counter.release(address) }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async { await base.handle(value: value, logger: logger) }
}
