/// Backpropagation checked against finite differences, parameter by parameter.
///
/// The numerical derivative is the fourth-order central difference
/// `(−f(p+2h) + 8f(p+h) − 8f(p−h) + f(p−2h)) / 12h`, in Double. Its
/// truncation error is O(h⁴ f⁽⁵⁾), so with the default h = 1e-3 both truncation (~1e-12) and
/// rounding (~1e-13 absolute) stay far below the relative errors a wrong derivative
/// produces; the plain two-point difference would need h so small that rounding dominates.
///
/// The step is relative to what the parameter multiplies: a weight from an input whose values
/// are of size s moves its pre-activation s times faster, so f⁽⁵⁾ grows like s⁵ — inputs ×20
/// made a correct gradient fail at 3.8e-6 with a fixed h. A weight's step is h / max(1, s), s the
/// root mean square of its input over the samples (a bias's input is 1).
///
/// With a regularisation of the gradient style, the checked function is the data loss plus
/// λ·Σ r(w) over the weights and the analytic gradient adds λ·r'(w), as training does
/// (`Regularization`); L1's kink at w = 0 is treated as the activations' kinks are. The
/// playground style is no gradient (a separate step after it) and is refused.
///
/// The relative error of one parameter is `|a − n| / max(|a|, |n|, floor)`,
/// where the floor (1e-5 by default) keeps a parameter whose true gradient is
/// 0 — a dead ReLU's weight — from dividing rounding noise (~1e-13) by zero.
///
/// ReLU, leaky ReLU and ELU have a kink at 0 where no finite difference is
/// meaningful. When a perturbation moves any pre-activation of such a layer
/// across 0, the step is shrunk eightfold (up to three times); a parameter
/// whose every step still crosses a kink is left out and counted in `skipped`.
public enum GradientCheck {
    public struct Result: Sendable, Equatable {
        /// Largest relative error among each weight layer's parameters (weights and bias), index 0 = first layer.
        public var perLayer: [Double]
        /// Largest absolute difference per layer.
        public var absolutePerLayer: [Double]
        /// Parameters left out because every finite-difference step crossed a kink (ReLU, ELU, L1 at 0).
        public var skipped: Int
        /// Parameters compared.
        public var checked: Int
        public var largest: Double { perLayer.max() ?? 0 }
    }

    /// The mean data loss of `network` on `data`, and its gradient by backpropagation.
    public static func lossAndGradient<T: Scalar>(_ network: Network<T>, on data: Dataset<T>) throws(BackpropError) -> (loss: T, gradient: [T]) {
        try data.validate(for: network.architecture)
        let ws = Workspace<T>(architecture: network.architecture, capacity: data.count)
        ws.gather(data, rowsFrom: 0, count: data.count)
        let n = data.count
        let loss = network.parameters.withUnsafeBufferPointer { p -> T in
            ws.lossAndGradient(p.baseAddress!, withLoss: true) / T(n)
        }
        return (loss, Array(UnsafeBufferPointer(start: ws.gradient, count: network.layout.count)))
    }

    public static func run(_ network: Network<Double>, on data: Dataset<Double>, step h: Double = 1e-3, floor: Double = 1e-5,
                           regularization: Regularization = .none) throws(BackpropError) -> Result {
        var analytic = try lossAndGradient(network, on: data).gradient
        if regularization.isActive {
            let layout = network.layout
            for l in 0..<layout.layerCount {
                let o = layout.weightOffsets[l]
                for k in o ..< o + layout.fanIn(l) * layout.fanOut(l) { analytic[k] += regularization.rate * regularization.derivative(network.parameters[k]) }
            }
        }
        return try run(network, on: data, step: h, floor: floor, regularization: regularization, analytic: analytic)
    }

