import Foundation
import Testing
import TestFixtures
@testable import Backprop

/// Every kernel path this CPU runs computes what the Swift reference (the baseline path)
/// computes: the same loss and gradient for every activation and head the C kernels take, at
/// batch sizes and widths that reach every tile and remainder of the loops. They differ only by
/// rounding: AVX2 and AVX-512 fuse each multiply-add, and every C path sums in its own blocks. The golden trajectories run on every
/// path too (GoldenTests); `.ci/run` also runs the engine's suites with `BACKPROP_KERNELS` set
/// to each path.
@Suite struct KernelPathTests {
    @Test func aForcedPathIsTakenWhenThisCPURunsIt() {
        let best = KernelPath.supported.max() ?? .baseline
        #expect(KernelPath.supported.first == .baseline)
        if let asked = ProcessInfo.processInfo.environment["BACKPROP_KERNELS"], !asked.isEmpty {
            if let path = KernelPath(rawValue: asked.lowercased()), path.isSupported {
                #expect(KernelPath.selected == path)
                #expect(KernelPath.notice == nil)
            } else {
                #expect(KernelPath.selected == best)
                #expect(KernelPath.notice != nil)
            }
        } else {
            #expect(KernelPath.selected == best)
        }
    }

    @Test func requestsAreReadAsPeopleWriteThem() {
        let best = KernelPath.supported.max() ?? .baseline
        #expect(KernelPath.choose(requested: nil) == (best, nil))
        #expect(KernelPath.choose(requested: "") == (best, nil))
        #expect(KernelPath.choose(requested: "BASELINE") == (.baseline, nil))
        let bogus = KernelPath.choose(requested: "sse9")
        #expect(bogus.path == best)
        #expect(bogus.notice == "BACKPROP_KERNELS=sse9 is not one of baseline, vector128, avx2, avx512; using \(best.rawValue)")
        for path in KernelPath.allCases where !path.isSupported {
            #expect(KernelPath.choose(requested: path.rawValue).path == best)
            #expect(KernelPath.choose(requested: path.rawValue).notice?.contains("cannot run") == true)
        }
    }

    /// A trainer asked for a path gets it (or the baseline where the CPU has not got it).
    @Test func aTrainerRunsThePathItIsGiven() throws {
        let arch = Architecture(sizes: [2, 3, 1], activation: .tanh, head: .sigmoidCrossEntropy)
        let net = try Network<Float>(arch, initializer: .glorotUniform, seed: 1)
        let data = try Dataset<Float>(x: Matrix(rows: 2, columns: 2, elements: [0, 1, 1, 0])!, labels: [0, 1])
        for path in KernelPath.allCases {
            let trainer = try Trainer(network: net, data: data, settings: TrainingSettings(epochs: 1, learningRate: .constant(0.1)),
                                      kernels: path)
            #expect(trainer.kernels == (path.isSupported ? path : .baseline))
        }
    }

    /// More shapes for the one-sample kernels' 16-lane strips and their rest: 16-row blocks of the
    /// forward product with a tail after the vector part (33 deep) and rows left over (17, 70), and
    /// a network large enough (9,758 parameters) that batches of up to 7 run sample by sample.
    static let sampleCases: [(sizes: [Int], activation: Activation, head: OutputHead)] = [
        ([12, 20, 1], .tanh, .sigmoidCrossEntropy), ([9, 33, 17, 2], .relu, .identitySquaredError),
        ([80, 70, 3], .sigmoid, .softmaxCrossEntropy), ([66, 130, 8], .relu, .softmaxCrossEntropy),
    ]

    /// Glorot's weights and biases that are not zero (Glorot's are), so that every kernel's bias term counts.
    static func network<T: Scalar>(_ arch: Architecture, seed: UInt64) throws -> Network<T> {
        var net = try Network<T>(arch, initializer: .glorotUniform, seed: seed)
        var r = RandomSource(seed: seed &+ 100)
        for l in 0..<net.layout.layerCount {
            for o in 0..<net.layout.fanOut(l) { net.setBias(layer: l, neuron: o, T(r.uniform(-0.5, 0.5))) }
        }
        return net
    }

