import Backprop
import Playground

/// The sheet's experiments (and the TensorFlow playground's start) as one click each on the
/// page. Each is a full set of the page's settings, so choosing one is a `configure`; those
/// with a file in `Examples/` are the same experiment as `backprop train --config` runs (a
/// test holds them equal), so what the page shows is what the README's table of experiments reports.
public struct Preset: Sendable {
    public var name: String
    public var title: String
    /// What to look for, in a sentence.
    public var note: String
    public var settings: [String: String]
    /// The `Examples/` file this preset equals, if any.
    public var example: String?

    /// The sheet's spiral experiment: 6 ReLU layers, lr 0.003 lowered to 0.001 at 4,000,
    /// stopped at 5,000. `width` neurons per layer (6 works; 5 sometimes; 4 fails).
    static func spiral(width: Int, note: String, example: String? = nil) -> Preset {
        Preset(name: "spiral-\(width)x6", title: "spiral, 6 ReLU layers of \(width)", note: note, settings: [
            "dataset": "spiral", "noise": "0", "points": "500", "data-seed": "42", "ratio": "0.5",
            "layers": "\(width)x6", "activation": "relu", "head": "tanh", "init": "playground",
            "batch-size": "10", "order": "stored", "epochs": "5000", "lr": "0.003", "lr-schedule": "piecewise:4000=0.001",
            "regularization": "none", "reg-rate": "0", "reg-style": "gradient", "seed": "0", "speed": "25",
        ], example: example)
    }

    /// Vanishing gradients, one click each: the spiral with 6 layers of 6 sigmoid or ReLU
    /// units, in the gradient view (the sheet: "tanh, sigmoid and linear got stuck").
    static func vanishing(_ activation: String, note: String) -> Preset {
        var p = spiral(width: 6, note: note)
        p.name = "gradients-\(activation)"
        p.title = "gradients: 6 \(activation == "relu" ? "ReLU" : activation) layers"
        p.settings["activation"] = activation
        p.settings["view"] = "gradients"
        return p
    }

    /// The sheet's regularisation experiment: few training points (10 %), rate 0.003.
    static func regularization(_ kind: String, note: String) -> Preset {
        Preset(name: "regularization-\(kind)", title: "regularisation: \(kind == "none" ? "none" : kind.uppercased())", note: note, settings: [
            "dataset": "spiral", "noise": "0.25", "points": "500", "data-seed": "42", "ratio": "0.1",
            "layers": "8,8,8,8", "activation": "relu", "head": "tanh", "init": "playground",
            "batch-size": "10", "order": "stored", "epochs": "3000", "lr": "0.03", "lr-schedule": "constant",
            "regularization": kind, "reg-rate": "0.003", "reg-style": "playground", "seed": "0", "speed": "25",
        ], example: "regularization-\(kind).json")
    }

    public static let all: [Preset] = [
        Preset(name: "playground", title: "TensorFlow playground", note: "The playground's start: circle, 2 layers of 4 and 2 tanh neurons, squared error, lr 0.03.",
               settings: LiveSession.defaults),
        Preset(name: "moons", title: "moons, 2-10-1 (the sheet)", note: "The sheet's numpy MLP: full-batch gradient descent, lr 3, 10,000 epochs; test accuracy 0.95.", settings: [
            "dataset": "moons", "noise": "0.2", "points": "500", "data-seed": "42", "ratio": "0.7", "classes": "3",
            "layers": "10", "activation": "tanh", "head": "auto", "init": "normal", "init-scale": "1",
            "batch-size": "0", "order": "shuffled", "epochs": "10000", "lr": "3", "lr-schedule": "constant",
            "regularization": "none", "reg-rate": "0", "reg-style": "gradient", "seed": "0", "speed": "50",
        ], example: "moons.json"),
        spiral(width: 6, note: "Learns the spiral from about three in four initial weights (test loss below 0.1 by epoch 5,000 in 15 of 20 seeds): New weights tries another. Watch the rate drop at 4,000.", example: "spiral-6x6-relu.json"),
        spiral(width: 5, note: "5 neurons a layer: only sometimes succeeds. Try New weights a few times."),
        spiral(width: 4, note: "4 neurons a layer: fails. The sweep measures it over 20 seeds."),
        vanishing("sigmoid", note: "Gradient view: the norms of the first layers fall decades below the last's, and the spiral is not learnt."),
        vanishing("relu", note: "Gradient view: ReLU keeps the gradient norms of all layers within a decade or so, and learns the spiral."),
        regularization("none", note: "Few training points, no penalty: the largest weights (see max |w|)."),
        regularization("l1", note: "L1 drives most weights to exactly zero: the links vanish."),
        regularization("l2", note: "L2 keeps weights small but not zero."),
    ]
}

extension Preset {
    /// Every preset as the JSON list the page reads (`GET /api/presets`, or the WebAssembly
    /// module's `bp_presets`), keys sorted.
    public static let allJSON: String = JSON.array(all.map { p in
        var f: [(key: String, value: JSON)] = []
        if let example = p.example { f.append(("example", JSON(example))) }
        f += [("name", JSON(p.name)), ("note", JSON(p.note)), ("settings", JSON(p.settings)), ("title", JSON(p.title))]
        return .object(f)
    }).text
}
