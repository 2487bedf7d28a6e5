/// The safetensors format (Hugging Face): an 8-byte little-endian header
/// length N, N bytes of JSON header, then the raw little-endian tensor bytes.
/// The header maps tensor names to `{"dtype", "shape", "data_offsets": [begin, end]}`
/// (offsets relative to the byte buffer) and may hold `"__metadata__"`, a
/// string-to-string map.
///
/// Backprop writes `layers.{i}.weight` `[out, in]` and `layers.{i}.bias`
/// `[out]` — PyTorch's `nn.Linear` names and layout — in F32 or F64, and the
/// architecture as JSON in `__metadata__["backprop.architecture"]`. Reading
/// accepts F32 and F64 in any order of tensors, and checks every length,
/// shape and offset before touching the bytes.
public enum Safetensors {
    public static let architectureKey = "backprop.architecture"
}

extension Safetensors {
    /// Writes tensors (name, shape, values) in the given order with `dtype` F32 or F64: the
    /// header padded with spaces so the data starts 8-byte aligned, as the reference writer does.
    static func bytes(_ tensors: [(name: String, shape: [Int], values: [Double])], dtype: String, metadata: [String: String]) -> [UInt8] {
        let width = dtype == "F32" ? 4 : 8
        var fields: [(key: String, value: JSON)] = []
        if !metadata.isEmpty { fields.append(("__metadata__", JSON(metadata))) }
        var offset = 0
        for t in tensors {
            let size = t.values.count * width
            fields.append((t.name, .object([("dtype", JSON(dtype)), ("shape", JSON(t.shape)), ("data_offsets", JSON([offset, offset + size]))])))
            offset += size
        }
        var header = Array(JSON.object(fields).text.utf8)
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        let n = UInt64(header.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        out += header
        for t in tensors {
            for v in t.values {
                let bits: UInt64 = width == 4 ? UInt64(Float(v).bitPattern) : v.bitPattern
                for j in 0..<width { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(j)))) }
            }
        }
        return out
    }
}
