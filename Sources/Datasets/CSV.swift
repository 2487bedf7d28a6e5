#if !hasFeature(Embedded)
import Foundation
#endif
import Backprop

/// Comma-separated data: a header row, then one sample per line; the last
/// column is the target. A column headed `test` (1: a test row, 0: a training row) is not an
/// input: it fixes each row's set instead of the training ratio. Errors name the line and
/// column, counting from 1 as a text editor does.
public enum CSV {
    /// Parses CSV text. `task` says how to read the target column:
    /// classes must be whole numbers 0…k−1 (binary also accepts −1/+1),
    /// regression targets any finite number. With `task == nil` the task is
    /// guessed: whole numbers 0…k−1 (k ≤ 20) or ±1 are classes, anything else regression.
    public static func parse(_ text: String, task: Task? = nil, classes: Int? = nil, limits: Limits = .standard) throws(BackpropError) -> LabeledPoints {
        let (header, rows) = try parseTable(text, limits: limits)
        let columns = header.count
        let split = header.dropLast().firstIndex(of: "test")
        guard columns - (split == nil ? 0 : 1) >= 2 else { throw .invalidData("line 1: the header has \(columns) column\(columns == 1 ? "" : "s"); need at least one input and the target") }
        var x: [[Double]] = [], y: [Double] = [], testRows: [Bool] = []
        for (i, var row) in rows.enumerated() {
            y.append(row.removeLast())
            if let split {
                let v = row.remove(at: split)
                guard v == 0 || v == 1 else { throw .invalidData("line \(i + 2), column \(split + 1): test is \(v); it must be 1 (a test row) or 0 (a training row)") }
                testRows.append(v == 1)
            }
            x.append(row)
        }
        let fixed = split == nil ? nil : testRows
        let resolved = task ?? guessTask(y)
        switch resolved {
        case .regression:
            return LabeledPoints(x: x, target: y, task: .regression, classes: 0, testRows: fixed)
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
            return LabeledPoints(x: x, target: labels, task: k == 2 ? .binary : .multiclass, classes: k, testRows: fixed)
        }
    }

    /// The header's names and every data row as numbers. Every row must have the
    /// header's column count and only finite numbers. The text is read line by line and field
    /// by field, and refused as soon as it passes `limits` (the header's width, the row count,
    /// the numbers in all): nothing is built for a line or a field beyond them, so a refused
    /// file costs about its own size, whatever its shape (a million newlines, one line of
    /// forty million commas). Lines end in `\n`, `\r\n` or `\r`; blank lines at the end are
    /// ignored, a blank line between rows is an error.
    public static func parseTable(_ text: String, limits: Limits = .standard) throws(BackpropError) -> (header: [String], rows: [[Double]]) {
        var text = text
        text.makeContiguousUTF8()
        let parsed: Result<([String], [[Double]]), BackpropError>? = text.utf8.withContiguousStorageIfAvailable { bytes in
            Result { () throws(BackpropError) in try parseTable(bytes, limits: limits) }
        }
        guard let parsed else { throw .invalidData("the CSV text could not be read as UTF-8") }
        return try parsed.get()
    }

