import Foundation
import Backprop

/// A sweep's results as people and programs read them: the table printed at the end,
/// `sweep.csv` and `sweep.json`. One writer for the local sweep and for `sweep collect`, so that
/// a sweep run in pieces on a cluster gives the same files, byte for byte.
extension Sweep {
    /// The contents of `sweep.json`.
    public struct Report: Codable, Sendable {
        public var experiment: Experiment
        public var axes: [Axis]
        public var criterion: String
        public var seeds: Int
        public var firstSeed: UInt64
        /// Trials in the sweep, and how many of them had finished when this was written.
        public var trials: Int
        public var finished: Int
        public var summaries: [Summary]
        public var runs: [RunResult]
    }

    public func report(_ runs: [RunResult], trials: Int) -> Report {
        Report(experiment: base, axes: axes, criterion: "\(criterion)", seeds: seeds, firstSeed: firstSeed,
               trials: trials, finished: runs.count, summaries: summarise(runs), runs: runs.sorted { $0.trial < $1.trial })
    }

    /// Encodes and decodes results the same way everywhere: sorted keys, NaN as "nan".
    public static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    public static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    static func format(_ v: Double?, _ digits: Int = 4) -> String {
        v.map { $0.isFinite ? String(format: "%.\(digits)f", $0) : "nan" } ?? "-"
    }

    /// The summary table: one row per setting.
    public static func table(_ s: [Summary], keys: [String]) -> String {
        let header = keys + ["success", "test loss (mean ± sd)", "test loss min–max", "test accuracy (mean ± sd)", "accuracy min–max", "epochs to criterion"]
        let rows = s.map { r in
            keys.map { r.setting[$0] ?? "" } + [
                "\(r.successes)/\(r.runs) (\(Int((r.successRate * 100).rounded()))%)",
                "\(format(r.testLossMean)) ± \(format(r.testLossSD))",
                "\(format(r.testLossMin))–\(format(r.testLossMax))",
                r.testAccuracyMean == nil ? "-" : "\(format(r.testAccuracyMean)) ± \(format(r.testAccuracySD))",
                r.testAccuracyMin == nil ? "-" : "\(format(r.testAccuracyMin))–\(format(r.testAccuracyMax))",
                format(r.epochsToCriterionMean, 0),
            ]
        }
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }

    /// `sweep.csv`: one row per setting, full precision.
    public static func csv(_ s: [Summary], keys: [String]) -> String {
        var out = (keys + ["runs", "successes", "success_rate", "test_loss_mean", "test_loss_sd", "test_loss_min", "test_loss_max",
                           "test_accuracy_mean", "test_accuracy_sd", "test_accuracy_min", "test_accuracy_max",
                           "epochs_to_criterion_mean"]).joined(separator: ",") + "\n"
        for r in s {
            let setting: [String] = keys.map { "\"\(r.setting[$0] ?? "")\"" }
            let counts: [String] = ["\(r.runs)", "\(r.successes)", "\(r.successRate)", "\(r.testLossMean)", "\(r.testLossSD)",
                                    "\(r.testLossMin)", "\(r.testLossMax)"]
            let optional: [Double?] = [r.testAccuracyMean, r.testAccuracySD, r.testAccuracyMin, r.testAccuracyMax, r.epochsToCriterionMean]
            let cells: [String] = setting + counts + optional.map { v in v.map { "\($0)" } ?? "" }
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }
}
