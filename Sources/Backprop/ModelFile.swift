import Foundation

/// The JSON model file: architecture and parameters, human-readable.
///
/// ```json
/// {"format": "backprop-model", "version": 1, "dtype": "F64",
///  "architecture": {...}, "layers": [{"weight": [[...]], "bias": [...]}]}
/// ```
/// Numbers are written as Double in their shortest round-trip form, so a
/// Float or Double network reads back bit for bit.
struct ModelFileJSON: Codable {
    static let formatName = "backprop-model"
    struct Layer: Codable {
        var weight: [[Double]]
        var bias: [Double]
    }
    var format: String
    var version: Int
    var dtype: String
    var architecture: Architecture
    var layers: [Layer]
}

/// The two file formats a model can be saved in.
public enum ModelFormat: String, CaseIterable, Sendable {
    case json
    case safetensors

    /// Picks the format from a file name's extension (`.json`, `.safetensors`).
    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "json": self = .json
        case "safetensors", "st": self = .safetensors
        default: return nil
        }
    }
}

extension Network {
    /// The model as a JSON document.
    public func jsonData() -> Data { Data(modelJSON.text.utf8) }

    /// Reads a JSON model file. Every problem becomes `.invalidModelFile` with a
    /// message naming what is wrong and where.
    public init(json data: Data) throws(BackpropError) {
        let file: ModelFileJSON
        do { file = try StrictJSON.decode(ModelFileJSON.self, from: data, what: "JSON") } catch {
            throw .invalidModelFile(error.message)
        }
        guard file.format == ModelFileJSON.formatName else {
            throw .invalidModelFile("JSON: format is \(quoted(file.format)), expected \"\(ModelFileJSON.formatName)\"")
        }
        guard file.version == 1 else { throw .invalidModelFile("JSON: version \(file.version) is newer than this program reads (1)") }
        var weights: [Matrix<T>] = []
        for (l, layer) in file.layers.enumerated() {
            guard let m = Matrix<Double>(layer.weight) else {
                throw .invalidModelFile("JSON: layers[\(l)].weight has rows of different lengths")
            }
            weights.append(m.converted())
        }
        do {
            try self.init(file.architecture, weights: weights, biases: file.layers.map { $0.bias.map { T($0) } })
        } catch {
            throw .invalidModelFile("JSON: \(error)")
        }
        try checkFinite("JSON")
    }

    /// Refuses a loaded model with NaN or infinite parameters (or values too large for `T`):
    /// evaluating it would print `loss nan` and exit 0.
    func checkFinite(_ format: String) throws(BackpropError) {
        guard let p = parameters.firstIndex(where: { !$0.isFinite }) else { return }
        let l = layout.layer(containing: p)
        let what = p >= layout.biasOffsets[l] ? "bias" : "weight"
        throw .invalidModelFile("\(format): layer \(l + 1) has a non-finite \(what) (\(parameters[p])); the model was saved from a diverged run or is corrupt")
    }

    /// Writes the model to `url` in `format` (default: from the extension).
    /// The file is written under a temporary name and renamed, so a failed write
    /// never leaves a half-written model where a good one was.
    public func write(to url: URL, format: ModelFormat? = nil) throws(BackpropError) {
        guard let format = format ?? ModelFormat(path: url.path) else {
            throw .invalidSetting("cannot tell the model format of \(url.lastPathComponent): use .json or .safetensors")
        }
        let data = format == .json ? jsonData() : safetensorsData()
        try FileAccess.write(data, to: url.path)
    }

    /// Reads a model file; the format comes from the extension, or from the
    /// content when the extension says nothing.
    public init(contentsOf url: URL) throws(BackpropError) {
        let data: Data
        do { data = try Limits.standard.readFile(url.path, what: "the model file") } catch {
            throw .invalidModelFile("\(error)".replacingOccurrences(of: "invalid setting: ", with: ""))
        }
        let format = ModelFormat(path: url.path) ?? (data.first == UInt8(ascii: "{") ? .json : .safetensors)
        switch format {
        case .json: try self.init(json: data)
        case .safetensors: try self.init(safetensors: data)
        }
    }
}

/// A decoding error as one line: what is wrong and at which key path (for messages about files a person wrote).
public func describeDecodingError(_ error: DecodingError) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        let p = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return p.isEmpty ? "the top level" : String(p.drop { $0 == "." })
    }
    switch error {
    case .keyNotFound(let key, let ctx): return "missing \"\(key.stringValue)\" at \(path(ctx.codingPath))"
    case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
        return "wrong type at \(path(ctx.codingPath)): \(ctx.debugDescription)"
    case .dataCorrupted(let ctx):
        let underlying = (ctx.underlyingError as NSError?)?.localizedDescription
        return "\(ctx.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(ctx.codingPath))")\(underlying.map { " (\($0))" } ?? "")"
    @unknown default: return "\(error)"
    }
}
