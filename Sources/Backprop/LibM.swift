#if hasFeature(Embedded)
import CKernels   // its header includes the C library's <math.h> (wasi-libc's in the WebAssembly build)
#else
import Foundation
#endif

// The C library's functions under names of their own, for the places (`Scalar`'s `Float.exp`,
// …) where the plain name means the member being defined. Natively they come through Foundation;
// the WebAssembly build has no Foundation and reaches the same C functions through `<math.h>`.
@usableFromInline @inline(__always) func cExp(_ x: Float) -> Float { expf(x) }
@usableFromInline @inline(__always) func cExp(_ x: Double) -> Double { exp(x) }
@usableFromInline @inline(__always) func cExpm1(_ x: Float) -> Float { expm1f(x) }
@usableFromInline @inline(__always) func cExpm1(_ x: Double) -> Double { expm1(x) }
@usableFromInline @inline(__always) func cLog(_ x: Float) -> Float { logf(x) }
@usableFromInline @inline(__always) func cLog(_ x: Double) -> Double { log(x) }
@usableFromInline @inline(__always) func cLog1p(_ x: Float) -> Float { log1pf(x) }
@usableFromInline @inline(__always) func cLog1p(_ x: Double) -> Double { log1p(x) }
@usableFromInline @inline(__always) func cTanh(_ x: Double) -> Double { tanh(x) }
@usableFromInline @inline(__always) func cErf(_ x: Float) -> Float { erff(x) }
@usableFromInline @inline(__always) func cErf(_ x: Double) -> Double { erf(x) }
@usableFromInline @inline(__always) func cSin(_ x: Float) -> Float { sinf(x) }
@usableFromInline @inline(__always) func cSin(_ x: Double) -> Double { sin(x) }
@usableFromInline @inline(__always) func cCos(_ x: Float) -> Float { cosf(x) }
@usableFromInline @inline(__always) func cCos(_ x: Double) -> Double { cos(x) }
@usableFromInline @inline(__always) func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@usableFromInline @inline(__always) func cSqrt(_ x: Double) -> Double { sqrt(x) }
