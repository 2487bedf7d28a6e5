import Backprop

/// What pages may ask of their sessions and of the machine that serves them, beside the sizes of
/// what they train (the engine's `Limits.playground`): how many tabs train at once, how large and
/// how frequent their messages are, and how much one "step" command may cost. The server holds
/// a tab to all of them; the browser build's session to the message size and the step.
public struct PageLimits: Sendable, Equatable {
    /// Browser tabs training at once.
    public var sessions = 16
    /// Bytes of one message (an uploaded CSV travels in one).
    public var messageBytes = 1 << 20
    /// Messages one tab may send per second (averaged over a second's burst).
    public var messagesPerSecond = 200
    /// Epochs one "step" command may ask for, and the work it may cost (epochs × training
    /// points × parameters, about 5 s on one core): a step runs to the end before the tab's next
    /// command, so it is bounded by what it costs, not only by its count. Play has no such
    /// bound; it trains in frames.
    public var stepEpochs = 10_000
    public var stepWork = Int(exactly: 5_000_000_000 as Int64) ?? Int.max   // Int.max where Int is 32 bits (WebAssembly)

    public init() {}
}
