/// A JSON value, read and written without Foundation: the page's messages in both builds (the
/// server's WebSocket and the browser's WebAssembly session speak the same protocol through the
/// same code, and Embedded Swift has neither `JSONEncoder` nor `Codable`).
///
/// Objects keep their keys in order and refuse a key given twice (a message saying
/// `{"value":1,"value":2}` means nothing we should guess at; `StrictJSON` keeps them, to name
/// the key's path). Numbers are `Double`, as in JavaScript, which writes every number the page
/// sends. One reader for the page's messages and the structure of every file Backprop reads.
public indirect enum JSON: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(key: String, value: JSON)])
    /// A number's text, written as it is: whole numbers beyond 2⁵³ (a `UInt64` seed), which a
    /// `Double` would round. Only written; the reader gives `.number`.
    case literal(String)

    /// Nesting deeper than this is refused (a page's message nests 4 deep, a file of ours 6).
    public static let maxDepth = 64

    // MARK: reading

    /// Parses one JSON document; an error names the byte where it went wrong.
    public static func parse(_ text: String, keepingDuplicateKeys: Bool = false) throws(BackpropError) -> JSON {
        var reader = Reader(bytes: Array(text.utf8), keepsDuplicates: keepingDuplicateKeys)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.i == reader.bytes.count else { throw reader.fail("unexpected text after the JSON value") }
        return value
    }

    /// The member `key` of an object (nil for a missing key or a value that is not an object).
    public subscript(key: String) -> JSON? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.key == key }?.value
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var number: Double? { if case .number(let v) = self { return v } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    /// An array whose every element `read` accepts, as those values; nil when this is not an
    /// array or any element is refused (`[[1, 2], [3]]` as rows: `array { $0.array { $0.number } }`).
    public func array<T>(of read: (JSON) -> T?) -> [T]? {
        guard case .array(let items) = self else { return nil }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let v = read(item) else { return nil }
            out.append(v)
        }
        return out
    }

    /// A whole number as an `Int` (JSON has one number type), saturated at `Int`'s bounds: a
    /// count far out of range stays far out of range, for the check that names the range.
    public var int: Int? {
        guard let v = number, v.isFinite, v == v.rounded() else { return nil }
        if v >= 0x1p63 { return .max }
        if v < -0x1p63 { return .min }
        return Int(v)
    }

    struct Reader {
        let bytes: [UInt8]
        let keepsDuplicates: Bool
        var i = 0

        func fail(_ m: String) -> BackpropError { .invalidSetting("not valid JSON at byte \(i + 1): \(m)") }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func literal(_ word: String, _ value: JSON) throws(BackpropError) -> JSON {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("expected a value") }
            i += w.count
            return value
        }

        mutating func value(depth: Int) throws(BackpropError) -> JSON {
            guard depth < JSON.maxDepth else { throw fail("nested deeper than \(JSON.maxDepth) levels") }
            guard i < bytes.count else { throw fail("the text ends where a value should be") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var fields: [(key: String, value: JSON)] = []
                var seen = Set<String>()
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
                    let key = try string()
                    if !seen.insert(key).inserted && !keepsDuplicates { throw fail("the key \(quoted(key, limit: 30)) is given twice") }
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected : after a key") }
                    i += 1
                    skipSpace()
                    fields.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard i < bytes.count else { throw fail("an object is not closed") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                    throw fail("expected , or } in an object")
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [JSON] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < bytes.count else { throw fail("an array is not closed") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw fail("expected , or ] in an array")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return .number(try number())
            }
        }

        /// A number as JSON's grammar has it (no leading +, no leading zeros, no bare dot),
        /// converted by the standard library (correctly rounded).
        mutating func number() throws(BackpropError) -> Double {
            let start = i
            func digits() -> Int {
                let s = i
                while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
                return i - s
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            let first = i
            guard digits() > 0 else { throw fail("expected a value") }
            if bytes[first] == UInt8(ascii: "0"), i - first > 1 { throw fail("a number has a leading zero") }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw fail("a number has no digits after its point") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw fail("a number has no digits in its exponent") }
            }
            guard i - start <= 400, let v = Double(String(decoding: bytes[start..<i], as: UTF8.self)) else {
                throw fail("a number cannot be read")
            }
            return v
        }

        mutating func hex4() throws(BackpropError) -> UInt32 {
            guard i + 4 <= bytes.count else { throw fail("a \\u escape needs four hex digits") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
                default: throw fail("a \\u escape needs four hex digits")
                }
                v = v << 4 | UInt32(d)
                i += 1
            }
            return v
        }

        mutating func string() throws(BackpropError) -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if b < 0x20 { throw fail("a control character inside a string") }
                if b == UInt8(ascii: "\\") {
                    i += 1
                    guard i < bytes.count else { break }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if scalar >= 0xD800 && scalar < 0xDC00 {
                            // A surrogate pair: the low half must follow as its own escape.
                            guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                                throw fail("a lone surrogate in a \\u escape")
                            }
                            i += 2
                            let low = try hex4()
                            guard low >= 0xDC00 && low < 0xE000 else { throw fail("a lone surrogate in a \\u escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw fail("a lone surrogate in a \\u escape") }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default: throw fail("an unknown escape \\\(Character(Unicode.Scalar(e)))")
                    }
                    continue
                }
                out.append(b)
                i += 1
            }
            throw fail("a string is not closed")
        }
    }

    // MARK: writing

    /// The value as compact JSON text. Whole numbers below 10¹⁵ are written as integers, others
    /// in the shortest form that reads back to the same `Double`; NaN and ±∞, which JSON lacks,
    /// as the strings "NaN", "Infinity" and "-Infinity" (the page reads them back as numbers).
    public var text: String {
        var out: [UInt8] = []
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The value as JSON text for people: two spaces per level, one member or element per line,
    /// `"key" : value` as Foundation's `.prettyPrinted` writes it (files written by either look alike).
    public var prettyText: String {
        var out: [UInt8] = []
        writePretty(into: &out, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    func writePretty(into out: inout [UInt8], indent: Int) {
        func newline(_ level: Int) { out.append(0x0A); out += Array(repeating: UInt8(ascii: " "), count: 2 * level) }
        switch self {
        case .array(let items) where !items.isEmpty:
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                item.writePretty(into: &out, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let fields) where !fields.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (n, field) in fields.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                JSON.writeString(field.key, into: &out)
                out += Array(" : ".utf8)
                field.value.writePretty(into: &out, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "}"))
        default:
            write(into: &out)
        }
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let v): out += Array(JSON.numberText(v).utf8)
        case .literal(let text): out += Array(text.utf8)
        case .string(let s): JSON.writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (n, field) in fields.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeString(field.key, into: &out)
                out.append(UInt8(ascii: ":"))
                field.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func numberText(_ v: Double) -> String {
        if v.isNaN { return "\"NaN\"" }
        if v.isInfinite { return v > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        return "\(v)"
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

// Building values: `.object(["a": 1])` reads as the JSON it writes.
extension JSON {
    public init(_ v: Double) { self = .number(v) }
    public init(_ v: Int) { self = .number(Double(v)) }
    public init(_ v: String) { self = .string(v) }
    public init(_ v: Bool) { self = .bool(v) }
    public init(_ v: UInt64) { self = .literal(String(v)) }
    public init(_ v: Double?) { self = v.map { .number($0) } ?? .null }
    public init(_ v: String?) { self = v.map { .string($0) } ?? .null }
    public init(_ v: [Double]) { self = .array(v.map { .number($0) }) }
    public init(_ v: [Int]) { self = .array(v.map { .number(Double($0)) }) }
    public init(_ v: [String]) { self = .array(v.map { .string($0) }) }
    public init(_ v: [Bool]) { self = .array(v.map { .bool($0) }) }
    public init(_ v: [[Double]]) { self = .array(v.map { JSON($0) }) }
    public init(_ v: [[Int]]) { self = .array(v.map { JSON($0) }) }
    public init(_ v: [[String]]) { self = .array(v.map { JSON($0) }) }
    public init(_ v: [[Bool]]) { self = .array(v.map { JSON($0) }) }
    public init(_ v: [[[Double]]]) { self = .array(v.map { JSON($0) }) }
    /// An object with its keys sorted (as `JSONEncoder`'s `.sortedKeys` writes them).
    public init(_ v: [String: String]) { self = .object(v.keys.sorted().map { ($0, .string(v[$0] ?? "")) }) }
}

/// Bytes as base64 (RFC 4648, with padding): images and files inside JSON replies.
public func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i + 2 < bytes.count {
        let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
        out += [alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)], alphabet[Int(v & 63)]]
        i += 3
    }
    let rest = bytes.count - i
    if rest > 0 {
        let v = UInt32(bytes[i]) << 16 | (rest > 1 ? UInt32(bytes[i + 1]) << 8 : 0)
        out += [alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)]]
        out.append(rest > 1 ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
        out.append(UInt8(ascii: "="))
    }
    return String(decoding: out, as: UTF8.self)
}
