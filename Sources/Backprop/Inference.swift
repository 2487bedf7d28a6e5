/// Inference: a trained network's outputs, metrics and every layer's outputs over whole data
/// sets. One forward pass serves them all (`Evaluator`, the workspace's own pass), so a
/// prediction and a training step's loss never disagree about what the network computes.

/// Forward passes over whole data sets in chunks, in a workspace of its own
/// (so evaluating never disturbs a training step's buffers).
final class Evaluator<T: Scalar> {
    static var chunk: Int { 512 }
    let workspace: Workspace<T>

    init(architecture: Architecture, kernels: KernelPath = .selected) {
        workspace = Workspace(architecture: architecture, capacity: Evaluator.chunk, kernels: kernels)
    }

    /// Runs the network over `x` in chunks: each chunk is gathered, sent forward
    /// and through the head (with its targets, or zeros when there are none),
    /// then `body(start, rows)` reads what it needs from the workspace.
    /// Returns the summed loss (0 without targets).
    func forEachChunk(_ network: Network<T>, x: Matrix<T>, targets: Matrix<T>?, _ body: (Int, Int) -> Void) -> Double {
        let n = x.rows
        var loss = 0.0
        network.parameters.withUnsafeBufferPointer { p in
            x.elements.withUnsafeBufferPointer { xs in
                var start = 0
                while start < n {
                    let m = min(Evaluator.chunk, n - start)
                    if let targets {
                        targets.elements.withUnsafeBufferPointer { ys in
                            workspace.load(inputs: xs.baseAddress!, targets: ys.baseAddress!, rows: nil, start: start, count: m)
                        }
                    } else {
                        // The link outputs do not depend on the targets.
                        workspace.load(inputs: xs.baseAddress!, targets: nil, rows: nil, start: start, count: m)
                    }
                    workspace.forward(p.baseAddress!)
                    loss += Double(workspace.headLoss(withDelta: false))
                    body(start, m)
                    start += m
                }
            }
        }
        return targets == nil ? 0 : loss
    }

    /// Link outputs for every row of `x`, and the mean loss when `targets` are given.
    func run(_ network: Network<T>, x: Matrix<T>, targets: Matrix<T>?) -> (outputs: Matrix<T>, loss: Double) {
        let k = network.layout.sizes.last!, L = network.layout.layerCount - 1
        var out = Matrix<T>(rows: x.rows, columns: k)
        let loss = forEachChunk(network, x: x, targets: targets) { start, m in
            out.elements.withUnsafeMutableBufferPointer { os in
                workspace.copyRows(of: workspace.a[L], width: k, into: os.baseAddress! + start * k)
            }
        }
        return (out, x.rows > 0 ? loss / Double(x.rows) : 0)
    }

    func metrics(_ network: Network<T>, _ data: Dataset<T>) -> Metrics {
        let (outputs, loss) = run(network, x: data.x, targets: data.y)
        return Metrics.compute(loss: loss, outputs: outputs, targets: data.y, head: network.architecture.head)
    }
}

extension Network {
    /// The head's outputs for each row of `x`: probabilities (sigmoid, softmax) or values (identity, tanh).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func predict(_ x: Matrix<T>) throws(BackpropError) -> Matrix<T> {
        try checkInputs(x)
        return Evaluator<T>(architecture: architecture).run(self, x: x, targets: nil).outputs
    }

    /// Loss, accuracy, confusion matrix or R² on `data`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func evaluate(_ data: Dataset<T>) throws(BackpropError) -> Metrics {
        try data.validate(for: architecture)
        return Evaluator<T>(architecture: architecture).metrics(self, data)
    }

    func checkInputs(_ x: Matrix<T>) throws(BackpropError) {
        guard x.columns == architecture.inputs else {
            throw .invalidData("the data has \(x.columns) input columns but the network takes \(architecture.inputs)")
        }
    }
}

extension Network {
    /// Every layer's output for each row of `x`: the hidden layers' activations
    /// (index 0 = first hidden layer) and, last, the head's outputs. For drawing
    /// what each neuron computes over the plane.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func layerOutputs(_ x: Matrix<T>) throws(BackpropError) -> [Matrix<T>] {
        try checkInputs(x)
        let evaluator = Evaluator<T>(architecture: architecture)
        var outs = (0..<layout.layerCount).map { Matrix<T>(rows: x.rows, columns: layout.fanOut($0)) }
        _ = evaluator.forEachChunk(self, x: x, targets: nil) { start, m in
            for l in 0..<layout.layerCount {
                let w = layout.fanOut(l)
                outs[l].elements.withUnsafeMutableBufferPointer { o in
                    evaluator.workspace.copyRows(of: evaluator.workspace.a[l], width: w, into: o.baseAddress! + start * w)
                }
            }
        }
        return outs
    }
}
