import Foundation

// Reading safetensors files (Foundation); the format and its writer: SafetensorsFormat.swift.
extension Safetensors {
    /// A header larger than this is refused rather than parsed (the format's own limit is 100 MB).
    static let maxHeader = 100_000_000

    /// A tensor as read from a file: its shape and its values as Double.
    public struct Tensor: Equatable, Sendable {
        public var dtype: String
        public var shape: [Int]
        public var values: [Double]
    }

    /// Reads every tensor and the metadata of a safetensors file.
    public static func read(_ data: Data) throws(BackpropError) -> (tensors: [String: Tensor], metadata: [String: String]) {
        func fail(_ m: String) -> BackpropError { .invalidModelFile("safetensors: \(m)") }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw fail("the file is \(bytes.count) bytes, too short for the 8-byte header length") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(maxHeader) else { throw fail("the header length \(n) is larger than \(maxHeader) bytes; the file is corrupt or not safetensors") }
        guard n >= 2, 8 + Int(n) <= bytes.count else {
            throw fail("the header length \(n) does not fit in the file's \(bytes.count) bytes (truncated?)")
        }
        let headerEnd = 8 + Int(n)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) } catch {
            throw fail("the header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw fail("the header is not a JSON object") }
        var metadata: [String: String] = [:]
        if let m = header["__metadata__"] {
            guard let m = m as? [String: Any] else { throw fail("__metadata__ is not an object") }
            for (k, v) in m {
                guard let s = v as? String else { throw fail("__metadata__[\(quoted(k))] is not a string") }
                metadata[k] = s
            }
        }
        let buffer = bytes.count - headerEnd
        var entries: [(name: String, dtype: String, width: Int, shape: [Int], begin: Int, count: Int)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let t = value as? [String: Any] else { throw fail("tensor \(quoted(name)) is not an object") }
            guard let dtype = t["dtype"] as? String else { throw fail("tensor \(quoted(name)) has no dtype") }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F64": width = 8
            default: throw fail("tensor \(quoted(name)) has dtype \(quoted(dtype)); Backprop reads F32 and F64")
            }
            guard let shape = (t["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  shape.count == (t["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor \(quoted(name)) has no valid shape")
            }
            guard let offs = (t["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }), offs.count == 2 else {
                throw fail("tensor \(quoted(name)) has no valid data_offsets")
            }
            let (begin, end) = (offs[0], offs[1])
            guard begin >= 0, begin <= end, end <= buffer else {
                throw fail("tensor \(quoted(name)) has data_offsets [\(begin), \(end)] outside the \(buffer)-byte data buffer (truncated?)")
            }
            var count = 1
            for d in shape {
                let (c, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, c <= buffer else { throw fail("tensor \(quoted(name)) has an impossible shape \(quoted(shape.description))") }
                count = c
            }
            guard end - begin == count * width else {
                throw fail("tensor \(quoted(name)) has shape \(quoted(shape.description)) (\(count * width) bytes of \(dtype)) but \(end - begin) bytes of data")
            }
            entries.append((name, dtype, width, shape, begin, count))
        }
        // Tensors may not share bytes (the reference reader requires them contiguous and
        // disjoint): a thousand headers aliasing one buffer would otherwise decode to a thousand
        // copies of it. Disjoint, the values decoded are at most twice the buffer (F32 → Double).
        let byOffset = entries.sorted { ($0.begin, $0.count * $0.width) < ($1.begin, $1.count * $1.width) }
        for (a, b) in zip(byOffset, byOffset.dropFirst()) where a.count > 0 && b.count > 0 && b.begin < a.begin + a.count * a.width {
            throw fail("tensors \(quoted(a.name)) and \(quoted(b.name)) overlap in the data buffer; the file is corrupt")
        }
        var tensors: [String: Tensor] = [:]
        for e in entries {
            var values = [Double](repeating: 0, count: e.count)
            let base = headerEnd + e.begin
            for k in 0..<e.count {
                var bits: UInt64 = 0
                for j in 0..<e.width { bits |= UInt64(bytes[base + k * e.width + j]) << (8 * UInt64(j)) }
                values[k] = e.width == 4 ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))) : Double(bitPattern: bits)
            }
            tensors[e.name] = Tensor(dtype: e.dtype, shape: e.shape, values: values)
        }
        return (tensors, metadata)
    }
}

extension Network {
    /// The model as safetensors, in this network's precision (`F32` for Float,
    /// `F64` for Double) unless `dtype` says otherwise.
    public func safetensorsData(dtype: String = T.dtypeName) -> Data { Data(safetensorsBytes(dtype: dtype)) }

    /// Reads a safetensors model. The architecture comes from the metadata, or
    /// from `architecture` for a file written elsewhere without it; shapes are
    /// checked against it either way.
    public init(safetensors data: Data, architecture given: Architecture? = nil) throws(BackpropError) {
        let (tensors, metadata) = try Safetensors.read(data)
        let architecture: Architecture
        if let given {
            architecture = given
        } else if let text = metadata[Safetensors.architectureKey] {
            do { architecture = try JSONDecoder().decode(Architecture.self, from: Data(text.utf8)) } catch let e as DecodingError {
                throw .invalidModelFile("safetensors: the architecture in __metadata__ is invalid: \(describeDecodingError(e))")
            } catch {
                throw .invalidModelFile("safetensors: the architecture in __metadata__ is invalid")
            }
        } else {
            throw .invalidModelFile("safetensors: no \"\(Safetensors.architectureKey)\" in __metadata__; give the architecture (layer sizes, activations, head) to load it")
        }
        do { try architecture.validate() } catch { throw .invalidModelFile("safetensors: \(error)") }
        // Shapes are compared with the architecture's (limited) sizes below, so no tensor beyond them is used.
        let layout = ParameterLayout(sizes: architecture.sizes)
        var weights: [Matrix<T>] = [], biases: [[T]] = []
        for l in 0..<layout.layerCount {
            let (o, i) = (layout.fanOut(l), layout.fanIn(l))
            guard let w = tensors["layers.\(l).weight"] else { throw .invalidModelFile("safetensors: tensor layers.\(l).weight is missing") }
            guard let b = tensors["layers.\(l).bias"] else { throw .invalidModelFile("safetensors: tensor layers.\(l).bias is missing") }
            guard w.shape == [o, i] else { throw .invalidModelFile("safetensors: layers.\(l).weight has shape \(w.shape), the architecture needs [\(o), \(i)]") }
            guard b.shape == [o] else { throw .invalidModelFile("safetensors: layers.\(l).bias has shape \(b.shape), the architecture needs [\(o)]") }
            weights.append(Matrix(rows: o, columns: i, elements: w.values.map { T($0) })!)
            biases.append(b.values.map { T($0) })
        }
        let extra = Set(tensors.keys).subtracting((0..<layout.layerCount).flatMap { ["layers.\($0).weight", "layers.\($0).bias"] })
        if let name = extra.sorted().first {
            throw .invalidModelFile("safetensors: tensor \(quoted(name)) does not belong to a \(layout.layerCount)-layer network")
        }
        try self.init(architecture, weights: weights, biases: biases)
        try checkFinite("safetensors")
    }
}
