import Backprop
import Playground

/// A lesson step's check on the live numbers: comparisons joined by `and`, e.g.
/// `epoch>=2000 and test-accuracy>=0.95`. It extends the stop-when syntax (`test-loss<0.1` is
/// a check) with what a lesson asks about the network and the seeds run in the page:
///
/// | name | value |
/// |---|---|
/// | `test-loss`, `train-loss` | the losses now |
/// | `test-accuracy`, `train-accuracy` | accuracy (classification) |
/// | `r2` | the test R² (regression) |
/// | `epoch` | epochs trained |
/// | `learning-rate` | the rate the next epoch trains with |
/// | `max-weight`, `mean-weight` | the largest and the mean \|w\| over all weights (not biases) |
/// | `zero-weights`, `zero-fraction` | how many weights are exactly 0, and that as a share of all |
/// | `seeds-run` | seeds finished by "run seeds" for the setup shown |
/// | `seed-success` | the share of them that met their criterion (0…1) |
/// | `by-hand` | backprop-by-hand exercises solved (every term right) since this check was set |
/// | `w(L,j,i)` | the weight into layer L's neuron j from neuron i of the layer before (or input i), numbered from 1 as the page names them |
/// | `b(L,j)` | the bias of layer L's neuron j |
///
/// Unlike the stop condition, `<` and `<=` differ here (an exact zero weight is `w(…)<=0`).
/// A name without a value now (accuracy in regression, seeds not yet run) fails its term,
/// and the page says why.
public struct LessonCheck: Equatable, Sendable {
    public enum Quantity: Equatable, Sendable {
        case testLoss, trainLoss, testAccuracy, trainAccuracy, r2, epoch, learningRate
        case maxWeight, meanWeight, zeroWeights, zeroFraction, seedsRun, seedSuccess, byHand
        /// Layer (1: the first hidden layer's weights), to, from — all from 1.
        case weight(Int, Int, Int)
        case bias(Int, Int)

        static let named: [(String, Quantity)] = [
            ("test-loss", .testLoss), ("train-loss", .trainLoss), ("test-accuracy", .testAccuracy),
            ("train-accuracy", .trainAccuracy), ("r2", .r2), ("epoch", .epoch), ("learning-rate", .learningRate),
            ("max-weight", .maxWeight), ("mean-weight", .meanWeight), ("zero-weights", .zeroWeights),
            ("zero-fraction", .zeroFraction), ("seeds-run", .seedsRun), ("seed-success", .seedSuccess), ("by-hand", .byHand),
        ]
        static var names: String { (named.map { $0.0 } + ["w(L,j,i)", "b(L,j)"]).joined(separator: ", ") }
    }
    public enum Comparison: String, Equatable, Sendable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        func holds(_ v: Double, _ t: Double) -> Bool {
            switch self {
            case .less: v < t
            case .lessOrEqual: v <= t
            case .greater: v > t
            case .greaterOrEqual: v >= t
            }
        }
    }
    public struct Term: Equatable, Sendable {
        public var text: String
        public var quantity: Quantity
        public var comparison: Comparison
        public var threshold: Double
    }
    public var terms: [Term]
    public var text: String { terms.map { $0.text }.joined(separator: " and ") }

    /// Parses `a<1 and b>=2`; each fault is said with the term it is in.
    public init(parsing source: String) throws(BackpropError) {
        let words = source.split(separator: " ", omittingEmptySubsequences: false)
        var parts: [String] = [], current = ""
        for w in words {
            if w == "and" { parts.append(current); current = "" } else { current += w }
        }
        parts.append(current)
        guard parts.count <= 16 else { throw .invalidSetting("check: at most 16 terms, got \(parts.count)") }
        var terms: [Term] = []
        for part in parts {
            guard !part.isEmpty else { throw .invalidSetting("check \(quoted(source, limit: 60)): an empty term (\"and\" at an end, or twice)") }
            terms.append(try LessonCheck.term(part))
        }
        self.terms = terms
    }

    static func term(_ s: String) throws(BackpropError) -> Term {
        guard let opStart = s.firstIndex(where: { $0 == "<" || $0 == ">" }) else {
            throw .invalidSetting("check term \(quoted(s, limit: 40)) needs <, <=, > or >=, e.g. test-loss<0.1")
        }
        var opEnd = s.index(after: opStart)
        if opEnd < s.endIndex, s[opEnd] == "=" { opEnd = s.index(after: opEnd) }
        let name = String(s[..<opStart]), number = String(s[opEnd...])
        // "=>", "!<", "<>": a comparison the check does not have, said as such.
        guard let comparison = Comparison(rawValue: String(s[opStart..<opEnd])),
              !(name.last.map { "=!".contains($0) } ?? false), !(number.first.map { "<>=".contains($0) } ?? false) else {
            throw .invalidSetting("check term \(quoted(s, limit: 40)): unknown comparison; use <, <=, > or >=")
        }
        guard let threshold = Double(number), threshold.isFinite else {
            throw .invalidSetting("check term \(quoted(s, limit: 40)): \(quoted(number, limit: 20)) is not a number")
        }
        return Term(text: "\(name)\(comparison.rawValue)\(number)", quantity: try quantity(name), comparison: comparison, threshold: threshold)
    }

    static func quantity(_ name: String) throws(BackpropError) -> Quantity {
        if let q = Quantity.named.first(where: { $0.0 == name }) { return q.1 }
        for (prefix, arity) in [("w(", 3), ("b(", 2)] where name.hasPrefix(prefix) && name.hasSuffix(")") {
            let inside = name.dropFirst(2).dropLast()
            let numbers = inside.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard numbers.count == arity, numbers.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 1024 }) else {
                throw .invalidSetting("check: \(quoted(name, limit: 30)) needs \(arity) numbers from 1, e.g. \(arity == 3 ? "w(1,2,1)" : "b(1,2)")")
            }
            let n = numbers.map { $0 ?? 1 }
            return arity == 3 ? .weight(n[0], n[1], n[2]) : .bias(n[0], n[1])
        }
        throw .invalidSetting("check: unknown quantity \(quoted(name, limit: 30)); known: \(Quantity.names)")
    }

    /// Each term's value now (nil: none, with the reason) and whether it holds.
    public struct Outcome: Equatable {
        public var term: Term
        public var value: Double?
        public var missing: String?
        public var holds: Bool
    }

    /// The terms judged by `value` (the quantity's value now, or the reason it has none).
    public func evaluate(_ value: (Quantity) -> Result<Double, BackpropError>) -> [Outcome] {
        terms.map { t in
            switch value(t.quantity) {
            case .success(let v): return Outcome(term: t, value: v, missing: nil, holds: v.isFinite && t.comparison.holds(v, t.threshold))
            case .failure(let e): return Outcome(term: t, value: nil, missing: e.message, holds: false)
            }
        }
    }
}
