import Backprop

/// When a run counts as a success: a metric compared with a threshold,
/// e.g. `test-loss<0.1` (the sheet's spiral) or `test-accuracy>=0.95`.
public struct Criterion: Equatable, Hashable, Sendable, CustomStringConvertible {
    public enum Metric: String, CaseIterable, Sendable {
        case testLoss = "test-loss", trainLoss = "train-loss"
        case testAccuracy = "test-accuracy", trainAccuracy = "train-accuracy"
    }
    public var metric: Metric
    public var lessThan: Bool
    public var threshold: Double

    public init(metric: Metric, lessThan: Bool, threshold: Double) {
        self.metric = metric; self.lessThan = lessThan; self.threshold = threshold
    }

    /// Parses `test-loss<0.1`, `test-accuracy>=0.95` (`<`/`<=` and `>`/`>=` mean the same here).
    public init(parsing text: String) throws(BackpropError) {
        let s = String(text.filter { $0 != " " })
        guard let opIndex = s.firstIndex(where: { $0 == "<" || $0 == ">" }) else {
            throw .invalidSetting("criterion \"\(text)\" needs < or >, e.g. test-loss<0.1")
        }
        guard let m = Metric(rawValue: String(s[..<opIndex])) else {
            throw .invalidSetting("criterion metric must be one of \(Metric.allCases.map { $0.rawValue }.joined(separator: ", "))")
        }
        var rest = s[s.index(after: opIndex)...]
        if rest.first == "=" { rest = rest.dropFirst() }
        guard let t = Double(rest) else { throw .invalidSetting("criterion threshold \"\(rest)\" is not a number") }
        self.init(metric: m, lessThan: s[opIndex] == "<", threshold: t)
    }

    public var description: String { "\(metric.rawValue)\(lessThan ? "<" : ">=")\(threshold)" }

    public func isMet(by p: HistoryPoint) -> Bool {
        let v: Double? = switch metric {
        case .testLoss: p.testLoss
        case .trainLoss: p.trainLoss
        case .testAccuracy: p.testAccuracy
        case .trainAccuracy: p.trainAccuracy
        }
        guard let v, v.isFinite else { return false }
        return lessThan ? v < threshold : v >= threshold
    }
}

#if !hasFeature(Embedded)
extension Criterion: Codable {}
extension Criterion.Metric: Codable {}
#endif
