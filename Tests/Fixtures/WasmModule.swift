import Foundation

/// The engine as WebAssembly (`scripts/build-wasm.sh`), run under node by a script of
/// `Tests/Wasm`: the one way the engine's and the session's tests reach the module. CI builds it
/// first and sets `BACKPROP_REQUIRE_WASM=1`, so a test that finds it missing must fail there.
public enum WasmModule {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let path = root.appendingPathComponent(".build-wasm/backprop.wasm").path

    /// Nil when the module is built; otherwise whether its absence is a failure (CI) and what to say.
    public static var missing: (required: Bool, message: String)? {
        FileManager.default.fileExists(atPath: path) ? nil
            : (ProcessInfo.processInfo.environment["BACKPROP_REQUIRE_WASM"] == "1",
               "BACKPROP_REQUIRE_WASM=1 but \(path) is missing: run scripts/build-wasm.sh")
    }

    /// Runs `node Tests/Wasm/<script> <module> <arguments…>`: its exit status and standard output.
    public static func node(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["node", root.appendingPathComponent("Tests/Wasm/\(script)").path, path] + arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }
}
