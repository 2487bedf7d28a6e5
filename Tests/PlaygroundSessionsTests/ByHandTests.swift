import Foundation
import Testing
import Backprop
import Playground
@testable import PlaygroundSessions

/// Backprop by hand: the student's δ, ∂L/∂w and step, worked out from the numbers the panel
/// shows (rounded as it shows them), are accepted; a wrong one is refused naming its term.
@Suite struct ByHandTests {
    func object(_ text: String) throws -> JSON { try JSON.parse(text) }

    /// The sheet's arithmetic for the weight from neuron `i` of layer 1 into neuron `j` of layer
    /// 2 (a tanh hidden layer under a tanh output with squared error), from the panel's numbers.
    func byHandAnswers(_ e: JSON, slope: Bool = true) throws -> [String: String] {
        func n(_ k: String) throws -> Double { try #require(e[k]?.number) }
        func r(_ v: Double) -> String { String(format: "%.4f", v) }   // as the panel shows numbers
        let yhat = try #require(e["outputs"]?.array { $0.number }?.first), y = try n("targetRow")
        let outputDelta = (yhat - y) * (slope ? 1 - yhat * yhat : 1)
        let w = try #require(e["downstream"]?.array { $0.array { $0.number } }?.first?.first)
        let aj = try n("output")                              // this unit's tanh(z̃)
        let delta = w * outputDelta * (1 - aj * aj)
        let gradient = delta * (try n("input"))
        return ["outputDelta": r(outputDelta), "delta": r(delta), "gradient": r(gradient), "weight": r(try n("value") - (try n("rate")) * gradient)]
    }

    @Test func theSheetsArithmeticIsAcceptedAndAWrongTermIsNamed() throws {
        let live = LiveSession(limits: .playground)
        _ = try live.configure(["dataset": "xor", "layers": "3", "activation": "tanh", "head": "tanh", "lr": "0.03", "seed": "2"])
        _ = live.respond(to: #"{"type":"step","value":20}"#)
        let explanation = try #require(live.respond(to: #"{"type":"explain","layer":0,"to":1,"from":0,"sample":7}"#).first { $0.contains("\"explanation\"") })
        let e = try object(explanation)
        var answers = try byHandAnswers(e)
        func ask(_ a: [String: String]) throws -> JSON {
            let fields = a.keys.sorted().map { "\"\($0)\":\"\(a[$0] ?? "")\"" }.joined(separator: ",")
            let reply = live.respond(to: #"{"type":"byHand","layer":0,"to":1,"from":0,"sample":7,"answers":{"# + fields + "}}")
            return try object(try #require(reply.first { $0.contains("\"byHand\"") }, "\(reply)"))
        }
        let right = try ask(answers)
        #expect(right["firstWrong"]?.string == nil, "\(right.text)")
        #expect(right["terms"]?.array { $0["verdict"]?.string } == ["right", "right", "right", "right"], "\(right.text)")
        #expect(right["solved"]?.int == 1)
        // The sheet's δ = ŷ − y without the tanh output's slope: the first term is named, with where to look.
        let noSlope = try ask(try byHandAnswers(e, slope: false))
        let said = try #require(noSlope["firstWrong"]?.string)
        #expect(said.hasPrefix("δ at the output differs from the engine's") && said.contains("(ŷ − y)(1 − ŷ²)"), "\(said)")
        #expect(!noSlope.text.contains("\"expected\":\(try #require(e["delta"]?.number))"), "a wrong answer is not given away")
        // A right output δ and a wrong unit δ: the unit's is the first to differ.
        answers["delta"] = "0.5"
        let wrongDelta = try #require(try ask(answers)["firstWrong"]?.string)
        #expect(wrongDelta.hasPrefix("δ of the weight's unit differs"), "\(wrongDelta)")
        answers["delta"] = "abc"
        #expect(try ask(answers)["firstWrong"]?.string?.contains("\"abc\" is not a number") == true)
        answers["delta"] = nil
        #expect(try ask(answers)["firstWrong"]?.string == "δ of the weight's unit is missing")
        #expect(live.byHandSolved == 1)
        // A lesson step asks for one solved since its check was set: the count starts there.
        try live.setCheck("by-hand>=1")
        #expect(live.checkReply()?["passed"]?.bool == false)
        #expect(try ask(try byHandAnswers(e))["firstWrong"]?.string == nil)
        #expect(live.checkReply()?["passed"]?.bool == true)
    }

    @Test func theToleranceIsWhatFourDecimalsAllow() {
        #expect(LiveSession.closeEnough(0.1234, 0.12344))
        #expect(LiveSession.closeEnough(-0.0003, 0.0001))       // near zero: within 0.0005
        #expect(!LiveSession.closeEnough(0.0010, 0.0001))
        #expect(LiveSession.closeEnough(12.1, 12.0))             // 1 % of a large value
        #expect(!LiveSession.closeEnough(12.2, 12.0))
    }

    @Test func anOutputWeightAsksNoHiddenDelta() throws {
        let live = LiveSession(limits: .playground)
        _ = try live.configure(["dataset": "moons", "layers": "4", "head": "sigmoid"])
        let terms = try live.byHandTerms(layer: 1, to: 0, from: -1, sample: 0)
        #expect(terms.map(\.name) == ["outputDelta", "gradient", "weight"])
        #expect(terms[0].hint.contains("ŷ − y") && terms[1].label == "∂L/∂b for this point")
        #expect(throws: BackpropError.self) { try live.byHandTerms(layer: 2, to: 0, from: 0, sample: 0) }
        #expect(throws: BackpropError.self) { try live.byHandTerms(layer: 0, to: 0, from: 0, sample: 99_999) }
    }
}
