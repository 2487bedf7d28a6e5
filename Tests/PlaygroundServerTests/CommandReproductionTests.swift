import Foundation
import Testing
import Backprop
import Playground
@testable import PlaygroundSessions
import PlaygroundServer

/// "Copy as command" gives a `backprop train` line that reproduces the page's run:
/// the same experiment trained as many epochs gives the same weights, bit for bit.
@Suite struct CommandReproductionTests {
    /// Parses `backprop train --key value …` the way the command line applies it.
    func experiment(fromCommand line: String) throws -> Experiment {
        var words = line.split(separator: " ").map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
        #expect(Array(words.prefix(2)) == ["backprop", "train"])
        words.removeFirst(2)
        var e = Experiment()
        var settings: [String: String] = [:]
        var i = 0
        while i + 1 < words.count {
            #expect(words[i].hasPrefix("--"))
            settings[String(words[i].dropFirst(2))] = words[i + 1]
            i += 2
        }
        // As the command line applies them.
        try e.set(settings)
        return e
    }

    /// Every setting the page may send, each away from the page's default at least once, and
    /// every kind of schedule and optimiser.
    static let cases: [[String: String]] = [
        ["dataset": "spiral", "layers": "6,6", "activation": "relu", "lr": "0.03"],
        ["dataset": "blobs", "classes": "4", "layers": "5", "activation": "gelu", "optimizer": "adam", "lr": "0.01", "head": "softmax"],
        ["dataset": "xor", "features": "x1,x2,x1*x2", "regularization": "l1", "reg-rate": "0.003", "lr-schedule": "piecewise:20=0.01"],
        // A cosine wave spans the page's stop epoch, not the 39 epochs the command trains.
        ["dataset": "circle", "lr": "0.3", "lr-schedule": "cosine:0.01", "epochs": "60"],
        ["dataset": "gauss", "lr": "0.1", "optimizer": "momentum", "momentum": "0.5", "lr-schedule": "exponential:0.99"],
        ["dataset": "moons", "points": "300", "noise": "0.1", "ratio": "0.6", "data-seed": "7", "head": "sigmoid", "init": "glorot_uniform"],
        ["init": "normal", "init-scale": "0.5", "batch-size": "7", "order": "shuffled", "seed": "5", "optimizer": "nesterov"],
        ["regularization": "l2", "reg-rate": "0.01", "reg-style": "gradient", "layers": "3,3,3", "activation": "sigmoid,tanh,relu"],
        ["dataset": "plane", "head": "identity", "features": "x1,x2,sin(x1),x1^2"],
    ]

    @Test func theCasesCoverEverySettingThePageSends() {
        let pageSettings = Set(LiveSession.keyOrder).intersection(Experiment.settingKeys.map(\.key))
        let covered = Set(Self.cases.flatMap(\.keys))
        #expect(pageSettings.subtracting(covered).isEmpty, "not covered: \(pageSettings.subtracting(covered).sorted())")
    }

