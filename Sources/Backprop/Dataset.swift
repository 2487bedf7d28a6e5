/// Inputs and targets of a supervised problem. Rows are samples.
///
/// `y` has one column per output, except for a softmax head, where it has one
/// column holding the class index (0, 1, …) as a number.
public struct Dataset<T: Scalar>: Equatable, Sendable {
    public var x: Matrix<T>
    public var y: Matrix<T>

    public init(x: Matrix<T>, y: Matrix<T>) throws(BackpropError) {
        guard x.rows == y.rows else {
            throw .invalidData("\(x.rows) input rows but \(y.rows) target rows")
        }
        self.x = x
        self.y = y
    }

    /// One target per sample (binary labels, class indices or a regression value).
    public init(x: Matrix<T>, labels: [T]) throws(BackpropError) {
        try self.init(x: x, y: Matrix(rows: labels.count, columns: 1, elements: labels)!)
    }

    public var count: Int { x.rows }

    /// The samples picked by `indices`.
    public func subset(_ indices: some Collection<Int>) -> Dataset {
        Dataset(unchecked: x.rows(indices), y: y.rows(indices))
    }

    init(unchecked x: Matrix<T>, y: Matrix<T>) {
        self.x = x
        self.y = y
    }

    /// Checks that the data fits `architecture` and its head; the message names the first bad row.
    public func validate(for architecture: Architecture) throws(BackpropError) {
        guard x.columns == architecture.inputs else {
            throw .invalidData("the data has \(x.columns) input columns but the network takes \(architecture.inputs)")
        }
        let head = architecture.head
        let width = head.usesClassIndices ? 1 : architecture.outputs
        guard y.columns == width else {
            throw .invalidData("the data has \(y.columns) target columns but the \(head.rawValue) head needs \(width)")
        }
        for r in 0..<x.rows {
            for c in 0..<x.columns where !x[r, c].isFinite {
                throw .invalidData("row \(r + 1), input column \(c + 1) is \(x[r, c]), not a finite number")
            }
            for c in 0..<y.columns {
                let v = y[r, c]
                guard v.isFinite else { throw .invalidData("row \(r + 1), target \(c + 1) is \(v), not a finite number") }
                if head.usesClassIndices && (v < 0 || v >= T(architecture.outputs) || v != v.rounded()) {
                    throw .invalidData("row \(r + 1): class \(v) is not one of 0…\(architecture.outputs - 1)")
                }
            }
        }
    }
}
