import Testing
@testable import Backprop

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
        // The check must be able to fail. Given backpropagation's gradient it passes; given the
        // gradients a wrong backward pass would produce — a derivative with the wrong sign in
        // one place, or tanh' taken as 1 (a linear layer's) — it fails, by orders of magnitude.
        let arch = Architecture(sizes: [2, 4, 1], activation: .tanh, head: .sigmoidCrossEntropy)
        let net = try Network<Double>(arch, initializer: .normal(scale: 1), seed: 3)
        let data = try Self.problem(head: .sigmoidCrossEntropy, inputs: 2, outputs: 1, rows: 6, seed: 4)
        let (_, right) = try GradientCheck.lossAndGradient(net, on: data)
        #expect(try GradientCheck.run(net, on: data, step: 1e-3, floor: 1e-5, analytic: right).largest < 1e-7)
        var flipped = right
        flipped[net.layout.weightOffsets[1] + 2].negate()
        #expect(try GradientCheck.run(net, on: data, step: 1e-3, floor: 1e-5, analytic: flipped).perLayer[1] > 0.5)
        // tanh' replaced by 1: the first layer's gradient of the same net with linear units.
        let linear = try Network<Double>(Architecture(sizes: [2, 4, 1], activation: .linear, head: .sigmoidCrossEntropy),
                                         weights: [net.weight(0), net.weight(1)], biases: [net.bias(0), net.bias(1)])
        var wrongDerivative = right
        let (_, g) = try GradientCheck.lossAndGradient(linear, on: data)
        for k in 0..<net.layout.weightOffsets[1] { wrongDerivative[k] = g[k] }
        #expect(try GradientCheck.run(net, on: data, step: 1e-3, floor: 1e-5, analytic: wrongDerivative).perLayer[0] > 1e-2)
    }
}
