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

    /// Seeds trained on other threads (the server's pool, the browser's helper workers) while the
    /// session's frames train others end where the serial job ends: the same verdicts, the same
    /// test losses, the same maps.
    @Test func seedsTrainedElsewhereEndTheSame() throws {
        let settings = ["dataset": "xor", "layers": "4,3", "activation": "relu", "lr": "0.03", "batch-size": "10",
                        "epochs": "100", "stop-when": "test-accuracy>=0.9", "seed": "3"]
        let serial = LiveSession(limits: .playground)
        _ = try serial.configure(settings)
        _ = serial.respond(to: #"{"type":"seeds","count":6}"#)
        trainAll(serial)
        let parallel = LiveSession(limits: .playground)
        _ = try parallel.configure(settings)
        _ = parallel.respond(to: #"{"type":"seeds","count":6}"#)
        // Two helpers take tasks under the session's lock and train them outside it, while the
        // session's own frames train what is left.
        let helpers = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: helpers) {
                while let task = parallel.locked({ $0.takeSeedTask() }) {
                    while !task.train(budget: 0.005) {}
                    parallel.locked { $0.finishSeedTask(task) }
                }
            }
        }
        for _ in 0..<100_000 where parallel.locked({ $0.isTraining }) { _ = parallel.locked { $0.trainFrame(budget: 0.01) } }
        helpers.wait()
        let a = try #require(serial.seedJob), b = try #require(parallel.seedJob)
        #expect(b.done && b.results.map(\.seed) == [3, 4, 5, 6, 7, 8])
        #expect(a.results.map { $0.verdict } == b.results.map { $0.verdict })
        #expect(a.results.map(\.map) == b.results.map(\.map))
        // A result for a seed outside the job, or one already in, changes nothing.
        let late = SeedTask(job: b.id, a.base, seed: 99, criterion: a.criterion, region: a.region, resolution: a.resolution)
        while !late.train(budget: 1) {}
        parallel.finishSeedTask(late)
        #expect(parallel.seedJob?.results.count == 6)
        // A task of an earlier job, finished after a new one began with the same seeds, is not the new one's.
        _ = parallel.respond(to: #"{"type":"seeds","count":6}"#)
        let stale = SeedTask(job: b.id, a.base, seed: 3, criterion: a.criterion, region: a.region, resolution: a.resolution)
        while !stale.train(budget: 1) {}
        parallel.finishSeedTask(stale)
        #expect(parallel.seedJob?.results.isEmpty == true)
        // A task sent to another module instance as text comes back as the same result.
        let text = try #require(parallel.takeSeedTaskJSON())
        parallel.finishSeedTask(json: LiveSession.runSeedTask(text))
        #expect(parallel.seedJob?.results.map { $0.verdict } == [a.results[0].verdict])
        #expect(parallel.seedJob?.results.first?.map == a.results[0].map)
        // A helper that failed gives its seed back to the session.
        let next = try #require(parallel.takeSeedTaskJSON())
        #expect(parallel.seedJob?.pending.first == 5)
        parallel.finishSeedTask(json: LiveSession.runSeedTask(next.replacingOccurrences(of: "\"resolution\":24", with: "\"resolution\":\"x\"")))
        #expect(parallel.seedJob?.pending.first == 4)
    }
}
