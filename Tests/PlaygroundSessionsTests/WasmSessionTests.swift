import Foundation
import Testing
import TestFixtures
import Backprop
@testable import PlaygroundSessions
import Playground
@testable import Plots

/// The page's session compiled to WebAssembly (`scripts/build-wasm.sh`, driven under node by
/// `Tests/Wasm/session.mjs` as the page's worker drives it) against the same `LiveSession`
/// natively: the same messages give the same run. On the native `vector128` path — the C kernels
/// on 128-bit vectors without fused multiply-adds, which the module runs on SIMD128 operation for
/// operation — every weight and loss is the same bits. (A path with fused multiply-adds ends elsewhere: the spiral is
/// chaotic, and the moons preset's rate of 3 amplifies last-bit differences to 1e-3 in its test
/// loss.) CI runs this suite with BACKPROP_KERNELS=vector128 and builds the module first
/// (`BACKPROP_REQUIRE_WASM=1`), so there it cannot be skipped.
@Suite struct WasmSessionTests {
    /// The final snapshot after `messages`, from the module (nil when it is not built), and the
    /// downloads on the way (name → base64).
    func wasmRun(_ messages: [[String: Any]]) throws -> [String: Any]? { try wasmRunWithFiles(messages)?.snapshot }

    /// What `Tests/Wasm/session.mjs` prints for `messages` (nil when the module is not built).
    func sessionOutput(_ messages: [[String: Any]]) throws -> String? {
        if let missing = WasmModule.missing {
            #expect(!missing.required, "\(missing.message)")
            return nil
        }
        let script = String(decoding: try JSONSerialization.data(withJSONObject: messages), as: UTF8.self)
        let (status, text) = try WasmModule.node("session.mjs", [script])
        #expect(status == 0, "\(text.suffix(400))")
        return text
    }

