import Backprop
import Playground

/// A message from the page: a JSON object whose `type` says which command it is and which
/// fields it needs:
///
/// | type | fields | effect |
/// |---|---|---|
/// | `configure` | `settings` (key → value, the command line's keys) | new experiment from the page's defaults plus these settings |
/// | `set` | `key`, `value` | change one setting (training settings keep the network) |
/// | `restore` | `settings`, `weights`, `biases`, `epoch`; own data: `trainPoints`, `testPoints` ([x, y, label] rows), `task`, `classes`, `region` | a session the page kept, back after a reconnect or reload |
/// | `play` / `pause` | | run (at the `speed` setting, to the stop epoch or condition) or stop |
/// | `step` | `value`: epochs (default 1) | train that many epochs, stopping early as play does |
/// | `reset` | | back to the same initial weights |
/// | `regenerate` | | new data (next data seed), same weights |
/// | `setWeight` | `layer`, `to`, `from`, `value` | edit one weight (0-based indices) |
/// | `setBias` | `layer`, `neuron`, `value` | edit one bias |
/// | `addPoint` | `x`, `y`, `label`, `test` | add a point of a class (or value) |
/// | `uploadCSV` | `text` | replace the data with a CSV (header; last column the label) |
/// | `explain` | `layer`, `to`, `from` (−1: the bias), optional `sample` | the chain rule for that parameter, in an `explanation` reply |
/// | `download` | `format`: safetensors, json, experiment, data (own data), numpy, torch, notebook; boundary.svg, network.svg, loss.svg (the command line's figures) | the file, base64, in a `file` reply |
/// | `seeds` | `count` (0: stop) | the setup trained from `count` seeds (the page's seed on), judged by the stop condition: a `seeds` object in the snapshots |
/// | `byHand` | `layer`, `to`, `from` (−1: the bias), `sample`, `answers` (`outputDelta`, `delta`, `gradient`, `weight`: the student's text) | backprop by hand checked against the engine's trace, in a `byHand` reply |
/// | `check` | `expression` (empty: none) | a lesson step's check (`LessonCheck`), judged in every snapshot's `check` |
/// | `focus` | `layer`, `neuron` (no layer: none) | the neuron the page shows enlarged: its map at the output's resolution in each snapshot |
enum Command {
    case configure(settings: [String: String])
    case restore(Restore)
    case set(key: String, value: String)
    case play, pause
    case step(epochs: Double)
    case reset, regenerate
    case setWeight(layer: Int, to: Int, from: Int, value: Double)
    case setBias(layer: Int, neuron: Int, value: Double)
    case addPoint(x: Double, y: Double, label: Double, test: Bool)
    case uploadCSV(text: String)
    case explain(layer: Int, to: Int, from: Int, sample: Int?)
    case download(format: String)
    case focus(layer: Int?, neuron: Int)
    case seeds(count: Int)
    case check(expression: String)
    case byHand(layer: Int, to: Int, from: Int, sample: Int, answers: [String: String])

    /// What a `restore` brings back (every part optional: what is missing is not restored).
    struct Restore {
        var settings: [String: String]
        var weights: [[[Double]]]?
        var biases: [[Double]]?
        var epoch: Int?
        var trainPoints: [[Double]]
        var testPoints: [[Double]]
        var task: String?
        var classes: Int?
        /// The loss curve the page drew: [epoch, training loss, test loss] rows.
        var history: [[Double]]
        /// The plane own data is drawn over ([x0, x1, y0, y1]), kept from the data set points were added to.
        var region: [Double]? = nil
    }

    /// A message's type and its fields: anything that is not a JSON object with a string
    /// `type` is a one-line error (the text is never echoed whole).
    static func envelope(_ text: String) throws(BackpropError) -> (type: String, fields: JSON) {
        guard let m = try? JSON.parse(text), case .object = m, let type = m["type"]?.string else {
            throw .invalidSetting("malformed message: expected JSON with a \"type\" field (got \(quoted(text, limit: 40)))")
        }
        return (type, m)
    }

