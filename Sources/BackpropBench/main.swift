import Foundation
import Backprop
import MallocInterposerSwift

/// backprop-bench: times W1, W2, W3 (shared/peers) in Backprop on one thread.
///
///     swift run -c release backprop-bench [--workload w1,w2,w3] [--dtype float32,float64] [--reps 5] [--label NAME]
///     swift run -c release backprop-bench --scaling DIR [--peak-gflops 97]
///     swift run -c release backprop-bench --point 128x1      # one point of the curves, eight times
///
/// Prints one JSON line per workload and precision (median / min / max seconds
/// of the training loop alone, the largest difference of the final parameters
/// from numpy's float64 result, the test loss, and mallocs per training step
/// after warm-up), then a table. Mallocs are counted by ordo-one's
/// malloc-interposer, which must be preloaded: the program re-executes itself
/// with `LD_PRELOAD` pointing at `libMallocInterposerSwift.so` beside it.

func argument(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
    return args[i + 1]
}

// Re-execute with the interposer preloaded, so malloc counts are real.
let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
let interposer = executable.deletingLastPathComponent().appendingPathComponent("libMallocInterposerSwift.so").path
if ProcessInfo.processInfo.environment["BACKPROP_BENCH_PRELOADED"] == nil, FileManager.default.fileExists(atPath: interposer) {
    setenv("LD_PRELOAD", interposer, 1)
    setenv("BACKPROP_BENCH_PRELOADED", "1", 1)
    let argv = CommandLine.arguments.map { strdup($0) } + [nil]
    execv(executable.path, argv)
    // execv only returns on failure; go on without counting.
}

struct Row: Encodable {
    /// `--label`: which build this is (the peer script runs the default and the native build).
    var impl = argument("--label", "backprop")
    /// The kernel path the rows ran on (KernelPath: BACKPROP_KERNELS, else the best this CPU has).
    var kernels = KernelPath.selected.rawValue
    var workload: String
    var dtype: String
    var threads = 1
    var reps: Int
    var median_s: Double
    var min_s: Double
    var max_s: Double
    var times_s: [Double]
    var steps: Int
    var us_per_step: Double
    var max_param_diff_vs_numpy_f64: Double?
    var test_loss: Double
    var numpy_test_loss: Double?
    var mallocs_per_step: Double?
    var mallocs_counted: Bool
}

func run<T: Scalar>(_ w: Workload, as _: T.Type, reps: Int) throws -> Row {
    let train = try Dataset<T>(x: w.train.x.converted(), y: w.train.y.converted())
    let initial = w.initial.converted(to: T.self)
    var times: [Double] = []
    var final = initial
    var mallocsPerStep: Double?
    var counted = false
    for rep in 0..<reps {
        let trainer = try Trainer(network: initial, data: train, settings: w.settings)
        if rep == 0 {
            // Warm-up epoch, then count mallocs over the rest of the run (not timed).
            try trainer.trainEpoch()
            let stepsBefore = trainer.steps
            MallocInterposerSwift.initialize()
            MallocInterposerSwift.hook()
            try trainer.fit(evaluateTrain: false)
            MallocInterposerSwift.unhook()
            let stats = MallocInterposerSwift.getStatistics()
            // A run with no allocation at all proves nothing unless counting works:
            // check that a known allocation is seen.
            MallocInterposerSwift.hook()
            let probe = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
            MallocInterposerSwift.unhook()
            probe.deallocate()
            counted = MallocInterposerSwift.getStatistics().mallocCount > stats.mallocCount
            mallocsPerStep = Double(stats.mallocCount) / Double(trainer.steps - stepsBefore)
            final = trainer.network
            continue
        }
        let start = DispatchTime.now().uptimeNanoseconds
        try trainer.fit(evaluateTrain: false)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        final = trainer.network
    }
    let sorted = times.sorted()
    let median = sorted.isEmpty ? .nan : (sorted[(sorted.count - 1) / 2] + sorted[sorted.count / 2]) / 2
    let diff = w.golden.map { g in zip(final.converted(to: Double.self).parameters, g.parameters).map { abs($0 - $1) }.max() ?? 0 }
    return Row(workload: w.name, dtype: T.self == Float.self ? "float32" : "float64", reps: times.count,
               median_s: median, min_s: sorted.first ?? .nan, max_s: sorted.last ?? .nan, times_s: times,
               steps: w.steps, us_per_step: median / Double(w.steps) * 1e6,
               max_param_diff_vs_numpy_f64: diff, test_loss: final.converted(to: Double.self).evaluateLoss(w.test),
               numpy_test_loss: w.goldenTestLoss, mallocs_per_step: counted ? mallocsPerStep : nil, mallocs_counted: counted)
}

