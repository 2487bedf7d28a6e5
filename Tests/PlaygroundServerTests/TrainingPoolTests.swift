import Testing
@testable import PlaygroundServer

/// The pool that runs every tab's session work.
struct TrainingPoolTests {
    final class Held: Sendable {}

    /// A job's closure holds its tab's session; once the job has run, the pool must not keep it
    /// (it kept the last 1,024 jobs, so closed tabs' sessions stayed in memory).
    @Test func aJobThatHasRunIsNotKept() async throws {
        let pool = TrainingPool(threads: 1)
        weak var gone: Held?
        do {
            let held = Held()
            gone = held
            try await pool.run { _ = held }
        }
        // The pool thread drops the closure after resuming us: give it a moment.
        for _ in 0..<100 where gone != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(gone == nil, "the pool still holds a job that has run, and what it captured")
    }
}
