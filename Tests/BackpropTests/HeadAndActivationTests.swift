import Foundation
import Testing
import Backprop

@Suite struct HeadAndActivationTests {
    /// A 1-in, k-out linear network whose logits equal the input times its weights.
    func logitsNetwork(_ head: OutputHead, weights: [Double]) throws -> Network<Double> {
        try Network(Architecture(inputs: 1, hidden: [], outputs: weights.count, head: head),
                    weights: [Matrix(rows: weights.count, columns: 1, elements: weights)!],
                    biases: [Array(repeating: 0, count: weights.count)])
    }

    @Test(arguments: OutputHead.allCases, [1000.0, -1000.0])
    func lossesAreFiniteForHugeLogits(head: OutputHead, z: Double) throws {
        let k = head == .softmaxCrossEntropy ? 3 : 1
        let net = try logitsNetwork(head, weights: Array(repeating: 1, count: k).enumerated().map { Double($0.offset + 1) })
        let label: Double = switch head {
        case .softmaxCrossEntropy: 0
        case .tanhSquaredError: -1
        default: 0
        }
        let data = try Dataset(x: Matrix(rows: 1, columns: 1, elements: [z])!, labels: [label])
        let (loss, gradient) = try GradientCheck.lossAndGradient(net, on: data)
        #expect(loss.isFinite)
        #expect(gradient.allSatisfy { $0.isFinite })
        let predicted = try net.predict(data.x)
        #expect(predicted.elements.allSatisfy { $0.isFinite })
        if head == .sigmoidCrossEntropy {
            // softplus(1000) − 0 = 1000 exactly; for z = −1000 the loss is ~0.
            #expect(abs(loss - max(z, 0)) < 1e-9)
        }
        if head == .softmaxCrossEntropy {
            // logits (z, 2z, 3z) with label 0: loss = logsumexp − z ≈ max(2z, 0)… exactly 2000 for z = 1000.
            #expect(abs(loss - (z > 0 ? 2000 : 0)) < 1e-9)
        }
    }

    @Test(arguments: Activation.allCases)
    func activationsAreFiniteAndDerivativesMatchDifferences(activation: Activation) {
        for z in [-1000.0, -3, -0.7, 0.3, 2.5, 1000] {
            let a = activation.value(z)
            #expect(a.isFinite, "\(activation)(\(z)) = \(a)")
            #expect(activation.derivative(z: z, a: a).isFinite)
            if abs(z) < 10 {
                let h = 1e-6
                let numeric = (activation.value(z + h) - activation.value(z - h)) / (2 * h)
                #expect(abs(numeric - activation.derivative(z: z, a: a)) < 1e-6, "\(activation)'(\(z))")
            }
        }
    }

    /// Float's tanh is a rational fit (Float.vtanh): 6 ulp worst, near |x| ≈ 7.
    @Test func floatTanhIsWithinEightUlpOfTheExactValue() {
        var worst: Float = 0
        var x: Float = -20
        while x <= 20 {
            let exact = Float(Foundation.tanh(Double(x)))
            let ulps = abs(Float.tanh(x) - exact) / max(exact.ulp, Float.leastNormalMagnitude)
            worst = max(worst, ulps)
            x += 0.000731
        }
        #expect(worst <= 8, "worst error \(worst) ulp")
        #expect(Float.tanh(1000) == 1 && Float.tanh(-1000) == -1 && Float.tanh(0) == 0)
        #expect(Float.tanh(1e-30) == 1e-30)
    }

    @Test func reluDerivativeAtZeroIsZero() {
        #expect(Activation.relu.derivative(z: 0.0, a: 0.0) == 0)
        #expect(Activation.relu.value(-2.0) == 0)
    }

    @Test func namesParseAsUsersTypeThem() {
        #expect(Activation(name: "ReLU") == .relu)
        #expect(Activation(name: "leaky-relu") == .leakyRelu)
        #expect(Activation(name: "sin") == .sine)
        #expect(Activation(name: "bogus") == nil)
        #expect(OutputHead(name: "softmax") == .softmaxCrossEntropy)
        #expect(OutputHead(name: "regression") == .identitySquaredError)
    }
}