    func wasmRunWithFiles(_ messages: [[String: Any]]) throws -> (snapshot: [String: Any], files: [String: String])? {
        guard let text = try sessionOutput(messages) else { return nil }
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("final ") }, "no final snapshot in:\n\(text)")
        var files: [String: String] = [:]
        for f in text.split(separator: "\n") where f.hasPrefix("file ") {
            let parts = f.split(separator: " ")
            if parts.count == 3 { files[String(parts[1])] = String(parts[2]) }
        }
        return (try #require(JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any]), files)
    }

    /// The same messages through the native session, trained frame by frame until it stops.
    func nativeRun(_ messages: [[String: Any]]) throws -> [String: Any] {
        let live = LiveSession(limits: .playground)
        live.stepBudget = 0.02
        for m in messages {
            _ = live.respond(to: String(decoding: try JSONSerialization.data(withJSONObject: m), as: UTF8.self))
            while live.isTraining { live.trainFrame(budget: 0.02) }
        }
        let text = try #require(live.snapshotJSON())
        return try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func parameters(_ s: [String: Any]) -> [Double] {
        let w = (s["weights"] as? [[[Double]]] ?? []).flatMap { $0.flatMap { $0 } }
        return w + (s["biases"] as? [[Double]] ?? []).flatMap { $0 }
    }

    func compare(preset name: String) throws {
        let preset = try #require(Preset.all.first { $0.name == name })
        var settings = preset.settings
        settings["speed"] = "max"
        let messages: [[String: Any]] = [["type": "configure", "settings": settings], ["type": "play"]]
        guard let wasm = try wasmRun(messages) else { return }
        let native = try nativeRun(messages)
        #expect(wasm["epoch"] as? Int == Int(settings["epochs"] ?? ""))
        #expect(wasm["epoch"] as? Int == native["epoch"] as? Int)
        #expect(wasm["command"] as? String == native["command"] as? String)
        let (a, b) = (Self.parameters(wasm), Self.parameters(native))
        #expect(a.count == b.count && !a.isEmpty)
        for key in ["trainLoss", "testLoss"] {
            let (x, y) = (wasm[key] as? Double ?? .nan, native[key] as? Double ?? .nan)
            #expect(x.bitPattern == y.bitPattern, "\(key): wasm \(x), native \(y)")
        }
        let differing = zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differing == 0, "\(differing) of \(b.count) parameters differ from the native vector128 path's")
    }

    @Test(.enabled(if: KernelPath.selected == .vector128)) func theSheetsMoonsPresetIsTheNativeVector128Bits() throws {
        try compare(preset: "moons")
    }

    @Test(.enabled(if: KernelPath.selected == .vector128)) func theSpiralPresetIsTheNativeVector128Bits() throws {
        try compare(preset: "spiral-6x6")
    }

    /// The page's downloads in the browser are the files the server's session gives (and
    /// `backprop train --out` writes): safetensors, model.json, experiment.json, byte for byte.
    @Test(.enabled(if: KernelPath.selected == .vector128)) func theDownloadsAreTheNativeFiles() throws {
        let messages: [[String: Any]] = [
            ["type": "configure", "settings": ["dataset": "spiral", "layers": "5,3", "activation": "relu", "lr": "0.1", "lr-schedule": "piecewise:20=0.01"]],
            ["type": "step", "value": 40],
            ["type": "download", "format": "safetensors"], ["type": "download", "format": "json"], ["type": "download", "format": "experiment"],
            ["type": "download", "format": "network.svg"], ["type": "download", "format": "loss.svg"], ["type": "download", "format": "boundary.svg"]]
        guard let (_, files) = try wasmRunWithFiles(messages) else { return }
        let live = LiveSession(limits: .playground)
        var native: [String: String] = [:]
        for m in messages {
            for reply in live.respond(to: String(decoding: try JSONSerialization.data(withJSONObject: m), as: UTF8.self)) {
                let r = try #require(JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any])
                if r["type"] as? String == "file", let name = r["name"] as? String { native[name] = r["base64"] as? String }
            }
        }
        #expect(Set(files.keys) == ["model.safetensors", "model.json", "experiment.json", "network.svg", "loss.svg", "boundary.svg"])
        for (name, body) in native where name != "boundary.svg" { #expect(files[name] == body, "\(name) differs") }
        // The boundary's heat map is a PNG inside the SVG: zlib-compressed natively, in stored
        // deflate blocks in the module (no zlib there). The rest of the figure is the same text,
        // and the module's PNG holds the native image's scanlines with valid checksums.
        func svg(_ b64: String?) throws -> String { String(decoding: try #require(Data(base64Encoded: b64 ?? "")), as: UTF8.self) }
        let (ours, theirs) = (try svg(native["boundary.svg"]), try svg(files["boundary.svg"]))
        func withoutImage(_ s: String) -> String { s.replacing(/data:image\/png;base64,[A-Za-z0-9+\/=]+/, with: "PNG") }
        #expect(withoutImage(ours) == withoutImage(theirs) && ours.count > 10_000)
        let uri = try #require(theirs.firstMatch(of: /data:image\/png;base64,([A-Za-z0-9+\/=]+)/)?.1)
        let png = [UInt8](try #require(Data(base64Encoded: String(uri))))
        let raw = try #require(StoredPNG.scanlines(png), "a valid PNG of stored deflate blocks")
        let map = try #require(live.session).boundaryPlot().drawing()
        guard case let .cells(cols, rows, colors, _, _, _, _)? = map.shapes.first(where: { if case .cells = $0 { true } else { false } }) else {
            Issue.record("the boundary has no cell grid"); return
        }
        var r = Raster(width: cols, height: rows)
        r.cells(cols, rows, colors, 0, 0, Double(cols), Double(rows))
        #expect(raw == r.scanlines())
        let experiment = try Experiment(json: try #require(Data(base64Encoded: files["experiment.json"] ?? "")))
        #expect(experiment.training.epochs == 40 && experiment.data.dataset == "spiral")
    }

    /// A seed task as the browser's helper workers train it (in their own instance of the
    /// module) ends as the native session trains it: the same result text, every number's digits.
    @Test(.enabled(if: KernelPath.selected == .vector128)) func aSeedTrainedByAHelperIsTheNativeOne() throws {
        if let missing = WasmModule.missing {
            #expect(!missing.required, "\(missing.message)")
            return
        }
        let live = LiveSession(limits: .playground)
        _ = try live.configure(["dataset": "spiral", "layers": "5,3", "activation": "relu", "lr": "0.03", "epochs": "120", "seed": "7"])
        _ = live.respond(to: #"{"type":"seeds","count":3}"#)
        let task = try #require(live.takeSeedTaskJSON())
        let (status, output) = try WasmModule.node("seed.mjs", [task])
        let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(status == 0)
        #expect(text == LiveSession.runSeedTask(task) && text.contains("\"testLoss\""), "\(text.prefix(200))")
    }

    /// Every kind of message the page sends runs in the module as natively — the chain rule's
    /// explanations the same text, the run the same bits. (The chain rule once overflowed the
    /// module's 64 KB stack into its data and trapped.)
    @Test(.enabled(if: KernelPath.selected == .vector128)) func everyMessageRunsInTheModuleAsNatively() throws {
        let messages: [[String: Any]] = [
            ["type": "configure", "settings": ["dataset": "xor", "layers": "4,3", "activation": "tanh", "view": "gradients", "order": "shuffled", "optimizer": "adam", "lr": "0.01"]],
            ["type": "step", "value": 12],
            ["type": "explain", "layer": 0, "to": 1, "from": 0], ["type": "explain", "layer": 2, "to": 0, "from": -1, "sample": 3],
            ["type": "set", "key": "lr", "value": "0.003"], ["type": "step", "value": 5],
            ["type": "setWeight", "layer": 1, "to": 0, "from": 2, "value": 0.25], ["type": "setBias", "layer": 0, "neuron": 1, "value": -0.5],
            ["type": "addPoint", "x": 1.5, "y": -2, "label": 1, "test": false], ["type": "step", "value": 3],
            ["type": "regenerate"], ["type": "reset"], ["type": "focus", "layer": 2, "neuron": 1], ["type": "step", "value": 7]]
        guard let text = try sessionOutput(messages) else { return }
        let wasmExplanations = text.split(separator: "\n").filter { $0.hasPrefix("explanation ") }.map { String($0.dropFirst(12)) }
        let live = LiveSession(limits: .playground)
        var nativeExplanations: [String] = []
        for m in messages {
            for reply in live.respond(to: String(decoding: try JSONSerialization.data(withJSONObject: m), as: UTF8.self)) where reply.contains(#""type":"explanation""#) {
                nativeExplanations.append(reply)
            }
        }
        #expect(wasmExplanations.count == 2)
        #expect(wasmExplanations == nativeExplanations)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("final ") })
        let wasm = try #require(JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any])
        let nativeText = try #require(live.snapshotJSON())
        let native = try #require(JSONSerialization.jsonObject(with: Data(nativeText.utf8)) as? [String: Any])
        #expect(Self.parameters(wasm) == Self.parameters(native))
        #expect(wasm["epoch"] as? Int == 7)
        #expect(wasm["focusMap"] as? String != nil && wasm["focusMap"] as? String == native["focusMap"] as? String)
    }
}

/// A PNG written in stored deflate blocks (the WebAssembly build's), read back: its scanlines,
/// or nil when a chunk's CRC, a block's length or the stream's Adler-32 is wrong.
enum StoredPNG {
    static func scanlines(_ png: [UInt8]) -> [UInt8]? {
        guard png.count > 8, Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        var i = 8, idat: [UInt8] = []
        func be32(_ k: Int) -> Int { Int(png[k]) << 24 | Int(png[k + 1]) << 16 | Int(png[k + 2]) << 8 | Int(png[k + 3]) }
        while i + 12 <= png.count {
            let n = be32(i), type = String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self)
            guard i + 12 + n <= png.count, UInt32(be32(i + 8 + n)) == Raster.crc32(Array(png[(i + 4)..<(i + 8 + n)])) else { return nil }
            if type == "IDAT" { idat += png[(i + 8)..<(i + 8 + n)] }
            i += 12 + n
        }
        guard idat.count > 6, idat[0] == 0x78 else { return nil }
        var k = 2, raw: [UInt8] = [], last = false
        while !last {
            guard k + 5 <= idat.count else { return nil }
            last = idat[k] & 1 == 1
            let n = Int(idat[k + 1]) | Int(idat[k + 2]) << 8, complement = Int(idat[k + 3]) | Int(idat[k + 4]) << 8
            guard idat[k] >> 1 == 0, n ^ complement == 0xFFFF, k + 5 + n <= idat.count else { return nil }
            raw += idat[(k + 5)..<(k + 5 + n)]
            k += 5 + n
        }
        var a: UInt32 = 1, b: UInt32 = 0
        for x in raw { a = (a + UInt32(x)) % 65_521; b = (b + a) % 65_521 }
        guard k + 4 == idat.count, UInt32(be32Adler(idat, k)) == (b << 16) | a else { return nil }
        return raw
    }
    static func be32Adler(_ d: [UInt8], _ k: Int) -> Int { Int(d[k]) << 24 | Int(d[k + 1]) << 16 | Int(d[k + 2]) << 8 | Int(d[k + 3]) }
}
