import Foundation
import Testing
import Backprop
import Playground
import Datasets
@testable import PlaygroundSessions

/// The page as a teaching instrument, at the session: exact stops, the pace, links read
/// leniently, the playground's head, restoring after a reconnect, and failures said in words.
@Suite struct TeachingTests {
    func session(_ settings: [String: String]) throws -> LiveSession {
        let live = LiveSession(limits: .playground)
        live.resolution = (output: 8, neuron: 4)
        let dropped = try live.configure(settings)
        #expect(dropped.isEmpty, "\(dropped)")
        return live
    }

    /// Plays until training stops by itself (or `frames` run out).
    func play(_ live: LiveSession, frames: Int = 10_000) {
        _ = live.respond(to: #"{"type":"play"}"#)
        for _ in 0..<frames where live.playing { live.trainChunk() }
    }

    func snapshot(_ live: LiveSession) throws -> Snapshot { try #require(live.snapshot()) }

    @Test func playStopsExactlyAtTheStopEpochAndSaysSo() throws {
        let live = try session(["epochs": "137", "speed": "max"])
        play(live)
        let s = try snapshot(live)
        #expect(s.epoch == 137)
        #expect(s.state == "paused")
        #expect(s.stopped == "Stopped at epoch 137, the stop epoch.")
        // Play at the stop epoch is refused in words; raising it goes on.
        _ = live.respond(to: #"{"type":"play"}"#)
        #expect(!live.playing)
        #expect(try snapshot(live).stopped?.contains("raise it") == true)
        _ = live.respond(to: #"{"type":"set","key":"epochs","value":"150"}"#)
        play(live)
        #expect(try snapshot(live).epoch == 150)
    }

    /// Before training, "copy as command" and the experiment download say the stop epoch (what
    /// play would train), not 1 or 0 epochs; after some training, the epochs trained.
    @Test func theCommandAndTheFileSayTheStopEpochBeforeTraining() throws {
        let live = try session(["epochs": "5000", "dataset": "spiral"])
        #expect(try snapshot(live).command.contains("--epochs 5000"))
        let before = try live.file("experiment")
        #expect(try Experiment(json: try #require(Data(base64Encoded: before.base64))).training.epochs == 5000)
        _ = live.respond(to: #"{"type":"step","value":7}"#)
        #expect(try snapshot(live).command.contains("--epochs 7"))
        let after = try live.file("experiment")
        #expect(try Experiment(json: try #require(Data(base64Encoded: after.base64))).training.epochs == 7)
    }

    /// A tab that plays for hours keeps a bounded history: past `historyPoints` the session
    /// halves it, and the snapshots still send each point once, in order, from where they were.
    @Test func theHistoryIsBoundedAndSentOnce() throws {
        let live = try session(["points": "20", "layers": "2", "epochs": "100000"])
        var received: [Double] = []
        _ = live.respond(to: #"{"type":"play"}"#)
        for _ in 0..<(LiveSession.historyPoints + 50) {
            live.trainChunk(budget: 10, maxEpochs: 1)
            received += try snapshot(live).history.map { $0[0] }
            if received.count > LiveSession.historyPoints { received = received.enumerated().filter { $0.offset % 2 == 0 || $0.offset == received.count - 1 }.map(\.element) }
        }
        let kept = try #require(live.session).history
        #expect(kept.count <= LiveSession.historyPoints)
        #expect(kept.last?.epoch == LiveSession.historyPoints + 50)
        #expect(zip(received, received.dropFirst()).allSatisfy { $0 < $1 }, "a point was sent twice or out of order")
        #expect(received.last == Double(LiveSession.historyPoints + 50))
    }

    /// Snapshots are numbered in the order they are made, so the page can drop one that a
    /// later reply overtook (a stale "running" after "paused" left ❚❚ showing).
    @Test func snapshotsAreNumberedInOrder() throws {
        let live = try session([:])
        let seqs = try (0..<3).map { _ in try snapshot(live).seq }
        #expect(seqs[0] < seqs[1] && seqs[1] < seqs[2])
    }

    @Test func stepsAreExactAndStopAtTheStopEpoch() throws {
        let live = try session(["epochs": "105"])
        for (n, expected) in [(1, 1), (10, 11), (100, 105), (10, 115)] {
            _ = live.respond(to: #"{"type":"step","value":\#(n)}"#)
            #expect(try snapshot(live).epoch == expected, "step \(n)")
        }
        let reply = live.respond(to: #"{"type":"step","value":0.5}"#)
        #expect(reply.first?.contains("not an epoch count") == true)
        // A step is bounded by its work (it runs before the tab's next command): 10,000 epochs
        // of 8 layers of 32 on 2,000 points is refused, and nothing trains.
        let big = try session(["layers": "32x8", "points": "4000"])
        let refused = big.respond(to: #"{"type":"step","value":10000}"#)
        #expect(refused.first?.contains("too much work") == true, "\(refused.first ?? "")")
        #expect(try snapshot(big).epoch == 0)
    }

    /// On the server a step trains one frame's budget in its reply and the rest in the frames
    /// after it, like play, so one tab's step cannot hold a training thread; it still ends at
    /// exactly the epoch asked for, and any other command ends it. (A budget of 0 trains one
    /// epoch a frame.)
    @Test func aStepOnTheServerTrainsInFramesAndEndsExactly() throws {
        let live = try session(["epochs": "1000"])
        live.stepBudget = 0
        _ = live.respond(to: #"{"type":"step","value":40}"#)
        let first = try snapshot(live).epoch
        #expect(first == 1 && live.stepRemaining == 39 && live.isTraining)
        var frames = 0
        while live.isTraining && frames < 1000 { live.trainFrame(budget: 0); frames += 1 }
        let last = try snapshot(live).epoch
        #expect(frames == 39 && last == 40 && !live.isTraining)
        _ = live.respond(to: #"{"type":"step","value":40}"#)
        live.trainFrame(budget: 0)
        _ = live.respond(to: #"{"type":"reset"}"#)
        #expect(!live.isTraining && live.stepRemaining == 0)
        // A step that meets the stop epoch ends there, as play does.
        let near = try session(["epochs": "5"])
        near.stepBudget = 0
        _ = near.respond(to: #"{"type":"step","value":40}"#)
        while near.isTraining && frames < 2000 { near.trainFrame(budget: 0); frames += 1 }
        #expect(try snapshot(near).epoch == 5)
    }

    @Test func theSpeedIsEpochsPerFrame() throws {
        let live = try session(["speed": "3"])
        _ = live.respond(to: #"{"type":"play"}"#)
        live.trainChunk(budget: 10)
        #expect(try snapshot(live).epoch == 3)
        live.trainChunk(budget: 10)
        #expect(try snapshot(live).epoch == 6)
    }

    /// The first epoch that meets the condition, not one frame later: a fresh session one
    /// epoch earlier does not meet it.
    @Test func aStopConditionStopsAtTheFirstEpochThatMeetsIt() throws {
        let settings = ["dataset": "xor", "stop-when": "test-accuracy>=0.9", "speed": "max"]
        let live = try session(settings)
        play(live)
        let s = try snapshot(live)
        #expect(s.stopped?.contains("test-accuracy>=0.9 is met") == true)
        #expect((s.testAccuracy ?? 0) >= 0.9)
        #expect(s.epoch > 1)
        let before = try session(settings)
        _ = before.respond(to: #"{"type":"step","value":\#(s.epoch - 1)}"#)
        let b = try snapshot(before)
        #expect(b.epoch == s.epoch - 1)
        #expect((b.testAccuracy ?? 1) < 0.9)
    }

    /// Nothing silent at the edges: a link past the page's own controls is named, not obeyed
    /// (noise beyond the slider made every point one class; lr=1e9 trained without a word), and
    /// limits are the page's, said in numbers it understands.
    @Test func aLinkPastThePagesControlsIsNamed() throws {
        let live = LiveSession(limits: .playground)
        let dropped = try live.configure(["noise": "999", "lr": "1e9", "ratio": "0.95", "layers": "100x100", "epochs": "1e12", "points": "300"])
        let said = dropped.joined(separator: " | ")
        #expect(dropped.count == 5, "\(said)")
        #expect(said.contains("noise: 999 is outside the page's 0.0…0.5"))
        #expect(said.contains("lr: 1e9 is outside the page's 0.0…10.0"))
        #expect(said.contains("ratio: 0.95 is outside"))
        #expect(said.contains("100 hidden layers; at most 8 here"), "\(said)")
        #expect(said.contains("epochs is 1000000000000; at most"), "\(said)")
        #expect(try snapshot(live).settings["points"] == "300")
    }

    /// The data message carries every feature's map, on or off (the diagram dims the ones off),
    /// each the snapshot's map for that feature when it is on.
    @Test func everyFeatureHasAMapForItsPreview() throws {
        let live = try session(["features": "x1,x2,x1^2"])
        let maps = try #require(live.dataMessage()).featureMaps
        #expect(Set(maps.keys) == Set(Feature.allCases.map(\.rawValue)))
        let shown = try snapshot(live).neurons[0]
        #expect(shown == ["x1", "x2", "x1^2"].map { maps[$0] ?? "" })
        #expect(maps["x1*x2"] != maps["x1"])
    }

    /// A neuron shown enlarged over the plane comes at the output map's resolution (its square's
    /// map is coarse), for the neuron the page focused, and for none once the focus goes.
    @Test func aFocusedNeuronsMapComesAtTheOutputsResolution() throws {
        let settings = ["dataset": "spiral", "layers": "3,2", "activation": "relu", "features": "x1,x2,x1*x2"]
        let live = try session(settings)
        let fine = LiveSession(limits: .playground)
        fine.resolution = (output: 8, neuron: 8)
        _ = try fine.configure(settings)
        for (layer, neuron) in [(2, 1), (0, 2)] {
            _ = live.respond(to: #"{"type":"focus","layer":\#(layer),"neuron":\#(neuron)}"#)
            let snap = try snapshot(live)
            #expect(snap.focused == [layer, neuron])
            #expect(snap.focusMap == (try snapshot(fine)).neurons[layer][neuron])
            #expect(snap.focusMap != snap.neurons[layer][neuron])
        }
        _ = live.respond(to: #"{"type":"focus","layer":3,"neuron":0}"#)
        #expect(try snapshot(live).focusMap == nil)
        _ = live.respond(to: #"{"type":"focus"}"#)
        #expect(try snapshot(live).focused == nil)
    }

    @Test func aLinkKeepsItsValidSettingsAndNamesTheRest() throws {
        let live = LiveSession(limits: .playground)
        let dropped = try live.configure(["dataset": "xor", "lr": "abc", "bogus": "1", "speed": "fast", "layers": "3", "epochs": "5000"])
        #expect(dropped.count == 3)
        #expect(dropped.contains { $0.hasPrefix("lr=") && $0.contains("not a number") })
        #expect(dropped.contains { $0.contains("bogus") })
        #expect(dropped.contains { $0.hasPrefix("speed=") })
        let s = try snapshot(live)
        #expect(s.settings["dataset"] == "xor")
        #expect(s.settings["lr"] == "0.03")
        #expect(s.settings["bogus"] == nil)
        #expect(s.sizes == [2, 3, 1])
        #expect(s.stopEpoch == 5000)
        // Own data cannot come from a link: dropped with the reason, the rest kept.
        let csv = try live.configure(["dataset": "csv", "layers": "2"])
        #expect(csv.first?.contains("upload the CSV again") == true)
        #expect(try snapshot(live).sizes == [2, 2, 1])
        // A refused `set` leaves the settings (and so the page's URL) as they were.
        let reply = live.respond(to: #"{"type":"set","key":"lr","value":"-"}"#)
        #expect(reply.first?.contains("error") == true)
        #expect(try snapshot(live).settings["lr"] == "0.03")
    }

    @Test func thePagesLossIsThePlaygroundsAndFollowsTheDataSet() throws {
        let live = try session([:])
        #expect(try snapshot(live).head == OutputHead.tanhSquaredError.rawValue)
        _ = live.respond(to: #"{"type":"set","key":"dataset","value":"spirals"}"#)
        #expect(try snapshot(live).head == OutputHead.softmaxCrossEntropy.rawValue)
        _ = live.respond(to: #"{"type":"set","key":"dataset","value":"plane"}"#)
        #expect(try snapshot(live).head == OutputHead.identitySquaredError.rawValue)
        _ = live.respond(to: #"{"type":"set","key":"dataset","value":"circle"}"#)
        #expect(try snapshot(live).head == OutputHead.tanhSquaredError.rawValue)
        let blobs = try session(["dataset": "blobs"])
        #expect(try snapshot(blobs).head == OutputHead.softmaxCrossEntropy.rawValue)
    }

    /// A reconnecting page sends back what it was shown; training then goes on as if the
    /// server had never gone (plain SGD, stored order: nothing else carries state).
    @Test func aRestoredSessionContinuesTheSameRun() throws {
        let settings = ["dataset": "spiral", "layers": "5,3", "activation": "relu", "speed": "max"]
        let original = try session(settings)
        _ = original.respond(to: #"{"type":"step","value":40}"#)
        let s = try snapshot(original)
        let message: [String: Any] = ["type": "restore", "settings": s.settings, "weights": s.weights, "biases": s.biases, "epoch": s.epoch]
        let restored = LiveSession(limits: .playground)
        restored.resolution = (8, 4)
        let replies = restored.respond(to: String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self))
        #expect(!replies.contains { $0.contains(#""type":"error""#) }, "\(replies)")
        let r = try snapshot(restored)
        #expect(r.epoch == 40)
        #expect(r.weights == s.weights)
        for live in [original, restored] { _ = live.respond(to: #"{"type":"step","value":25}"#) }
        #expect(try snapshot(restored).weights == snapshot(original).weights)
        #expect(try snapshot(restored).epoch == 65)
    }

    /// A reload keeps the loss curve: the page sends the rows it drew, and the restored session
    /// sends them back before its own; rows that are not a curve up to the epoch are named and
    /// dropped, the weights restored all the same.
    @Test func aRestoreKeepsTheLossCurve() throws {
        let original = try session(["speed": "max"])
        for _ in 0..<5 { _ = original.respond(to: #"{"type":"step","value":8}"#) }
        let s = try snapshot(original)
        let curve = try #require(original.session).history.map { [Double($0.epoch), $0.trainLoss, $0.testLoss] }
        #expect(curve.map { $0[0] } == [8, 16, 24, 32, 40])
        func restore(_ history: [[Double]], text: String? = nil) throws -> (LiveSession, [String]) {
            let message: [String: Any] = ["type": "restore", "settings": s.settings, "weights": s.weights, "biases": s.biases,
                                          "epoch": s.epoch, "history": history]
            var json = String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self)
            if let text { json = json.replacingOccurrences(of: "\"history\":[]", with: "\"history\":\(text)") }
            let live = LiveSession(limits: .playground)
            live.resolution = (8, 4)
            return (live, live.respond(to: json))
        }
        let (restored, replies) = try restore(curve)
        #expect(!replies.contains { $0.contains(#""type":"error""#) }, "\(replies)")
        _ = restored.respond(to: #"{"type":"step","value":2}"#)
        let rows = try #require(restored.session).history
        #expect(rows.map(\.epoch) == [8, 16, 24, 32, 40, 42])
        #expect(rows.prefix(5).map(\.trainLoss) == curve.map { $0[1] })
        let bad: [(rows: [[Double]], text: String?)] = [([[8, 0.5, 0.5], [0, 0.5, 0.5]], nil), ([[41, 0.5, 0.5]], nil), ([[1.5, 0.5, 0.5]], nil),
                                                     ([[1, 0.5]], nil), ([], "[[1,1e999,0.5]]")]
        for (rows, text) in bad {
            let (live, replies) = try restore(rows, text: text)
            #expect(replies.first?.contains("the loss curve") == true, "\(rows) \(text ?? ""): \(replies.first ?? "")")
            #expect(try snapshot(live).weights == s.weights && snapshot(live).epoch == 40)
        }
    }

    @Test func ownPointsAndBadWeightsAreRestoredOrNamed() throws {
        let live = try session([:])
        _ = live.respond(to: #"{"type":"addPoint","x":1.5,"y":-2,"label":1}"#)
        let data = try #require(live.dataMessage())
        let s = try snapshot(live)
        let message: [String: Any] = [
            "type": "restore", "settings": s.settings, "weights": [[[1.0, 2.0]]], "biases": s.biases, "epoch": 7,
            "trainPoints": data.train, "testPoints": data.test, "task": data.task, "classes": data.classes,
        ]
        let restored = LiveSession(limits: .playground)
        let replies = restored.respond(to: String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self))
        #expect(replies.first?.contains("the weights") == true, "\(replies)")
        let d = try #require(restored.dataMessage())
        #expect(d.train == data.train && d.test == data.test)
        #expect(d.settings["dataset"] == "csv")
    }

    /// A restore names any epoch it likes: out of range is refused (an epoch near Int.max
    /// would overflow, or spin a step forever) and the weights still come back at epoch 0.
    @Test func aRestoredEpochIsBounded() throws {
        let live = try session([:])
        let s = try snapshot(live)
        for epoch in [Int.max, -1, 2_000_000_000] {
            let message: [String: Any] = ["type": "restore", "settings": s.settings, "weights": s.weights, "biases": s.biases, "epoch": epoch]
            let replies = live.respond(to: String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self))
            #expect(replies.first?.contains("is not one of 0") == true, "\(replies.first ?? "")")
            _ = live.respond(to: #"{"type":"step","value":3}"#)
            #expect(try snapshot(live).epoch == 3)
        }
    }

    @Test func addingAPointKeepsTheWeightsTheEpochAndPlay() throws {
        let live = try session(["speed": "2"])
        _ = live.respond(to: #"{"type":"step","value":30}"#)
        _ = live.respond(to: #"{"type":"play"}"#)
        let before = try snapshot(live)
        _ = live.respond(to: #"{"type":"addPoint","x":0.5,"y":0.5,"label":0}"#)
        let after = try snapshot(live)
        #expect(after.epoch == 30)
        #expect(after.weights == before.weights)
        #expect(live.playing)
    }

    /// The issue's "lr 10 with ReLU kills every unit": the page says so, and that the loss
    /// stopped moving, in words.
    @Test func aDeadLayerAndAStuckLossAreSaidInWords() throws {
        let live = try session(["activation": "relu", "lr": "10"])
        // Frames of 100 epochs: the loss is watched between frames. At this rate the first
        // epochs are chaotic — where the loss settles, and when, moves with the last bits of the
        // arithmetic (each kernel path differs there) — so play until it has sat still for
        // `plateauEpochs`, at most 4,000 epochs.
        var s = try snapshot(live)
        for _ in 0..<40 where !s.notices.contains(where: { $0.contains("has not moved") }) {
            _ = live.respond(to: #"{"type":"step","value":100}"#)
            s = try snapshot(live)
        }
        #expect(s.notices.contains { $0.contains("is dead") }, "\(s.notices)")
        #expect(s.notices.contains { $0.contains("has not moved") }, "\(s.notices)")
        let healthy = try session([:])
        _ = healthy.respond(to: #"{"type":"step","value":200}"#)
        #expect(try snapshot(healthy).notices.isEmpty)
    }
}
