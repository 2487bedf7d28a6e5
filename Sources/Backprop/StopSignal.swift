import Synchronization

/// A flag another thread (a signal handler's task, a server's session, a
/// sweep's scheduler) sets to ask a running training loop to stop after the
/// current step. Lock-free: the training loop reads it once per step.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func request() { flag.store(true, ordering: .relaxed) }
    public func clear() { flag.store(false, ordering: .relaxed) }
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
}
