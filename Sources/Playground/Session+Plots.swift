// A session's figures — the boundary over the plane, the loss curve, the network, the gradient
// norms — and the colours of its outputs and points: the one list `train --out` and the page share.

import Backprop
import Datasets
import Plots

extension Session {
    /// Colour of one output row: diverging for one output (probability or value
    /// mapped to [−1, 1]), class colours for softmax.
    public func cellColor(_ output: [Double], discretize: Bool = false) -> Color {
        switch architecture.head {
        case .softmaxCrossEntropy:
            if discretize, let best = output.indices.max(by: { output[$0] < output[$1] }) {
                return Color.white.mixed(with: Palette.classColor(best), 0.75)
            }
            return Palette.classCell(output)
        case .sigmoidCrossEntropy:
            let v = 2 * output[0] - 1
            return Palette.diverging(discretize ? (v >= 0 ? 1 : -1) : v, levels: 31)
        case .tanhSquaredError, .identitySquaredError:
            let v = output[0]
            return Palette.diverging(discretize ? (v >= 0 ? 1 : -1) : v, levels: 31)
        }
    }

    /// The colour of a data point's label.
    public func pointColor(_ target: Double) -> Color {
        switch trainPoints.task {
        case .binary: return target > 0.5 ? Palette.positive : Palette.negative
        case .multiclass: return Palette.classColor(Int(target))
        case .regression: return Palette.diverging(target)
        }
    }

    /// The run's figures, as `train --out` writes them and the page downloads them: the loss,
    /// the gradient norms when recorded, and (unless the run diverged: its weights are not
    /// finite) the boundary and the network.
    public func figures(diverged: Bool = false) -> [(name: String, drawing: Drawing)] {
        var plots: [(name: String, drawing: Drawing)] = [("loss", lossPlot().drawing())]
        if recordsGradients && !gradientHistory.isEmpty { plots.append(("gradients", gradientPlot(gradientHistory).drawing())) }
        if !diverged { plots += [("boundary", boundaryPlot().drawing()), ("network", networkPlot().drawing())] }
        return plots
    }

    /// The decision boundary (output heat map) with training and test points.
    public func boundaryPlot(resolution: Int = 100) -> HeatMap {
        let r = plotRegion
        let grid = outputGrid(resolution: resolution, xMin: r.xMin, xMax: r.xMax, yMin: r.yMin, yMax: r.yMax)
        let cells = (0..<grid.rows).map { cellColor(grid.row($0)) }
        var points: [PlotPoint] = []
        for (set, isTest) in [(trainPoints, false), (testPoints, true)] {
            for (p, t) in zip(set.x, set.target) where p.count >= 2 {
                points.append(PlotPoint(x: p[0], y: p[1], color: pointColor(t), isTest: isTest))
            }
        }
        let legend: HeatMapLegend
        switch trainPoints.task {
        case .binary: legend = .diverging(low: "class 0", high: "class 1")
        case .multiclass: legend = .classes((0..<trainPoints.classes).map { "class \($0)" })
        case .regression: legend = .values(min: -1, max: 1)
        }
        let m = metrics().test
        let score = m.accuracy.map { "test accuracy " + printfText("%.4f", $0) } ?? "test loss " + printfText("%.4f", m.loss)
        return HeatMap(title: "\(experiment.data.dataset): epoch \(epoch), \(score)",
                       xMin: r.xMin, xMax: r.xMax, yMin: r.yMin, yMax: r.yMax,
                       columns: resolution, rows: resolution, cells: cells, points: points, legend: legend)
    }

    /// Training and test loss against epoch.
    public func lossPlot() -> LineChart {
        LineChart(title: "loss (\(architecture.head.rawValue))", xLabel: "epoch", yLabel: "mean loss", series: [
            .init(name: "training", color: Palette.positive, points: history.map { (Double($0.epoch), $0.trainLoss) }),
            .init(name: "test", color: Palette.negative, points: history.map { (Double($0.epoch), $0.testLoss) }),
        ])
    }

    /// The network with its weights as links.
    public func networkPlot() -> NetworkDiagram {
        let n = network
        let names = trainPoints.dimension == 2 && experiment.features.count == architecture.inputs
            ? experiment.features.map { $0.rawValue } : (1...architecture.inputs).map { "x\($0)" }
        return NetworkDiagram(
            sizes: architecture.sizes,
            weights: (0..<n.layout.layerCount).map { n.weight($0).nested },
            biases: (0..<n.layout.layerCount).map { n.bias($0) },
            inputNames: names,
            layerNames: ["input"] + architecture.hidden.map { "\($0.units) \($0.activation.rawValue)" } + [architecture.head.rawValue])
    }

    /// ‖∂L/∂W‖ per layer against epochs (log scale), one line per weight layer.
    public func gradientPlot(_ points: [GradientPoint]) -> LineChart {
        let layers = points.first?.norms.count ?? 0
        return LineChart(title: "gradient norm of the weights into each layer (\(architecture.hidden.map { $0.activation.rawValue }.joined(separator: ",")))",
                         xLabel: "epoch", yLabel: "norm of dL/dW (log)", series: (0..<layers).map { l in
            .init(name: l == layers - 1 ? "output" : "layer \(l + 1)", color: Palette.classColor(l),
                  points: points.compactMap { p in p.norms[l] > 0 ? (Double(p.epoch), p.norms[l]) : nil })
        }, logY: true)
    }
}
