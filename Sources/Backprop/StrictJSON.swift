import Foundation

/// Checks a JSON document a person wrote against what a program reads from it.
///
/// `JSONDecoder` ignores keys it does not know and keeps the last of duplicate keys, so an
/// experiment file saying `{"learningRate": -1}` trained the default experiment and exited 0.
/// `StrictJSON` reads the document's structure (objects as ordered key lists, depth-bounded),
/// refuses duplicate keys, and refuses keys that the decoded value does not encode back —
/// the schema is the type's own `Encodable` output, so it cannot drift from the decoder.
public enum StrictJSON {
    /// A JSON value with object keys in document order (duplicates kept, to be refused).
    public indirect enum Value: Sendable {
        case object([(key: String, value: Value)])
        case array([Value])
        case scalar
    }

    /// Nesting deeper than this is refused (no file of ours nests beyond 6).
    public static let maxDepth = 64

    /// Parses `data`'s structure. Strings are unescaped for keys only; numbers and literals are
    /// checked for shape, not value (the decoder reads values).
    public static func parse(_ data: Data) throws(BackpropError) -> Value {
        var p = Parser(bytes: [UInt8](data))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == p.bytes.count else { throw p.fail("unexpected text after the JSON value") }
        return v
    }

    /// The first key path in `input` that is duplicated, or that `schema` (the decoded value
    /// encoded again) lacks and `optional` does not name; nil when every key is known.
    /// Paths are written `training.learningRate.initial`; array elements are checked against
    /// the schema's element at the same index (or its first, for longer arrays).
    public static func firstUnknownKey(_ input: Value, schema: Value, optional: Set<String> = [], path: String = "") -> String? {
        switch (input, schema) {
        case (.object(let fields), .object(let known)):
            var seen = Set<String>()
            for (key, value) in fields {
                let p = path.isEmpty ? key : "\(path).\(key)"
                if !seen.insert(key).inserted { return "\(p) (given twice)" }
                if let k = known.first(where: { $0.key == key }) {
                    if let bad = firstUnknownKey(value, schema: k.value, optional: optional, path: p) { return bad }
                } else if !optional.contains(p) {
                    return p
                }
            }
            return nil
        case (.array(let items), .array(let known)):
            for (i, item) in items.enumerated() {
                guard let k = i < known.count ? known[i] : known.first else { break }
                if let bad = firstUnknownKey(item, schema: k, optional: optional, path: "\(path)[\(i)]") { return bad }
            }
            return nil
        case (.object(let fields), _):
            // An object where the program reads none: any key is unknown (unless optional).
            var seen = Set<String>()
            for (key, _) in fields {
                let p = path.isEmpty ? key : "\(path).\(key)"
                if !seen.insert(key).inserted { return "\(p) (given twice)" }
                if !optional.contains(p) { return p }
            }
            return nil
        default:
            return nil
        }
    }

    /// Decodes `T` from `data` and refuses unknown or duplicate keys. `what` names the file in
    /// messages; `optional` lists key paths the type reads but may not write back (nil values).
    public static func decode<T: Codable>(_ type: T.Type, from data: Data, what: String, optional: Set<String> = [],
                                          decoder: JSONDecoder = JSONDecoder(), encoder: JSONEncoder? = nil) throws(BackpropError) -> T {
        let structure: Value
        do { structure = try parse(data) } catch { throw .invalidSetting("\(what): \(error.message)") }
        let value: T
        do { value = try decoder.decode(T.self, from: data) } catch let e as DecodingError {
            throw .invalidSetting("\(what): \(describeDecodingError(e))")
        } catch {
            throw .invalidSetting("\(what): \(error.localizedDescription)")
        }
        let encoder = encoder ?? {
            let e = JSONEncoder()
            e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return e
        }()
        guard let again = try? encoder.encode(value), let schema = try? parse(again) else { return value }
        if let key = firstUnknownKey(structure, schema: schema, optional: optional) {
            throw .invalidSetting("\(what): unknown key \(quoted(key)); remove it or check its spelling")
        }
        return value
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0

        func fail(_ m: String) -> BackpropError { .invalidSetting("not valid JSON at byte \(i + 1): \(m)") }

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        mutating func value(depth: Int) throws(BackpropError) -> Value {
            guard depth < StrictJSON.maxDepth else { throw fail("nested deeper than \(StrictJSON.maxDepth) levels") }
            guard i < bytes.count else { throw fail("the document ends where a value should be") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var fields: [(key: String, value: Value)] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                    let key = try string()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                    i += 1
                    skipSpace()
                    fields.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard i < bytes.count else { throw fail("the document ends inside an object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                    throw fail("expected ',' or '}' in an object")
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [Value] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < bytes.count else { throw fail("the document ends inside an array") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw fail("expected ',' or ']' in an array")
                }
            case UInt8(ascii: "\""):
                _ = try string()
                return .scalar
            default:
                // A number or a literal: consume its characters; the decoder judges the value.
                let start = i
                while i < bytes.count, !",]} \t\r\n".utf8.contains(bytes[i]) { i += 1 }
                guard i > start else { throw fail("expected a value") }
                return .scalar
            }
        }

        /// A quoted string from `bytes[i]` (the opening quote), unescaped.
        mutating func string() throws(BackpropError) -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if b == UInt8(ascii: "\\") {
                    guard i + 1 < bytes.count else { break }
                    let e = bytes[i + 1]
                    switch e {
                    case UInt8(ascii: "u"):
                        guard i + 6 <= bytes.count, let code = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16) else {
                            throw fail("a \\u escape needs four hex digits")
                        }
                        out += Array(String(Unicode.Scalar(code).map(Character.init) ?? "?").utf8)
                        i += 6
                        continue
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    default: out.append(e)
                    }
                    i += 2
                    continue
                }
                out.append(b)
                i += 1
            }
            throw fail("a string is not closed")
        }
    }
}
