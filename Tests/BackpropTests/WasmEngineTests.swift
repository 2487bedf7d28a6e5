import Foundation
import Testing
import TestFixtures
import Backprop

/// The WebAssembly engine (`scripts/build-wasm.sh`, run under node by `Tests/Wasm/engine.mjs`)
/// repeats the native `vector128` path's operations: the same C kernels on 128-bit vectors
/// without fused multiply-add (SIMD128 there, SSE2 here), the same Swift code around them, exp
/// from the same code in glibc and musl, and Backprop's own sin, cos and log. So the sheet's
/// moons run ends with the same bits. The check needs the module and node; CI builds the module first and sets
/// `BACKPROP_REQUIRE_WASM=1`, so there it cannot be skipped.
@Suite struct WasmEngineTests {
    @Test func theSheetsMoonsRunEndsWithTheVector128PathsBits() throws {
        if let missing = WasmModule.missing {
            #expect(!missing.required, "\(missing.message)")
            return
        }
        let (status, text) = try WasmModule.node("engine.mjs", ["--w1-bits"])
        #expect(status == 0, "the wasm engine's golden checks failed:\n\(text)")
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("w1-bits ") }, "no w1-bits line in:\n\(text)")
        let wasm = line.dropFirst(8).split(separator: ",").compactMap { UInt64($0, radix: 16) }

        let g = try Golden.load("w1_moons")
        let (train, _) = try g.data()
        let trainer = try Trainer(network: try g.network(activation: .tanh, head: .sigmoidCrossEntropy), data: train,
                                  settings: TrainingSettings(epochs: 10_000, batchSize: 0, order: .stored, learningRate: .constant(3)),
                                  kernels: .vector128)
        try trainer.fit(evaluateTrain: false)
        let net = trainer.network
        var native: [UInt64] = []
        for l in 0..<(net.architecture.sizes.count - 1) {
            native += net.weight(l).elements.map(\.bitPattern) + net.bias(l).map(\.bitPattern)
        }
        #expect(wasm.count == native.count)
        let differing = zip(wasm, native).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(native.count) parameters differ from the vector128 path's bits")
    }
}
