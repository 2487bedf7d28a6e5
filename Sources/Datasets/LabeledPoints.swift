import Backprop

/// What kind of target a data set has.
public enum Task: String, CaseIterable, Sendable {
    /// Two classes, labels 0 and 1.
    case binary
    /// k classes, labels 0…k−1.
    case multiclass
    /// A real-valued target.
    case regression
}

/// Points with one target each: a class index (0, 1, …) or a value. Rows are samples.
public struct LabeledPoints: Equatable, Sendable {
    public var x: [[Double]]
    public var target: [Double]
    public var task: Task
    /// Number of classes (0 for regression).
    public var classes: Int
    /// Which rows the data itself puts in the test set (a CSV's `test` column), or nil: then
    /// `split` draws the sets from the training ratio and seed. A page's own points keep their
    /// sets this way in the file its command names.
    public var testRows: [Bool]?

    public init(x: [[Double]], target: [Double], task: Task, classes: Int, testRows: [Bool]? = nil) {
        self.x = x
        self.target = target
        self.task = task
        self.classes = task == .regression ? 0 : classes
        self.testRows = testRows
    }

    public var count: Int { x.count }
    var indices: Range<Int> { 0..<x.count }
    public var dimension: Int { x.first?.count ?? 0 }

    public func subset(_ indices: some Sequence<Int>) -> LabeledPoints {
        let idx = Array(indices)
        return LabeledPoints(x: idx.map { x[$0] }, target: idx.map { target[$0] }, task: task, classes: classes)
    }

    /// How a data set is cut into training and test points.
    public enum SplitStyle: Sendable {
        /// Shuffle once with `RandomSource(seed)`; the first ⌊n·ratio⌋ points train (the playground's way).
        case playground
        /// scikit-learn's `train_test_split(test_size = 1 − ratio, random_state = seed)`:
        /// `RandomState(seed).permutation(n)`, the first ⌈n·(1 − ratio)⌉ test, the rest train.
        case sklearn
    }

    /// Splits into training and test points: the sets the data names (`testRows`), else by the
    /// ratio and seed; see `SplitStyle`.
    public func split(trainRatio: Double, seed: UInt64, style: SplitStyle = .playground) throws(BackpropError) -> (train: LabeledPoints, test: LabeledPoints) {
        if let testRows {
            guard testRows.count == count else { throw .invalidData("\(testRows.count) test marks for \(count) rows") }
            let train = subset(indices.filter { !testRows[$0] })
            guard train.count >= 1 else { throw .invalidData("every row's test column is 1: no training points") }
            return (train, subset(indices.filter { testRows[$0] }))
        }
        guard trainRatio > 0, trainRatio <= 1 else {
            throw .invalidSetting("the training ratio must be in (0, 1], got \(trainRatio)")
        }
        switch style {
        case .playground:
            var random = RandomSource(seed: seed ^ 0x5151_7A17)
            let order = random.permutation(count)
            let nTrain = Int((Double(count) * trainRatio).rounded(.down))
            guard nTrain >= 1 else { throw .invalidSetting("a training ratio of \(trainRatio) leaves no training points out of \(count)") }
            return (subset(order[..<nTrain]), subset(order[nTrain...]))
        case .sklearn:
            var rs = NumpyRandomState(seed: UInt32(truncatingIfNeeded: seed))
            let order = rs.permutation(count)
            // ⌈n·test_size⌉; the 1e-9 keeps 1 − 0.7 = 0.30000000000000004 from rounding 150 up to 151.
            let nTest = max(0, Int((Double(count) * (1 - trainRatio) - 1e-9).rounded(.up)))
            guard nTest < count else { throw .invalidSetting("a training ratio of \(trainRatio) leaves no training points out of \(count)") }
            return (subset(order[nTest...]), subset(order[..<nTest]))
        }
    }

    /// Columns per sample after `features` are applied (2-D data only; other data keeps its columns).
    public func applying(_ features: [Feature]) -> LabeledPoints {
        guard dimension == 2, features != [.x1, .x2], !features.isEmpty else { return self }
        return LabeledPoints(x: x.map { p in features.map { $0.value(p[0], p[1]) } }, target: target, task: task, classes: classes, testRows: testRows)
    }

    /// The targets a head trains on: class indices for softmax, 0/1 for a
    /// sigmoid, −1/+1 for a tanh head on a binary task, the values themselves for regression.
    public func dataset<T: Scalar>(for head: OutputHead, as _: T.Type = T.self) throws(BackpropError) -> Dataset<T> {
        let width = dimension
        var xm = Matrix<T>(rows: count, columns: width)
        for r in 0..<count {
            guard x[r].count == width else { throw .invalidData("row \(r + 1) has \(x[r].count) values, expected \(width)") }
            for c in 0..<width { xm[r, c] = T(x[r][c]) }
        }
        let labels: [T]
        switch (task, head) {
        case (.regression, .softmaxCrossEntropy), (.regression, .sigmoidCrossEntropy):
            throw .invalidSetting("a \(head.rawValue) head needs class labels, but this data set is a regression problem")
        case (.multiclass, let h) where h != .softmaxCrossEntropy:
            throw .invalidSetting("\(classes) classes need the softmax head")
        case (.binary, .tanhSquaredError), (.binary, .identitySquaredError):
            labels = target.map { $0 > 0.5 ? 1 : -1 }
        default:
            labels = target.map { T($0) }
        }
        return try Dataset(x: xm, labels: labels)
    }
}

/// Input features computed from a 2-D point (the playground's list).
public enum Feature: String, CaseIterable, Sendable {
    case x1, x2
    case x1Squared = "x1^2"
    case x2Squared = "x2^2"
    case x1x2 = "x1*x2"
    case sinX1 = "sin(x1)"
    case sinX2 = "sin(x2)"

    public init?(name: String) {
        let key = String(name.lowercased().filter { $0 != " " })
        switch key {
        case "x1sq", "x1²", "x1^2", "x1squared": self = .x1Squared
        case "x2sq", "x2²", "x2^2", "x2squared": self = .x2Squared
        case "x1x2", "x1*x2", "x1·x2": self = .x1x2
        case "sinx1", "sin(x1)": self = .sinX1
        case "sinx2", "sin(x2)": self = .sinX2
        default:
            guard let f = Feature(rawValue: key) else { return nil }
            self = f
        }
    }

    public func value(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .x1: return a
        case .x2: return b
        case .x1Squared: return a * a
        case .x2Squared: return b * b
        case .x1x2: return a * b
        case .sinX1: return Double.sin(a)
        case .sinX2: return Double.sin(b)
        }
    }
}

#if !hasFeature(Embedded)
extension Task: Codable {}
extension Feature: Codable {}
#endif
