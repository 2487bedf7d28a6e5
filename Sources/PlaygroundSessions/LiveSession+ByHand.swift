import Backprop
import Playground

/// Backprop by hand, the sheet's first half: for one training point and one weight (or bias),
/// the student works out δ at the output, δ of the weight's unit one layer down, ∂L/∂w for this
/// point and the weight after a gradient-descent step on it, and the session checks each
/// against the engine's trace of that point (`Network.trace`), in that order, naming the first
/// that differs. What counts as right is what a student can reach from the four-decimal
/// numbers the page shows: within 1 % of the engine's value, or 0.0005 of it near zero.
extension LiveSession {
    struct ByHandTerm {
        var name: String
        var label: String
        var expected: Double
        /// Where to look when it differs.
        var hint: String
    }

    /// The terms asked for this parameter and point, with the engine's values.
    func byHandTerms(layer l: Int, to j: Int, from i: Int, sample k: Int) throws(BackpropError) -> [ByHandTerm] {
        guard let session else { throw .invalidSetting("no session yet") }
        let sizes = session.architecture.sizes
        guard l >= 0, l < sizes.count - 1, j >= 0, j < sizes[l + 1], i >= -1, i < sizes[l] else {
            throw .invalidSetting("there is no weight from unit \(i) of layer \(l) to unit \(j)")
        }
        guard k >= 0, k < session.train.count else { throw .invalidSetting("sample \(k) is not one of the \(session.train.count) training points") }
        let t = try session.network.trace(session.train.subset([k]))
        let L = sizes.count - 2, head = session.architecture.head
        let a = i < 0 ? 1 : t.input(toLayer: l)[0, i]
        let w = i < 0 ? session.network.bias(l)[j] : session.network.weight(l)[j, i]
        let rate = session.experiment.training.learningRate.rate(epoch: session.epoch)
        let gradient = t.deltas[l][0, j] * a
        var terms: [ByHandTerm] = []
        // δ at the output: the link's own unit when it goes into the output, else the only output.
        if l == L || sizes[L + 1] == 1 {
            let unit = l == L ? j : 0
            terms.append(ByHandTerm(name: "outputDelta", label: "δ at the output", expected: t.deltas[L][0, unit],
                                    hint: "δ = \(head.deltaFormula) with this point's ŷ and y"))
        }
        if l < L {
            let activation = session.architecture.hidden[l].activation.rawValue
            terms.append(ByHandTerm(name: "delta", label: "δ of the weight's unit", expected: t.deltas[l][0, j],
                                    hint: "δ = (Σₖ wₖⱼ δₖ) · \(activation)'(z̃): the weights out of this unit times the δ above, times the slope"))
        }
        terms.append(ByHandTerm(name: "gradient", label: i < 0 ? "∂L/∂b for this point" : "∂L/∂w for this point", expected: gradient,
                                hint: i < 0 ? "∂L/∂b = δ · 1" : "∂L/∂w = δ · a, a being the input the weight multiplies"))
        terms.append(ByHandTerm(name: "weight", label: i < 0 ? "the bias after the step" : "the weight after the step", expected: w - rate * gradient,
                                hint: "w − η · ∂L/∂w with η = \(printfText("%g", rate))"))
        return terms
    }

    /// Whether `given` (the student's text) is `expected` within what the page's four decimals allow.
    static func closeEnough(_ given: Double, _ expected: Double) -> Bool {
        abs(given - expected) <= max(0.01 * abs(expected), 0.0005)
    }

    func byHand(layer l: Int, to j: Int, from i: Int, sample k: Int, answers: [String: String]) throws(BackpropError) -> JSON {
        let terms = try byHandTerms(layer: l, to: j, from: i, sample: k)
        var results: [JSON] = [], firstWrong: String?
        for t in terms {
            let text = trimmingSpaces(answers[t.name] ?? "")
            var f: [(key: String, value: JSON)] = [("name", JSON(t.name)), ("label", JSON(t.label)), ("given", JSON(text))]
            if text.isEmpty {
                f.append(("verdict", JSON("missing")))
                if firstWrong == nil { firstWrong = "\(t.label) is missing" }
            } else if let v = Double(text.replacingMinusSign()), v.isFinite {
                let ok = LiveSession.closeEnough(v, t.expected)
                f.append(("verdict", JSON(ok ? "right" : "wrong")))
                // The engine's value is shown once the student has it; a wrong one gets the hint, not the answer.
                if ok { f.append(("expected", JSON(t.expected))) } else { f.append(("hint", JSON(t.hint))) }
                if !ok && firstWrong == nil { firstWrong = "\(t.label) differs from the engine's: \(t.hint)" }
            } else {
                f.append(("verdict", JSON("not a number")))
                if firstWrong == nil { firstWrong = "\(t.label): \(quoted(text, limit: 20)) is not a number" }
            }
            results.append(.object(f))
        }
        if firstWrong == nil { byHandSolved += 1 }
        return .object([("type", JSON("byHand")), ("layer", JSON(l)), ("to", JSON(j)), ("from", JSON(i)), ("sample", JSON(k)),
                        ("terms", .array(results)), ("firstWrong", firstWrong.map { JSON($0) } ?? .null), ("solved", JSON(byHandSolved))])
    }
}

extension String {
    /// "−0.5" as typed or pasted from the page (U+2212) read as "-0.5".
    func replacingMinusSign() -> String { String(map { $0 == "−" ? "-" : $0 }) }
}
