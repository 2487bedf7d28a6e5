/// A name as a person types it, as the key it is compared by: ASCII letters lowered and `-`
/// read as `_` ("Leaky-ReLU" → "leaky_relu"). Bytes, not Unicode case mapping, so that both
/// builds (the WebAssembly one has no Unicode tables) read every name the same way.
public func nameKey(_ name: String) -> String {
    String(decoding: name.utf8.map { c in
        c == UInt8(ascii: "-") ? UInt8(ascii: "_") : (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c + 32 : c)
    }, as: UTF8.self)
}

/// `text` without the spaces and tabs at either end (Foundation's `.whitespaces`: any space
/// separator, never a line break), in both builds.
public func trimmingSpaces(_ text: String) -> String {
    func space(_ c: Character) -> Bool { c.isWhitespace && !c.isNewline }
    guard let first = text.firstIndex(where: { !space($0) }), let last = text.lastIndex(where: { !space($0) }) else { return "" }
    return String(text[first...last])
}
