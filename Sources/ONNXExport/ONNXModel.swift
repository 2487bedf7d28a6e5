import Backprop
import Datasets
import SwiftProtobuf

/// A trained network as an ONNX model (`onnx.proto`, the generated `Onnx_*` messages): one
/// `Gemm` and one activation node per layer, named `hidden1.gemm`, `hidden1.relu`, …,
/// `output.gemm`, `output.sigmoid`, so Netron draws it layer by layer, with the weights as
/// initializers of the same names. For 2-D data the model takes the points (x1, x2) and computes
/// the run's features in the graph (`features.*` nodes); otherwise it takes the network's inputs.
/// The output `y` is what `backprop predict` gives: the probability of class 1, the class
/// probabilities, the tanh output or the value.
public enum ONNXModel {
    /// Opset 20: the first with `Gelu` in the default domain.
    static let opset: Int64 = 20

    /// The serialized model. `features`: the run's feature list for 2-D data (nil: the network's
    /// inputs are the model's); `double`: float64 tensors instead of float32.
    public static func bytes(_ network: Network<Double>, features: [Feature]?, double: Bool) throws(BackpropError) -> [UInt8] {
        let model = self.model(network, features: features, double: double)
        do {
            return try model.serializedBytes()
        } catch {
            throw .invalidData("the ONNX model could not be written: \(error)")
        }
    }

    static func model(_ network: Network<Double>, features: [Feature]?, double: Bool) -> Onnx_ModelProto {
        let arch = network.architecture
        let type = double ? Onnx_TensorProto.DataType.double : .float
        var g = Onnx_GraphProto()
        g.name = "mlp " + arch.sizes.map { "\($0)" }.joined(separator: "-")
        g.docString = "A Backprop MLP, layers " + arch.sizes.map { "\($0)" }.joined(separator: "-") + "; hidden activations "
            + (arch.hidden.isEmpty ? "none" : arch.hidden.map { $0.activation.rawValue }.joined(separator: ", ")) + "; output " + arch.head.rawValue
        var current: String
        if let features, !features.isEmpty {
            g.input = [valueInfo("x", type: type, width: 2)]
            current = featureNodes(features, into: &g, type: type)
        } else {
            g.input = [valueInfo("x", type: type, width: arch.inputs)]
            current = "x"
        }
        for l in 0..<network.layout.layerCount {
            let last = l == network.layout.layerCount - 1
            let name = last ? "output" : "hidden\(l + 1)"
            let w = network.weight(l)
            g.initializer.append(tensor("\(name).weight", dims: [Int64(w.rows), Int64(w.columns)], values: w.elements, type: type))
            g.initializer.append(tensor("\(name).bias", dims: [Int64(w.rows)], values: network.bias(l), type: type))
            g.node.append(node("Gemm", name: "\(name).gemm", inputs: [current, "\(name).weight", "\(name).bias"], output: "\(name).z",
                               attributes: [intAttribute("transB", 1)]))
            current = "\(name).z"
            if last {
                current = head(arch.head, input: current, into: &g)
            } else {
                current = activation(arch.hidden[l].activation, layer: name, input: current, into: &g)
            }
        }
        g.node.append(node("Identity", name: "y", inputs: [current], output: "y"))
        g.output = [valueInfo("y", type: type, width: arch.outputs)]
        var m = Onnx_ModelProto()
        m.irVersion = 9
        m.producerName = "backprop"
        m.graph = g
        var set = Onnx_OperatorSetIdProto()
        set.domain = ""
        set.version = opset
        m.opsetImport = [set]
        return m
    }

    /// The feature crosses as nodes: each column of x, their products and sines, concatenated.
    static func featureNodes(_ features: [Feature], into g: inout Onnx_GraphProto, type: Onnx_TensorProto.DataType) -> String {
        g.initializer.append(int64Tensor("features.axes", [1]))
        for (k, name) in ["x1", "x2"].enumerated() {
            g.initializer.append(int64Tensor("features.\(name).start", [Int64(k)]))
            g.initializer.append(int64Tensor("features.\(name).end", [Int64(k + 1)]))
            g.node.append(node("Slice", name: "features.\(name)", inputs: ["x", "features.\(name).start", "features.\(name).end", "features.axes"],
                               output: "features.\(name)"))
        }
        var columns: [String] = []
        for f in features {
            let out = "features." + f.rawValue
            switch f {
            case .x1, .x2: columns.append(out); continue
            case .x1Squared: g.node.append(node("Mul", name: out, inputs: ["features.x1", "features.x1"], output: out))
            case .x2Squared: g.node.append(node("Mul", name: out, inputs: ["features.x2", "features.x2"], output: out))
            case .x1x2: g.node.append(node("Mul", name: out, inputs: ["features.x1", "features.x2"], output: out))
            case .sinX1: g.node.append(node("Sin", name: out, inputs: ["features.x1"], output: out))
            case .sinX2: g.node.append(node("Sin", name: out, inputs: ["features.x2"], output: out))
            }
            columns.append(out)
        }
        g.node.append(node("Concat", name: "features", inputs: columns, output: "features", attributes: [intAttribute("axis", 1)]))
        return "features"
    }

