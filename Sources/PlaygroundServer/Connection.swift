import Foundation
import HummingbirdWebSocket
import Logging
import Backprop
import PlaygroundSessions

/// One WebSocket: reads commands, answers each, and streams snapshots while playing.
///
/// Every piece of session work (a command, a training chunk, a snapshot and its JSON) runs on
/// the `TrainingPool`, never on the cooperative pool that serves HTTP. A write that the client
/// does not take within `writeTimeout` (a tab that stopped reading) ends the connection and
/// frees its session slot; more than `pageLimits.messagesPerSecond` commands in a second are
/// answered with an error and dropped.
struct Connection: Sendable {
    let live: LiveSession
    let limits: Limits
    let pageLimits: PageLimits
    let outbound: WebSocketOutboundWriter
    let logger: Logger
    let pool: TrainingPool
    /// What the session makes is sent in the order it was made (`SendOrder`).
    let order = SendOrder()

    /// How long one message may wait for a client that does not read.
    let writeTimeout: Duration

    init(limits: Limits, pageLimits: PageLimits, outbound: WebSocketOutboundWriter, logger: Logger, writeTimeout: Duration, pool: TrainingPool = .shared) {
        self.writeTimeout = writeTimeout
        self.live = LiveSession(limits: limits)
        live.pageLimits = pageLimits
        live.stepBudget = Connection.trainingBudget
        self.limits = limits
        self.pageLimits = pageLimits
        self.outbound = outbound
        self.logger = logger
        self.pool = pool
    }

    /// Runs `body` on the session, on a training thread.
    func onSession<R: Sendable>(_ body: @escaping @Sendable (LiveSession) throws -> R) async throws -> R {
        let live = self.live
        return try await pool.run { try live.locked(body) }
    }

    func send(error message: String) async throws { try await send(text: LiveSession.errorJSON(message)) }

    func send(text: String) async throws {
        let outbound = self.outbound, timeout = writeTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await outbound.write(.text(text)) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw StalledClient()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    struct StalledClient: Error {}

    /// What the client did wrong, from the WebSocket layer's error (whose type it keeps to
    /// itself; its description names the close code).
    static func words(forProtocolError error: any Error, limit: Int) -> String {
        let what = String(describing: error)
        if what.contains("messageTooLarge") { return "message refused: messages are limited to \(limit) bytes" }
        if what.contains("dataInconsistentWithMessage") { return "message refused: a text message must be UTF-8" }
        if what.contains("protocolError") { return "WebSocket protocol error (a fragment out of order, a reserved opcode or bit); closing" }
        return "the connection failed: \(quoted(what))"
    }

    /// 33 frames a second: the page redraws at this pace while training; at 20 a second "as fast
    /// as it goes" looks jerky.
    static let framePeriod: Duration = .milliseconds(30)
    /// Seconds of training per frame at "as fast as it goes": two thirds of the period, the
    /// rest for the snapshot, its JSON and the send.
    static let trainingBudget = 0.02

    func serve(_ inbound: WebSocketInboundStream) async throws {
        _ = try await onSession { try $0.configure([:]) }
        try await sendData()
        try await sendSnapshot()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await trainingLoop() }
            // "Run seeds" on every core: the session's frames train one seed, each helper another.
            for _ in 1..<max(pool.threads, 1) { group.addTask { try await seedHelper() } }
            group.addTask {
                var window = ContinuousClock.now, inWindow = 0
                do {
                    for try await message in inbound.messages(maxSize: pageLimits.messageBytes) {
                        if ContinuousClock.now - window > .seconds(1) { window = .now; inWindow = 0 }
                        inWindow += 1
                        if inWindow > pageLimits.messagesPerSecond {
                            if inWindow == pageLimits.messagesPerSecond + 1 {
                                try await send(error: "more than \(pageLimits.messagesPerSecond) messages in a second; the rest of this second's are dropped")
                            }
                            continue
                        }
                        guard case .text(let text) = message else {
                            try await send(error: "send JSON text messages, not binary")
                            continue
                        }
                        // A single frame is held only to the frame limit (twice this one).
                        guard text.utf8.count <= pageLimits.messageBytes else {
                            try await send(error: "message refused: messages are limited to \(pageLimits.messageBytes) bytes (this one has \(text.utf8.count))")
                            continue
                        }
                        try await handle(text)
                    }
                } catch is CancellationError {
                } catch is StalledClient {
                    throw StalledClient()
                } catch {
                    // The WebSocket layer ends the stream with the close code its error carries
                    // (1009, 1007, 1002): say which in words first, then let it close with that code.
                    try? await send(error: Connection.words(forProtocolError: error, limit: pageLimits.messageBytes))
                    throw error
                }
            }
            // Whichever ends first (the client left, or stopped reading) ends the other.
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// While playing or stepping: train a chunk, send a snapshot, one frame every `framePeriod`
    /// at most (a slow `speed` trains its few epochs in microseconds and must not flood the
    /// page); otherwise idle briefly.
    func trainingLoop() async throws {
        let clock = ContinuousClock()
        while !Task.isCancelled {
            if try await onSession({ $0.isTraining }) {
                let frame = clock.now
                try await onSession { _ = $0.trainFrame(budget: Connection.trainingBudget) }
                try await sendSnapshot()
                try await Task.sleep(until: frame + Connection.framePeriod, clock: clock)
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Takes the seeds the session's frames have not, and trains each on the pool a frame's
    /// budget at a time (so the other tabs' chunks take turns with it, as with play), outside the
    /// session's lock; its result goes back to the session, which the next snapshot shows.
    func seedHelper() async throws {
        while !Task.isCancelled {
            guard let task = try await onSession({ $0.takeSeedTask() }) else {
                try await Task.sleep(for: .milliseconds(20))
                continue
            }
            while try await !pool.run({ task.train(budget: Connection.trainingBudget) }) {}
            try await onSession { $0.finishSeedTask(task) }
            // The last seed may finish here, after the frames have stopped: the page hears it now.
            try await sendSnapshot()
        }
    }

    /// Makes messages on the session and sends them before anything else is made (`SendOrder`).
    func sendInOrder(_ make: @escaping @Sendable (LiveSession) throws -> [String]) async throws {
        try await order.run { for text in try await onSession(make) { try await send(text: text) } }
    }

    func sendSnapshot() async throws { try await sendInOrder { $0.snapshotJSON().map { [$0] } ?? [] } }

    func sendData() async throws { try await sendInOrder { $0.dataJSON().map { [$0] } ?? [] } }

    /// One command, answered by the session (`LiveSession.respond`) on a training thread.
    func handle(_ text: String) async throws { try await sendInOrder { $0.respond(to: text) } }
}
