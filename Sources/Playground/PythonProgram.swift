import Backprop
import Datasets

/// The Python text of a `RunExport`: sections of code, each with the words that say what it
/// does — comments in a script, markdown cells in the notebook. numpy writes the sheet's MLP
/// (`forward`, `backward`, `update_params`); PyTorch an `nn.Sequential` trained by autograd and
/// `torch.optim`. Both in float64, both with the engine's batch order.
struct PythonProgram {
    let run: RunExport
    let torch: Bool

    var e: Experiment { run.experiment }
    var arch: Architecture { run.architecture }
    var t: TrainingSettings { run.experiment.training }
    var twoD: Bool { run.train.dimension == 2 }
    var features: [Feature] { twoD ? e.features : [] }

    /// (words, code) in order.
    func sections() -> [(String, String)] {
        var s: [(String, String)] = [
            (introduction, imports),
            (dataWords, dataCode),
            (featureWords, featureCode),
        ]
        if torch {
            s += [(torchModelWords, torchModelCode)]
        } else {
            s += [(activationWords, activationCode), (headWords, headCode), (mlpWords, mlpCode), (optimiserWords, optimiserCode)]
        }
        if case .shuffled = t.order { s.append((orderWords, randomSourceCode)) }
        s += [(scheduleWords, scheduleCode), (measureWords, measureCode), (trainingWords, trainingCode), (resultWords, resultCode)]
        return s
    }

    func script() -> String {
        var out = "#!/usr/bin/env python3\n"
        for (k, (words, code)) in sections().enumerated() {
            if k == 0 {
                out += "\"\"\"" + wrap(words, width: 96).joined(separator: "\n") + "\n\"\"\"\n" + code + "\n"
            } else {
                out += "\n\n" + wrap(words, width: 94).map { $0.isEmpty ? "#" : "# " + $0 }.joined(separator: "\n") + "\n" + code + "\n"
            }
        }
        return out + "\n\n" + saveCode
    }

