import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which instructions the engine's hot loops run with, chosen once at start-up.
///
/// Why a choice at run time: a package cannot build its users' binaries for their CPU
/// (`-target-cpu` needs `unsafeFlags`, which make a package unusable as a dependency), so a
/// default `swift build -c release` targets the x86-64 baseline, SSE2, and runs several times
/// slower than the same loops built for the CPU it runs on (`backprop-bench` with
/// `BACKPROP_KERNELS=baseline` shows by how much; docs/performance.md has the figures). The loops that take the time — the matrix products of a dense layer, the narrow
/// weight gradient, the bias gradient, ReLU/tanh/sigmoid and their derivatives — are therefore
/// also compiled in C (target `CKernels`) for 128-bit vectors without fused multiply-add (SSE2,
/// which every x86-64 has, and WebAssembly's SIMD128), for AVX2 with FMA and for AVX-512, each
/// function carrying its own `target` attribute, and the engine calls the best set the CPU has.
/// The Swift loops in `Kernels` stay the readable reference and are the `baseline` path.
///
/// `BACKPROP_KERNELS=baseline|vector128|avx2|avx512` forces a path (tests, benchmarks, a bug report).
/// A path this CPU cannot run is never taken: the best one it can is used instead and
/// `KernelPath.notice` says so.
public enum KernelPath: String, CaseIterable, Sendable, Comparable {
    /// The Swift loops as the default build compiles them (SSE2 on x86-64, NEON on arm64).
    case baseline
    /// The C kernels on 128-bit vectors, a multiply and an add where the others fuse: SSE2 on
    /// any x86-64, SIMD128 in the browser — the same bits on both.
    case vector128
    /// AVX2 and fused multiply-add (x86-64 since Haswell and Zen 1).
    case avx2
    /// AVX-512 F/VL/DQ/BW with FMA (Skylake-SP and later Xeons, Zen 4).
    case avx512

    var code: Int32 {
        switch self {
        case .baseline: Int32(BP_ISA_BASELINE)
        case .vector128: Int32(BP_ISA_VECTOR128)
        case .avx2: Int32(BP_ISA_AVX2)
        case .avx512: Int32(BP_ISA_AVX512)
        }
    }

    /// Preference: the declaration's order, the widest last.
    public static func < (a: KernelPath, b: KernelPath) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }

    /// Whether this CPU, and this build, can run the path (x86-64 and WebAssembly builds have the C kernels).
    public var isSupported: Bool {
        self == .baseline || (bp_isa_supported(code) != 0 && bp_kernels_f32_for(code) != nil)
    }

    /// The paths this machine can run, baseline first.
    public static let supported: [KernelPath] = allCases.filter { $0.isSupported }

    /// The path the engine uses unless a trainer is given another: `BACKPROP_KERNELS` when it
    /// names a path this CPU runs, otherwise the best it has.
    public static var selected: KernelPath { choice.path }

    /// Why `selected` is not what `BACKPROP_KERNELS` asked for, if it is not (one line).
    public static var notice: String? { choice.notice }

    /// `BACKPROP_KERNELS` read and decided once.
    private static let choice = choose(requested: environmentRequest)

    private static var environmentRequest: String? {
        #if hasFeature(Embedded)
        return nil   // a browser has no environment
        #else
        guard let value = getenv("BACKPROP_KERNELS") else { return nil }
        return String(cString: value)
        #endif
    }

    /// The path for a request (the value of `BACKPROP_KERNELS`, nil or empty for "the best").
    static func choose(requested: String?) -> (path: KernelPath, notice: String?) {
        let best = supported.max() ?? .baseline
        guard let requested, !requested.isEmpty else { return (best, nil) }
        guard let path = KernelPath(rawValue: requested.lowercased()) else {
            let names = allCases.map { $0.rawValue }.joined(separator: ", ")
            return (best, "BACKPROP_KERNELS=\(requested) is not one of \(names); using \(best.rawValue)")
        }
        guard path.isSupported else {
            return (best, "BACKPROP_KERNELS=\(requested): this CPU cannot run it; using \(best.rawValue)")
        }
        return (path, nil)
    }
}
