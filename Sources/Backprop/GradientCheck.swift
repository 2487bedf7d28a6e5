/// Backpropagation checked against finite differences, parameter by parameter.
///
/// The numerical derivative is the fourth-order central difference
/// `(−f(p+2h) + 8f(p+h) − 8f(p−h) + f(p−2h)) / 12h`, in Double. Its
/// truncation error is O(h⁴), so with the default h = 1e-3 both truncation (~1e-12) and
/// rounding (~1e-13 absolute) stay far below the relative errors a wrong derivative
/// produces; the plain two-point difference would need h so small that rounding dominates.
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
        /// Parameters left out because every finite-difference step crossed a ReLU/ELU kink.
        public var skipped: Int
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

    public static func run(_ network: Network<Double>, on data: Dataset<Double>, step h: Double = 1e-3, floor: Double = 1e-5) throws(BackpropError) -> Result {
        try run(network, on: data, step: h, floor: floor, analytic: lossAndGradient(network, on: data).gradient)
    }

    /// The check of a given `analytic` gradient (backpropagation's, or — in the test that the
    /// check can fail — a wrong one).
    static func run(_ network: Network<Double>, on data: Dataset<Double>, step h: Double, floor: Double, analytic: [Double]) throws(BackpropError) -> Result {
        guard analytic.count == network.layout.count else { throw .invalidArchitecture("the gradient has \(analytic.count) values for \(network.layout.count) parameters") }
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
        func loss() -> Double {
            p.withUnsafeBufferPointer { ws.forward($0.baseAddress!) }
            return ws.headLoss(withDelta: false) / Double(n)
        }
        _ = loss()
        let baseSigns = signs()
        var rel = Array(repeating: 0.0, count: layout.layerCount)
        var abs_ = rel
        var skipped = 0
        for k in 0..<layout.count {
            let original = p[k]
            var step = h, numeric: Double? = nil
            for _ in 0..<4 {
                var crossed = false
                func at(_ d: Double) -> Double {
                    p[k] = original + d
                    let v = loss()
                    if !kinked.isEmpty && signs() != baseSigns { crossed = true }
                    return v
                }
                let estimate = (-at(2 * step) + 8 * at(step) - 8 * at(-step) + at(-2 * step)) / (12 * step)
                if !crossed { numeric = estimate; break }
                step /= 8
            }
            p[k] = original
            guard let numeric else { skipped += 1; continue }
            let a = analytic[k], diff = abs(a - numeric)
            let r = diff / max(abs(a), abs(numeric), floor)
            let l = layout.layer(containing: k)
            rel[l] = max(rel[l], r)
            abs_[l] = max(abs_[l], diff)
        }
        return Result(perLayer: rel, absolutePerLayer: abs_, skipped: skipped)
    }
}
