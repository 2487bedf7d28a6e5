
/// The learning rate as a function of the (0-based) epoch.
///
/// - constant: `initial`;
/// - piecewise: `initial`, then each `(epoch, rate)` from that epoch on (the
///   sheet's spiral: 0.003, then 0.001 from epoch 4000);
/// - exponential: `initial · decay^epoch`;
/// - cosine: from `initial` down to `final` over `epochs`, half a cosine wave,
///   then `final`.
public struct LearningRateSchedule: Equatable, Hashable, Sendable {
    public enum Kind: String, CaseIterable, Sendable { case constant, piecewise, exponential, cosine }
    public struct Change: Equatable, Hashable, Sendable {
        public var epoch: Int
        public var rate: Double
        public init(epoch: Int, rate: Double) { self.epoch = epoch; self.rate = rate }
    }

    public var kind: Kind
    public var initial: Double
    public var changes: [Change]
    public var decay: Double
    public var final: Double
    public var epochs: Int

    public init(kind: Kind, initial: Double, changes: [Change] = [], decay: Double = 1, final: Double = 0, epochs: Int = 0) {
        self.kind = kind
        self.initial = initial
        self.changes = changes.sorted { $0.epoch < $1.epoch }
        self.decay = decay
        self.final = final
        self.epochs = epochs
    }

    public static func constant(_ rate: Double) -> Self { Self(kind: .constant, initial: rate) }
    public static func piecewise(_ initial: Double, _ changes: [(epoch: Int, rate: Double)]) -> Self {
        Self(kind: .piecewise, initial: initial, changes: changes.map { Change(epoch: $0.epoch, rate: $0.rate) })
    }
    public static func exponential(_ initial: Double, decay: Double) -> Self { Self(kind: .exponential, initial: initial, decay: decay) }
    public static func cosine(_ initial: Double, final: Double = 0, epochs: Int) -> Self {
        Self(kind: .cosine, initial: initial, final: final, epochs: epochs)
    }


    public func rate(epoch: Int) -> Double {
        switch kind {
        case .constant: return initial
        case .piecewise: return changes.last { $0.epoch <= epoch }?.rate ?? initial
        case .exponential: return initial * cPow(decay, Double(epoch))
        case .cosine:
            guard epochs > 0, epoch < epochs else { return epochs > 0 ? final : initial }
            return final + (initial - final) * (1 + Double.cos(Double.pi * Double(epoch) / Double(epochs))) / 2
        }
    }

    /// Whether `other` gives this schedule's rate at every epoch before `epoch` (what a run has
    /// trained so far). Step schedules (constant, piecewise) are compared where either can change,
    /// so a run of any length costs as many checks as they have changes; a smooth one (exponential,
    /// cosine) epoch by epoch up to `scanned` epochs, past which only an equal schedule agrees —
    /// a bound for epoch counts a page can name (a restored epoch), not for what was trained.
    public func agrees(with other: Self, before epoch: Int, scanned: Int = 100_000) -> Bool {
        if self == other || epoch <= 0 { return true }
        func steps(_ k: Kind) -> Bool { k == .constant || k == .piecewise }
        if steps(kind) && steps(other.kind) {
            let breaks = [0] + (changes + other.changes).map { $0.epoch }.filter { $0 > 0 && $0 < epoch }
            return breaks.allSatisfy { rate(epoch: $0) == other.rate(epoch: $0) }
        }
        guard epoch <= scanned else { return false }
        return (0..<epoch).allSatisfy { rate(epoch: $0) == other.rate(epoch: $0) }
    }

    public func validate() throws(BackpropError) {
        let rates = [initial] + changes.map { $0.rate } + (kind == .cosine ? [final] : [])
        for r in rates where !(r.isFinite && r >= 0) {
            throw .invalidSetting("learning rates must be 0 or positive, got \(r)")
        }
        guard initial > 0 else { throw .invalidSetting("the learning rate must be positive, got \(initial)") }
        if kind == .exponential && !(decay > 0 && decay <= 1) {
            throw .invalidSetting("exponential decay must be in (0, 1], got \(decay)")
        }
        if kind == .cosine && epochs <= 0 { throw .invalidSetting("a cosine schedule needs a positive epoch count") }
    }
}

#if !hasFeature(Embedded)
// Read and written by Foundation's coders; the WebAssembly build (Embedded Swift) has none.
extension LearningRateSchedule: Codable {
    enum CodingKeys: String, CodingKey { case kind, initial, changes, decay, final, epochs }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .constant,
                  initial: try c.decode(Double.self, forKey: .initial),
                  changes: try c.decodeIfPresent([Change].self, forKey: .changes) ?? [],
                  decay: try c.decodeIfPresent(Double.self, forKey: .decay) ?? 1,
                  final: try c.decodeIfPresent(Double.self, forKey: .final) ?? 0,
                  epochs: try c.decodeIfPresent(Int.self, forKey: .epochs) ?? 0)
    }
}
extension LearningRateSchedule.Kind: Codable {}
extension LearningRateSchedule.Change: Codable {}
#endif
