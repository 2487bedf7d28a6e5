import Foundation
import Testing
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import HummingbirdWSClient
import Backprop
import Datasets
@testable import PlaygroundServer
import PlaygroundSessions

/// The page's protocol over a real socket: snapshots, bad messages, limits, origin.
/// Each test reads the socket until it has seen what it expects; the time limit turns a
/// missing reply into a failure instead of a run that never ends (seen once under full load).
@Suite(.serialized, .timeLimit(.minutes(2))) struct ServerTests {
    func app(_ limits: PageLimits = PageLimits(), access: Access? = nil) throws -> some ApplicationProtocol {
        try PlaygroundServer.application(host: "127.0.0.1", port: 0, pageLimits: limits, access: access)
    }

    /// Reads messages until one satisfies `until` (or `count` messages passed); returns them decoded.
    static func read(_ inbound: WebSocketInboundStream, count: Int = 200, until: ([String: Any]) -> Bool) async throws -> [[String: Any]] {
        var seen: [[String: Any]] = []
        var it = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
        while seen.count < count, let m = try await it.next() {
            guard case .text(let t) = m, let obj = try JSONSerialization.jsonObject(with: Data(t.utf8)) as? [String: Any] else { continue }
            seen.append(obj)
            if until(obj) { break }
        }
        return seen
    }

    /// Snapshots and data messages exceed the client's default 16 KiB frame limit.
    static let client = WebSocketClientConfiguration(maxFrameSize: 1 << 24)

    static func text(_ dict: [String: Any]) -> WebSocketOutboundWriter.OutboundFrame {
        .text(String(decoding: (try? JSONSerialization.data(withJSONObject: dict)) ?? Data(), as: UTF8.self))
    }

    @Test func servesThePageItsScriptAndThumbnails() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("<canvas id=\"output\""))
            }
            // Every module the page imports is served as JavaScript; nothing else under /js.
            var imported: Set<String> = ["main.js"], served: Set<String> = []
            while let name = imported.subtracting(served).sorted().first {
                served.insert(name)
                try await client.execute(uri: "/js/\(name)", method: .get) { r in
                    #expect(r.status == .ok, "\(name)")
                    #expect(r.headers[.contentType]?.contains("javascript") == true)
                    for line in String(buffer: r.body).split(separator: "\n") where line.hasPrefix("import ") {
                        if let from = line.range(of: "\"./") { imported.insert(String(line[from.upperBound...].prefix { $0 != "\"" })) }
                    }
                }
            }
            #expect(served.count >= 8)
            for bad in ["/js/nothing.js", "/js/..%2FPlaygroundServer.swift", "/js/%2E%2E%2Findex.html", "/app.js"] {
                try await client.execute(uri: bad, method: .get) { r in #expect(r.status == .notFound, "\(bad)") }
            }
            try await client.execute(uri: "/presets.json", method: .get) { r in #expect(String(buffer: r.body).contains("spiral-6x6")) }
            try await client.execute(uri: "/thumbnail/spiral.png", method: .get) { r in
                #expect(r.status == .ok)
                #expect(Array(r.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            }
            try await client.execute(uri: "/thumbnail/nothing.png", method: .get) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/palette.json", method: .get) { r in #expect(String(buffer: r.body).contains("#0877bd")) }
        }
    }

    /// The page's menus come from the server's vocabulary, not from lists of its own.
    @Test func thePageTakesItsVocabularyFromTheServer() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/api/settings", method: .get) { r in
                #expect(r.status == .ok)
                let v = try #require(try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as? [String: Any])
                #expect(v["datasets"] as? [String] == DatasetName.playgroundOrder.map(\.rawValue))
                #expect(Set(v["datasets"] as? [String] ?? []) == Set(DatasetName.allCases.map(\.rawValue)))
                #expect(v["activations"] as? [String] == Activation.allCases.map(\.rawValue))
                #expect(v["features"] as? [String] == Feature.allCases.map(\.rawValue))
                #expect((v["limits"] as? [String: Int])?["depth"] == Limits.playground.depth)
                let settings = v["settings"] as? [[String: Any]] ?? []
                let keys = settings.compactMap { $0["key"] as? String }
                #expect(keys.contains("activation") && keys.contains("lr-schedule") && !keys.contains("data"))
                let optimizer = settings.first { $0["key"] as? String == "optimizer" }
                #expect(optimizer?["choices"] as? [String] == Optimizer.Kind.allCases.map(\.rawValue))
            }
            // No module and not the HTML spells out a list the vocabulary holds.
            for path in ["/", "/js/network.js", "/js/controls.js", "/js/main.js"] {
                try await client.execute(uri: path, method: .get) { r in
                    let text = String(buffer: r.body)
                    for word in ["\"leaky_relu\"", ">leaky_relu<", "\"multi-gauss\"", "\"sin(x2)\""] {
                        #expect(!text.contains(word), "\(path) spells out \(word)")
                    }
                }
            }
        }
    }

    @Test func playStreamsSnapshotsWithRisingEpochs() async throws {
        _ = try await app().test(.live) { client in
            _ = try await client.ws("/ws", configuration: Self.client) { inbound, outbound, _ in
                try await outbound.write(Self.text(["type": "configure", "settings": ["dataset": "spiral", "layers": "6,6", "activation": "relu"]]))
                try await outbound.write(Self.text(["type": "play"]))
                var epochs: [Int] = []
                _ = try await Self.read(inbound) { m in
                    if m["type"] as? String == "snapshot", m["state"] as? String == "running", let e = m["epoch"] as? Int { epochs.append(e) }
                    return epochs.count >= 4
                }
                #expect(epochs.count >= 4)
                #expect(epochs == epochs.sorted() && (epochs.last ?? 0) > (epochs.first ?? 0))
                try await outbound.write(Self.text(["type": "pause"]))
            }
        }
    }

    /// "Run seeds" with the seed helpers sending too: the snapshots reach the page in the order
    /// they were made (each carries only what changed, and the page drops one older than the
    /// last it took), so every seed's result arrives. The pool's helpers are spread over several
    /// jobs to give an overtaking snapshot many chances.
    @Test func snapshotsArriveInTheOrderMadeAndEverySeedsResultWithThem() async throws {
        _ = try await app().test(.live) { client in
            _ = try await client.ws("/ws", configuration: Self.client) { inbound, outbound, _ in
                var seqs: [Int] = []
                // One iterator for the whole test: an inbound stream makes only one.
                var it = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
                for job in 0..<8 {
                    try await outbound.write(Self.text(["type": "configure", "settings": ["dataset": "xor", "layers": "4", "epochs": "60", "seed": "\(job * 20)"]]))
                    try await outbound.write(Self.text(["type": "seeds", "count": 20]))
                    var results = 0
                    while results < 20, let m = try await it.next() {
                        guard case .text(let t) = m, let obj = try JSONSerialization.jsonObject(with: Data(t.utf8)) as? [String: Any],
                              obj["type"] as? String == "snapshot" else { continue }
                        if let q = obj["seq"] as? Int { seqs.append(q) }
                        if let seeds = obj["seeds"] as? [String: Any], seeds["firstSeed"] as? Int == job * 20 {
                            results = (seeds["results"] as? [Any])?.count ?? 0
                        }
                    }
                    #expect(results == 20, "job \(job): \(results) of 20 seeds' results arrived")
                }
                #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "snapshots out of order: \(zip(seqs, seqs.dropFirst()).filter { $0 >= $1 }.prefix(5))")
            }
        }
    }

    @Test func malformedMessagesGetAnErrorAndTheSessionLivesOn() async throws {
        _ = try await app().test(.live) { client in
            _ = try await client.ws("/ws", configuration: Self.client) { inbound, outbound, _ in
                try await outbound.write(.text("this is not json"))
                try await outbound.write(Self.text(["type": "frobnicate"]))
                try await outbound.write(Self.text(["type": "set", "key": "activation", "value": "bogus"]))
                try await outbound.write(Self.text(["type": "setWeight", "layer": 7, "to": 0, "from": 0, "value": 1.0]))
                try await outbound.write(Self.text(["type": "step"]))
                var errors: [String] = []
                var stepped = false
                _ = try await Self.read(inbound) { m in
                    if m["type"] as? String == "error", let e = m["message"] as? String { errors.append(e) }
                    if m["type"] as? String == "snapshot", m["epoch"] as? Int == 1 { stepped = true }
                    return stepped
                }
                #expect(errors.contains { $0.contains("malformed") })
                #expect(errors.contains { $0.contains("unknown message type") })
                #expect(errors.contains { $0.contains("unknown activation") })
                #expect(errors.contains { $0.contains("no weight") })
                #expect(stepped, "the session must still train after bad messages")
            }
        }
    }

    @Test func limitsAreAnsweredWithAClearMessage() async throws {
        _ = try await app().test(.live) { client in
            _ = try await client.ws("/ws", configuration: Self.client) { inbound, outbound, _ in
                try await outbound.write(Self.text(["type": "set", "key": "layers", "value": "2,2,2,2,2,2,2,2,2"]))
                try await outbound.write(Self.text(["type": "set", "key": "layers", "value": "64"]))
                try await outbound.write(Self.text(["type": "set", "key": "points", "value": "100000"]))
                var errors: [String] = []
                _ = try await Self.read(inbound) { m in
                    if m["type"] as? String == "error", let e = m["message"] as? String { errors.append(e) }
                    return errors.count == 3
                }
                try #require(errors.count == 3)
                #expect(errors[0].contains("9 hidden layers; at most 8"))
                #expect(errors[1].contains("64 neurons; at most 32"))
                #expect(errors[2].contains("at most 5000"))
            }
        }
    }

    @Test func sessionsBeyondTheLimitAreToldSo() async throws {
        var limits = PageLimits()
        limits.sessions = 1
        _ = try await app(limits).test(.live) { client in
            // Raw upgrades whose reads time out (SafetyTests.openSocket). Written with
            // the WebSocket client, this test hung for its whole time limit in three of four
            // full parallel runs (never alone), waiting on a connection the server had answered
            // and closed at once; now a missing reply is a failure that shows what was read.
            let port = try #require(client.port)
            let request = SafetyTests.upgrade(host: "127.0.0.1:\(port)", origin: "http://127.0.0.1:\(port)")
            func read(_ fd: Int32, until needle: String) -> String {
                var reply = [UInt8](), buffer = [UInt8](repeating: 0, count: 65536)
                while reply.count < 1 << 20 {
                    let n = recv(fd, &buffer, buffer.count, 0)
                    if n <= 0 { break }
                    reply += buffer.prefix(n)
                    if String(decoding: reply, as: UTF8.self).contains(needle) { break }
                }
                return String(decoding: reply, as: UTF8.self)
            }
            // The first tab's data message is made on the training threads, which run at a lower
            // priority than everything else in a full parallel test run (and share the pool with
            // the other servers' tests): on 2 busy cores a debug build took over 5 s to send it.
            // Waiting up to 60 s costs nothing when it comes, and a hang still fails.
            let first = try SafetyTests.openSocket(port: port, readTimeout: 60)
            defer { close(first) }
            _ = request.withCString { send(first, $0, strlen($0), 0) }
            // The data message (with its "task") is what a served tab receives first: it holds the slot.
            #expect(read(first, until: "\"task\"").contains("\"task\""))
            let second = try SafetyTests.openSocket(port: port)
            defer { close(second) }
            _ = request.withCString { send(second, $0, strlen($0), 0) }
            let told = read(second, until: "too many sessions")
            #expect(told.contains("too many sessions (1) on this server"), "\(told.prefix(300))")
            #expect(!told.contains("\"task\""))
        }
    }

    @Test func oversizedMessagesAreRefused() async throws {
        var limits = PageLimits()
        limits.messageBytes = 4096
        _ = try await app(limits).test(.live) { client in
            // A message over the limit gets the promised reply, and the session lives on.
            _ = try await client.ws("/ws", configuration: Self.client) { inbound, outbound, _ in
                try await outbound.write(.text(String(repeating: "x", count: 6_000)))
                try await outbound.write(Self.text(["type": "step"]))
                var refused = false, stepped = false
                _ = try await Self.read(inbound, count: 50) { m in
                    if (m["message"] as? String)?.contains("limited to 4096 bytes") == true { refused = true }
                    if m["type"] as? String == "snapshot", m["epoch"] as? Int == 1 { stepped = true }
                    return refused && stepped
                }
                #expect(refused && stepped)
            }
            // A frame far over it is closed at once (1009, message too big), without a hang.
            _ = try await client.ws("/ws", configuration: Self.client) { inbound, outbound, _ in
                try await outbound.write(.text(String(repeating: "x", count: 100_000)))
                let msgs = (try? await Self.read(inbound, count: 50) { _ in false }) ?? []
                #expect(msgs.count < 50)
            }
        }
        // And the server keeps serving afterwards.
        try await app(limits).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { r in #expect(r.status == .ok) }
        }
    }

    @Test func weightsEditAndModelsDownload() async throws {
        _ = try await app().test(.live) { client in
            _ = try await client.ws("/ws", configuration: Self.client) { inbound, outbound, _ in
                try await outbound.write(Self.text(["type": "setWeight", "layer": 0, "to": 1, "from": 0, "value": 2.5]))
                try await outbound.write(Self.text(["type": "setBias", "layer": 2, "neuron": 0, "value": -0.75]))
                try await outbound.write(Self.text(["type": "download", "format": "safetensors"]))
                var file: [String: Any]?
                var weights: [[[Double]]]?
                var biases: [[Double]]?
                _ = try await Self.read(inbound) { m in
                    if m["type"] as? String == "snapshot" { weights = m["weights"] as? [[[Double]]]; biases = m["biases"] as? [[Double]] }
                    if m["type"] as? String == "file" { file = m }
                    return file != nil
                }
                #expect(weights?[0][1][0] == 2.5)
                #expect(biases?[2][0] == -0.75)
                let data = try #require(Data(base64Encoded: file?["base64"] as? String ?? ""))
                let net = try Network<Double>(safetensors: data)
                #expect(net.weight(0)[1, 0] == 2.5)
                #expect(net.architecture.sizes == [2, 4, 2, 1])
            }
        }
    }

    @Test func ownDataByCSVAndByClicking() async throws {
        _ = try await app().test(.live) { client in
            _ = try await client.ws("/ws", configuration: Self.client) { inbound, outbound, _ in
                var csv = "a,b,label\n"
                for i in 0..<40 { csv += "\(Double(i % 7) - 3),\(Double(i % 5) - 2),\(i % 2)\n" }
                try await outbound.write(Self.text(["type": "uploadCSV", "text": csv]))
                try await outbound.write(Self.text(["type": "uploadCSV", "text": "a,b,label\n1,x,0\n"]))
                try await outbound.write(Self.text(["type": "addPoint", "x": 1.5, "y": -2.0, "label": 1]))
                var counts: [Int] = []
                var error: String?
                _ = try await Self.read(inbound, count: 60) { m in
                    if m["type"] as? String == "data" {
                        counts.append((m["train"] as? [Any] ?? []).count + (m["test"] as? [Any] ?? []).count)
                    }
                    if m["type"] as? String == "error" { error = m["message"] as? String }
                    return counts.count == 3
                }
                #expect(counts.suffix(2) == [40, 41])
                #expect(error?.contains("line 2, column 2") == true)
            }
        }
    }
}
