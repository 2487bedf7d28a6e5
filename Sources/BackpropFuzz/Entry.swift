import Foundation

#if FUZZING
import CFuzzerDriver

/// Built by scripts/fuzz.sh with `-sanitize=fuzzer,address -D FUZZING`: SwiftPM gives every
/// executable its own `main`, so this one hands over to libFuzzer's driver. The target comes
/// from `BACKPROP_FUZZ_TARGET`.
@main
struct Fuzz {
    static func main() {
        guard FuzzTarget.selected != nil else {
            FileHandle.standardError.write(Data("set BACKPROP_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))\n".utf8))
            exit(2)
        }
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
            if let bytes { FuzzTarget.selected?.run(Data(bytes: bytes, count: count)) }
            return 0
        })
    }
}
#else
/// Without the fuzzer: `backprop-fuzz TARGET FILE|DIR…` runs every file through the target —
/// the seed corpus and any crash found, replayed in CI as a regression check.
@main
struct Replay {
    static func main() {
        let args = CommandLine.arguments.dropFirst()
        guard let name = args.first, let target = FuzzTarget(rawValue: name), args.count >= 2 else {
            print("usage: BackpropFuzz TARGET FILE|DIR…  (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))")
            exit(2)
        }
        var count = 0
        for path in args.dropFirst() {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { print("no such file: \(path)"); exit(2) }
            let files = isDir.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" } : [path]
            for f in files {
                guard let data = FileManager.default.contents(atPath: f) else { continue }
                target.run(data)
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed, none crashed")
    }
}
#endif
