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
    public static let maxDepth = JSON.maxDepth

    /// Parses `data`'s structure with the page's reader (`JSON`), keeping a key given twice for
    /// `firstUnknownKey` to name with its path; the decoder reads the values.
    public static func parse(_ data: Data) throws(BackpropError) -> Value {
        func structure(_ v: JSON) -> Value {
            switch v {
            case .object(let fields): return .object(fields.map { ($0.key, structure($0.value)) })
            case .array(let items): return .array(items.map(structure))
            default: return .scalar
            }
        }
        return structure(try JSON.parse(String(decoding: data, as: UTF8.self), keepingDuplicateKeys: true))
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
}
