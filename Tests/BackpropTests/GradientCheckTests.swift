import Testing
import Backprop

/// Backpropagation agrees with finite differences for every activation and head.
@Suite struct GradientCheckTests {
    static func problem(head: OutputHead, inputs: Int, outputs: Int, rows: Int, seed: UInt64) throws -> Dataset<Double> {
        var r = RandomSource(seed: seed)
        var x = Matrix<Double>(rows: rows, columns: inputs)
        for k in x.elements.indices { x.elements[k] = r.uniform(-2, 2) }
        let width = head.usesClassIndices ? 1 : outputs
        var y = Matrix<Double>(rows: rows, columns: width)
        for k in y.elements.indices {
            switch head {
            case .softmaxCrossEntropy: y.elements[k] = Double(r.int(below: outputs))
            case .sigmoidCrossEntropy: y.elements[k] = Double(r.int(below: 2))
            case .tanhSquaredError: y.elements[k] = r.int(below: 2) == 0 ? -1 : 1
            case .identitySquaredError: y.elements[k] = r.uniform(-1, 1)
            }
        }
        return try Dataset(x: x, y: y)
    }

    @Test(arguments: Activation.allCases, OutputHead.allCases)
    func backpropMatchesFiniteDifferences(activation: Activation, head: OutputHead) throws {
        for depth in 1...3 {
            let outputs = head == .softmaxCrossEntropy ? 3 : 2
            let hidden = Array([5, 4, 3].prefix(depth))
            let arch = Architecture(sizes: [3] + hidden + [outputs], activation: activation, head: head)
            let seed = UInt64(depth * 7919 + Activation.allCases.firstIndex(of: activation)! * 31)
            let net = try Network<Double>(arch, initializer: .glorotNormal, seed: seed)
            let data = try Self.problem(head: head, inputs: 3, outputs: outputs, rows: 7, seed: seed + 1)
            let result = try GradientCheck.run(net, on: data)
            #expect(result.perLayer.count == depth + 1)
            #expect(result.largest < 1e-7, "\(activation) × \(head), \(depth) hidden: \(result.perLayer)")
            #expect(result.skipped <= net.layout.count / 10, "too many parameters at a kink: \(result.skipped)")
        }
    }

    @Test func aWrongDerivativeWouldBeCaught() throws {
        // The check must be able to fail: compare a correct gradient with the
        // gradient of a different network (one weight changed), as a wrong
        // backward pass would produce.
        let arch = Architecture(sizes: [2, 4, 1], activation: .tanh, head: .sigmoidCrossEntropy)
        let net = try Network<Double>(arch, initializer: .normal(scale: 1), seed: 3)
        let data = try Self.problem(head: .sigmoidCrossEntropy, inputs: 2, outputs: 1, rows: 6, seed: 4)
        var other = net
        other.setWeight(layer: 1, to: 0, from: 2, net.weight(1)[0, 2] + 0.5)
        let (_, g1) = try GradientCheck.lossAndGradient(net, on: data)
        let (_, g2) = try GradientCheck.lossAndGradient(other, on: data)
        let worst = zip(g1, g2).map { abs($0 - $1) / max(abs($0), abs($1), 1e-6) }.max() ?? 0
        #expect(worst > 1e-3)
    }
}
