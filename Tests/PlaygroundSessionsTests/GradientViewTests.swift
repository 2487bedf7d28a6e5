import Foundation
import Testing
import Backprop
import Playground
@testable import PlaygroundSessions

/// The page's gradient view and chain-rule panel: their numbers multiply out, agree with the
/// engine's gradient and a finite difference, and say why a dead ReLU's gradient is 0.
@Suite struct GradientViewTests {
    func session(_ settings: [String: String]) throws -> LiveSession {
        let live = LiveSession(limits: .playground)
        live.resolution = (output: 8, neuron: 4)
        #expect(try live.configure(settings).isEmpty)
        _ = live.respond(to: #"{"type":"step","value":20}"#)
        return live
    }

    func explain(_ live: LiveSession, _ l: Int, _ to: Int, _ from: Int, sample: Int? = nil) throws -> Explanation {
        try live.locked { try $0.explain(layer: l, to: to, from: from, sample: sample) }
    }

    func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool { abs(a - b) <= tolerance * max(1e-6, abs(a), abs(b)) }

    @Test func aHiddenWeightsChainRuleMultipliesOut() throws {
        let live = try session(["dataset": "spiral", "layers": "5,4", "activation": "tanh"])
        let e = try explain(live, 1, 2, 3, sample: 17)
        #expect(e.sample == 17 && e.samplePoint.count == 3)
        #expect(e.product == e.delta * e.input)
        let sum = try #require(e.sum), derivative = try #require(e.derivative), terms = try #require(e.downstream)
        #expect(close(e.delta, sum * derivative, 1e-12))
        #expect(close(sum, terms.reduce(0) { $0 + $1[0] * $1[1] }, 1e-12))
        #expect(close(derivative, 1 - e.output * e.output, 1e-12), "tanh' = 1 − tanh²")
        #expect(close(e.gradient, e.meanOfProducts, 1e-12))
        #expect(close(e.gradient, e.finiteDifference, 1e-5), "\(e.gradient) vs \(e.finiteDifference)")
        #expect(e.batchSize == 10)
    }

    @Test(arguments: ["sigmoid", "tanh"])
    func theOutputsDeltaIsTheSheets(head: String) throws {
        let live = try session(["head": head])
        let e = try explain(live, 2, 0, 1)
        let y = try #require(e.target)
        let expected = head == "tanh" ? (e.output - y) * (1 - e.output * e.output) : e.output - y
        #expect(close(e.delta, expected, 1e-12))
        #expect(e.formula == (head == "tanh" ? "δ = (ŷ − y)(1 − ŷ²)" : "δ = ŷ − y"))
        let bias = try explain(live, 2, 0, -1)
        #expect(bias.input == 1 && close(bias.gradient, bias.finiteDifference, 1e-5))
    }

    @Test func aDeadReLUSaysWhyItsGradientIsZero() throws {
        let live = try session(["activation": "relu", "layers": "4,2"])
        _ = live.respond(to: #"{"type":"setBias","layer":0,"neuron":2,"value":-100}"#)
        let e = try explain(live, 0, 2, 0)
        #expect(e.delta == 0 && e.gradient == 0 && e.product == 0)
        #expect(e.note?.contains("exactly 0") == true)
        let snap = try #require(live.snapshot())
        #expect(snap.neuronDeltas[0][2] == 0)
        #expect(snap.deadFraction[0] >= 0.25)
    }

    @Test func theGradientViewSendsGradientsShapedLikeTheWeights() throws {
        let live = try session(["layers": "3"])
        #expect(try #require(live.snapshot()).gradients == nil)
        _ = live.respond(to: #"{"type":"set","key":"view","value":"gradients"}"#)
        let s = try #require(live.snapshot())
        let g = try #require(s.gradients)
        #expect(g.map { $0.map(\.count) } == s.weights.map { $0.map(\.count) })
        #expect(s.gradientNorms.count == 2 && s.gradientNorms.allSatisfy { $0 > 0 })
        #expect(s.neuronDeltas.map(\.count) == [3, 1])
        #expect(s.batchRows.count == 10)
        let bad = live.respond(to: #"{"type":"explain","layer":5,"to":0,"from":0}"#)
        #expect(bad.first?.contains("there is no weight") == true)
    }
}
