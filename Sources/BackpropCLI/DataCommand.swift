import ArgumentParser
import Foundation
import Backprop
import Datasets
import Playground
import Plots

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Write a data set as CSV and draw it as a PNG scatter.",
        discussion: "Uses --dataset, --points, --noise, --classes and --data-seed. The CSV has a header row and the label (or target) as its last column.")

    @OptionGroup var options: ExperimentOptions
    @Option(name: .customLong("csv"), help: ArgumentHelp("CSV file to write (default: standard output).", valueName: "file.csv")) var csvPath: String?
    @Option(help: ArgumentHelp("PNG scatter to write.", valueName: "file.png")) var png: String?
    @Option(help: ArgumentHelp("SVG scatter to write.", valueName: "file.svg")) var svg: String?

    func run() throws {
        let experiment = try options.experiment()
        let points = try Session.loadPoints(experiment.data)
        let text = CSV.format(points)
        if let csvPath { try FileAccess.write(Data(text.utf8), to: csvPath) } else { print(text, terminator: "") }
        guard png != nil || svg != nil else { return }
        let session = try Session(experiment, points: points)
        let r = session.plotRegion
        var plotPoints: [PlotPoint] = []
        for (p, t) in zip(points.x, points.target) where p.count >= 2 {
            plotPoints.append(PlotPoint(x: p[0], y: p[1], color: session.pointColor(t), isTest: false))
        }
        let legend: HeatMapLegend = switch points.task {
        case .binary: .classes(["class 0", "class 1"])   // palette classes 0 and 1 are the binary orange and blue
        case .multiclass: .classes((0..<points.classes).map { "class \($0)" })
        case .regression: .values(min: -1, max: 1)
        }
        var map = HeatMap(title: "\(experiment.data.dataset): \(points.count) points, noise \(experiment.data.noise)",
                          xMin: r.xMin, xMax: r.xMax, yMin: r.yMin, yMax: r.yMax, columns: 1, rows: 1,
                          cells: [Color(250, 250, 250)], points: plotPoints, legend: legend)
        map.explainsModel = false
        let drawing = map.drawing()
        if let png { try FileAccess.write(drawing.png(), to: png) }
        if let svg { try FileAccess.write(Data(drawing.svg().utf8), to: svg) }
    }
}
