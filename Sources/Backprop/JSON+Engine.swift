// The engine's settings and model files as JSON values, without Foundation: the same documents
// `Codable` reads (its synthesised keys, sorted), written by both builds — so that a model or an
// experiment downloaded from the page in the browser is the file `backprop train --out` writes.
// ModelFileTests and ExperimentFileTests decode these strictly and compare with the values.

extension JSON {
    /// An object with its keys in sorted order (as `JSONEncoder`'s `.sortedKeys`).
    public static func sorted(_ fields: [(key: String, value: JSON)]) -> JSON {
        .object(fields.sorted { $0.key < $1.key })
    }
}

extension Architecture {
    public var json: JSON {
        .sorted([("head", JSON(head.rawValue)), ("inputs", JSON(inputs)), ("outputs", JSON(outputs)),
                 ("hidden", .array(hidden.map { .sorted([("activation", JSON($0.activation.rawValue)), ("units", JSON($0.units))]) }))])
    }
}

extension Initializer {
    public var json: JSON { .sorted([("kind", JSON(kind.rawValue)), ("scale", JSON(scale))]) }
}

extension LearningRateSchedule {
    public var json: JSON {
        .sorted([("kind", JSON(kind.rawValue)), ("initial", JSON(initial)), ("decay", JSON(decay)), ("final", JSON(final)),
                 ("epochs", JSON(epochs)), ("changes", .array(changes.map { .sorted([("epoch", JSON($0.epoch)), ("rate", JSON($0.rate))]) }))])
    }
}

extension Optimizer {
    public var json: JSON {
        .sorted([("kind", JSON(kind.rawValue)), ("momentum", JSON(momentum)), ("beta1", JSON(beta1)), ("beta2", JSON(beta2)), ("epsilon", JSON(epsilon))])
    }
}

extension Regularization {
    public var json: JSON { .sorted([("kind", JSON(kind.rawValue)), ("rate", JSON(rate)), ("style", JSON(style.rawValue))]) }
}

extension BatchOrder {
    /// As Swift's synthesised coding writes an enum: `{"stored": {}}`, `{"given": {"_0": [[…]]}}`.
    public var json: JSON {
        switch self {
        case .stored: return .object([("stored", .object([]))])
        case .shuffled: return .object([("shuffled", .object([]))])
        case .given(let orders): return .object([("given", .object([("_0", JSON(orders))]))])
        }
    }
}

extension TrainingSettings {
    public var json: JSON {
        .sorted([("epochs", JSON(epochs)), ("batchSize", JSON(batchSize)), ("order", order.json), ("learningRate", learningRate.json),
                 ("optimizer", optimizer.json), ("regularization", regularization.json), ("seed", JSON(seed))])
    }
}

extension Network {
    /// The JSON model file (`ModelFileJSON`'s keys): architecture and parameters as Double in
    /// their shortest round-trip form, so a Float or Double network reads back bit for bit.
    public var modelJSON: JSON {
        .sorted([("format", JSON("backprop-model")), ("version", JSON(1)), ("dtype", JSON(T.dtypeName)),
                 ("architecture", architecture.json),
                 ("layers", .array((0..<layout.layerCount).map { l in
                     .sorted([("weight", JSON(weight(l).nested.map { $0.map(Double.init) })), ("bias", JSON(bias(l).map(Double.init)))])
                 }))])
    }

    /// The model as safetensors bytes, in this network's precision (`F32` for Float, `F64` for
    /// Double) unless `dtype` says otherwise.
    public func safetensorsBytes(dtype: String = T.dtypeName) -> [UInt8] {
        var tensors: [(name: String, shape: [Int], values: [Double])] = []
        for l in 0..<layout.layerCount {
            tensors.append(("layers.\(l).weight", [layout.fanOut(l), layout.fanIn(l)], weight(l).elements.map(Double.init)))
            tensors.append(("layers.\(l).bias", [layout.fanOut(l)], bias(l).map(Double.init)))
        }
        return Safetensors.bytes(tensors, dtype: dtype == "F32" ? "F32" : "F64",
                                 metadata: [Safetensors.architectureKey: architecture.json.text, "format": "pt"])
    }
}