    static let cases: [(sizes: [Int], activation: Activation, head: OutputHead)] = [
        ([2, 10, 1], .tanh, .sigmoidCrossEntropy),            // W1's shape: the fused Wᵀδ ⊙ φ' of a one-output layer
        ([2, 6, 6, 6, 1], .relu, .tanhSquaredError),          // W2's narrow layers and the playground's head
        ([3, 5, 7, 2], .sigmoid, .identitySquaredError),      // 1–3 rows left over in every tile
        ([16, 17, 3], .linear, .softmaxCrossEntropy),         // a wide input (transposed weight gradient)
        ([64, 40, 10], .relu, .softmaxCrossEntropy),          // W3's kind of layer, 4 × 16 tiles; batches of 2 and 3 sample by sample
        ([24, 9, 4], .elu, .sigmoidCrossEntropy),             // an activation only Swift has, between C kernels
        ([8, 8, 8], .tanh, .sigmoidCrossEntropy),             // the widest narrow pass: every lane a unit, 8 outputs
        ([2, 1], .relu, .identitySquaredError),               // a narrow pass without a hidden layer
    ]

    /// Networks no wider than 8 units take the whole pass in one C call (`NarrowPass`) on every
    /// C path — so the cases above test it — and nothing else does.
    @Test func narrowNetworksTakeTheNarrowPass() {
        func narrow(_ sizes: [Int], _ activation: Activation, _ head: OutputHead, _ path: KernelPath) -> Bool {
            Workspace<Float>(architecture: Architecture(sizes: sizes, activation: activation, head: head), capacity: 10, kernels: path)
                .narrow != nil
        }
        for path in KernelPath.supported {
            let compiled = path != .baseline
            #expect(narrow([2, 6, 6, 6, 1], .relu, .tanhSquaredError, path) == compiled, "\(path)")
            #expect(narrow([8, 8, 8], .sigmoid, .sigmoidCrossEntropy, path) == compiled, "\(path)")
            #expect(!narrow([2, 9, 1], .relu, .tanhSquaredError, path), "\(path): 9 units")
            #expect(!narrow([2, 6, 3], .relu, .softmaxCrossEntropy, path), "\(path): softmax")
            #expect(!narrow([2, 6, 1], .elu, .sigmoidCrossEntropy, path), "\(path): ELU")
        }
    }

    @Test(arguments: [1, 2, 3, 7, 8, 10, 33, 64])
    func everyPathGivesTheReferenceGradientInDouble(batch: Int) throws {
        try expectEveryPathMatchesTheReference(Double.self, batch: batch, gradientTolerance: 1e-13, lossTolerance: 1e-13)
    }

    @Test(arguments: [1, 3, 5, 10, 33])
    func everyPathGivesTheReferenceGradientInFloat(batch: Int) throws {
        try expectEveryPathMatchesTheReference(Float.self, batch: batch, gradientTolerance: 1e-4, lossTolerance: 1e-5)
    }