    /// Paragraphs (split at blank lines) as lines of at most `width` characters, at spaces.
    func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for (k, paragraph) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if paragraph.isEmpty { if k > 0 { lines.append("") }; continue }
            var line = ""
            for word in paragraph.split(separator: " ") {
                if !line.isEmpty && line.count + 1 + word.count > width { lines.append(line); line = "" }
                line += (line.isEmpty ? "" : " ") + word
            }
            if !line.isEmpty { lines.append(line) }
        }
        return lines
    }

    func notebook() -> String {
        var cells: [JSON] = []
        func lines(_ text: String) -> JSON {
            let parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return .array(parts.enumerated().map { i, line in .string(i == parts.count - 1 ? line : line + "\n") })
        }
        for (words, code) in sections() + [(plotWords, plotCode)] {
            cells.append(.object([("cell_type", .string("markdown")), ("metadata", .object([])), ("source", lines(words))]))
            cells.append(.object([("cell_type", .string("code")), ("execution_count", .null), ("metadata", .object([])),
                                  ("outputs", .array([])), ("source", lines(code))]))
        }
        let kernel = JSON.object([("display_name", .string("Python 3")), ("language", .string("python")), ("name", .string("python3"))])
        return JSON.object([("cells", .array(cells)), ("metadata", .object([("kernelspec", kernel)])),
                            ("nbformat", .number(4)), ("nbformat_minor", .number(4))]).text + "\n"
    }

    // MARK: what the run is

    var sizes: String { arch.sizes.map { "\($0)" }.joined(separator: "-") }
    var headName: String {
        switch arch.head {
        case .tanhSquaredError: return "a tanh output with squared error (the TensorFlow playground's)"
        case .sigmoidCrossEntropy: return "a sigmoid output with binary cross-entropy (the sheet's)"
        case .softmaxCrossEntropy: return "a softmax output with cross-entropy"
        case .identitySquaredError: return "a linear output with squared error"
        }
    }
    var activationNames: String { arch.hidden.map { $0.activation.rawValue }.joined(separator: ", ") }
    var batchWords: String { t.batchSize == 0 || t.batchSize >= run.train.count ? "full batches" : "batches of \(t.batchSize)" }
    /// A data set's name is one of the vocabulary's (the experiment is validated); own data has none here.
    var dataName: String { DatasetName(name: e.data.dataset) == nil ? "own data" : "the \(e.data.dataset) data set" }

    var introduction: String {
        """
        A Backprop run as \(torch ? "PyTorch" : "the sheet's numpy MLP"): \(dataName), a \(sizes) network \
        (hidden activations: \(arch.hidden.isEmpty ? "none" : activationNames)) with \(headName), \
        \(t.epochs) epochs of \(optimiserName) on \(batchWords).

        Everything the run is made of is here: its data, its initial weights, its batch order \
        (Backprop's own random generator, written in Python), its optimiser, regularisation \
        and learning-rate schedule. In float64 it trains the weights Backprop trained, up to \
        rounding. Written by `backprop export`; run it with `python3` (numpy\(torch ? " and torch" : ""); \
        matplotlib for the plots in the notebook).
        """
    }

    var imports: String {
        torch
            ? "import json\nimport math\nimport sys\n\nimport numpy as np\nimport torch\n\ntorch.set_default_dtype(torch.float64)"
            : "import json\nimport math\nimport sys\n\nimport numpy as np"
    }

    // MARK: data

    var dataWords: String {
        let k = run.train.classes
        let labels = run.train.task == .regression ? "a target value each" : k <= 2 ? "a class label each (0 or 1)" : "a class label each (0…\(k - 1))"
        return """
        The data: \(run.train.count) training and \(run.test.count) test points, rows = samples as in the sheet, \
        \(labels). These are the points Backprop trained on, as it split them.
        """
    }

    var dataCode: String {
        return """
        X_train = np.array(\(pyRows(run.train.x, indent: "")))
        y_train = np.array(\(py(run.train.target)))
        X_test = np.array(\(pyRows(run.test.x, indent: "")))
        y_test = np.array(\(py(run.test.target)))
        """
    }

    var featureWords: String {
        guard twoD else { return "The network's inputs are the data's \(run.train.dimension) columns as they are." }
        return "The network's inputs, computed from x1 and x2: \(features.map { $0.rawValue }.joined(separator: ", ")). " +
            (arch.head == .tanhSquaredError && run.train.task != .regression
                ? "A tanh output is trained towards −1 and +1: label 0 is y = −1, label 1 is y = +1." : "")
    }

    func featureExpression(_ f: Feature) -> String {
        switch f {
        case .x1: return "x1"
        case .x2: return "x2"
        case .x1Squared: return "x1 * x1"
        case .x2Squared: return "x2 * x2"
        case .x1x2: return "x1 * x2"
        case .sinX1: return "np.sin(x1)"
        case .sinX2: return "np.sin(x2)"
        }
    }

    var targetCode: String {
        switch (arch.head, run.train.task) {
        case (.softmaxCrossEntropy, _):
            return "def targets(labels):\n    \"\"\"One row per sample, a 1 in its class's column.\"\"\"\n    return np.eye(\(arch.outputs))[labels.astype(int)]"
        case (.tanhSquaredError, .binary), (.identitySquaredError, .binary):
            return "def targets(labels):\n    return np.where(labels > 0.5, 1.0, -1.0).reshape(-1, 1)"
        default:
            return "def targets(labels):\n    return labels.reshape(-1, 1).astype(float)"
        }
    }

    var featureCode: String {
        let inputs = twoD
            ? "def features(X):\n    x1, x2 = X[:, 0], X[:, 1]\n    return np.column_stack([\(features.map(featureExpression).joined(separator: ", "))])"
            : "def features(X):\n    return X"
        return inputs + "\n\n\n" + targetCode + "\n\n\n" + """
        X, Y = features(X_train), targets(y_train)
        X_t, Y_t = features(X_test), targets(y_test)
        """
    }

    // MARK: numpy's network

    var activationWords: String {
        "Each hidden layer's activation φ and its derivative φ'(z̃), from z̃ and a = φ(z̃) (ReLU: φ'(0) = 0, as in the sheet)."
    }

    func numpyActivation(_ a: Activation) -> String {
        let name = a.rawValue
        switch a {
        case .relu: return "def relu(z):\n    return np.where(z > 0, z, 0.0)\n\n\ndef relu_prime(z, a):\n    return np.where(z > 0, 1.0, 0.0)"
        case .tanh: return "def tanh(z):\n    return np.tanh(z)\n\n\ndef tanh_prime(z, a):\n    return 1 - a * a"
        case .sigmoid: return "def sigmoid(z):\n    return logistic(z)\n\n\ndef sigmoid_prime(z, a):\n    return a * (1 - a)"
        case .linear: return "def linear(z):\n    return z\n\n\ndef linear_prime(z, a):\n    return np.ones_like(z)"
        case .leakyRelu: return "def \(name)(z):\n    return np.where(z > 0, z, 0.01 * z)\n\n\ndef \(name)_prime(z, a):\n    return np.where(z > 0, 1.0, 0.01)"
        case .elu: return "def elu(z):\n    return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))\n\n\ndef elu_prime(z, a):\n    return np.where(z > 0, 1.0, a + 1)"
        case .gelu: return "erf = np.vectorize(math.erf)\n\n\ndef gelu(z):\n    return z * (1 + erf(z * 0.7071067811865476)) / 2\n\n\ndef gelu_prime(z, a):\n    return (1 + erf(z * 0.7071067811865476)) / 2 + z * np.exp(-z * z / 2) * 0.3989422804014327"
        case .softplus: return "def softplus(z):\n    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))\n\n\ndef softplus_prime(z, a):\n    return logistic(z)"
        case .swish: return "def swish(z):\n    return z * logistic(z)\n\n\ndef swish_prime(z, a):\n    s = logistic(z)\n    return s + z * s * (1 - s)"
        case .sine: return "def sine(z):\n    return np.sin(z)\n\n\ndef sine_prime(z, a):\n    return np.cos(z)"
        }
    }

    var usedActivations: [Activation] {
        var seen: [Activation] = []
        for h in arch.hidden where !seen.contains(h.activation) { seen.append(h.activation) }
        return seen
    }

    var activationCode: String {
        let logistic = """
        def logistic(z):
            \"\"\"σ(z) = 1 / (1 + e^−z), computed without overflow on either side.\"\"\"
            e = np.exp(-np.abs(z))
            return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        """
        return ([logistic] + usedActivations.map(numpyActivation)).joined(separator: "\n\n\n")
    }

    var headWords: String {
        switch arch.head {
        case .sigmoidCrossEntropy:
            return "The output and its loss: ŷ = σ(z̃), L = −[y ln ŷ + (1 − y) ln(1 − ŷ)], so δ = ∂L/∂z̃ = ŷ − y (the sheet's δ(2)); averaged over the batch."
        case .softmaxCrossEntropy:
            return "The output and its loss: ŷ = softmax(z̃), L = −Σᵢ yᵢ ln ŷᵢ, so δ = ŷ − y with y one-hot; averaged over the batch."
        case .tanhSquaredError:
            return "The output and its loss: ŷ = tanh(z̃), L = (ŷ − y)²/2, so δ = (ŷ − y)(1 − ŷ²) — the tanh's derivative is in δ, not only ŷ − y; averaged over the batch."
        case .identitySquaredError:
            return "The output and its loss: ŷ = z̃, L = (ŷ − y)²/2, so δ = ŷ − y; averaged over the batch."
        }
    }

    var headCode: String {
        switch arch.head {
        case .sigmoidCrossEntropy:
            return """
            def output(z):
                return logistic(z)


            def output_delta(z, y_hat, Y):
                return y_hat - Y


            def losses(z, y_hat, Y):
                \"\"\"Per sample: softplus(z̃) − y z̃, the cross-entropy without log(0).\"\"\"
                return (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))) - Y * z).sum(axis=1)
            """
        case .softmaxCrossEntropy:
            return """
            def output(z):
                e = np.exp(z - z.max(axis=1, keepdims=True))
                return e * (1 / e.sum(axis=1, keepdims=True))


            def output_delta(z, y_hat, Y):
                return y_hat - Y


            def losses(z, y_hat, Y):
                m = z.max(axis=1, keepdims=True)
                return (np.log(np.exp(z - m).sum(axis=1, keepdims=True)) + m - (z * Y).sum(axis=1, keepdims=True))[:, 0]
            """
        case .tanhSquaredError:
            return """
            def output(z):
                return np.tanh(z)


            def output_delta(z, y_hat, Y):
                return (y_hat - Y) * (1 - y_hat * y_hat)


            def losses(z, y_hat, Y):
                return ((y_hat - Y) ** 2 / 2).sum(axis=1)
            """
        case .identitySquaredError:
            return """
            def output(z):
                return z


            def output_delta(z, y_hat, Y):
                return y_hat - Y


            def losses(z, y_hat, Y):
                return ((y_hat - Y) ** 2 / 2).sum(axis=1)
            """
        }
    }

    var mlpWords: String {
        """
        The sheet's MLP for layers \(sizes): W[l] has shape (d_{l+1}, d_l) and b[l] shape (d_{l+1},); \
        z̃(l+1) = W[l] z(l) + b[l]. `forward` keeps each layer's z̃ and activation, `backward` \
        turns δ at the output into every gradient (∂L/∂W[l] = δ(l+1)ᵀ z(l), the shape of W[l]; \
        δ(l) = (δ(l+1) W[l]) ⊙ φ'(z̃(l))), `update_params` is plain gradient descent. The \
        initial weights are the run's.
        """
    }

    /// A network's weights and its biases as the entries of two Python lists, a layer each.
    func literals(_ n: Network<Double>) -> (weights: String, biases: String) {
        let layers = 0..<n.layout.layerCount
        return (layers.map { "    " + pyRows(n.weight($0).nested, indent: "    ") + "," }.joined(separator: "\n"),
                layers.map { "    " + py(n.bias($0)) + "," }.joined(separator: "\n"))
    }
    var weightsLiteral: String { literals(run.initial).weights }
    var biasesLiteral: String { literals(run.initial).biases }

    var mlpCode: String {
        let phis = arch.hidden.map { $0.activation.rawValue }
        return """
        class MLP:
            def __init__(self, weights, biases, activations):
                self.W = [np.array(w, dtype=float) for w in weights]
                self.b = [np.array(b, dtype=float) for b in biases]
                self.phi = [globals()[name] for name in activations]
                self.phi_prime = [globals()[name + "_prime"] for name in activations]

            def forward(self, X):
                self.z, self.a = [], [X]
                for l, (W, b) in enumerate(zip(self.W, self.b)):
                    z = self.a[-1] @ W.T + b
                    self.z.append(z)
                    self.a.append(self.phi[l](z) if l < len(self.phi) else output(z))
                return self.a[-1]

            def backward(self, Y):
                \"\"\"The gradients of the batch's mean loss, after a forward pass on the batch.\"\"\"
                delta = output_delta(self.z[-1], self.a[-1], Y) * (1 / len(Y))
                grads_W, grads_b = [None] * len(self.W), [None] * len(self.b)
                for l in reversed(range(len(self.W))):
                    grads_W[l] = delta.T @ self.a[l]
                    grads_b[l] = delta.sum(axis=0)
                    if l > 0:
                        delta = (delta @ self.W[l]) * self.phi_prime[l - 1](self.z[l - 1], self.a[l])
                return grads_W, grads_b

            def update_params(self, grads, learning_rate):
                grads_W, grads_b = grads
                for l in range(len(self.W)):
                    self.W[l] -= learning_rate * grads_W[l]
                    self.b[l] -= learning_rate * grads_b[l]


        initial_weights = [
        \(weightsLiteral)
        ]
        initial_biases = [
        \(biasesLiteral)
        ]
        model = MLP(initial_weights, initial_biases, \(pyStrings(phis)))
        """
    }

    // MARK: the optimiser and regularisation

    var optimiserName: String {
        switch t.optimizer.kind {
        case .sgd: return "gradient descent"
        case .momentum: return "gradient descent with momentum \(py(t.optimizer.momentum))"
        case .nesterov: return "Nesterov momentum \(py(t.optimizer.momentum))"
        case .adam: return "Adam"
        }
    }

    var regularisationWords: String {
        let r = t.regularization
        guard r.isActive else { return "No regularisation." }
        let what = r.kind == .l1 ? "L1 (λ Σ|w|)" : "L2 (λ Σ w²/2)"
        switch r.style {
        case .gradient: return "\(what) with λ = \(py(r.rate)) on the weights (not the biases), added to the gradient."
        case .playground:
            return "\(what) with λ = \(py(r.rate)) on the weights, the TensorFlow playground's way: after the optimiser's step each weight moves by −η λ R'(w) of its value before the step\(r.kind == .l1 ? ", and a weight that crosses zero is set to 0 and stays there" : "")."
        }
    }

    var optimiserWords: String {
        "The step: \(optimiserName)\(t.optimizer.kind == .sgd ? "" : " (PyTorch's conventions)"). \(regularisationWords)"
    }

    var optimiserCode: String {
        let o = t.optimizer, r = t.regularization
        var step = "def step(model, grads, eta, t):\n"
        step += "    \"\"\"One optimiser step on every parameter (t counts steps from 1).\"\"\"\n"
        step += "    grads_W, grads_b = grads\n"
        if r.isActive && r.style == .gradient {
            step += "    grads_W = [g + \(py(r.rate)) * \(r.kind == .l1 ? "np.sign(W)" : "W") for g, W in zip(grads_W, model.W)]\n"
        }
        if r.isActive && r.style == .playground {
            step += "    before = [W.copy() for W in model.W]\n"
        }
        step += "    params, gradients = model.W + model.b, grads_W + grads_b\n"
        switch o.kind {
        case .sgd where !r.isActive:
            step = "def step(model, grads, eta, t):\n    model.update_params(grads, eta)\n"
        case .sgd:
            step += "    for p, g in zip(params, gradients):\n        p -= eta * g\n"
        case .momentum, .nesterov:
            step += "    for p, g, v in zip(params, gradients, state):\n"
            step += "        v *= \(py(o.momentum))\n        v += g\n"
            step += o.kind == .momentum ? "        p -= eta * v\n" : "        p -= eta * (g + \(py(o.momentum)) * v)\n"
        case .adam:
            step += "    c1, c2 = 1 - \(py(o.beta1)) ** t, 1 - \(py(o.beta2)) ** t\n"
            step += "    for p, g, (m, v) in zip(params, gradients, state):\n"
            step += "        m[:] = \(py(o.beta1)) * m + (1 - \(py(o.beta1))) * g\n"
            step += "        v[:] = \(py(o.beta2)) * v + (1 - \(py(o.beta2))) * g * g\n"
            step += "        p -= eta * (m / c1) / (np.sqrt(v / c2) + \(py(o.epsilon)))\n"
        }
        if r.isActive && r.style == .playground {
            step += "    for l, (W, W0) in enumerate(zip(model.W, before)):\n"
            step += "        moved = W - eta * \(py(r.rate)) * \(r.kind == .l1 ? "np.sign(W0)" : "W0")\n"
            if r.kind == .l1 {
                step += "        dead[l] |= W * moved < 0\n"
                step += "        W[:] = np.where(dead[l], 0.0, moved)\n"
            } else {
                step += "        W[:] = moved\n"
            }
        }
        var setup = ""
        switch o.kind {
        case .sgd: break
        case .momentum, .nesterov: setup = "state = [np.zeros_like(p) for p in model.W + model.b]\n"
        case .adam: setup = "state = [(np.zeros_like(p), np.zeros_like(p)) for p in model.W + model.b]\n"
        }
        if r.isActive && r.style == .playground && r.kind == .l1 {
            setup += "dead = [np.zeros(W.shape, dtype=bool) for W in model.W]\n"
        }
        return setup + (setup.isEmpty ? "" : "\n\n") + step
    }

    // MARK: torch's network

    var torchModelWords: String {
        """
        The network as `nn.Sequential` for layers \(sizes) (a `Linear`'s weight has shape \
        (d_out, d_in), as the sheet's W), with the run's initial weights; autograd gives the \
        gradients of the batch's mean loss. The loss: \(headName). The optimiser: \
        \(optimiserName) from `torch.optim`. \(regularisationWords)
        """
    }

    func torchActivation(_ a: Activation) -> String {
        switch a {
        case .relu: return "nn.ReLU()"
        case .tanh: return "nn.Tanh()"
        case .sigmoid: return "nn.Sigmoid()"
        case .linear: return "nn.Identity()"
        case .leakyRelu: return "nn.LeakyReLU(0.01)"
        case .elu: return "nn.ELU()"
        case .gelu: return "nn.GELU()"
        case .softplus: return "nn.Softplus()"
        case .swish: return "nn.SiLU()"
        case .sine: return "Sine()"
        }
    }

    var torchLoss: String {
        switch arch.head {
        case .sigmoidCrossEntropy: return "nn.functional.binary_cross_entropy_with_logits(z, Y)"
        case .softmaxCrossEntropy: return "nn.functional.cross_entropy(z, Y.argmax(dim=1))"
        case .tanhSquaredError: return "((torch.tanh(z) - Y) ** 2 / 2).sum(dim=1).mean()"
        case .identitySquaredError: return "((z - Y) ** 2 / 2).sum(dim=1).mean()"
        }
    }

    var torchModelCode: String {
        var layers: [String] = []
        for (l, h) in arch.hidden.enumerated() {
            layers.append("nn.Linear(\(arch.sizes[l]), \(h.units))")
            layers.append(torchActivation(h.activation))
        }
        layers.append("nn.Linear(\(arch.sizes[arch.sizes.count - 2]), \(arch.outputs))")
        let sine = usedActivations.contains(.sine)
            ? "class Sine(nn.Module):\n    def forward(self, z):\n        return torch.sin(z)\n\n\n" : ""
        let o = t.optimizer, r = t.regularization
        let optimiser: String
        switch o.kind {
        case .sgd: optimiser = "torch.optim.SGD(model.parameters(), lr=0.0)"
        case .momentum: optimiser = "torch.optim.SGD(model.parameters(), lr=0.0, momentum=\(py(o.momentum)))"
        case .nesterov: optimiser = "torch.optim.SGD(model.parameters(), lr=0.0, momentum=\(py(o.momentum)), nesterov=True)"
        case .adam: optimiser = "torch.optim.Adam(model.parameters(), lr=0.0, betas=(\(py(o.beta1)), \(py(o.beta2))), eps=\(py(o.epsilon)))"
        }
        var penalty = "def penalty():\n    return 0.0\n"
        if r.isActive && r.style == .gradient {
            penalty = "def penalty():\n    \"\"\"The regulariser on the weights (not the biases), added to the loss.\"\"\"\n    return \(py(r.rate)) * sum(\(r.kind == .l1 ? "W.abs().sum()" : "(W * W).sum() / 2") for W in weights)\n"
        }
        var after = "def after_step(eta, before):\n    pass\n"
        if r.isActive && r.style == .playground {
            after = "def after_step(eta, before):\n    \"\"\"The playground's regularisation, after the optimiser's step.\"\"\"\n    with torch.no_grad():\n        for l, (W, W0) in enumerate(zip(weights, before)):\n"
            after += "            moved = W - eta * \(py(r.rate)) * \(r.kind == .l1 ? "torch.sign(W0)" : "W0")\n"
            if r.kind == .l1 {
                after += "            dead[l] |= W * moved < 0\n            W.copy_(torch.where(dead[l], torch.zeros_like(W), moved))\n"
            } else {
                after += "            W.copy_(moved)\n"
            }
        }
        let dead = r.isActive && r.style == .playground && r.kind == .l1 ? "dead = [torch.zeros(W.shape, dtype=torch.bool) for W in weights]\n" : ""
        return """
        from torch import nn

        \(sine)model = nn.Sequential(
            \(layers.joined(separator: ",\n    ")),
        )
        initial_weights = [
        \(weightsLiteral)
        ]
        initial_biases = [
        \(biasesLiteral)
        ]
        linears = [m for m in model if isinstance(m, nn.Linear)]
        with torch.no_grad():
            for linear, W, b in zip(linears, initial_weights, initial_biases):
                linear.weight.copy_(torch.tensor(W))
                linear.bias.copy_(torch.tensor(b))
        weights = [linear.weight for linear in linears]
        optimiser = \(optimiser)
        \(dead)

        def loss_of(z, Y):
            \"\"\"The batch's mean loss from the output layer's z̃.\"\"\"
            return \(torchLoss)


        \(penalty)

        \(after)
        """
    }

    // MARK: order, schedule, training

    var orderWords: String {
        "The batch order: each epoch shuffles the previous epoch's order with Backprop's generator (xoshiro256** seeded by SplitMix64, Lemire's bounded integers, Fisher–Yates from the last element), seed \(t.seed), so the batches are the engine's."
    }

    var randomSourceCode: String {
        """
        MASK = (1 << 64) - 1


        def rotl(x, k):
            return ((x << k) | (x >> (64 - k))) & MASK


        class RandomSource:
            def __init__(self, seed):
                x, self.s = seed & MASK, []
                for _ in range(4):
                    x = (x + 0x9E3779B97F4A7C15) & MASK
                    z = x
                    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
                    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
                    self.s.append(z ^ (z >> 31))

            def next(self):
                s0, s1, s2, s3 = self.s
                result = (rotl((s1 * 5) & MASK, 7) * 9) & MASK
                t = (s1 << 17) & MASK
                s2 ^= s0
                s3 ^= s1
                s1 ^= s2
                s0 ^= s3
                s2 ^= t
                self.s = [s0, s1, s2, rotl(s3, 45)]
                return result

            def below(self, n):
                m = self.next() * n
                if m & MASK < n:
                    threshold = ((1 << 64) - n) % n
                    while m & MASK < threshold:
                        m = self.next() * n
                return m >> 64

            def shuffle(self, a):
                for i in range(len(a) - 1, 0, -1):
                    j = self.below(i + 1)
                    a[i], a[j] = a[j], a[i]
        """
    }

    var scheduleWords: String {
        let lr = t.learningRate
        switch lr.kind {
        case .constant: return "The learning rate: \(py(lr.initial)) throughout."
        case .piecewise: return "The learning rate: \(py(lr.initial)), then " + lr.changes.map { "\(py($0.rate)) from epoch \($0.epoch)" }.joined(separator: ", ") + "."
        case .exponential: return "The learning rate: \(py(lr.initial)) × \(py(lr.decay))^epoch."
        case .cosine: return "The learning rate: a half cosine from \(py(lr.initial)) to \(py(lr.final)) over \(lr.epochs) epochs."
        }
    }

    var scheduleCode: String {
        let lr = t.learningRate
        var body: String
        switch lr.kind {
        case .constant: body = "    return \(py(lr.initial))"
        case .piecewise:
            body = "    rate = \(py(lr.initial))\n    for start, r in \(changesLiteral(lr)):\n        if start <= epoch:\n            rate = r\n    return rate"
        case .exponential: body = "    return \(py(lr.initial)) * \(py(lr.decay)) ** float(epoch)"
        case .cosine:
            body = lr.epochs > 0
                ? "    if epoch >= \(lr.epochs):\n        return \(py(lr.final))\n    return \(py(lr.final)) + (\(py(lr.initial)) - \(py(lr.final))) * (1 + math.cos(math.pi * epoch / \(lr.epochs))) / 2"
                : "    return \(py(lr.initial))"
        }
        return "def learning_rate(epoch):\n" + body
    }

    func changesLiteral(_ lr: LearningRateSchedule) -> String {
        "[" + lr.changes.map { "(\($0.epoch), \(py($0.rate)))" }.joined(separator: ", ") + "]"
    }

    var trainingWords: String {
        "Training: \(t.epochs) epochs, each a step per batch (\(batchWords)) in the run's order; the loss on the whole training set is recorded 20 times (as in the sheet)."
    }

    var batch: Int { t.batchSize == 0 ? run.train.count : min(t.batchSize, run.train.count) }
    var shuffled: Bool { if case .shuffled = t.order { return true } else { return false } }

    var trainingCode: String {
        let order = shuffled
            ? "random = RandomSource(\(t.seed))\norder = list(range(len(X)))\n"
            : "order = list(range(len(X)))\n"
        let shuffle = shuffled ? "    random.shuffle(order)\n" : ""
        let stepCode = torch
            ? """
                    optimiser.zero_grad()
                    loss = loss_of(model(Xb), Yb) + penalty()
                    loss.backward()
                    for group in optimiser.param_groups:
                        group["lr"] = eta
                    before = [W.detach().clone() for W in weights]
                    optimiser.step()
                    after_step(eta, before)
            """
            : """
                    model.forward(Xb)
                    step(model, model.backward(Yb), eta, steps)
            """
        let data = torch ? "X_, Y_ = torch.tensor(X), torch.tensor(Y)\n" : ""
        let xb = torch ? "X_[rows], Y_[rows]" : "X[rows], Y[rows]"
        return """
        EPOCHS, BATCH = \(t.epochs), \(batch)
        \(order)\(data)curve, steps = [], 0
        for epoch in range(EPOCHS):
            eta = learning_rate(epoch)
        \(shuffle)    for start in range(0, len(X), BATCH):
                rows = order[start:start + BATCH]
                Xb, Yb = \(xb)
                steps += 1
        \(stepCode)
            if (epoch + 1) % max(1, EPOCHS // 20) == 0 or epoch + 1 == EPOCHS:
                curve.append((epoch + 1, mean_loss(X, Y)))
        print(f"trained {EPOCHS} epochs ({steps} steps): training loss {curve[-1][1]:.4f}" if curve else "no epochs")
        """
    }

    var measureWords: String { "Measuring: the mean loss over a set of points, the network's output for them, its parameters." }

    var measureCode: String {
        if torch {
            let out: String
            switch arch.head {
            case .sigmoidCrossEntropy: out = "torch.sigmoid(z)"
            case .softmaxCrossEntropy: out = "torch.softmax(z, dim=1)"
            case .tanhSquaredError: out = "torch.tanh(z)"
            case .identitySquaredError: out = "z"
            }
            return """
            def mean_loss(X, Y):
                with torch.no_grad():
                    return loss_of(model(torch.tensor(X)), torch.tensor(Y)).item()


            def predict(X):
                with torch.no_grad():
                    z = model(torch.tensor(X))
                    return (\(out)).numpy()


            def parameters():
                return [linear.weight.detach().numpy() for linear in linears], [linear.bias.detach().numpy() for linear in linears]
            """
        }
        return """
        def mean_loss(X, Y):
            y_hat = model.forward(X)
            return losses(model.z[-1], y_hat, Y).mean()


        def predict(X):
            return model.forward(X)


        def parameters():
            return model.W, model.b
        """
    }

    var resultWords: String {
        run.expected == nil
            ? "The result: the loss and accuracy on the test set."
            : "The result: the loss and accuracy on the test set, and how far the weights are from the ones Backprop trained (its model file), relative to the largest parameter."
    }

    var accuracyCode: String {
        switch (arch.head, run.train.task) {
        case (_, .regression): return ""
        case (.softmaxCrossEntropy, _): return "print(f\"test accuracy {(predict(X_t).argmax(axis=1) == y_test).mean():.4f}\")\n"
        case (.sigmoidCrossEntropy, _): return "print(f\"test accuracy {((predict(X_t)[:, 0] > 0.5) == (y_test > 0.5)).mean():.4f}\")\n"
        default: return "print(f\"test accuracy {((predict(X_t)[:, 0] > 0) == (y_test > 0.5)).mean():.4f}\")\n"
        }
    }

    var resultCode: String {
        var code = "print(f\"test loss {mean_loss(X_t, Y_t):.4f}\")\n" + accuracyCode
        if let expected = run.expected {
            let (w, b) = literals(expected)
            code += """
            backprop_weights = [
            \(w)
            ]
            backprop_biases = [
            \(b)
            ]
            mine = [np.asarray(p) for p in sum(parameters(), [])]
            theirs = [np.array(p) for p in backprop_weights + backprop_biases]
            largest = max(np.abs(p).max() for p in theirs)
            difference = max(np.abs(a - b).max() for a, b in zip(mine, theirs)) / largest
            print(f"the weights differ from Backprop's by {difference:.1e} of the largest parameter")

            """
        }
        return code
    }

    var saveCode: String {
        """
        if len(sys.argv) > 1:
            # The final parameters, for a program that compares them (python3 run.py parameters.json).
            W, b = parameters()
            with open(sys.argv[1], "w") as f:
                json.dump({"weights": [np.asarray(w).tolist() for w in W], "biases": [np.asarray(v).tolist() for v in b]}, f)
        """
    }

    var plotWords: String {
        twoD ? "The loss curve and the decision boundary: the network's output over a grid wider than the data, as in the sheet."
            : "The loss curve."
    }

    var plotCode: String {
        var code = """
        import matplotlib.pyplot as plt

        plt.plot([e for e, _ in curve], [l for _, l in curve])
        plt.xlabel("epoch")
        plt.ylabel("training loss")
        plt.show()
        """
        if twoD {
            let channel: String, boundary: String
            switch arch.head {
            case .softmaxCrossEntropy: channel = "predict(features(grid)).argmax(axis=1)"; boundary = ""
            case .sigmoidCrossEntropy: channel = "predict(features(grid))[:, 0]"; boundary = "0.5"
            case .tanhSquaredError: channel = "predict(features(grid))[:, 0]"; boundary = "0.0"
            case .identitySquaredError: channel = "predict(features(grid))[:, 0]"; boundary = ""
            }
            code += """

            lo, hi = np.vstack([X_train, X_test]).min(axis=0), np.vstack([X_train, X_test]).max(axis=0)
            pad = (hi - lo) * 0.25
            g1, g2 = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], 200), np.linspace(lo[1] - pad[1], hi[1] + pad[1], 200))
            grid = np.column_stack([g1.ravel(), g2.ravel()])
            out = \(channel).reshape(g1.shape)
            plt.contourf(g1, g2, out, levels=20, cmap="RdBu", alpha=0.8)
            \(boundary.isEmpty ? "" : "plt.contour(g1, g2, out, levels=[\(boundary)], colors=\"k\", linewidths=1)\n")plt.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="RdBu", edgecolors="white", linewidths=0.5, s=18)
            plt.xlabel("x1")
            plt.ylabel("x2")
            plt.show()
            """
        }
        return code
    }
}

func pyStrings(_ names: [String]) -> String { "[" + names.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
