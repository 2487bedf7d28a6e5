#if hasFeature(Embedded)
import CKernels   // <math.h> (wasi-libc's in the WebAssembly build)
#else
import Foundation
#endif
import Backprop

/// Values over a grid of two settings, drawn as labelled coloured cells: one panel per value
/// of any further setting (a sweep's success rate over width × depth, one panel per
/// activation). A cell without a value (nothing finished there yet) stays blank.
public struct GridChart: Sendable {
    public struct Panel: Sendable {
        public var title: String
        /// `values[row][column]` in 0…1, nil for no value.
        public var values: [[Double?]]
        /// The text written in each cell (e.g. "14/20").
        public var labels: [[String]]
        public init(title: String, values: [[Double?]], labels: [[String]]) {
            self.title = title; self.values = values; self.labels = labels
        }
    }

    public var title: String
    public var rowLabel: String, columnLabel: String
    public var rowNames: [String], columnNames: [String]
    public var panels: [Panel]
    /// What the colour means, under the colour bar (e.g. "success rate").
    public var valueLabel: String

    public init(title: String, rowLabel: String, columnLabel: String, rowNames: [String], columnNames: [String],
                panels: [Panel], valueLabel: String) {
        self.title = title; self.rowLabel = rowLabel; self.columnLabel = columnLabel
        self.rowNames = rowNames; self.columnNames = columnNames; self.panels = panels; self.valueLabel = valueLabel
    }

    /// Viridis at five stops: ordered in lightness and read the same with the common
    /// colour-vision deficiencies, so 30 % never looks like 70 %.
    static let stops: [Color] = [Color(68, 1, 84), Color(59, 82, 139), Color(33, 145, 140), Color(94, 201, 98), Color(253, 231, 37)]

    public static func color(_ v: Double) -> Color {
        let t = min(max(v.isFinite ? v : 0, 0), 1) * Double(stops.count - 1)
        let i = min(Int(t), stops.count - 2)
        return stops[i].mixed(with: stops[i + 1], t - Double(i))
    }

    public func drawing() -> Drawing {
        let cell = 46.0, gap = 36.0
        let left = 40.0 + Double(rowNames.map { $0.count }.max() ?? 1) * 7, top = 62.0, bottom = 106.0
        let panelWidth = cell * Double(max(columnNames.count, 1)), panelHeight = cell * Double(max(rowNames.count, 1))
        let count = Double(max(panels.count, 1))
        let width = Int(left + count * panelWidth + (count - 1) * gap + 24)
        let height = Int(top + panelHeight + bottom)
        var d = Drawing(width: max(width, title.count * 7 + 24, 320), height: height)
        d.text(title, Double(d.width) / 2, 20, anchor: .middle)
        d.text(rowLabel, 14, top + panelHeight / 2, anchor: .middle, rotated: true)
        for (p, panel) in panels.enumerated() {
            let x0 = left + Double(p) * (panelWidth + gap)
            d.text(panel.title, x0 + panelWidth / 2, top - 22, anchor: .middle)
            for (r, name) in rowNames.enumerated() where p == 0 {
                d.text(name, x0 - 6, top + (Double(r) + 0.5) * cell + 4, anchor: .end)
            }
            for (c, name) in columnNames.enumerated() {
                d.text(name, x0 + (Double(c) + 0.5) * cell, top + panelHeight + 16, anchor: .middle)
            }
            d.text(columnLabel, x0 + panelWidth / 2, top + panelHeight + 34, anchor: .middle)
            for r in rowNames.indices {
                for c in columnNames.indices {
                    let x = x0 + Double(c) * cell, y = top + Double(r) * cell
                    let v = r < panel.values.count && c < panel.values[r].count ? panel.values[r][c] : nil
                    guard let v else {
                        d.rect(x, y, cell, cell, fill: .white, stroke: .grid)
                        continue
                    }
                    d.rect(x, y, cell, cell, fill: GridChart.color(v), stroke: .white)
                    let label = r < panel.labels.count && c < panel.labels[r].count ? panel.labels[r][c] : ""
                    d.text(label, x + cell / 2, y + cell / 2 + 4, color: v < 0.55 ? .white : .black, anchor: .middle)
                }
            }
        }
        // The colour bar: 0 … 1 under the panels.
        let barX = left, barY = top + panelHeight + 46, barWidth = min(240, count * panelWidth)
        let steps = 48
        d.add(.cells(columns: steps, rows: 1, colors: (0..<steps).map { GridChart.color(Double($0) / Double(steps - 1)) },
                     x: barX, y: barY, width: barWidth, height: 10))
        d.text("0", barX, barY + 24, anchor: .middle)
        d.text("0.5", barX + barWidth / 2, barY + 24, anchor: .middle)
        d.text("1", barX + barWidth, barY + 24, anchor: .middle)
        d.text(valueLabel, barX + barWidth / 2, barY + 40, anchor: .middle)
        return d
    }
}
