import Foundation
import Backprop

/// A sweep directory as a Slurm job array: one array task per `trialsPerTask` trials, each
/// running `backprop sweep task DIR --task $SLURM_ARRAY_TASK_ID`. The time and memory asked
/// for come from the trials' sizes (`estimate`), so a queue that schedules by the request is
/// neither starved nor lied to; extra `#SBATCH` lines come after them and win.
public struct SlurmScript: Sendable {
    public var executable: String
    /// The directory the tasks start in (`--chdir`): where a relative `data` file is found.
    public var workingDirectory: String
    /// At most this many tasks at once (`--array=0-N%K`).
    public var throttle: Int?
    public var partition: String?
    public var account: String?
    /// Further sbatch options, one per `#SBATCH` line, e.g. `--qos=short`.
    public var options: [String] = []

    public init(executable: String, workingDirectory: String) {
        self.executable = executable; self.workingDirectory = workingDirectory
    }

    /// What one trial asks of a node, from its experiment alone.
    public struct Estimate: Sendable, Equatable {
        public var seconds: Double
        public var megabytes: Int
    }

    /// Work counted as in `PageLimits.stepWork` (epochs × training points × parameters), at the rate
    /// that bound is set by (1e9 a second, one core of the 2-core development machine), and the
    /// memory of the data and the training buffers in Double above the process's own.
    public static func estimate(_ e: Experiment) -> Estimate {
        let inputs = max(1, e.features.count), outputs = e.network.head == .softmaxCrossEntropy ? max(2, e.data.classes) : 1
        let sizes = [inputs] + e.network.hidden + [outputs]
        let parameters = zip(sizes, sizes.dropFirst()).reduce(0) { $0 + ($1.0 + 1) * $1.1 }
        let train = Double(e.data.points) * e.data.trainRatio
        let work = Double(e.training.epochs) * train * Double(parameters)
        let values = Double(e.data.points) * Double(sizes.reduce(0, +)) * 4 + Double(parameters) * 8
        return Estimate(seconds: work / 1e9, megabytes: 128 + Int(min((values * 8 / 1_048_576).rounded(.up), 1e9)))
    }

    /// Trials per task when none is asked for: at least 50 tasks where there are that many
    /// trials (the point of a cluster is to spread them), no task past about two estimated
    /// minutes, and no more than 1,000 tasks (Slurm's default `MaxArraySize` is 1001).
    public static func defaultTrialsPerTask(_ trials: [Sweep.Trial]) -> Int {
        let n = max(trials.count, 1)
        let slowest = trials.map { estimate($0.experiment).seconds }.max() ?? 1
        let byTime = max(1, Int(120 / max(slowest, 1e-3)))
        let bySpread = (n + 49) / 50
        return max((n + 999) / 1000, min(byTime, bySpread))
    }

    /// The script for `directory`; its logs go to `DIR/logs/`.
    public func text(for directory: SweepDirectory) -> String {
        let plan = directory.plan
        let perTrial = directory.trials.map { SlurmScript.estimate($0.experiment) }
        let slowest = perTrial.map(\.seconds).max() ?? 0
        // Five times the estimate (slower nodes, a busy file system) and a minute to start.
        // At most a year: past that no queue takes it, and the number must fit an Int.
        let seconds = Int(min(max(300, (Double(plan.trialsPerTask) * slowest * 5 + 60).rounded(.up)), 365 * 86_400))
        let megabytes = perTrial.map(\.megabytes).max() ?? 128
        let dir = directory.url.path
        var lines = [
            "#!/bin/bash",
            "# A Backprop sweep as a Slurm job array: \(plan.trials) trials in \(plan.tasks) tasks of up to \(plan.trialsPerTask), dealt out (task K: trials K, K + \(plan.tasks), …).",
            "# Submit with: sbatch \(shellQuoted(dir + "/sweep.sbatch"))",
            "# When it has finished (or to see how far it is): backprop sweep collect \(shellQuoted(dir))",
            "# A task that failed or ran out of time is simply run again: finished trials are skipped.",
            "#SBATCH --job-name=backprop-sweep",
            "#SBATCH --array=0-\(plan.tasks - 1)\(throttle.map { "%\($0)" } ?? "")",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=1",
            "#SBATCH --time=\(SlurmScript.duration(seconds))",
            "#SBATCH --mem=\(megabytes)M",
            "#SBATCH --output=\(dir)/logs/%A_%a.out",
            "#SBATCH --chdir=\(workingDirectory)",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account { lines.append("#SBATCH --account=\(account)") }
        lines += options.map { "#SBATCH \($0)" }
        lines += [
            "set -euo pipefail",
            "exec \(shellQuoted(executable)) sweep task \(shellQuoted(dir)) --task \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-1}\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Checks the pieces that end up in `#SBATCH` lines: a newline or a space there would
    /// end the directive and let the rest run as part of the script.
    public func validate(directory: String) throws(BackpropError) {
        if let throttle, throttle < 1 { throw .invalidSetting("--throttle must be at least 1, got \(throttle)") }
        let named: [(String, String?)] = [("--partition", partition), ("--account", account)]
        for (flag, v) in named {
            if let v, v.isEmpty || v.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" }) {
                throw .invalidSetting("\(flag) \(quoted(v)): a Slurm name has no spaces or quotes")
            }
        }
        for o in options where !o.hasPrefix("--") || o.contains(where: { $0.isNewline }) {
            throw .invalidSetting("--sbatch-option \(quoted(o)): give one sbatch option such as --qos=short, on one line")
        }
        for path in [executable, workingDirectory] where path.contains(where: { $0.isNewline }) {
            throw .invalidSetting("the path \(quoted(path)) has a line break; Slurm cannot use it")
        }
        // `#SBATCH --output=` and `--chdir=` end at the first space.
        for path in [directory, workingDirectory] where path.contains(where: { $0.isWhitespace }) {
            throw .invalidSetting("the path \(quoted(path)) has a space, which an #SBATCH line cannot hold; use a directory without one")
        }
    }

    /// Slurm's `D-HH:MM:SS`.
    public static func duration(_ seconds: Int) -> String {
        let d = seconds / 86_400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60
        return (d > 0 ? "\(d)-" : "") + String(format: "%02d:%02d:%02d", h, m, s)
    }
}

/// `text` as one word for a POSIX shell.
public func shellQuoted(_ text: String) -> String {
    text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+=:,@".contains($0) }) && !text.isEmpty
        ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