    static func activation(_ a: Activation, layer: String, input: String, into g: inout Onnx_GraphProto) -> String {
        let out = "\(layer).\(a.rawValue)"
        switch a {
        case .relu: g.node.append(node("Relu", name: out, inputs: [input], output: out))
        case .tanh: g.node.append(node("Tanh", name: out, inputs: [input], output: out))
        case .sigmoid: g.node.append(node("Sigmoid", name: out, inputs: [input], output: out))
        case .linear: g.node.append(node("Identity", name: out, inputs: [input], output: out))
        case .leakyRelu: g.node.append(node("LeakyRelu", name: out, inputs: [input], output: out, attributes: [floatAttribute("alpha", Float(Activation.leakySlope))]))
        case .elu: g.node.append(node("Elu", name: out, inputs: [input], output: out, attributes: [floatAttribute("alpha", 1)]))
        case .gelu: g.node.append(node("Gelu", name: out, inputs: [input], output: out))
        case .softplus: g.node.append(node("Softplus", name: out, inputs: [input], output: out))
        case .sine: g.node.append(node("Sin", name: out, inputs: [input], output: out))
        case .swish:
            // z σ(z): ONNX has no SiLU before opset 24 (Swish); two nodes under one layer name.
            g.node.append(node("Sigmoid", name: "\(out).sigmoid", inputs: [input], output: "\(out).sigmoid"))
            g.node.append(node("Mul", name: out, inputs: [input, "\(out).sigmoid"], output: out))
        }
        return out
    }

    static func head(_ h: OutputHead, input: String, into g: inout Onnx_GraphProto) -> String {
        switch h {
        case .sigmoidCrossEntropy: g.node.append(node("Sigmoid", name: "output.sigmoid", inputs: [input], output: "output.sigmoid")); return "output.sigmoid"
        case .softmaxCrossEntropy:
            g.node.append(node("Softmax", name: "output.softmax", inputs: [input], output: "output.softmax", attributes: [intAttribute("axis", 1)]))
            return "output.softmax"
        case .tanhSquaredError: g.node.append(node("Tanh", name: "output.tanh", inputs: [input], output: "output.tanh")); return "output.tanh"
        case .identitySquaredError: return input
        }
    }

    static func node(_ op: String, name: String, inputs: [String], output: String, attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = name
        n.input = inputs
        n.output = [output]
        n.attribute = attributes
        return n
    }

    static func intAttribute(_ name: String, _ v: Int64) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = v
        return a
    }

    static func floatAttribute(_ name: String, _ v: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = v
        return a
    }

    static func tensor(_ name: String, dims: [Int64], values: [Double], type: Onnx_TensorProto.DataType) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims
        t.dataType = Int32(type.rawValue)
        if type == .double { t.doubleData = values } else { t.floatData = values.map { Float($0) } }
        return t
    }

    static func int64Tensor(_ name: String, _ values: [Int64]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = [Int64(values.count)]
        t.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        t.int64Data = values
        return t
    }

    /// A tensor of rows of `width` values, any number of rows (`N`).
    static func valueInfo(_ name: String, type: Onnx_TensorProto.DataType, width: Int) -> Onnx_ValueInfoProto {
        var rows = Onnx_TensorShapeProto.Dimension()
        rows.dimParam = "N"
        var columns = Onnx_TensorShapeProto.Dimension()
        columns.dimValue = Int64(width)
        var shape = Onnx_TensorShapeProto()
        shape.dim = [rows, columns]
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(type.rawValue)
        tensorType.shape = shape
        var t = Onnx_TypeProto()
        t.tensorType = tensorType
        var v = Onnx_ValueInfoProto()
        v.name = name
        v.type = t
        return v
    }
}
