#if hasFeature(Embedded)
/// The page's clock (`performance.now()` in the worker), in milliseconds: the one function the
/// WebAssembly module imports.
@_extern(wasm, module: "env", name: "now")
func hostMilliseconds() -> Double
#else
import Foundation
#endif

/// What a session needs from where it runs: a clock for its frame budget and a lock for the
/// server's threads. Natively Foundation's; in the browser the worker's clock, and no lock — a
/// worker runs one thread, and a session lives in one worker.
enum HostServices {
    /// Seconds on a clock that never goes back (differences only).
    static func seconds() -> Double {
        #if hasFeature(Embedded)
        hostMilliseconds() / 1000
        #else
        ProcessInfo.processInfo.systemUptime
        #endif
    }

    final class Lock: @unchecked Sendable {
        #if !hasFeature(Embedded)
        private let mutex = NSLock()
        #endif
        func lock() {
            #if !hasFeature(Embedded)
            mutex.lock()
            #endif
        }
        func unlock() {
            #if !hasFeature(Embedded)
            mutex.unlock()
            #endif
        }
    }
}
