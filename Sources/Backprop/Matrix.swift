/// A dense row-major matrix. Rows are samples (`n × features`), as in the
/// sheet, scikit-learn and PyTorch; a weight matrix is `out × in`.
///
/// A plain value type over one contiguous array: easy to build, compare and
/// encode. The training step does not use it; it works on raw buffers sized
/// once (see `Workspace`).
public struct Matrix<T: Scalar>: Equatable, Sendable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    /// Row-major elements: element (r, c) is at `r * columns + c`.
    public var elements: [T]

    public init(rows: Int, columns: Int, repeating value: T = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must not be negative")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// Wraps row-major `elements`; returns nil when the count does not match.
    public init?(rows: Int, columns: Int, elements: [T]) {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else { return nil }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// Builds a matrix from nested rows; returns nil when rows differ in length.
    public init?(_ nested: [[T]]) {
        let columns = nested.first?.count ?? 0
        guard nested.allSatisfy({ $0.count == columns }) else { return nil }
        self.rows = nested.count
        self.columns = columns
        self.elements = nested.flatMap { $0 }
    }

    public subscript(row: Int, column: Int) -> T {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// One row as an array (copies).
    public func row(_ r: Int) -> [T] { Array(elements[r * columns ..< (r + 1) * columns]) }

    /// The rows as nested arrays, for JSON and printing.
    public var nested: [[T]] { (0..<rows).map(row) }

    /// The rows picked by `indices`, in that order.
    public func rows(_ indices: some Collection<Int>) -> Matrix {
        var out = Matrix(rows: indices.count, columns: columns)
        for (k, r) in indices.enumerated() {
            for c in 0..<columns { out.elements[k * columns + c] = elements[r * columns + c] }
        }
        return out
    }

    public var transposed: Matrix {
        var out = Matrix(rows: columns, columns: rows)
        for r in 0..<rows { for c in 0..<columns { out.elements[c * rows + r] = elements[r * columns + c] } }
        return out
    }

    /// Converts to another element type (Float ↔ Double).
    public func converted<U: Scalar>(to: U.Type = U.self) -> Matrix<U> {
        Matrix<U>(rows: rows, columns: columns, elements: elements.map { U($0) })!
    }

    /// `self · otherᵀ`: rows of `self` against rows of `other`. The form every
    /// dense layer uses (`X Wᵀ` with W stored `out × in`).
    public func timesTransposed(_ other: Matrix) -> Matrix {
        precondition(columns == other.columns, "inner dimensions differ: \(columns) vs \(other.columns)")
        var out = Matrix(rows: rows, columns: other.rows)
        for r in 0..<rows {
            for o in 0..<other.rows {
                var s: T = 0
                for i in 0..<columns { s += elements[r * columns + i] * other.elements[o * columns + i] }
                out.elements[r * other.rows + o] = s
            }
        }
        return out
    }

    /// `selfᵀ · other` (sums over rows): the shape of a weight gradient.
    public func transposedTimes(_ other: Matrix) -> Matrix {
        precondition(rows == other.rows, "row counts differ: \(rows) vs \(other.rows)")
        var out = Matrix(rows: columns, columns: other.columns)
        for r in 0..<rows {
            for i in 0..<columns {
                let a = elements[r * columns + i]
                for j in 0..<other.columns { out.elements[i * other.columns + j] += a * other.elements[r * other.columns + j] }
            }
        }
        return out
    }

    /// `self · other`.
    public func times(_ other: Matrix) -> Matrix {
        precondition(columns == other.rows, "inner dimensions differ: \(columns) vs \(other.rows)")
        var out = Matrix(rows: rows, columns: other.columns)
        for r in 0..<rows {
            for k in 0..<columns {
                let a = elements[r * columns + k]
                for j in 0..<other.columns { out.elements[r * other.columns + j] += a * other.elements[k * other.columns + j] }
            }
        }
        return out
    }

    /// Elementwise map.
    public func map(_ f: (T) -> T) -> Matrix { Matrix(rows: rows, columns: columns, elements: elements.map(f))! }

    /// The largest absolute element (0 for an empty matrix).
    public var maxMagnitude: T { elements.reduce(0) { Swift.max($0, abs($1)) } }
}
