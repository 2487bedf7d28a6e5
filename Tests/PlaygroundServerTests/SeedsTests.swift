import Foundation
import Testing
import Backprop
import Playground
@testable import PlaygroundSessions

/// "Run seeds" in the page measures what `backprop sweep --seeds N --first-seed S` measures:
/// the same runs, the same verdicts, the same test losses to the bit.
@Suite struct SeedsTests {
    func trainAll(_ live: LiveSession) {
        for _ in 0..<100_000 where live.isTraining { _ = live.trainFrame(budget: 0.05) }
    }

    @Test func thePagesSeedsAreTheSweeps() throws {
        let live = LiveSession(limits: .playground)
        _ = try live.configure(["dataset": "xor", "layers": "4,3", "activation": "relu", "lr": "0.03", "batch-size": "10",
                                "epochs": "100", "stop-when": "test-accuracy>=0.9", "seed": "3"])
        _ = live.respond(to: #"{"type":"seeds","count":4}"#)
        #expect(live.isTraining)
        trainAll(live)
        let job = try #require(live.seedJob)
        #expect(job.done)
        let base = try #require(live.session).experiment
        let sweep = try Sweep(base: base, axes: [], seeds: 4, firstSeed: 3, criterion: Criterion(parsing: "test-accuracy>=0.9")).run(threads: 2)
        #expect(job.results.map(\.seed) == [3, 4, 5, 6])
        #expect(job.results.map { $0.verdict?.testLoss } == sweep.runs.map(\.testLoss))
        #expect(job.results.map { $0.verdict?.success } == sweep.runs.map(\.success))
        #expect(sweep.runs.contains(where: \.success) && sweep.runs.contains(where: { !$0.success }), "a setup that sometimes succeeds")
        // The snapshot carries them once, with the command that measures the same.
        let snap = try #require(live.snapshot())
        let seeds = try #require(snap.seeds?.text)
        #expect(seeds.contains("--seeds 4 --first-seed 3 --criterion 'test-accuracy>=0.9'"), "\(seeds)")
        #expect(try #require(live.snapshot()).seeds == nil)
    }

    @Test func seedsNeedAStopEpochAndABoundedCount() throws {
        let live = LiveSession(limits: .playground)
        _ = try live.configure(["dataset": "xor"])
        let never = live.respond(to: #"{"type":"seeds","count":5}"#).joined()
        #expect(never.contains("set a stop epoch first") && !live.isTraining)
        _ = try live.configure(["dataset": "xor", "epochs": "50"])
        #expect(live.respond(to: #"{"type":"seeds","count":500}"#).joined().contains("2…20"))
        _ = live.respond(to: #"{"type":"seeds","count":3}"#)
        #expect(live.isTraining)
        _ = live.respond(to: #"{"type":"seeds","count":0}"#)
        #expect(!live.isTraining && live.seedJob == nil)
    }
}
