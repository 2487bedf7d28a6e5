import Backprop

/// Gradient norms and dead units over a run (`backprop train --explain`), and one sample's
/// forward and backward pass in the sheet's notation (`backprop explain`). Both read the
/// engine's own buffers through `Network.trace`.
public struct GradientPoint: Equatable, Sendable {
    public var epoch: Int
    /// ‖∂L/∂W(l)‖ of the mean training loss, per weight layer (into hidden layer 1, …, the output).
    public var norms: [Double]
    /// Per hidden layer: the fraction of ReLU units never active on the training set.
    public var deadFraction: [Double]
}

/// Which hidden units are dead or saturated on a data set: the one definition the page's marks
/// and notices and `train --explain` share.
public struct UnitStates: Sendable {
    /// Per hidden layer and unit: a ReLU never active (output ≤ 0 on every sample).
    public var dead: [[Bool]]
    /// Per hidden layer and unit: tanh beyond ±0.97, or sigmoid outside 0.03…0.97, on ≥ 95 %.
    public var saturated: [[Bool]]

    /// From each hidden layer's outputs (samples × units) and the layers' activations.
    public init(outputs: [Matrix<Double>], hidden: [Architecture.Hidden]) {
        dead = []; saturated = []
        for (l, h) in hidden.enumerated() where l < outputs.count {
            let o = outputs[l]
            var d: [Bool] = [], s: [Bool] = []
            for c in 0..<o.columns {
                let col = (0..<o.rows).map { o[$0, c] }
                d.append(h.activation == .relu && col.allSatisfy { $0 <= 0 })
                let sat: Int
                switch h.activation {
                case .tanh: sat = col.filter { abs($0) > 0.97 }.count
                case .sigmoid: sat = col.filter { $0 < 0.03 || $0 > 0.97 }.count
                default: sat = 0
                }
                s.append(Double(sat) >= 0.95 * Double(col.count))
            }
            dead.append(d)
            saturated.append(s)
        }
    }

    /// Per hidden layer: the fraction of its units that are dead.
    public var deadFraction: [Double] { dead.map { d in Double(d.filter { $0 }.count) / Double(max(d.count, 1)) } }
}

extension Session {
    /// The gradient of the mean training loss at the current weights, summarised.
    public func gradientPoint() -> GradientPoint? {
        guard let t = try? network.trace(train) else { return nil }
        let states = UnitStates(outputs: t.outputs, hidden: architecture.hidden)
        return GradientPoint(epoch: epoch, norms: t.gradientNorms, deadFraction: states.deadFraction)
    }

    /// One sample's forward pass, error signals and gradients, in the sheet's notation:
    /// z(0) = x, z̃(l+1) = W(l) z(l) + b(l), z(l) = φ(z̃(l)), δ(L) = ŷ − y, and so on.
    public func explanation(sample k: Int, test useTest: Bool = false) throws(BackpropError) -> String {
        let data = useTest ? test : train
        guard k >= 0, k < data.count else {
            throw .invalidSetting("--sample \(k) is not one of the \(data.count) \(useTest ? "test" : "training") samples (0…\(data.count - 1))")
        }
        let t = try network.trace(data.subset([k]))
        let L = architecture.hidden.count + 1
        // One sign of zero: a product that rounds to zero is −0 on one kernel path and +0 on
        // another (fused multiply-add or not); the two mean the same here and print the same.
        func v(_ xs: [Double]) -> String { "[" + xs.map { printfText("%.6g", $0 == 0 ? 0 : $0) }.joined(separator: ", ") + "]" }
        func row(_ m: Matrix<Double>) -> [Double] { m.row(0).map { $0 } }
        var out: [String] = []
        let head = architecture.head
        out.append("\(useTest ? "test" : "training") sample \(k): x = \(v(row(t.inputs))), y = \(v(row(t.targets)))\(head == .softmaxCrossEntropy ? " (a class index)" : "")")
        out.append("")
        out.append("forward:")
        out.append("  z(0) = x = \(v(row(t.inputs)))")
        for l in 0..<L {
            let name = l == L - 1 ? "ŷ = \(head.outputName)(z̃(\(l + 1)))" : "z(\(l + 1)) = \(architecture.hidden[l].activation.rawValue)(z̃(\(l + 1)))"
            out.append("  z̃(\(l + 1)) = W\(l) z(\(l)) + b\(l) = \(v(row(t.preActivations[l])))")
            out.append("  \(name) = \(v(row(t.outputs[l])))")
        }
        out.append("  loss = " + printfText("%.6g", t.loss))
        out.append("")
        out.append("backward:")
        out.append("  δ(\(L)) = \(head.deltaFormula) = \(v(row(t.deltas[L - 1])))")
        for l in stride(from: L - 2, through: 0, by: -1) {
            let a = architecture.hidden[l].activation.rawValue
            out.append("  δ(\(l + 1)) = (W\(l + 1)ᵀ δ(\(l + 2))) ⊙ \(a)'(z̃(\(l + 1))) = \(v(row(t.deltas[l])))")
            let dead = (0..<t.preActivations[l].columns).filter { architecture.hidden[l].activation == .relu && t.preActivations[l][0, $0] <= 0 }
            if !dead.isEmpty {
                out.append("    ReLU units \(dead.map { "\($0 + 1)" }.joined(separator: ", ")) have z̃ ≤ 0 here: φ'(z̃) = 0, so their δ and every weight into them get exactly 0 from this sample")
            }
        }
        out.append("")
        out.append("gradients for this sample (each shaped like its parameter):")
        for l in stride(from: L - 1, through: 0, by: -1) {
            let g = t.weightGradients[l]
            out.append("  ∂L/∂W\(l) = δ(\(l + 1)) z(\(l))ᵀ  (\(g.rows)×\(g.columns)):")
            for r in 0..<g.rows { out.append("    " + v(g.row(r).map { $0 })) }
            out.append("  ∂L/∂b\(l) = δ(\(l + 1)) = \(v(t.biasGradients[l]))")
        }
        return out.joined(separator: "\n")
    }
}

extension OutputHead {
    /// The output function's name, as the sheet writes it.
    var outputName: String {
        switch self {
        case .sigmoidCrossEntropy: "sigmoid"
        case .softmaxCrossEntropy: "softmax"
        case .tanhSquaredError: "tanh"
        case .identitySquaredError: "identity"
        }
    }

    /// The output error signal of one sample, δ = ∂loss/∂z̃ at the output: the one wording of it,
    /// for `backprop explain` and the page's chain-rule panel.
    public var deltaFormula: String {
        switch self {
        case .sigmoidCrossEntropy: "ŷ − y"
        case .softmaxCrossEntropy: "ŷ − onehot(y)"
        case .tanhSquaredError: "(ŷ − y)(1 − ŷ²)"
        case .identitySquaredError: "ŷ − y"
        }
    }
}

#if !hasFeature(Embedded)
extension GradientPoint: Codable {}
#endif