extension Network where T == Double {
    func evaluateLoss(_ d: Dataset<Double>) -> Double { (try? evaluate(d).loss) ?? .nan }
}

// One point of the scaling curves, measured eight times (for a profiler): `--point 128x1`.
if CommandLine.arguments.contains("--point") {
    let parts = argument("--point", "128x1").split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, parts.allSatisfy({ $0 >= 1 && $0 <= 4096 }) else {
        FileHandle.standardError.write(Data("backprop-bench: --point WIDTHxBATCH, e.g. 128x1\n".utf8))
        exit(2)
    }
    do {
        for _ in 0..<8 {
            let p = try Scaling.measure(width: parts[0], batch: parts[1], peak: 97e9)
            print(String(format: "width %d batch %d: %.3f µs/sample", p.width, p.batch, p.secondsPerSample * 1e6))
        }
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("backprop-bench: \(error)\n".utf8))
        exit(2)
    }
}

if CommandLine.arguments.contains("--scaling") {
    do {
        try Scaling.run(directory: argument("--scaling", "bench-out"), peak: (Double(argument("--peak-gflops", "97")) ?? 97) * 1e9)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("backprop-bench: \(error)\n".utf8))
        exit(2)
    }
}

let workloads = argument("--workload", "w1,w2,w3").split(separator: ",").map(String.init)
let dtypes = argument("--dtype", "float32,float64").split(separator: ",").map(String.init)
let reps = max(1, Int(argument("--reps", "5")) ?? 5)
var rows: [Row] = []
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
do {
    for name in workloads {
        let w = try Workload.load(name)
        for dtype in dtypes {
            // One extra repetition: the first is the warm-up that counts mallocs.
            let row = dtype == "float32" ? try run(w, as: Float.self, reps: reps + 1) : try run(w, as: Double.self, reps: reps + 1)
            rows.append(row)
            print(String(decoding: try encoder.encode(row), as: UTF8.self))
            FileHandle.standardOutput.synchronizeFile()
        }
    }
} catch {
    FileHandle.standardError.write(Data("backprop-bench: \(error)\n".utf8))
    exit(2)
}
print("")
print("kernels: \(KernelPath.selected.rawValue) (this CPU runs \(KernelPath.supported.map(\.rawValue).joined(separator: ", ")); BACKPROP_KERNELS forces one)")
print("workload dtype    median_s   min_s      max_s      us/step   max|Δθ| vs numpy  test loss  mallocs/step")
for r in rows {
    let diff = r.max_param_diff_vs_numpy_f64.map { String(format: "%.2e", $0) } ?? "n/a (chaotic)"
    let m = r.mallocs_per_step.map { String(format: "%.3f", $0) } ?? "not counted"
    print(String(format: "%-8@ %-8@ %-10.4f %-10.4f %-10.4f %-9.2f %-17@ %-10.4f %@",
                 r.workload as NSString, r.dtype as NSString, r.median_s, r.min_s, r.max_s, r.us_per_step,
                 diff as NSString, r.test_loss, m as NSString))
}
