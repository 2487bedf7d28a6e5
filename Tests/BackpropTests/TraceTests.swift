import Testing
@testable import Backprop

/// The sheet's derivations, checked on what `Trace` shows (the engine's own buffers): the
/// output error signal per head, δ one layer down by the chain rule, each gradient as the
/// batch mean of δ·a, agreement with finite differences, and a dead ReLU's exact zero.
@Suite struct TraceTests {
    static func network(_ sizes: [Int], _ activation: Activation, _ head: OutputHead, seed: UInt64 = 3) throws -> Network<Double> {
        try Network(Architecture(sizes: sizes, activation: activation, head: head), initializer: Initializer(.normal, scale: 0.8), seed: seed)
    }

    static func data(inputs: Int, count: Int, head: OutputHead, classes: Int) throws -> Dataset<Double> {
        var random = RandomSource(seed: 11)
        var x = Matrix<Double>(rows: count, columns: inputs)
        for r in 0..<count { for c in 0..<inputs { x[r, c] = random.normal() } }
        let labels: [Double] = (0..<count).map { k in
            switch head {
            case .softmaxCrossEntropy: Double(k % classes)
            case .sigmoidCrossEntropy: Double(k % 2)
            case .tanhSquaredError: k % 2 == 0 ? -1 : 1
            case .identitySquaredError: Double(k) / Double(count) - 0.5
            }
        }
        return try Dataset(x: x, labels: labels)
    }

    @Test(arguments: OutputHead.allCases)
    func theOutputErrorSignalIsTheSheets(head: OutputHead) throws {
        let outputs = head == .softmaxCrossEntropy ? 3 : 1
        let net = try Self.network([2, 4, outputs], .tanh, head)
        let trace = try net.trace(try Self.data(inputs: 2, count: 7, head: head, classes: 3))
        let L = trace.deltas.count - 1
        for k in 0..<trace.count {
            for j in 0..<outputs {
                let yhat = trace.outputs[L][k, j]
                let y: Double = head == .softmaxCrossEntropy ? (trace.targets[k, 0] == Double(j) ? 1 : 0) : trace.targets[k, 0]
                let expected = head == .tanhSquaredError ? (yhat - y) * (1 - yhat * yhat) : yhat - y
                #expect(abs(trace.deltas[L][k, j] - expected) <= 1e-12 * max(1, abs(expected)), "sample \(k), unit \(j)")
            }
        }
    }

    @Test(arguments: [Activation.relu, .tanh, .sigmoid, .gelu])
    func deltasFollowTheChainRuleAndGradientsAreMeansOfDeltaTimesA(activation: Activation) throws {
        let net = try Self.network([3, 5, 4, 3], activation, .softmaxCrossEntropy)
        let trace = try net.trace(try Self.data(inputs: 3, count: 9, head: .softmaxCrossEntropy, classes: 3))
        let m = Double(trace.count)
        for l in 0..<trace.deltas.count {
            let input = trace.input(toLayer: l), g = trace.weightGradients[l]
            for j in 0..<g.rows {
                for i in 0..<g.columns {
                    let mean = (0..<trace.count).reduce(0.0) { $0 + trace.deltas[l][$1, j] * input[$1, i] } / m
                    #expect(abs(g[j, i] - mean) <= 1e-12 * max(1e-3, abs(mean)), "layer \(l) w[\(j),\(i)]")
                }
                let meanDelta = (0..<trace.count).reduce(0.0) { $0 + trace.deltas[l][$1, j] } / m
                #expect(abs(trace.biasGradients[l][j] - meanDelta) <= 1e-12 * max(1e-3, abs(meanDelta)))
            }
            guard l > 0 else { continue }
            // δ(l−1) = (W(l)ᵀ δ(l)) ⊙ φ'(z̃(l−1)), from the trace's own numbers.
            let w = net.weight(l)
            for k in 0..<trace.count {
                for i in 0..<w.columns {
                    let back = (0..<w.rows).reduce(0.0) { $0 + w[$1, i] * trace.deltas[l][k, $1] }
                    let z = trace.preActivations[l - 1][k, i], a = trace.outputs[l - 1][k, i]
                    let expected = back * activation.derivative(z: z, a: a)
                    #expect(abs(trace.deltas[l - 1][k, i] - expected) <= 1e-12 * max(1e-3, abs(expected)))
                }
            }
        }
    }

