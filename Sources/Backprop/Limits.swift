/// Every size a person (or a file, or a web page) can ask for, bounded in one place.
///
/// The command line, the experiment and model loaders, the CSV reader, sweeps and the
/// playground's sessions all check against a `Limits` value before they allocate, so that no
/// input — a typo like `--layers 100000x100000`, a corrupt safetensors header, a page's
/// message — can make the process allocate gigabytes or trap on an overflow. Sizes are
/// multiplied with overflow checks (`product`), never with `*`.
///
/// `standard` is generous: far beyond what the sheet's experiments need, inside a laptop's
/// memory, the largest of each kind in one to three GB (docs/safety.md, "Safe on a student's
/// laptop" has the figures and what measured them). `playground` is what one browser tab may
/// ask to train, where one machine serves many tabs and the page draws every neuron (what a tab
/// may ask of the machine besides, sessions and messages, is `PageLimits`).
public struct Limits: Sendable, Equatable {
    /// Input columns: features of 2-D data, columns of a CSV, inputs of a model file.
    public var inputs = 4096
    /// Neurons in one layer (hidden or output).
    public var width = 4096
    /// Hidden layers.
    public var depth = 64
    /// Weights and biases of one network.
    public var parameters = 16_000_000
    /// Points of a generated data set, rows of a CSV.
    public var points = 1_000_000
    /// Numbers in one data set (points × columns): the CSV reader's and the data set's bound.
    public var dataValues = 50_000_000
    /// Classes of blobs and spirals, and of a CSV's labels.
    public var classes = 1000
    /// Epochs of one run.
    public var epochs = 1_000_000_000
    /// Values of the training buffers: samples per step × (the sum of all layer widths).
    public var activationValues = 64_000_000
    /// Initial weights (seeds) per setting of a sweep, and runs of a whole sweep.
    public var seeds = 100_000
    public var sweepRuns = 1_000_000
    /// Bytes of a file read whole (CSV, experiment, model).
    public var fileBytes = 512 << 20
    /// Parameters a gradient check perturbs one by one (two forward passes each).
    public var gradientCheckParameters = 100_000
    /// History points one run keeps (the record interval grows to stay below).
    public var historyPoints = 1_000_000

    public init() {}

    /// The limits of the command line, the loaders and the library.
    public static let standard = Limits()

    /// The limits of one playground tab: the page draws every neuron, so the network stays
    /// small; data arrives by upload (1 MB messages) or clicks.
    public static let playground: Limits = {
        var l = Limits()
        l.inputs = 64
        l.width = 32
        l.depth = 8
        l.parameters = 100_000
        l.points = 5000
        l.dataValues = 5000 * 65
        l.classes = 10
        l.activationValues = 5000 * 400
        l.historyPoints = 100_000
        return l
    }()

    /// `factors` multiplied, or nil when the product overflows `Int`.
    public static func product(_ factors: Int...) -> Int? { product(factors) }
    public static func product(_ factors: [Int]) -> Int? {
        var p = 1
        for f in factors {
            let (r, overflow) = p.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            p = r
        }
        return p
    }

    /// Weights and biases of a network of these layer widths, or nil on overflow.
    public static func parameterCount(sizes: [Int]) -> Int? {
        var total = 0
        for l in 0..<max(0, sizes.count - 1) {
            guard let w = product(sizes[l + 1], sizes[l]) else { return nil }
            let (t1, o1) = total.addingReportingOverflow(w)
            let (t2, o2) = t1.addingReportingOverflow(sizes[l + 1])
            if o1 || o2 { return nil }
            total = t2
        }
        return total
    }

    /// Throws unless `value` is in `range`; `what` names the setting in the message.
    public func check(_ value: Int, _ what: String, atMost limit: Int, atLeast low: Int = 0) throws(BackpropError) {
        guard value >= low else { throw .invalidSetting("\(what) must be at least \(low), got \(value)") }
        guard value <= limit else { throw .invalidSetting("\(what) is \(value); at most \(limit) here") }
    }

    /// Checks a network's shape against these limits, with overflow-checked counts.
    public func check(_ architecture: Architecture) throws(BackpropError) {
        guard architecture.inputs <= inputs else {
            throw .invalidArchitecture("\(architecture.inputs) inputs; at most \(inputs) here")
        }
        guard architecture.hidden.count <= depth else {
            throw .invalidArchitecture("\(architecture.hidden.count) hidden layers; at most \(depth) here")
        }
        for (i, h) in architecture.hidden.enumerated() where h.units > width {
            throw .invalidArchitecture("hidden layer \(i + 1) has \(h.units) neurons; at most \(width) per layer here")
        }
        guard architecture.outputs <= width else {
            throw .invalidArchitecture("\(architecture.outputs) outputs; at most \(width) here")
        }
        guard let p = Limits.parameterCount(sizes: architecture.sizes), p <= parameters else {
            throw .invalidArchitecture("the network would have more than \(parameters) parameters; use fewer or narrower layers")
        }
    }

    /// Checks the training buffers for `samples` samples per step (the step's batch).
    public func checkBuffers(_ architecture: Architecture, samples: Int) throws(BackpropError) {
        let sum = architecture.sizes.reduce(0) { $0 &+ max($1, 0) }
        guard let v = Limits.product(max(samples, 1), sum), v <= activationValues else {
            throw .invalidSetting("a step over \(samples) samples of layers \(architecture.sizes.map(String.init).joined(separator: "-")) needs more than \(activationValues) buffer values; use a smaller batch size (--batch-size) or narrower layers")
        }
    }
}

/// `text` for an error message: at most `limit` characters, so that a 10 MB field does not
/// become a 10 MB error line, with control characters escaped (`\n`, `\u{1B}`), so that a value
/// holding a newline cannot break the message over two lines or a terminal's escape codes run.
public func quoted(_ text: some StringProtocol, limit: Int = 80) -> String {
    func escaped(_ part: some StringProtocol) -> String {
        var out = ""
        for scalar in part.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
    guard text.count > limit else { return "\"\(escaped(text))\"" }
    return "\"\(escaped(text.prefix(limit)))…\" (\(text.utf8.count) bytes)"
}