    @Test(arguments: cases)
    func theCommandReproducesThePagesWeights(settings: [String: String]) throws {
        let s = settings
        let live = LiveSession(limits: .standard)
        try live.configure(s)
        for _ in 0..<3 { live.trainChunk(budget: 10, maxEpochs: 13) }
        let snap = try #require(live.snapshot())
        #expect(snap.epoch == 39)
        let e = try experiment(fromCommand: snap.command)
        let session = try Session(e)
        try session.run()
        #expect(session.epoch == 39)
        #expect(session.network.parameters == snap.weights.indices.flatMap { snap.weights[$0].flatMap { $0 } + snap.biases[$0] },
                "\(snap.command)")
    }

    /// The sheet's recipe done by hand: the rate lowered mid-run (twice, the second time onto a
    /// change the schedule already had) and the stop epoch moved, with momentum and a shuffled
    /// order, whose state a restarted trainer would lose. The command says it as a schedule and
    /// trains the same weights, bit for bit; the page has nothing to warn about.
    @Test func aRateChangedMidRunIsInTheCommandAndReproduced() throws {
        let live = LiveSession(limits: .standard)
        try live.configure(["dataset": "spiral", "layers": "6,6", "activation": "relu", "lr": "0.03", "optimizer": "momentum",
                            "momentum": "0.9", "order": "shuffled", "lr-schedule": "piecewise:60=0.02", "epochs": "200"])
        live.trainChunk(budget: 10, maxEpochs: 30)
        _ = live.respond(to: #"{"type":"set","key":"lr","value":"0.01"}"#)
        _ = live.respond(to: #"{"type":"set","key":"epochs","value":"90"}"#)
        live.trainChunk(budget: 10, maxEpochs: 30)
        _ = live.respond(to: #"{"type":"set","key":"lr","value":"0.005"}"#)
        live.trainChunk(budget: 10, maxEpochs: 100)
        let snap = try #require(live.snapshot())
        #expect(snap.epoch == 90)
        #expect(snap.unreproduced == nil)
        #expect(snap.settings["lr"] == "0.03" && snap.settings["lr-schedule"] == "piecewise:30=0.01,60=0.005")
        #expect(snap.learningRate == 0.005)
        #expect(snap.command.contains("--lr-schedule piecewise:30=0.01,60=0.005"), "\(snap.command)")
        let session = try Session(try experiment(fromCommand: snap.command))
        try session.run()
        #expect(session.epoch == 90)
        #expect(session.network.parameters == snap.weights.indices.flatMap { snap.weights[$0].flatMap { $0 } + snap.biases[$0] },
                "\(snap.command)")
    }

    /// Own points added over a data set: the view keeps that data set's plane, and the command
    /// with the page's own-data.csv (its test column keeping the sets) trains the same weights.
    @Test func ownPointsKeepTheViewAndTheirCommandReproducesTheRun() throws {
        let live = LiveSession(limits: .standard)
        try live.configure(["dataset": "spiral", "layers": "5", "lr": "0.03", "points": "100"])
        let plane = try #require(live.snapshot()).region
        _ = live.respond(to: #"{"type":"addPoint","x":1.5,"y":-2,"label":1,"test":false}"#)
        _ = live.respond(to: #"{"type":"addPoint","x":-3,"y":2.25,"label":1,"test":true}"#)
        let added = try #require(live.snapshot())
        #expect(added.settings["dataset"] == "csv" && added.region == plane)
        for _ in 0..<3 { live.trainChunk(budget: 10, maxEpochs: 13) }
        let snap = try #require(live.snapshot())
        #expect(snap.unreproduced == nil && snap.command.contains("--data own-data.csv"), "\(snap.command)")
        let file = try live.file("data")
        #expect(file.name == "own-data.csv")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("own-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("own-data.csv").path
        try #require(Data(base64Encoded: file.base64)).write(to: URL(fileURLWithPath: path))
        let session = try Session(try experiment(fromCommand: snap.command.replacingOccurrences(of: "own-data.csv", with: path)))
        #expect(session.trainPoints.count == 51 && session.testPoints.count == 51)
        try session.run()
        #expect(session.epoch == 39)
        #expect(session.network.parameters == snap.weights.indices.flatMap { snap.weights[$0].flatMap { $0 } + snap.biases[$0] },
                "\(snap.command)")
        #expect(throws: BackpropError.self) { try LiveSession(limits: .standard).file("data") }
    }

    /// The page's run downloads as the numpy, PyTorch and notebook programs `backprop export`
    /// writes: to the epoch trained, compared at the end with the page's weights — unless a change
    /// mid-run means the program trains something else (then there is nothing to compare with).
    @Test func thePageDownloadsItsRunAsPrograms() throws {
        let live = LiveSession(limits: .standard)
        try live.configure(["dataset": "xor", "layers": "4", "lr": "0.1"])
        live.trainChunk(budget: 10, maxEpochs: 12)
        for (kind, name) in [("numpy", "run_numpy.py"), ("torch", "run_torch.py"), ("notebook", "run.ipynb")] {
            let file = try live.file(kind)
            let text = String(decoding: try #require(Data(base64Encoded: file.base64)), as: UTF8.self)
            #expect(file.name == name && text.contains("EPOCHS, BATCH = 12, ") && text.contains("backprop_weights"), "\(kind)")
        }
        _ = live.respond(to: #"{"type":"setWeight","layer":0,"to":0,"from":0,"value":0.5}"#)
        let text = String(decoding: try #require(Data(base64Encoded: try live.file("numpy").base64)), as: UTF8.self)
        #expect(!text.contains("backprop_weights"))
    }

    /// The server adds ONNX to the page's downloads: the model with the run's features, the
    /// bytes `backprop export --as onnx` writes for the same weights (onnxruntime runs them in
    /// Tests/Export and the browser test).
    @Test func theServerOffersTheModelAsONNX() throws {
        PlaygroundServer.registerDownloads()
        let live = LiveSession(limits: .standard)
        try live.configure(["dataset": "xor", "layers": "4", "features": "x1,x2,x1*x2"])
        live.trainChunk(budget: 10, maxEpochs: 5)
        let file = try live.file("onnx")
        let bytes = try #require(Data(base64Encoded: file.base64))
        let session = try #require(live.session)
        let direct = try #require(LiveSession.modelWriters["onnx"]).write(session.network, session.experiment.features)
        #expect(file.name == "model.onnx" && [UInt8](bytes) == direct && bytes.count > 200)
        #expect(String(decoding: bytes, as: UTF8.self).contains("features.x1*x2"))
    }

    /// Changes no setting can say are named beside the link, until reset.
    @Test func changesTheCommandCannotSayAreNamed() throws {
        let live = LiveSession(limits: .standard)
        try live.configure(["dataset": "moons", "lr": "0.1", "lr-schedule": "exponential:0.99"])
        #expect(try #require(live.snapshot()).unreproduced == nil)
        _ = live.respond(to: #"{"type":"setWeight","layer":0,"to":0,"from":0,"value":0.5}"#)
        #expect(try #require(live.snapshot()).unreproduced?.contains("a weight set by hand at epoch 0") == true)
        _ = live.respond(to: #"{"type":"reset"}"#)
        #expect(try #require(live.snapshot()).unreproduced == nil)
        live.trainChunk(budget: 10, maxEpochs: 20)
        // A new first rate under an exponential schedule changes the rates already trained.
        _ = live.respond(to: #"{"type":"set","key":"lr","value":"0.05"}"#)
        _ = live.respond(to: #"{"type":"set","key":"momentum","value":"0.5"}"#)
        _ = live.respond(to: #"{"type":"set","key":"epochs","value":"500"}"#)
        let snap = try #require(live.snapshot())
        let text = try #require(snap.unreproduced)
        #expect(text.contains("the learning rate at epoch 20, momentum at epoch 20"), "\(text)")
        #expect(!text.contains("epochs"))
        _ = live.respond(to: #"{"type":"reset"}"#)
        #expect(try #require(live.snapshot()).unreproduced == nil)
        // A cosine wave spans the run: a new stop epoch mid-run moves the rates already trained.
        try live.configure(["dataset": "moons", "lr": "0.1", "lr-schedule": "cosine:0", "epochs": "100"])
        live.trainChunk(budget: 10, maxEpochs: 10)
        _ = live.respond(to: #"{"type":"set","key":"epochs","value":"200"}"#)
        #expect(try #require(live.snapshot()).unreproduced?.contains("the learning rate at epoch 10") == true)
    }
}
