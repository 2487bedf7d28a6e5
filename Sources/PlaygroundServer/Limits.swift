/// What one server accepts, so a page (or anyone on the machine) cannot
/// exhaust it. Every limit is answered with a message saying which it is.
public struct Limits: Sendable {
    public var sessions = 16
    public var hiddenLayers = 8
    public var neuronsPerLayer = 32
    public var points = 5000
    public var classes = 10
    public var messageBytes = 1 << 20
    public init() {}
}