    /// The check of a given `analytic` gradient (backpropagation's, or — in the test that the
    /// check can fail — a wrong one).
    static func run(_ network: Network<Double>, on data: Dataset<Double>, step h: Double, floor: Double,
                    regularization: Regularization = .none, analytic: [Double]) throws(BackpropError) -> Result {
        guard analytic.count == network.layout.count else { throw .invalidArchitecture("the gradient has \(analytic.count) values for \(network.layout.count) parameters") }
        guard h.isFinite, h > 0 else { throw .invalidSetting("the finite-difference step must be positive, got \(h)") }
        if regularization.isActive && regularization.style == .playground {
            throw .invalidSetting("the playground style of regularisation is a separate step after the gradient, not part of it; check with --reg-style gradient")
        }
        let ws = Workspace<Double>(architecture: network.architecture, capacity: data.count)
        ws.gather(data, rowsFrom: 0, count: data.count)
        let n = data.count
        var p = network.parameters
        let layout = network.layout
        let kinked = network.architecture.hidden.indices.filter {
            [.relu, .leakyRelu, .elu].contains(network.architecture.hidden[$0].activation)
        }
        /// Signs of every pre-activation in a kinked layer, after the last forward pass.
        func signs() -> [Bool] {
            kinked.flatMap { l in (0..<layout.fanOut(l)).flatMap { u in (0..<n).map { ws.z[l][u * ws.ld + $0] > 0 } } }
        }
        let penalized = regularization.isActive
        func isWeight(_ k: Int) -> Bool {
            let l = layout.layer(containing: k)
            return k < layout.biasOffsets[l]
        }
        func penalty() -> Double {
            guard penalized else { return 0 }
            var sum = 0.0
            for l in 0..<layout.layerCount {
                let o = layout.weightOffsets[l]
                for k in o ..< o + layout.fanIn(l) * layout.fanOut(l) { sum += regularization.penalty(p[k]) }
            }
            return regularization.rate * sum
        }
        func loss() -> Double {
            p.withUnsafeBufferPointer { ws.forward($0.baseAddress!) }
            return ws.headLoss(withDelta: false) / Double(n) + penalty()
        }
        _ = loss()
        let baseSigns = signs()
        // The root mean square of each layer's inputs over the samples, after the base pass.
        let inputScale: [[Double]] = (0..<layout.layerCount).map { l in
            let source = l == 0 ? UnsafePointer(ws.x) : UnsafePointer(ws.a[l - 1])
            return (0..<layout.fanIn(l)).map { j in
                var sum = 0.0
                for s in 0..<n { sum += source[j * ws.ld + s] * source[j * ws.ld + s] }
                return (sum / Double(n)).squareRoot()
            }
        }
        func step(for k: Int) -> Double {
            let l = layout.layer(containing: k)
            guard k < layout.biasOffsets[l] else { return h }
            return h / max(1, inputScale[l][(k - layout.weightOffsets[l]) % layout.fanIn(l)])
        }
        var rel = Array(repeating: 0.0, count: layout.layerCount)
        var abs_ = rel
        var skipped = 0
        var checked = 0
        for k in 0..<layout.count {
            let original = p[k]
            var step = step(for: k), numeric: Double? = nil
            for _ in 0..<4 {
                var crossed = false
                func at(_ d: Double) -> Double {
                    p[k] = original + d
                    let v = loss()
                    if !kinked.isEmpty && signs() != baseSigns { crossed = true }
                    // L1's |w| has its kink at 0: a step that reaches it measures no derivative.
                    if penalized && regularization.kind == .l1 && isWeight(k) && (original + d) * original <= 0 { crossed = true }
                    return v
                }
                let estimate = (-at(2 * step) + 8 * at(step) - 8 * at(-step) + at(-2 * step)) / (12 * step)
                if !crossed { numeric = estimate; break }
                step /= 8
            }
            p[k] = original
            guard let numeric else { skipped += 1; continue }
            checked += 1
            let a = analytic[k], diff = abs(a - numeric)
            let r = diff / max(abs(a), abs(numeric), floor)
            let l = layout.layer(containing: k)
            rel[l] = max(rel[l], r)
            abs_[l] = max(abs_[l], diff)
        }
        return Result(perLayer: rel, absolutePerLayer: abs_, skipped: skipped, checked: checked)
    }
}
