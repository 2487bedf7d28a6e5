import Backprop
import Playground

/// How the page runs training, as opposed to what is trained: the pace and the stop
/// conditions. They travel in the page's URL with the experiment's settings but are not part
/// of the experiment (a command line runs as fast as it can, to its `epochs`).
///
/// The stop *epoch* is the experiment's own `epochs` setting, so a link with `epochs=5000`
/// stops there, as `backprop train --epochs 5000` would.
struct PageControls: Equatable {
    /// Epochs trained per frame (33 frames a second) while playing; nil: as many as fit in a
    /// frame. The TensorFlow playground trains one epoch per animation frame.
    var speed: Int? = PageControls.defaultSpeed
    /// Stop when this is met, e.g. `test-loss<0.1` (the sweep's `--criterion` syntax).
    var stopWhen: Criterion?
    /// What the links show: the weights, or the last step's gradients (`LiveSession+Gradients`).
    var gradients = false

    static let keys: Set<String> = ["speed", "stop-when", "view"]
    /// The playground's pace. Even so the default circle is quick: measured in the page, test
    /// loss 0.47 at epoch 10, 0.27 at 23, 0.06 at 36 — the boundary forms over about two
    /// seconds at 20 frames a second, about one at today's 33 (5 epochs a frame showed it solved within
    /// the first second at 20).
    static let defaultSpeed = 1
    static let fastest = 100_000
    static let defaults: [String: String] = ["speed": "\(defaultSpeed)", "stop-when": "", "view": "weights"]

    /// Reads one control from text as the page sends it.
    mutating func set(_ key: String, _ raw: String) throws(BackpropError) {
        let value = trimmingSpaces(raw)
        switch key {
        case "speed":
            if value == "max" { speed = nil; return }
            guard let n = Int(value), n >= 1, n <= PageControls.fastest else {
                throw .invalidSetting("speed: \(quoted(value)) is not an epoch count per frame (1…\(PageControls.fastest)) or max")
            }
            speed = n
        case "view":
            guard value == "weights" || value == "gradients" else { throw .invalidSetting("view: \(quoted(value)) is not weights or gradients") }
            gradients = value == "gradients"
        case "stop-when":
            stopWhen = value.isEmpty || value == "none" ? nil : try Criterion(parsing: value)
        default:
            throw .invalidSetting("\(quoted(key)) is not a page control")
        }
    }
}