    static func isBlank(_ line: UnsafeBufferPointer<UInt8>.SubSequence) -> Bool {
        line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    static func trimmed(_ field: UnsafeBufferPointer<UInt8>.SubSequence) -> String {
        var f = field[...]
        while let c = f.first, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { f = f.dropFirst() }
        while let c = f.last, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { f = f.dropLast() }
        return String(decoding: f, as: UTF8.self)
    }

    static func parseTable(_ bytes: UnsafeBufferPointer<UInt8>, limits: Limits) throws(BackpropError) -> (header: [String], rows: [[Double]]) {
        let (newline, carriageReturn, comma) = (UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ","))
        var position = 0
        /// The next line without its ending, or nil at the end of the text.
        func nextLine() -> UnsafeBufferPointer<UInt8>.SubSequence? {
            guard position < bytes.count else { return nil }
            var end = position
            while end < bytes.count && bytes[end] != newline && bytes[end] != carriageReturn { end += 1 }
            let line = bytes[position..<end]
            position = end
            if position < bytes.count {
                if bytes[position] == carriageReturn && position + 1 < bytes.count && bytes[position + 1] == newline { position += 1 }
                position += 1
            }
            return line
        }
        guard let headerLine = nextLine(), !isBlank(headerLine) else {
            throw .invalidData("the CSV file is empty; it needs a header row and at least one data row")
        }
        var header: [String] = []
        for field in headerLine.split(separator: comma, maxSplits: limits.inputs + 1, omittingEmptySubsequences: false) {
            guard header.count < limits.inputs + 1 else {
                throw .invalidData("line 1: the header has more than \(limits.inputs + 1) columns; at most \(limits.inputs) inputs and a target here")
            }
            header.append(trimmed(field))
        }
        let columns = header.count
        let maxRows = min(limits.points, limits.dataValues / max(columns, 1))
        var rows: [[Double]] = []
        var lineNumber = 1
        var blankLine: Int?
        while let line = nextLine() {
            lineNumber += 1
            if isBlank(line) { blankLine = blankLine ?? lineNumber; continue }
            if let blankLine { throw .invalidData("line \(blankLine) is empty") }
            guard rows.count < maxRows else {
                throw rows.count >= limits.points
                    ? .invalidData("the CSV file has more than \(limits.points) data rows; at most \(limits.points) here")
                    : .invalidData("the CSV file has more than \(maxRows) rows of \(columns) columns; at most \(limits.dataValues) numbers here")
            }
            var row: [Double] = []
            row.reserveCapacity(columns)
            var start = line.startIndex
            var c = 0
            while true {
                var end = start
                while end < line.endIndex && line[end] != comma { end += 1 }
                c += 1
                guard c <= columns else {
                    var count = c
                    var k = end
                    while k < line.endIndex { if line[k] == comma { count += 1 }; k += 1 }
                    throw .invalidData("line \(lineNumber) has \(count) columns, the header has \(columns)")
                }
                let s = trimmed(line[start..<end])
                guard let v = Double(s) else { throw .invalidData("line \(lineNumber), column \(c): \(quoted(s)) is not a number") }
                guard v.isFinite else { throw .invalidData("line \(lineNumber), column \(c): \(quoted(s)) is not a finite number") }
                row.append(v)
                if end == line.endIndex { break }
                start = end + 1
            }
            guard c == columns else { throw .invalidData("line \(lineNumber) has \(c) columns, the header has \(columns)") }
            rows.append(row)
        }
        guard !rows.isEmpty else { throw .invalidData("the CSV file has a header but no data rows") }
        return (header, rows)
    }

    static func guessTask(_ y: [Double]) -> Task {
        if y.allSatisfy({ $0 == 1 || $0 == -1 }) { return .binary }
        guard y.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 < 20 }) else { return .regression }
        return (y.max() ?? 0) <= 1 ? .binary : .multiclass
    }

    #if !hasFeature(Embedded)
    /// Reads a CSV file; an unreadable file is an error naming the path.
    public static func read(_ url: URL, task: Task? = nil, classes: Int? = nil) throws(BackpropError) -> LabeledPoints {
        let data: Data
        do { data = try Limits.standard.readFile(url.path, what: "the CSV file") } catch { throw .invalidData(error.message) }
        guard let text = String(data: data, encoding: .utf8) else { throw .invalidData("\(quoted(url.path)) is not UTF-8 text") }
        return try parse(text, task: task, classes: classes)
    }
    #endif

    /// CSV text: header `x1,…,xd,label` (or `target` for regression), full precision; with
    /// `testRows`, a `test` column before the target.
    public static func format(_ points: LabeledPoints, header: [String]? = nil) -> String {
        let d = points.dimension
        let tests = points.testRows.map { $0.map { $0 ? 1.0 : 0.0 } }
        let names = header ?? ((1...max(d, 1)).map { "x\($0)" } + (tests == nil ? [] : ["test"]) + [points.task == .regression ? "target" : "label"])
        var out = names.joined(separator: ",") + "\n"
        for (i, (row, t)) in zip(points.x, points.target).enumerated() {
            out += (row + (tests.map { [$0[i]] } ?? []) + [t]).map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : "\($0)" }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Training and test points as one CSV text whose `test` column keeps the sets.
    public static func format(train: LabeledPoints, test: LabeledPoints) -> String {
        var all = train
        all.x += test.x
        all.target += test.target
        all.testRows = Array(repeating: false, count: train.count) + Array(repeating: true, count: test.count)
        return format(all)
    }
}
