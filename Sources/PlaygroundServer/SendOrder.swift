import Synchronization

/// One at a time, in the order they came: a connection's messages are made and sent under it.
///
/// Three tasks of a connection send what the session makes (the training loop's frames, the
/// seed helpers' last results, the replies to commands), and a snapshot carries only what
/// changed since the one before — new loss points, the seeds' results — while the page keeps
/// the newest snapshot by its number and drops one that arrives after it. Made under one
/// lock but sent outside it, a snapshot could be overtaken on the way and what it alone
/// carried was lost (a "run seeds" whose last results never showed). So a message is made and
/// sent before the next is made.
final class SendOrder: Sendable {
    private let state = Mutex<(busy: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func run<R: Sendable>(_ body: () async throws -> R) async throws -> R {
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.busy { s.waiting.append(turn); return false }
                s.busy = true
                return true
            }
            if now { turn.resume() }
        }
        defer {
            let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
                if s.waiting.isEmpty { s.busy = false; return nil }
                return s.waiting.removeFirst()
            }
            next?.resume()
        }
        return try await body()
    }
}
