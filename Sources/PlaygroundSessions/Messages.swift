import Foundation
import Backprop
import Playground

/// A message from the page. One shape for all commands; `type` says which
/// fields matter:
///
/// | type | fields | effect |
/// |---|---|---|
/// | `configure` | `settings` (key → value, the command line's keys) | new experiment from the page's defaults plus these settings |
/// | `set` | `key`, `value` | change one setting (training settings keep the network) |
/// | `restore` | `settings`, `weights`, `biases`, `epoch`; own data: `trainPoints`, `testPoints` ([x, y, label] rows), `task`, `classes` | a session the page kept, back after a reconnect or reload |
/// | `play` / `pause` | | run (at the `speed` setting, to the stop epoch or condition) or stop |
/// | `step` | `value`: epochs (default 1) | train that many epochs, stopping early as play does |
/// | `reset` | | back to the same initial weights |
/// | `regenerate` | | new data (next data seed), same weights |
/// | `setWeight` | `layer`, `to`, `from`, `value` | edit one weight (0-based indices) |
/// | `setBias` | `layer`, `neuron`, `value` | edit one bias |
/// | `addPoint` | `x`, `y`, `label`, `test` | add a point of a class (or value) |
/// | `uploadCSV` | `text` | replace the data with a CSV (header; last column the label) |
/// | `explain` | `layer`, `to`, `from` (−1: the bias), optional `sample` | the chain rule for that parameter, in an `explanation` reply |
/// | `download` | `format`: safetensors, json, experiment | the file, base64, in a `file` reply |
struct ClientMessage: Decodable {
    var type: String
    var settings: [String: String]?
    var key: String?
    var value: Double?
    var text: String?
    var layer: Int?
    var to: Int?
    var from: Int?
    var neuron: Int?
    var x: Double?
    var y: Double?
    var label: Double?
    var test: Bool?
    var format: String?
    var weights: [[[Double]]]?
    var biases: [[Double]]?
    var epoch: Int?
    var trainPoints: [[Double]]?
    var testPoints: [[Double]]?
    var task: String?
    var classes: Int?
    var sample: Int?

    /// Decodes one message; anything else is a one-line error (the text is never echoed whole).
    init(json text: String) throws(BackpropError) {
        do { self = try JSONDecoder().decode(ClientMessage.self, from: Data(text.utf8)) } catch {
            throw .invalidSetting("malformed message: expected JSON with a \"type\" field (got \(quoted(text, limit: 40)))")
        }
    }

    enum CodingKeys: String, CodingKey { case type, settings, key, value, text, layer, to, from, neuron, x, y, label, test, format, weights, biases, epoch, trainPoints, testPoints, task, classes, sample }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        settings = try c.decodeIfPresent([String: String].self, forKey: .settings)
        key = try c.decodeIfPresent(String.self, forKey: .key)
        // `value` is a number for weights and a string for settings.
        if let v = try? c.decodeIfPresent(Double.self, forKey: .value) { value = v; text = try c.decodeIfPresent(String.self, forKey: .text) } else {
            value = nil
            text = try c.decodeIfPresent(String.self, forKey: .value) ?? c.decodeIfPresent(String.self, forKey: .text)
        }
        layer = try c.decodeIfPresent(Int.self, forKey: .layer)
        to = try c.decodeIfPresent(Int.self, forKey: .to)
        from = try c.decodeIfPresent(Int.self, forKey: .from)
        neuron = try c.decodeIfPresent(Int.self, forKey: .neuron)
        x = try c.decodeIfPresent(Double.self, forKey: .x)
        y = try c.decodeIfPresent(Double.self, forKey: .y)
        label = try c.decodeIfPresent(Double.self, forKey: .label)
        test = try c.decodeIfPresent(Bool.self, forKey: .test)
        format = try c.decodeIfPresent(String.self, forKey: .format)
        weights = try c.decodeIfPresent([[[Double]]].self, forKey: .weights)
        biases = try c.decodeIfPresent([[Double]].self, forKey: .biases)
        epoch = try c.decodeIfPresent(Int.self, forKey: .epoch)
        trainPoints = try c.decodeIfPresent([[Double]].self, forKey: .trainPoints)
        testPoints = try c.decodeIfPresent([[Double]].self, forKey: .testPoints)
        task = try c.decodeIfPresent(String.self, forKey: .task)
        classes = try c.decodeIfPresent(Int.self, forKey: .classes)
        sample = try c.decodeIfPresent(Int.self, forKey: .sample)
    }
}

/// The page's view of a session after some training: everything it draws.
struct Snapshot: Encodable {
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
    /// Per hidden layer and neuron: dead (ReLU never active on the training set) / saturated.
    var dead: [[Bool]]
    var saturated: [[Bool]]
    var region: [Double]
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
    var command: String
}

/// The data points, sent when the data changes.
struct DataMessage: Encodable {
    var type = "data"
    var task: String
    var classes: Int
    /// [x, y, label] rows (first two input columns).
    var train: [[Double]]
    var test: [[Double]]
    var settings: [String: String]
}

struct ErrorMessage: Encodable {
    var type = "error"
    var message: String
}

struct FileMessage: Encodable {
    var type = "file"
    var name: String
    var mime: String
    var base64: String
}

func json(_ value: some Encodable) -> String {
    let e = JSONEncoder()
    e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return (try? e.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"type":"error","message":"could not encode a reply"}"#
}
