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

    /// Inputs twenty times larger: with one fixed step the fourth-order formula's truncation
    /// grows like the input's fifth power and reported a correct gradient as failed; the step
    /// taken relative to each weight's input keeps the check exact.
    @Test func largeInputsDoNotFailACorrectGradient() throws {
        let arch = Architecture(sizes: [2, 6, 1], activation: .tanh, head: .sigmoidCrossEntropy)
        let net = try Network<Double>(arch, initializer: .glorotNormal, seed: 11)
        var data = try Self.problem(head: .sigmoidCrossEntropy, inputs: 2, outputs: 1, rows: 16, seed: 12)
        var x = data.x
        for k in x.elements.indices { x.elements[k] *= 20 }
        data = try Dataset(x: x, y: data.y)
        let result = try GradientCheck.run(net, on: data)
        #expect(result.largest < 1e-7, "\(result.perLayer)")
    }

    /// A unit whose weights and bias are all 0 sits at ReLU's kink for every sample: its
    /// parameters are skipped and counted, never compared as if they were fine.
    @Test func parametersAtAKinkAreCountedAsSkipped() throws {
        let arch = Architecture(sizes: [2, 3, 1], activation: .relu, head: .sigmoidCrossEntropy)
        let base = try Network<Double>(arch, initializer: .glorotNormal, seed: 5)
        var w0 = base.weight(0), b0 = base.bias(0)
        w0.elements[0] = 0; w0.elements[1] = 0; b0[0] = 0   // unit 0: z = 0 everywhere
        let net = try Network<Double>(arch, weights: [w0, base.weight(1)], biases: [b0, base.bias(1)])
        let data = try Self.problem(head: .sigmoidCrossEntropy, inputs: 2, outputs: 1, rows: 8, seed: 6)
        let result = try GradientCheck.run(net, on: data)
        #expect(result.skipped >= 3 && result.checked + result.skipped == net.layout.count, "skipped \(result.skipped), checked \(result.checked)")
    }

    /// With L2 of the gradient style the check covers the penalty: the data loss's gradient
    /// alone (the penalty's derivative forgotten) fails it.
    @Test func regularisationIsPartOfTheCheck() throws {
        let arch = Architecture(sizes: [2, 4, 1], activation: .tanh, head: .sigmoidCrossEntropy)
        let net = try Network<Double>(arch, initializer: .normal(scale: 1), seed: 8)
        let data = try Self.problem(head: .sigmoidCrossEntropy, inputs: 2, outputs: 1, rows: 6, seed: 9)
        for reg in [Regularization.l2(0.1), .l1(0.1)] {
            #expect(try GradientCheck.run(net, on: data, regularization: reg).largest < 1e-7, "\(reg.kind)")
            let (_, dataOnly) = try GradientCheck.lossAndGradient(net, on: data)
            #expect(try GradientCheck.run(net, on: data, step: 1e-3, floor: 1e-5, regularization: reg, analytic: dataOnly).largest > 1e-3, "\(reg.kind)")
        }
        #expect(throws: BackpropError.self) { try GradientCheck.run(net, on: data, regularization: .l2(0.1, style: .playground)) }
    }
}