    /// One sample alone lies in the workspace differently (its values contiguous, `Workspace.Pass.single`,
    /// on a C path) than in a batch: every number the trace shows must not notice. A network wider
    /// than the narrow pass's 8 units, and one whose last layer has a single output.
    @Test(arguments: [([3, 12, 3], OutputHead.softmaxCrossEntropy), ([3, 10, 9, 1], .sigmoidCrossEntropy)])
    func aSampleAloneIsTracedAsInABatch(sizes: [Int], head: OutputHead) throws {
        var net = try Self.network(sizes, .tanh, head)
        var random = RandomSource(seed: 5)
        for i in net.parameters.indices { net.parameters[i] = random.normal() * 0.7 }   // biases too
        let data = try Self.data(inputs: 3, count: 5, head: head, classes: 3)
        let batch = try net.trace(data)
        for k in 0..<data.count {
            let alone = try net.trace(try Dataset(x: Matrix(rows: 1, columns: 3, elements: Array(data.x.elements[(3 * k)..<(3 * k + 3)]))!,
                                                  labels: [data.y[k, 0]]))
            func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }
            for l in 0..<batch.deltas.count {
                for j in 0..<net.layout.fanOut(l) {
                    #expect(close(alone.preActivations[l][0, j], batch.preActivations[l][k, j]), "sample \(k) z[\(l)][\(j)]")
                    #expect(close(alone.outputs[l][0, j], batch.outputs[l][k, j]), "sample \(k) a[\(l)][\(j)]")
                    // The batch's δ is of the mean loss over 5 samples; the trace scales it back per sample.
                    #expect(close(alone.deltas[l][0, j], batch.deltas[l][k, j]), "sample \(k) δ[\(l)][\(j)]")
                }
            }
        }
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let net = try Self.network([2, 6, 6, 1], .tanh, .sigmoidCrossEntropy)
        let data = try Self.data(inputs: 2, count: 10, head: .sigmoidCrossEntropy, classes: 2)
        let trace = try net.trace(data)
        let h = 1e-6
        var worst = 0.0
        for l in 0..<trace.weightGradients.count {
            for j in 0..<net.layout.fanOut(l) {
                for i in 0..<net.layout.fanIn(l) {
                    var plus = net, minus = net
                    plus.setWeight(layer: l, to: j, from: i, net.weight(l)[j, i] + h)
                    minus.setWeight(layer: l, to: j, from: i, net.weight(l)[j, i] - h)
                    let fd = (try plus.trace(data).loss - minus.trace(data).loss) / (2 * h)
                    worst = max(worst, abs(fd - trace.weightGradients[l][j, i]) / max(1e-4, abs(fd)))
                }
            }
        }
        #expect(worst < 1e-6, "largest relative difference \(worst)")
    }

    @Test func aDeadReLUHasExactlyZeroGradient() throws {
        var net = try Self.network([2, 3, 1], .relu, .sigmoidCrossEntropy)
        net.setBias(layer: 0, neuron: 1, -100)   // z̃ < 0 for every sample: dead
        let trace = try net.trace(try Self.data(inputs: 2, count: 8, head: .sigmoidCrossEntropy, classes: 2))
        #expect((0..<trace.count).allSatisfy { trace.preActivations[0][$0, 1] < 0 && trace.deltas[0][$0, 1] == 0 })
        #expect(trace.weightGradients[0][1, 0] == 0 && trace.weightGradients[0][1, 1] == 0 && trace.biasGradients[0][1] == 0)
        #expect(trace.weightGradients[1][0, 1] == 0, "its output is 0, so the weight out of it gets no gradient either")
        #expect(trace.weightGradients[0][0, 0] != 0 || trace.weightGradients[0][2, 0] != 0, "the live units do learn")
        #expect(Activation.relu.derivative(z: 0.0, a: 0.0) == 0, "the sheet's convention φ'(0) = 0")
    }
}
