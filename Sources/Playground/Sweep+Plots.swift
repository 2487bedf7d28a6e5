// A sweep's picture: the success rate of every setting as a grid of panels.

import Plots

extension Sweep {
    /// The success rate of every setting as a grid: the last axis across, the one before it
    /// down, one panel per combination of any earlier axes (a single axis is one row). Each
    /// cell says successes/runs; a setting with no finished run stays blank.
    public func successMap(_ summaries: [Summary]) -> Drawing {
        let columnAxis = axes.last, rowAxis = axes.count >= 2 ? axes[axes.count - 2] : nil
        let panelAxes = Array(axes.dropLast(min(2, axes.count)))
        let panelSettings = panelAxes.reduce([[(String, String)]]([[]])) { acc, axis in
            acc.flatMap { prefix in axis.values.map { prefix + [(axis.key, $0)] } }
        }
        let rows = rowAxis?.values ?? [""], columns = columnAxis?.values ?? [""]
        let panels = panelSettings.map { prefix -> GridChart.Panel in
            var values = [[Double?]](repeating: [Double?](repeating: nil, count: columns.count), count: rows.count)
            var labels = [[String]](repeating: [String](repeating: "", count: columns.count), count: rows.count)
            for s in summaries where prefix.allSatisfy({ s.setting[$0.0] == $0.1 }) && s.runs > 0 {
                let r = rowAxis.flatMap { a in s.setting[a.key].flatMap { a.values.firstIndex(of: $0) } } ?? 0
                let c = columnAxis.flatMap { a in s.setting[a.key].flatMap { a.values.firstIndex(of: $0) } } ?? 0
                values[r][c] = s.successRate
                labels[r][c] = "\(s.successes)/\(s.runs)"
            }
            return GridChart.Panel(title: prefix.map { "\($0.0) \($0.1)" }.joined(separator: ", "), values: values, labels: labels)
        }
        return GridChart(title: "success rate: \(criterion), \(seeds) seeds per setting",
                         rowLabel: rowAxis?.key ?? "", columnLabel: columnAxis?.key ?? "",
                         rowNames: rows, columnNames: columns, panels: panels, valueLabel: "success rate").drawing()
    }
}