    /// For every case: each C path's gradient within `gradientTolerance` of the reference's largest
    /// gradient value, its loss within `lossTolerance` (relative, or absolute below 1).
    func expectEveryPathMatchesTheReference<T: Scalar>(_: T.Type, batch: Int, gradientTolerance: T, lossTolerance: T) throws {
        for c in Self.cases {
            let reference = try lossAndGradient(T.self, c, batch: batch, path: .baseline)
            for path in KernelPath.supported where path != .baseline {
                let (loss, gradient) = try lossAndGradient(T.self, c, batch: batch, path: path)
                let scale = max(reference.gradient.map(\.magnitude).max() ?? 0, T.leastNormalMagnitude)
                let worst = zip(gradient, reference.gradient).map { ($0 - $1).magnitude }.max() ?? 0
                #expect(worst <= gradientTolerance * scale,
                        "\(path) \(c.sizes) \(c.activation) batch \(batch): gradient off by \(worst) of \(scale)")
                #expect((loss - reference.loss).magnitude <= lossTolerance * max(reference.loss.magnitude, 1),
                        "\(path) \(c.sizes) batch \(batch): loss \(loss) against \(reference.loss)")
            }
        }
    }

    /// Plain SGD on 1–7 samples updates each layer as the backward pass leaves it
    /// (`Workspace.sgdStep`): the same parameters and loss, bit for bit, as the gradient and then
    /// the update, on every C path — for every case that runs sample by sample (not the narrow
    /// ones, and at 2–7 samples only the larger networks; at every batch size some case does),
    /// inputs not a multiple of 8 and a one-output layer among them.
    @Test(arguments: 1...7)
    func theFusedSampleStepIsTheGradientThenTheUpdate(batch: Int) throws {
        try expectTheFusedStepIsTheGradientThenTheUpdate(Double.self, batch: batch)
        try expectTheFusedStepIsTheGradientThenTheUpdate(Float.self, batch: batch)   // AVX-512 has its own 16-lane Float kernel
    }

    func expectTheFusedStepIsTheGradientThenTheUpdate<T: Scalar>(_: T.Type, batch: Int) throws {
        for path in KernelPath.supported where path != .baseline {
            var fusedCases = 0
            defer { #expect(fusedCases > 0, "\(path) batch \(batch): no case ran sample by sample") }
            for c in Self.cases + Self.sampleCases {
                let arch = Architecture(sizes: c.sizes, activation: c.activation, head: c.head)
                let net: Network<T> = try Self.network(arch, seed: 9)
                var r = RandomSource(seed: 3)
                let x = Matrix<T>(rows: batch, columns: c.sizes[0],
                                  elements: (0..<(batch * c.sizes[0])).map { _ in T(r.uniform(-2, 2)) })!
                let width = c.head == .softmaxCrossEntropy ? 1 : c.sizes.last!
                let y: [T] = (0..<(batch * width)).map { _ in T(r.int(below: c.head == .softmaxCrossEntropy ? c.sizes.last! : 2)) }
                let data = try Dataset(x: x, y: Matrix(rows: batch, columns: width, elements: y)!)
                let fused = Workspace<T>(architecture: arch, capacity: batch, kernels: path)
                let plain = Workspace<T>(architecture: arch, capacity: batch, kernels: path)
                fused.gather(data, rowsFrom: 0, count: batch)
                plain.gather(data, rowsFrom: 0, count: batch)
                var p1 = net.parameters, p2 = net.parameters
                let eta: T = 0.37
                let l1 = p1.withUnsafeMutableBufferPointer { fused.sgdStep($0.baseAddress!, learningRate: eta, withLoss: true) }
                let l2 = p2.withUnsafeMutableBufferPointer { plain.lossAndGradient(UnsafePointer($0.baseAddress!), withLoss: true) }
                for i in p2.indices { p2[i] -= eta * plain.gradient[i] }
                if fused.narrow != nil || !fused.pass.isBySample {
                    #expect(l1 == nil, "\(c.sizes) batch \(batch): a narrow or padded batch takes its own pass")
                    continue
                }
                fusedCases += 1
                #expect(l1 == l2, "\(path) \(c.sizes) \(T.self): loss")
                let differing = zip(p1, p2).filter { $0 != $1 }.count
                #expect(differing == 0, "\(path) \(c.sizes) \(T.self): \(differing) of \(p1.count) parameters differ after the step")
                #expect(zip(p1, net.parameters).contains { $0 != $1 }, "\(path) \(c.sizes): the step moved nothing")
            }
        }
    }

    /// AVX2 and AVX-512 run the same sums in the same order (only the register width differs),
    /// so a run does not change when it moves between the two kinds of machine: bit for bit.
    @Test func avx2AndAVX512AgreeBitForBit() throws {
        guard KernelPath.avx512.isSupported else { return }
        for c in Self.cases + Self.sampleCases {
            for batch in [1, 3, 5, 7, 10, 33] {
                let a = try lossAndGradient(Double.self, c, batch: batch, path: .avx2)
                let b = try lossAndGradient(Double.self, c, batch: batch, path: .avx512)
                #expect(a.loss == b.loss && a.gradient == b.gradient, "\(c.sizes) batch \(batch)")
                let f = try lossAndGradient(Float.self, c, batch: batch, path: .avx2)
                let g = try lossAndGradient(Float.self, c, batch: batch, path: .avx512)
                #expect(f.loss == g.loss && f.gradient == g.gradient, "\(c.sizes) batch \(batch) (Float)")
            }
        }
    }

    /// The transposes move values and nothing else: every path equals the Swift loop exactly, at
    /// every shape around the 8 × 8 blocks.
    @Test func transposesAreExactOnEveryPath() {
        for path in KernelPath.supported {
            let kernels = DispatchedKernels<Double>(path), floats = DispatchedKernels<Float>(path)
            for rows in [1, 7, 8, 9, 16, 19] {
                for cols in [1, 5, 8, 13, 24] {
                    let lds = cols + 3, ldd = rows + 5
                    let src = (0..<(rows * lds)).map { Double($0) + 0.5 }
                    var expected = [Double](repeating: -1, count: cols * ldd), got = expected
                    Kernels.transpose(src, rows: rows, cols: cols, lds: lds, into: &expected, ldd: ldd)
                    kernels.transpose(src, rows: rows, cols: cols, lds: lds, into: &got, ldd: ldd)
                    #expect(got == expected, "\(path) \(rows) × \(cols)")
                    let fsrc = src.map { Float($0) }
                    var fexpected = [Float](repeating: -1, count: cols * ldd), fgot = fexpected
                    Kernels.transpose(fsrc, rows: rows, cols: cols, lds: lds, into: &fexpected, ldd: ldd)
                    floats.transpose(fsrc, rows: rows, cols: cols, lds: lds, into: &fgot, ldd: ldd)
                    #expect(fgot == fexpected, "\(path) \(rows) × \(cols) (Float)")
                }
            }
        }
    }

    /// Every path's one-sample kernels, plain SGD and heads are their Swift references'
    /// arithmetic: within a few ulps of the sums' size (the C kernels sum in other orders, with
    /// fused multiply-adds where the CPU has them), exactly where nothing is summed.
    @Test func everyKernelIsItsReferenceOnEveryPath() {
        var r = RandomSource(seed: 11)
        func values(_ n: Int) -> [Double] { (0..<n).map { _ in r.uniform(-1, 1) } }
        func close(_ a: [Double], _ b: [Double], _ what: String) {
            let scale = max(1, (a + b).map(abs).max() ?? 1)
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * scale } && a.count == b.count, "\(what)")
        }
        for path in KernelPath.supported {
            let k = DispatchedKernels<Double>(path)
            for (outW, inW, samples) in [(1, 1, 1), (3, 5, 2), (8, 8, 7), (13, 6, 4), (5, 17, 3)] {
                let ld = 9, w = values(outW * inW), bias = values(outW), x = values(inW * ld), delta = values(outW * ld)
                // y = A·x, both ways A is stored.
                var y1 = [Double](repeating: 0, count: outW * 2), y2 = y1
                Kernels.matvec(rows: outW, depth: inW, a: w, rowStride: inW, depthStride: 1, x: x, incx: ld, bias: bias, y: &y1, incy: 2)
                k.matvec(rows: outW, depth: inW, a: w, rowStride: inW, depthStride: 1, x: x, incx: ld, bias: bias, y: &y2, incy: 2)
                close(y1, y2, "\(path) matvec \(outW)×\(inW)")
                var e1 = [Double](repeating: 0, count: inW), e2 = e1
                Kernels.matvec(rows: inW, depth: outW, a: w, rowStride: 1, depthStride: inW, x: delta, incx: ld, bias: nil, y: &e1, incy: 1)
                k.matvec(rows: inW, depth: outW, a: w, rowStride: 1, depthStride: inW, x: delta, incx: ld, bias: nil, y: &e2, incy: 1)
                close(e1, e2, "\(path) matvec transposed \(outW)×\(inW)")
                for accumulate in [false, true] {
                    var gw1 = values(outW * inW), gb1 = values(outW), gw2 = gw1, gb2 = gb1
                    Kernels.outer(outW: outW, inW: inW, delta: delta, incd: ld, x: x, incx: ld, gw: &gw1, gb: &gb1, accumulate: accumulate)
                    k.outer(outW: outW, inW: inW, delta: delta, incd: ld, x: x, incx: ld, gw: &gw2, gb: &gb2, accumulate: accumulate)
                    #expect(gw1 == gw2 && gb1 == gb2, "\(path) outer \(outW)×\(inW) (one product each: exact)")
                }
                var w1 = w, b1 = bias, w2 = w, b2 = bias
                var g1 = [Double](repeating: 0, count: inW * ld), g2 = g1
                var scratch = [Double](repeating: 0, count: 3 * Workspace<Double>.sampleMax * 32)
                Kernels.sampleSGD(samples: samples, outW: outW, inW: inW, w: &w1, b: &b1, delta: delta, x: x, ld: ld, learningRate: 0.1, e: &g1)
                k.sampleSGD(samples: samples, outW: outW, inW: inW, w: &w2, b: &b2, delta: delta, x: x, ld: ld, learningRate: 0.1, e: &g2, scratch: &scratch)
                close(w1 + b1, w2 + b2, "\(path) sampleSGD \(samples) samples of \(outW)×\(inW)")
                close((0..<samples).flatMap { s in (0..<inW).map { g1[$0 * ld + s] } }, (0..<samples).flatMap { s in (0..<inW).map { g2[$0 * ld + s] } },
                      "\(path) sampleSGD's Wᵀδ")
            }
            var p1 = values(100), p2 = p1
            let g = values(100)
            Kernels.sgd(parameters: &p1, gradient: g, count: 100, learningRate: 0.3)
            k.sgd(parameters: &p2, gradient: g, count: 100, learningRate: 0.3)
            #expect(p1 == p2, "\(path) sgd (exact: the same roundings)")
            // The heads, with and without the loss.
            let columns = 11, z = values(3 * columns).map { $0 * 4 }, labels = (0..<columns).map { Double($0 % 3) }
            for head in [OutputHead.sigmoidCrossEntropy, .tanhSquaredError, .identitySquaredError] {
                for withLoss in [true, false] {
                    let y = values(columns).map { head == .sigmoidCrossEntropy ? ($0 > 0 ? 1 : 0) : $0 }
                    var o1 = [Double](repeating: 0, count: columns), d1 = o1, l1 = o1, o2 = o1, d2 = o1, l2 = o1
                    Kernels.headRow(head, z: z, y: y, tw: 1, o: &o1, d: &d1, losses: &l1, columns: columns, scale: 0.25, withLoss: withLoss)
                    k.headRow(head, z: z, y: y, tw: 1, o: &o2, d: &d2, losses: &l2, columns: columns, scale: 0.25, withLoss: withLoss)
                    close(o1 + d1 + (withLoss ? l1 : []), o2 + d2 + (withLoss ? l2 : []), "\(path) \(head) head, loss \(withLoss)")
                }
            }
            var o1 = [Double](repeating: 0, count: 3 * columns), d1 = o1, m1 = [Double](repeating: 0, count: columns), s1 = m1
            var o2 = o1, d2 = d1, m2 = m1, s2 = s1
            Kernels.softmax(z: z, y: labels, o: &o1, d: &d1, units: 3, columns: columns, ld: columns, dld: columns, scale: 0.5, m: &m1, sum: &s1)
            k.softmax(z: z, y: labels, o: &o2, d: &d2, units: 3, columns: columns, ld: columns, dld: columns, scale: 0.5, m: &m2, sum: &s2)
            close(o1 + d1 + m1 + s1, o2 + d2 + m2 + s2, "\(path) softmax")
        }
    }

    /// The loss and gradient of one batch, through a workspace on `path`.
    func lossAndGradient<T: Scalar>(_: T.Type, _ c: (sizes: [Int], activation: Activation, head: OutputHead),
                                    batch: Int, path: KernelPath) throws -> (loss: T, gradient: [T]) {
        var r = RandomSource(seed: UInt64(batch * 31 + c.sizes.reduce(0, +)))
        let inputs = c.sizes[0], outputs = c.sizes.last ?? 1
        let x = Matrix<T>(rows: batch, columns: inputs, elements: (0..<(batch * inputs)).map { _ in T(r.uniform(-2, 2)) })!
        let targets: [T] = (0..<batch).flatMap { _ -> [T] in
            switch c.head {
            case .softmaxCrossEntropy: [T(r.int(below: outputs))]
            case .sigmoidCrossEntropy: (0..<outputs).map { _ in T(r.int(below: 2)) }
            case .tanhSquaredError: (0..<outputs).map { _ in r.int(below: 2) == 0 ? -1 : 1 }
            case .identitySquaredError: (0..<outputs).map { _ in T(r.uniform(-1, 1)) }
            }
        }
        let width = c.head == .softmaxCrossEntropy ? 1 : outputs
        let data = try Dataset(x: x, y: Matrix(rows: batch, columns: width, elements: targets)!)
        let arch = Architecture(sizes: c.sizes, activation: c.activation, head: c.head)
        let net: Network<T> = try Self.network(arch, seed: 5)
        let ws = Workspace<T>(architecture: arch, capacity: batch, kernels: path)
        #expect(ws.kernels.path == path)
        ws.gather(data, rowsFrom: 0, count: batch)
        let loss = net.parameters.withUnsafeBufferPointer { ws.lossAndGradient($0.baseAddress!, withLoss: true) }
        return (loss, Array(UnsafeBufferPointer(start: ws.gradient, count: net.layout.count)))
    }
}
