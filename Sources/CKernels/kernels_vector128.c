// The kernels on 128-bit vectors without fused multiply-add: SSE2 (every x86-64) natively,
// SIMD128 in the WebAssembly build. The same source, the same operations in the same order and
// IEEE arithmetic without contraction on both, so the browser's engine and this native path give
// the same bits (WasmSessionTests); on the page in the browser they are several times faster than
// the Swift loops (docs/webassembly.md).
#if defined(__x86_64__) || defined(__wasm__)
#define ISA vector128
#if defined(__wasm__)
#define TARGET "simd128"
#else
#define TARGET "sse2"
#endif
#define FUSED 0
#define WIDE64 0
#define NARROW_BLOCK 2
#include "kernels_for_isa.h"

const bp_kernels_f32 bp_kernels_f32_vector128 = TABLE(f32);
const bp_kernels_f64 bp_kernels_f64_vector128 = TABLE(f64);
#endif
