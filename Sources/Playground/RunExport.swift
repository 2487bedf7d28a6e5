import Backprop
import Datasets

/// A run written out as a program another tool trains: the sheet's numpy MLP, PyTorch, or the
/// sheet's notebook. The program holds this run's data, initial weights, batch order (the
/// engine's own generator, written in Python), optimiser, regularisation and schedule, and
/// trains the same epochs; in Double it ends within rounding of the engine's weights.
///
/// Every name in a program comes from Backprop's vocabulary (an activation's or a feature's
/// name, a data set's), every number is written in the shortest form that reads back to the
/// same Double: nothing from a file's text (a CSV header, a path) reaches the code.
public struct RunExport {
    public enum Language: String, CaseIterable, Sendable {
        case numpy, torch, notebook
    }

    public let experiment: Experiment
    let architecture: Architecture
    let train: LabeledPoints
    let test: LabeledPoints
    let initial: Network<Double>
    /// The engine's trained parameters, to compare with at the end (nil: no comparison).
    let expected: Network<Double>?

    /// The run of `experiment` (its data and initial weights as `Session` builds them), and
    /// `model`, the engine's result to compare with, which must have the run's architecture.
    public init(_ experiment: Experiment, session: Session, model: Network<Double>? = nil) throws(BackpropError) {
        if let model, model.architecture != session.architecture {
            throw .invalidArchitecture("the model is \(model.architecture.sizes.map { "\($0)" }.joined(separator: "-")) but the experiment builds \(session.architecture.sizes.map { "\($0)" }.joined(separator: "-")): not this run's model")
        }
        if case .given = experiment.training.order {
            throw .invalidSetting("a run with given batch orders cannot be exported; use order stored or shuffled")
        }
        self.experiment = experiment
        architecture = session.architecture
        train = session.trainPoints
        test = session.testPoints
        initial = session.initialNetwork
        expected = model
    }

    /// The program's text.
    public func program(_ language: Language) -> String {
        switch language {
        case .numpy: return PythonProgram(run: self, torch: false).script()
        case .torch: return PythonProgram(run: self, torch: true).script()
        case .notebook: return PythonProgram(run: self, torch: false).notebook()
        }
    }

    /// The file name a program is saved under by default.
    public static func fileName(_ language: Language) -> String {
        switch language {
        case .numpy: return "run_numpy.py"
        case .torch: return "run_torch.py"
        case .notebook: return "run.ipynb"
        }
    }
}

/// A number as Python reads it back to the same Double.
func py(_ v: Double) -> String {
    if v.isNaN { return "float('nan')" }
    if v.isInfinite { return v > 0 ? "float('inf')" : "-float('inf')" }
    let text = JSON.number(v).text
    // JSON writes integral values without a point; Python would read them as ints.
    return text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? text : text + ".0"
}

func py(_ row: [Double]) -> String { "[" + row.map { py($0) }.joined(separator: ", ") + "]" }

/// Rows of numbers, one row a line, indented to sit inside `np.array(…)`.
func pyRows(_ rows: [[Double]], indent: String) -> String {
    "[\n" + rows.map { indent + "    " + py($0) + "," }.joined(separator: "\n") + "\n" + indent + "]"
}
