/// The sheet's numpy `MLP`, line for line in Swift, for students following it.
///
/// ```python
/// mlp = MLP(layer_dims=[2, 10, 1], initialization_scale=1.0)
/// y_hat = mlp.forward(X)            # z1 = tanh(X W0ᵀ + b0); ŷ = sigmoid(z1 W1ᵀ + b1)
/// grads = mlp.backward(Y)           # gradients shaped like the parameters, batch mean
/// mlp.update_params(grads, learning_rate=3.0)
/// ```
/// ```swift
/// let mlp = try MLP(layerDims: [2, 10, 1], initializationScale: 1.0, seed: 0)
/// let yHat = mlp.forward(X)
/// let grads = mlp.backward(Y)
/// mlp.updateParams(grads, learningRate: 3.0)
/// ```
///
/// Hidden layers use tanh and the output a sigmoid, trained on binary
/// cross-entropy, exactly as on the sheet; more than one hidden layer works
/// the same way. It is written for reading, with `Matrix` operations; the
/// `Trainer` runs the same mathematics on reused buffers and is what to use
/// for speed. `network()` converts it for plotting and model files.
public final class MLP {
    /// `W[l]` has shape `d(l+1) × d(l)` (out × in), as on the sheet.
    public var W: [Matrix<Double>]
    /// `b[l]` has `d(l+1)` entries.
    public var b: [[Double]]
    /// What the backward pass needs from the forward pass: the input and each layer's output.
    private var cache: [Matrix<Double>] = []

    public struct Gradients {
        public var dW: [Matrix<Double>]
        public var db: [[Double]]
    }

    /// Weights ~ N(0, initializationScale²), biases zero.
    public init(layerDims: [Int], initializationScale: Double, seed: UInt64 = 0) throws(BackpropError) {
        guard layerDims.count >= 2, layerDims.allSatisfy({ $0 >= 1 }) else {
            throw .invalidArchitecture("layer_dims needs at least two sizes, each 1 or more; got \(layerDims)")
        }
        var random = RandomSource(seed: seed)
        W = []
        b = []
        for l in 0..<(layerDims.count - 1) {
            var w = Matrix<Double>(rows: layerDims[l + 1], columns: layerDims[l])
            for k in w.elements.indices { w.elements[k] = initializationScale * random.normal() }
            W.append(w)
            b.append(Array(repeating: 0, count: layerDims[l + 1]))
        }
    }

    /// Adds the bias row vector to every row.
    private static func addRow(_ m: Matrix<Double>, _ v: [Double]) -> Matrix<Double> {
        var out = m
        for r in 0..<m.rows { for c in 0..<m.columns { out[r, c] += v[c] } }
        return out
    }

    /// Returns ŷ (`n × d_L`), caching each layer's output.
    public func forward(_ X: Matrix<Double>) -> Matrix<Double> {
        cache = [X]
        var z = X
        for l in W.indices {
            let pre = MLP.addRow(z.timesTransposed(W[l]), b[l])         // z W_lᵀ + b_l
            z = l == W.count - 1 ? pre.map { logistic($0) } : pre.map { Double.tanh($0) }
            cache.append(z)
        }
        return z
    }

    /// Gradients of the mean binary cross-entropy for targets `Y` (`n × d_L`),
    /// after a `forward` on the same rows.
    public func backward(_ Y: Matrix<Double>) -> Gradients {
        let n = Double(Y.rows)
        let yHat = cache[cache.count - 1]
        // δ(L) = ŷ − y for sigmoid + BCE, divided by n for the batch mean.
        var delta = Matrix(rows: Y.rows, columns: Y.columns,
                           elements: zip(yHat.elements, Y.elements).map { ($0 - $1) / n })!
        var dW = W, db = b
        for l in stride(from: W.count - 1, through: 0, by: -1) {
            dW[l] = delta.transposedTimes(cache[l])                     // δᵀ z(l): shape of W_l
            db[l] = (0..<delta.columns).map { c in (0..<delta.rows).reduce(0) { $0 + delta[$1, c] } }
            if l > 0 {
                // δ(l) = (δ(l+1) W_l) ⊙ (1 − tanh²)
                let back = delta.times(W[l])
                delta = Matrix(rows: back.rows, columns: back.columns,
                               elements: zip(back.elements, cache[l].elements).map { $0 * (1 - $1 * $1) })!
            }
        }
        return Gradients(dW: dW, db: db)
    }

    /// Plain gradient descent: θ ← θ − η ∇θ.
    public func updateParams(_ grads: Gradients, learningRate: Double) {
        for l in W.indices {
            for k in W[l].elements.indices { W[l].elements[k] -= learningRate * grads.dW[l].elements[k] }
            for k in b[l].indices { b[l][k] -= learningRate * grads.db[l][k] }
        }
    }

    /// The same model as a `Network` (tanh hidden layers, sigmoid + BCE head).
    public func network() throws(BackpropError) -> Network<Double> {
        let sizes = [W[0].columns] + W.map(\.rows)
        return try Network(Architecture(sizes: sizes, activation: .tanh, head: .sigmoidCrossEntropy), weights: W, biases: b)
    }
}
