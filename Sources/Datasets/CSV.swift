import Foundation
import Backprop

/// Comma-separated data: a header row, then one sample per line; the last
/// column is the target. Errors name the line and column, counting from 1 as
/// a text editor does.
public enum CSV {
    /// Parses CSV text. `task` says how to read the target column:
    /// classes must be whole numbers 0…k−1 (binary also accepts −1/+1),
    /// regression targets any finite number. With `task == nil` the task is
    /// guessed: whole numbers 0…k−1 (k ≤ 20) or ±1 are classes, anything else regression.
    public static func parse(_ text: String, task: Task? = nil, classes: Int? = nil, limits: Limits = .standard) throws(BackpropError) -> LabeledPoints {
        let (header, rows) = try parseTable(text, limits: limits)
        let columns = header.count
        guard columns >= 2 else { throw .invalidData("line 1: the header has \(columns) column; need at least one input and the target") }
        var x: [[Double]] = [], y: [Double] = []
        for var row in rows {
            y.append(row.removeLast())
            x.append(row)
        }
        let resolved = task ?? guessTask(y)
        switch resolved {
        case .regression:
            return LabeledPoints(x: x, target: y, task: .regression, classes: 0)
        case .binary, .multiclass:
            let signed = resolved == .binary && y.allSatisfy { $0 == 1 || $0 == -1 } && y.contains(-1)
            let largest = y.max() ?? 0
            guard classes != nil || resolved == .binary || (largest >= 0 && largest < Double(limits.classes)) else {
                throw .invalidData("the labels go up to \(largest); at most \(limits.classes) classes (0…\(limits.classes - 1)) here")
            }
            let k = classes ?? (resolved == .binary ? 2 : Int(largest) + 1)
            var labels: [Double] = []
            for (i, v) in y.enumerated() {
                let label = signed ? (v > 0 ? 1 : 0) : v
                guard label == label.rounded(), label >= 0, label < Double(k) else {
                    throw .invalidData("line \(i + 2), column \(columns): label \(v) is out of range; classes are 0…\(k - 1)\(resolved == .binary ? " (or −1/+1)" : "")")
                }
                labels.append(label)
            }
            return LabeledPoints(x: x, target: labels, task: k == 2 ? .binary : .multiclass, classes: k)
        }
    }

    /// The header's names and every data row as numbers. Every row must have the
    /// header's column count and only finite numbers. The header's width and the row count are
    /// checked against `limits` before any row is read, so a rejected file costs about its own size.
    public static func parseTable(_ text: String, limits: Limits = .standard) throws(BackpropError) -> (header: [String], rows: [[Double]]) {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        guard let headerLine = lines.first, !headerLine.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidData("the CSV file is empty; it needs a header row and at least one data row")
        }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard header.count <= limits.inputs + 1 else {
            throw .invalidData("line 1: the header has \(header.count) columns; at most \(limits.inputs) inputs and a target here")
        }
        guard lines.count >= 2 else { throw .invalidData("the CSV file has a header but no data rows") }
        guard lines.count - 1 <= limits.points else {
            throw .invalidData("the CSV file has \(lines.count - 1) data rows; at most \(limits.points) here")
        }
        guard let cells = Limits.product(lines.count - 1, header.count), cells <= limits.dataValues else {
            throw .invalidData("the CSV file has \(lines.count - 1) rows of \(header.count) columns; at most \(limits.dataValues) numbers here")
        }
        var rows: [[Double]] = []
        rows.reserveCapacity(lines.count - 1)
        for (i, line) in lines.enumerated().dropFirst() {
            let lineNumber = i + 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { throw .invalidData("line \(lineNumber) is empty") }
            var row: [Double] = []
            row.reserveCapacity(header.count)
            var c = 0
            for field in line.split(separator: ",", omittingEmptySubsequences: false) {
                c += 1
                guard c <= header.count else { break }
                let s = field.trimmingCharacters(in: .whitespaces)
                guard let v = Double(s) else { throw .invalidData("line \(lineNumber), column \(c): \(quoted(s)) is not a number") }
                guard v.isFinite else { throw .invalidData("line \(lineNumber), column \(c): \(quoted(s)) is not a finite number") }
                row.append(v)
            }
            guard c == header.count else {
                let count = c > header.count ? line.split(separator: ",", omittingEmptySubsequences: false).count : c
                throw .invalidData("line \(lineNumber) has \(count) columns, the header has \(header.count)")
            }
            rows.append(row)
        }
        return (header, rows)
    }

    static func guessTask(_ y: [Double]) -> Task {
        if y.allSatisfy({ $0 == 1 || $0 == -1 }) { return .binary }
        guard y.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 < 20 }) else { return .regression }
        return (y.max() ?? 0) <= 1 ? .binary : .multiclass
    }

    /// Reads a CSV file; an unreadable file is an error naming the path.
    public static func read(_ url: URL, task: Task? = nil, classes: Int? = nil) throws(BackpropError) -> LabeledPoints {
        let data: Data
        do { data = try Limits.standard.readFile(url.path, what: "the CSV file") } catch { throw .invalidData(error.message) }
        guard let text = String(data: data, encoding: .utf8) else { throw .invalidData("\(quoted(url.path)) is not UTF-8 text") }
        return try parse(text, task: task, classes: classes)
    }

    /// CSV text: header `x1,…,xd,label` (or `target` for regression), full precision.
    public static func format(_ points: LabeledPoints, header: [String]? = nil) -> String {
        let d = points.dimension
        let names = header ?? ((1...max(d, 1)).map { "x\($0)" } + [points.task == .regression ? "target" : "label"])
        var out = names.joined(separator: ",") + "\n"
        for (row, t) in zip(points.x, points.target) {
            out += (row + [t]).map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : "\($0)" }.joined(separator: ",") + "\n"
        }
        return out
    }
}
