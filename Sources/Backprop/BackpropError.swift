/// Every error the engine reports. Each case carries a message a person can act on.
public enum BackpropError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Layer sizes or a head that cannot form a network.
    case invalidArchitecture(String)
    /// Data whose shape or values do not fit the network or the task.
    case invalidData(String)
    /// A training setting out of range (learning rate, batch size, …).
    case invalidSetting(String)
    /// Training produced NaN or ±Inf. `layer` is 1-based (the first weight layer is 1);
    /// nil when only the loss was non-finite.
    case diverged(epoch: Int, layer: Int?, detail: String)
    /// A model file that cannot be read: truncated, corrupt, or not a Backprop model.
    case invalidModelFile(String)

    public var description: String {
        switch self {
        case .invalidArchitecture(let m): return "invalid network: \(m)"
        case .invalidData(let m): return "invalid data: \(m)"
        case .invalidSetting(let m): return "invalid setting: \(m)"
        case .diverged(let epoch, let layer, let detail):
            let where_ = layer.map { " in layer \($0)" } ?? ""
            return "training diverged at epoch \(epoch)\(where_): \(detail); lower the learning rate"
        case .invalidModelFile(let m): return "invalid model file: \(m)"
        }
    }
}

extension BackpropError {
    /// The message without the case's prefix.
    public var message: String {
        switch self {
        case .invalidArchitecture(let m), .invalidData(let m), .invalidSetting(let m), .invalidModelFile(let m): return m
        case .diverged: return description
        }
    }
}
