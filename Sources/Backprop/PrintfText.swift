#if hasFeature(Embedded)
import CKernels   // bp_format_double (Wasm/libc.c): snprintf in wasi-libc
#else
import Foundation
#endif

/// One number as C's `printf` writes it with `format` (a single `double` conversion such as
/// `%.6g` or `%.4f`): the text `backprop explain` prints and the page shows. Natively through
/// Foundation's `String(format:)`, in the WebAssembly build through wasi-libc's `snprintf`; both
/// round the exact binary value correctly, so the two builds print the same digits.
public func printfText(_ format: String, _ value: Double) -> String {
    #if hasFeature(Embedded)
    var buffer = [CChar](repeating: 0, count: 64)
    let n = format.withCString { f in buffer.withUnsafeMutableBufferPointer { bp_format_double($0.baseAddress, Int32($0.count), f, value) } }
    guard n >= 0 else { return "\(value)" }
    return String(decoding: buffer.prefix(min(Int(n), buffer.count - 1)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    #else
    return String(format: format, value)
    #endif
}