    /// The command a message of `type` gives, with the fields that type needs; a field that is
    /// missing or of the wrong type is said in words.
    init(type: String, fields m: JSON) throws(BackpropError) {
        /// A field of the given type; nil when absent or null, an error when of another type.
        func field<T>(_ key: String, _ read: (JSON) -> T?) throws(BackpropError) -> T? {
            guard let v = m[key] else { return nil }
            if case .null = v { return nil }
            guard let t = read(v) else { throw .invalidSetting("\(type): \(quoted(key)) has the wrong type") }
            return t
        }
        func rows(_ v: JSON) -> [[Double]]? { v.array { $0.array { $0.number } } }
        func strings(_ key: String) throws(BackpropError) -> [String: String] {
            try field(key) { v -> [String: String]? in
                guard case .object(let fields) = v else { return nil }
                var out: [String: String] = [:]
                for (k, value) in fields { guard let s = value.string else { return nil }; out[k] = s }
                return out
            } ?? [:]
        }
        func settings() throws(BackpropError) -> [String: String] { try strings("settings") }
        let number = { (v: JSON) in v.number }, int = { (v: JSON) in v.int }, string = { (v: JSON) in v.string }
        switch type {
        case "configure": self = .configure(settings: try settings())
        case "restore":
            let weights = try field("weights") { $0.array(of: rows) }
            self = .restore(Restore(settings: try settings(), weights: weights, biases: try field("biases", rows),
                                    epoch: try field("epoch", int), trainPoints: try field("trainPoints", rows) ?? [],
                                    testPoints: try field("testPoints", rows) ?? [], task: try field("task", string),
                                    classes: try field("classes", int), history: try field("history", rows) ?? [],
                                    region: try field("region") { $0.array { $0.number } }))
        case "set":
            guard let key = try field("key", string) else { throw .invalidSetting("set needs a key") }
            // A setting's value is text; a number the page sends is read as the text it writes.
            let value = try field("value") { v -> String? in v.string ?? v.number.map { "\($0)" } } ?? ""
            self = .set(key: key, value: value)
        case "play": self = .play
        case "pause": self = .pause
        case "step": self = .step(epochs: try field("value", number) ?? 1)
        case "reset": self = .reset
        case "regenerate": self = .regenerate
        case "setWeight":
            guard let layer = try field("layer", int), let to = try field("to", int), let from = try field("from", int),
                  let value = try field("value", number) else {
                throw .invalidSetting("setWeight needs layer, to, from and a numeric value")
            }
            self = .setWeight(layer: layer, to: to, from: from, value: value)
        case "setBias":
            guard let layer = try field("layer", int), let neuron = try field("neuron", int), let value = try field("value", number) else {
                throw .invalidSetting("setBias needs layer, neuron and a numeric value")
            }
            self = .setBias(layer: layer, neuron: neuron, value: value)
        case "addPoint":
            guard let x = try field("x", number), let y = try field("y", number), let label = try field("label", number) else {
                throw .invalidData("addPoint needs x, y and label")
            }
            self = .addPoint(x: x, y: y, label: label, test: try field("test") { $0.bool } ?? false)
        case "uploadCSV": self = .uploadCSV(text: try field("text", string) ?? "")
        case "explain":
            guard let layer = try field("layer", int), let to = try field("to", int), let from = try field("from", int) else {
                throw .invalidSetting("explain needs layer, to and from (−1 for the bias)")
            }
            self = .explain(layer: layer, to: to, from: from, sample: try field("sample", int))
        case "download": self = .download(format: try field("format", string) ?? "safetensors")
        case "focus": self = .focus(layer: try field("layer", int), neuron: try field("neuron", int) ?? 0)
        case "seeds": self = .seeds(count: try field("count", int) ?? 0)
        case "check": self = .check(expression: try field("expression", string) ?? "")
        case "byHand":
            guard let layer = try field("layer", int), let to = try field("to", int), let from = try field("from", int),
                  let sample = try field("sample", int) else {
                throw .invalidSetting("byHand needs layer, to, from (−1 for the bias) and sample")
            }
            self = .byHand(layer: layer, to: to, from: from, sample: sample, answers: try strings("answers"))
        default:
            throw .invalidSetting("unknown message type \(quoted(type))")
        }
    }

    /// Whether the command leaves a step in progress going (a question does; anything else ends it).
    static func keepsAStep(_ type: String) -> Bool { ["step", "explain", "download", "check", "byHand"].contains(type) }
}

/// The page's view of a session after some training: everything it draws.
struct Snapshot {
    var type = "snapshot"
    /// Rises with every snapshot of a session: a page that receives an older one after a newer
    /// one (a training frame overtaken by a command's reply) drops it.
    var seq: Int
    /// `paused`, `running` or `diverged`.
    var state: String
    var message: String?
    /// Why training stopped by itself (stop epoch or condition), until it goes on.
    var stopped: String?
    /// What the page must say in words: dead layers, a loss that has not moved.
    var notices: [String]
    /// The settings in force (the page's URL follows them, so a refused value leaves it).
    var settings: [String: String]
    var stopEpoch: Int
    /// The largest |weight| now (link widths are on a fixed scale; this says where it stands).
    var maxWeight: Double
    var epoch: Int
    var trainLoss: Double
    var testLoss: Double
    var trainAccuracy: Double?
    var testAccuracy: Double?
    var r2: Double?
    var confusion: [[Int]]?
    /// New history rows since the last snapshot: [epoch, train loss, test loss].
    var history: [[Double]]
    var sizes: [Int]
    var inputNames: [String]
    var activations: [String]
    var head: String
    var weights: [[[Double]]]
    var biases: [[Double]]
    /// The output over [−6, 6]² (or the data's region), `outputResolution`², row 0 at the top.
    /// Binary/regression: one byte per cell, 0…255 for −1…1. Classes: two bytes (class, confidence).
    var output: String
    var outputResolution: Int
    var outputClasses: Int
    /// Per input feature and hidden neuron: a small map, one byte per cell for −1…1.
    var neurons: [[String]]
    var neuronResolution: Int
    /// The focused neuron ([layer, neuron]; layer 0: the inputs) and its map at `outputResolution`.
    var focused: [Int]? = nil
    var focusMap: String? = nil
    /// Per hidden layer and neuron: dead (ReLU never active on the training set) / saturated.
    var dead: [[Bool]]
    var saturated: [[Bool]]
    var region: [Double]
    /// "Run seeds": progress and results, when they changed since the last snapshot.
    var seeds: JSON? = nil
    /// A lesson step's check: `expression`, `passed`, and each term's `text`, `value` (or `missing`) and `holds`.
    var check: JSON? = nil
    /// Backpropagation on the last step's batch (`Network.trace`): ‖∂L/∂W‖ per layer, each
    /// unit's mean |δ| per layer (output last), the fraction of dead units per hidden layer,
    /// the batch's rows; and in the gradient view the gradients, shaped like the weights.
    var gradientNorms: [Double]
    var neuronDeltas: [[Double]]
    var deadFraction: [Double]
    var batchRows: [Int]
    var gradients: [[[Double]]]?
    var biasGradients: [[Double]]?
    var epochsPerSecond: Double
    /// The learning rate the next epoch trains with (the schedule's, not only its first rate).
    var learningRate: Double
    var command: String
    /// What the link and the command do not reproduce of this run, in words (nil: they do).
    var unreproduced: String?
}

