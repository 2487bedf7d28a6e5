#if hasFeature(Embedded)
/// What a scalar must be besides a number: nothing more in the WebAssembly build, which has
/// neither Foundation's coders nor text for floating-point numbers.
public typealias ScalarText = Sendable
#else
/// What a scalar must be besides a number: written and read as JSON and as text.
public typealias ScalarText = Codable & LosslessStringConvertible
#endif

/// The element type of every tensor in Backprop: `Float` or `Double`.
///
/// Why one generic engine rather than two hand-written paths: the kernels are
/// identical apart from the element type, and within this module the optimiser
/// specialises every generic function for the concrete type it is called with
/// (whole-module optimisation in release builds), so the generic code compiles
/// to the same machine code a concrete copy would. What matters is the module
/// boundary: a caller in another module reaches unspecialised code (witness
/// tables, boxed scalars) unless the entry point is specialised. The public
/// entry points that do the heavy work (`Trainer.trainEpoch`, `Trainer.fit`,
/// `Network.predict`) therefore carry `@_specialize` for `Float` and `Double`: a
/// specialisation the generic entry point dispatches to after one type check. Not
/// `exported: true`, which promises callers a prespecialised symbol that Embedded Swift
/// (the WebAssembly build) never emits; natively both forms train at the same speed
/// (`backprop-bench` W1 and W3, interleaved runs of both builds).
/// Without those attributes a caller in another module runs the generic code, many times
/// slower (`backprop-bench` shows it; docs/performance.md has the tables).
///
/// The transcendental functions are requirements (not `Foundation` calls at
/// the use site) so that the `Float` path calls `expf`, `tanhf`, … and never
/// widens to `Double`.
public protocol Scalar: BinaryFloatingPoint, SIMDScalar, VectorMath, ScalarText, Sendable
where RawSignificand: FixedWidthInteger {
    static func exp(_ x: Self) -> Self
    static func expm1(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    /// The safetensors dtype name: `F32` or `F64`.
    static var dtypeName: String { get }
}

extension Float: Scalar {
    @inlinable @inline(__always) public static func exp(_ x: Float) -> Float { cExp(x) }
    @inlinable @inline(__always) public static func expm1(_ x: Float) -> Float { cExpm1(x) }
    @inlinable @inline(__always) public static func log(_ x: Float) -> Float { cLog(x) }
    @inlinable @inline(__always) public static func log1p(_ x: Float) -> Float { cLog1p(x) }
    /// tanh without glibc's `tanhf`, which spends most of its time in `expm1f`
    /// (59 % of W1 in `perf record`): the vectorisable form of `VectorMath`,
    /// a fitted rational within 6 ulp (tested at ≤ 8); saturates to ±1 without overflow.
    @inlinable @inline(__always) public static func tanh(_ x: Float) -> Float { vtanh(x) }
    @inlinable @inline(__always) public static func erf(_ x: Float) -> Float { cErf(x) }
    @inlinable @inline(__always) public static func sin(_ x: Float) -> Float { cSin(x) }
    @inlinable @inline(__always) public static func cos(_ x: Float) -> Float { cCos(x) }
    public static var dtypeName: String { "F32" }
}

extension Double: Scalar {
    @inlinable @inline(__always) public static func exp(_ x: Double) -> Double { cExp(x) }
    @inlinable @inline(__always) public static func expm1(_ x: Double) -> Double { cExpm1(x) }
    @inlinable @inline(__always) public static func log(_ x: Double) -> Double { SineCosine.log(x) }
    @inlinable @inline(__always) public static func log1p(_ x: Double) -> Double { cLog1p(x) }
    @inlinable @inline(__always) public static func tanh(_ x: Double) -> Double { cTanh(x) }
    @inlinable @inline(__always) public static func erf(_ x: Double) -> Double { cErf(x) }
    @inlinable @inline(__always) public static func sin(_ x: Double) -> Double { SineCosine.sin(x) }
    @inlinable @inline(__always) public static func cos(_ x: Double) -> Double { SineCosine.cos(x) }
    public static var dtypeName: String { "F64" }
}
