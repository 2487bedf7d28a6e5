/// The order in which an epoch visits the training samples.
public enum BatchOrder: Equatable, Hashable, Sendable {
    /// The stored order, every epoch (the TensorFlow playground's).
    case stored
    /// A fresh permutation each epoch, drawn from the settings' seed.
    case shuffled
    /// Given permutations, one per epoch, reused cyclically (to replay another
    /// implementation's batches exactly).
    case given([[Int]])
}

/// Everything about how a network is trained, apart from the network and the data.
public struct TrainingSettings: Equatable, Hashable, Sendable {
    public var epochs: Int
    /// Samples per step; 0 means the whole training set (full batch).
    public var batchSize: Int
    public var order: BatchOrder
    public var learningRate: LearningRateSchedule
    public var optimizer: Optimizer
    public var regularization: Regularization
    /// Seeds the shuffling of `.shuffled`.
    public var seed: UInt64

    public init(epochs: Int, batchSize: Int = 0, order: BatchOrder = .shuffled,
                learningRate: LearningRateSchedule, optimizer: Optimizer = .sgd,
                regularization: Regularization = .none, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.order = order
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.regularization = regularization
        self.seed = seed
    }

    public func validate(trainingCount n: Int) throws(BackpropError) {
        guard epochs >= 0 else { throw .invalidSetting("epochs must be 0 or more, got \(epochs)") }
        guard batchSize >= 0 else { throw .invalidSetting("the batch size must be positive (or 0 for full batch), got \(batchSize)") }
        try learningRate.validate()
        try optimizer.validate()
        try regularization.validate()
        if case .given(let perms) = order {
            guard !perms.isEmpty else { throw .invalidSetting("a given batch order needs at least one permutation") }
            // A row seen twice in n rows means one is missing. Marks in an array, not two Sets per
            // order: W3's 50 orders of 1,437 rows took ~2.8 ms of each trainer's set-up in hashing
            // (the difference over 11 set-ups), a sixth of its Float training run.
            var seen = [Bool](repeating: false, count: n)
            for (e, p) in perms.enumerated() {
                let invalid = BackpropError.invalidSetting("permutation \(e + 1) is not a permutation of the \(n) training rows")
                guard p.count == n else { throw invalid }
                for i in seen.indices { seen[i] = false }
                for row in p {
                    guard row >= 0, row < n, !seen[row] else { throw invalid }
                    seen[row] = true
                }
            }
        }
    }
}

#if !hasFeature(Embedded)
// Read and written by Foundation's coders; the WebAssembly build (Embedded Swift) has none.
extension BatchOrder: Codable {}
extension TrainingSettings: Codable {}
#endif