/// The data points, sent when the data changes.
struct DataMessage {
    var type = "data"
    var task: String
    var classes: Int
    /// [x, y, label] rows (first two input columns).
    var train: [[Double]]
    var test: [[Double]]
    var settings: [String: String]
    /// Each 2-D feature's map over the data's region (as `Snapshot.neurons`), off ones included.
    var featureMaps: [String: String]
}

struct ErrorMessage {
    var type = "error"
    var message: String
}

struct FileMessage {
    var type = "file"
    var name: String
    var mime: String
    var base64: String
}

/// A reply as the JSON object the page reads: its fields in declaration order, nil ones left out.
protocol Reply { var json: JSON { get } }

func json(_ reply: some Reply) -> String { reply.json.text }

extension Snapshot: Reply {
    var json: JSON {
        var f: [(key: String, value: JSON)] = [
            ("type", JSON(type)), ("seq", JSON(seq)), ("state", JSON(state))]
        if let message { f.append(("message", JSON(message))) }
        if let stopped { f.append(("stopped", JSON(stopped))) }
        f += [("notices", JSON(notices)), ("settings", JSON(settings)), ("stopEpoch", JSON(stopEpoch)),
              ("maxWeight", JSON(maxWeight)), ("epoch", JSON(epoch)), ("trainLoss", JSON(trainLoss)), ("testLoss", JSON(testLoss))]
        if let trainAccuracy { f.append(("trainAccuracy", JSON(trainAccuracy))) }
        if let testAccuracy { f.append(("testAccuracy", JSON(testAccuracy))) }
        if let r2 { f.append(("r2", JSON(r2))) }
        if let confusion { f.append(("confusion", JSON(confusion))) }
        f += [("history", JSON(history)), ("sizes", JSON(sizes)), ("inputNames", JSON(inputNames)),
              ("activations", JSON(activations)), ("head", JSON(head)), ("weights", JSON(weights)), ("biases", JSON(biases)),
              ("output", JSON(output)), ("outputResolution", JSON(outputResolution)), ("outputClasses", JSON(outputClasses)),
              ("neurons", JSON(neurons)), ("neuronResolution", JSON(neuronResolution))]
        if let focused, let focusMap { f += [("focused", JSON(focused)), ("focusMap", JSON(focusMap))] }
        f += [("dead", JSON(dead)),
              ("saturated", JSON(saturated)), ("region", JSON(region))]
        if let seeds { f.append(("seeds", seeds)) }
        if let check { f.append(("check", check)) }
        f += [("gradientNorms", JSON(gradientNorms)),
              ("neuronDeltas", JSON(neuronDeltas)), ("deadFraction", JSON(deadFraction)), ("batchRows", JSON(batchRows))]
        if let gradients { f.append(("gradients", JSON(gradients))) }
        if let biasGradients { f.append(("biasGradients", JSON(biasGradients))) }
        f += [("epochsPerSecond", JSON(epochsPerSecond)), ("learningRate", JSON(learningRate)), ("command", JSON(command))]
        if let unreproduced { f.append(("unreproduced", JSON(unreproduced))) }
        return .object(f)
    }
}

extension DataMessage: Reply {
    var json: JSON {
        .object([("type", JSON(type)), ("task", JSON(task)), ("classes", JSON(classes)),
                 ("train", JSON(train)), ("test", JSON(test)), ("settings", JSON(settings)), ("featureMaps", JSON(featureMaps))])
    }
}

extension ErrorMessage: Reply {
    var json: JSON { .object([("type", JSON(type)), ("message", JSON(message))]) }
}

extension FileMessage: Reply {
    var json: JSON { .object([("type", JSON(type)), ("name", JSON(name)), ("mime", JSON(mime)), ("base64", JSON(base64))]) }
}
