import Foundation
import Synchronization

/// The threads that train, apart from Swift's cooperative pool.
///
/// Training chunks (tens of milliseconds each) and snapshots used to run on the cooperative
/// pool, which on a 2-core laptop has two threads: with 32 tabs playing, `GET /` waited 1.4 s
/// for a free thread. Here every piece of session work runs on `threads` dedicated threads
/// (one per core) taken in FIFO order — each session has at most one training chunk queued,
/// so the tabs take turns — at a lower scheduling priority (nice 10), so the event loops and
/// the cooperative pool that serve HTTP get a core as soon as they have work.
final class TrainingPool: Sendable {
    private struct State: ~Copyable {
        /// Waiting jobs from `head` on. A job taken is set to nil at once: its closure holds its
        /// tab's `LiveSession`, and a closed tab's session must go with the tab, not stay
        /// until the array is next compacted.
        var jobs: [(@Sendable () -> Void)?] = []
        var head = 0
        var stopped = false
    }
    private let state = Mutex(State())
    private let available = Condition()
    let threads: Int

    /// The pool every server in this process shares (sized to the machine's cores).
    static let shared = TrainingPool(threads: ProcessInfo.processInfo.activeProcessorCount)

    init(threads: Int) {
        self.threads = max(1, threads)
        for i in 0..<self.threads {
            let t = Thread { [self] in self.work() }
            t.name = "backprop-training-\(i)"
            t.start()
        }
    }

    /// Runs `body` on a training thread and returns its result to the caller's task.
    func run<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<R, any Error>) in
            enqueue { c.resume(with: Result { try body() }) }
        }
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        state.withLock { $0.jobs.append(job) }
        available.signal()
    }

    private func work() {
        #if os(Linux)
        // Linux keeps the nice value per thread and `who == 0` is the calling thread, so only
        // the training threads yield to HTTP (setpriority(2), "BUGS").
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
        while true {
            let job: (@Sendable () -> Void)? = state.withLock { s in
                guard s.head < s.jobs.count else { return nil }
                let j = s.jobs[s.head]
                s.jobs[s.head] = nil
                s.head += 1
                if s.head > 1024 && s.head * 2 > s.jobs.count { s.jobs.removeFirst(s.head); s.head = 0 }
                return j
            }
            if let job { job() } else { available.wait { state.withLock { $0.head < $0.jobs.count } } }
        }
    }

    /// Jobs waiting (for the load script's report and tests).
    var queued: Int { state.withLock { $0.jobs.count - $0.head } }
}

/// A condition variable with a predicate, so a wake-up between the check and the wait is never lost.
final class Condition: @unchecked Sendable {
    private let condition = NSCondition()
    func signal() {
        condition.lock()
        condition.signal()
        condition.unlock()
    }
    func wait(until ready: () -> Bool) {
        condition.lock()
        while !ready() { condition.wait() }
        condition.unlock()
    }
}
