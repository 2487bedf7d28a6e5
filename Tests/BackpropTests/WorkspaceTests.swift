import Testing
@testable import Backprop

/// The workspace's row stride: padded away from multiples of 512 bytes (cache sets), and
/// invisible in the results.
@Suite struct WorkspaceTests {
    @Test func rowsAreNeverAMultipleOf512BytesApart() {
        for capacity in 1...2100 {
            let f = Workspace<Float>.rowStride(capacity: capacity), d = Workspace<Double>.rowStride(capacity: capacity)
            let rounded = (capacity + 7) / 8 * 8
            for (ld, bytes) in [(f, 4), (d, 8)] {
                #expect(ld % 8 == 0 && ld >= capacity && ld <= rounded + 8, "capacity \(capacity): stride \(ld)")
                #expect((ld * bytes) % 512 != 0, "capacity \(capacity): \(ld * bytes) bytes")
            }
        }
        #expect(Workspace<Float>.rowStride(capacity: 1024) == 1032)
        #expect(Workspace<Float>.rowStride(capacity: 350) == 352)   // W1 keeps its stride
        #expect(Workspace<Double>.rowStride(capacity: 64) == 72)
    }

    /// The same 256 samples in a workspace with a padded stride (256 → 264) and one without
    /// (capacity 300 → 304) give the same loss and gradient, bit for bit.
    @Test func thePaddedStrideChangesNoResult() throws {
        var r = RandomSource(seed: 7)
        let n = 256
        let x = Matrix<Float>(rows: n, columns: 16, elements: (0..<(n * 16)).map { _ in Float(r.uniform(-1, 1)) })!
        let data = try Dataset(x: x, labels: (0..<n).map { _ in Float(r.int(below: 3)) })
        let arch = Architecture(sizes: [16, 12, 3], activation: .tanh, head: .softmaxCrossEntropy)
        let net = try Network<Float>(arch, initializer: .he, seed: 3)
        func lossAndGradient(capacity: Int) -> (Float, [Float], Int) {
            let ws = Workspace<Float>(architecture: arch, capacity: capacity)
            ws.gather(data, rowsFrom: 0, count: n)
            let loss = net.parameters.withUnsafeBufferPointer { ws.lossAndGradient($0.baseAddress!, withLoss: true) }
            return (loss, Array(UnsafeBufferPointer(start: ws.gradient, count: net.layout.count)), ws.ld)
        }
        let (l1, g1, ld1) = lossAndGradient(capacity: n), (l2, g2, ld2) = lossAndGradient(capacity: 300)
        #expect(ld1 == 264 && ld2 == 304)
        #expect(l1 == l2)
        #expect(g1 == g2)
        #expect(g1.contains { $0 != 0 })
    }
    /// Softmax of one sample alone (its logits contiguous, one column: batch 1) is that sample's
    /// column of a batch, bit for bit: probabilities, error signal (of the mean loss, so 8× the
    /// batch's, exactly) and loss.
    @Test func softmaxOfOneSampleIsItsColumnOfABatch() {
        var r = RandomSource(seed: 4)
        let k = 10, n = 8, ld = 8
        let logits = (0..<(k * ld)).map { _ in Float(r.uniform(-6, 6)) }
        let labels = (0..<n).map { _ in Float(r.int(below: k)) }
        let kernels = DispatchedKernels<Float>(.selected)
        var outputs = [Float](repeating: 0, count: k * ld), delta = outputs, scratch = [Float](repeating: 0, count: 4 * ld)
        let total = OutputHead.softmaxCrossEntropy.evaluate(
            logits: logits, outputs: &outputs, delta: &delta, targets: labels, targetWidth: 1, units: k,
            count: n, columns: n, ld: ld, scratch: &scratch, kernels: kernels)
        var sum: Float = 0
        for s in 0..<n {
            let z = (0..<k).map { logits[$0 * ld + s] }
            var o = [Float](repeating: 0, count: k), d = o, one = [Float](repeating: 0, count: 4)
            let loss = OutputHead.softmaxCrossEntropy.evaluate(
                logits: z, outputs: &o, delta: &d, targets: [labels[s]], targetWidth: 1, units: k,
                count: 1, columns: 1, ld: 1, scratch: &one, kernels: kernels)
            sum += loss
            for j in 0..<k {
                #expect(o[j] == outputs[j * ld + s], "sample \(s) unit \(j)")
                #expect(d[j] / 8 == delta[j * ld + s], "sample \(s) unit \(j)")
            }
        }
        #expect(sum == total)
    }
    /// Batches of up to `sampleMax` samples of a large network run sample by sample on every C
    /// path, larger ones padded; small networks keep small batches padded; the baseline never runs
    /// sample by sample.
    @Test func smallBatchesOfALargeNetworkRunSampleBySample() throws {
        #expect(Workspace<Float>.bySampleFrom(samples: Workspace<Float>.sampleMax) < .max)
        #expect(Workspace<Float>.bySampleFrom(samples: Workspace<Float>.sampleMax + 1) == .max)
        let large = Architecture(sizes: [64, 128, 10], activation: .relu, head: .softmaxCrossEntropy)
        let small = Architecture(sizes: [16, 12, 3], activation: .tanh, head: .softmaxCrossEntropy)   // 243 parameters
        var r = RandomSource(seed: 2)
        for path in KernelPath.supported {
            for (arch, bySampleUpTo) in [(large, path == .baseline ? 0 : 7), (small, path == .baseline ? 0 : 1)] {
                let n = 16, inputs = arch.sizes[0]
                let data = try Dataset(x: Matrix<Float>(rows: n, columns: inputs, elements: (0..<(n * inputs)).map { _ in Float(r.uniform(-1, 1)) })!,
                                       labels: (0..<n).map { Float($0 % 3) })
                let ws = Workspace<Float>(architecture: arch, capacity: n, kernels: path)
                for count in 1...n {
                    ws.gather(data, rowsFrom: 0, count: count)
                    #expect(ws.pass.isBySample == (count <= bySampleUpTo), "\(path) \(arch.sizes) batch \(count)")
                    // Neither network is narrow, so one sample on a C path lies on its own.
                    #expect((ws.pass == .single) == (count == 1 && path != .baseline), "\(path) \(arch.sizes) batch \(count)")
                    #expect(ws.ld == (ws.pass == .single ? 1 : ws.batchStride))
                }
            }
        }
    }
}
