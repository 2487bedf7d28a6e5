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
}
