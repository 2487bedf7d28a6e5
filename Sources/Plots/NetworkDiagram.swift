/// A layered network drawn as nodes and links: link colour is the weight's
/// sign (blue +, orange −), width its size; node fill shows the bias.
public struct NetworkDiagram: Sendable {
    public var layerNames: [String]
    public var sizes: [Int]
    /// `weights[l][o][i]`: from node i of layer l to node o of layer l+1.
    public var weights: [[[Double]]]
    /// `biases[l][o]` for node o of layer l+1.
    public var biases: [[Double]]
    public var inputNames: [String]

    public init(sizes: [Int], weights: [[[Double]]], biases: [[Double]], inputNames: [String], layerNames: [String]) {
        self.sizes = sizes; self.weights = weights; self.biases = biases
        self.inputNames = inputNames; self.layerNames = layerNames
    }

    public func drawing(width: Int = 720, height: Int = 420) -> Drawing {
        var d = Drawing(width: width, height: height)
        let left = 70.0, right = 40.0, top = 40.0, bottom = 30.0
        let columns = sizes.count
        func x(_ l: Int) -> Double { left + (Double(width) - left - right) * Double(l) / Double(max(columns - 1, 1)) }
        func y(_ l: Int, _ k: Int) -> Double {
            let n = sizes[l], span = Double(height) - top - bottom
            let gap = min(span / Double(max(n, 1)), 44)
            return top + span / 2 + (Double(k) - Double(n - 1) / 2) * gap
        }
        let largest = max(weights.flatMap { $0.flatMap { $0 } }.map(abs).max() ?? 1, 1e-12)
        for l in 0..<weights.count {
            for o in weights[l].indices {
                for i in weights[l][o].indices {
                    let w = weights[l][o][i]
                    let c = Palette.diverging(w / largest)
                    d.line(x(l), y(l, i), x(l + 1), y(l + 1, o), color: c, width: 0.5 + 4.5 * abs(w) / largest)
                }
            }
        }
        let largestBias = max(biases.flatMap { $0 }.map(abs).max() ?? 1, 1e-12)
        for l in 0..<columns {
            for k in 0..<sizes[l] {
                let fill = l == 0 ? Color(250, 250, 250) : Palette.diverging(biases[l - 1][k] / largestBias)
                d.circle(x(l), y(l, k), radius: 9, fill: fill, stroke: .axis, strokeWidth: 1)
                if l == 0, k < inputNames.count { d.text(inputNames[k], x(l) - 14, y(l, k) + 4, anchor: .end) }
            }
            if l < layerNames.count { d.text(layerNames[l], x(l), 22, anchor: .middle) }
        }
        d.text("links: blue = positive, orange = negative, width ~ |w|; node fill = bias", left, Double(height) - 8, color: .axis)
        return d
    }
}
