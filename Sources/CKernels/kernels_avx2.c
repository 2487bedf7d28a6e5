// The kernels for avx2 (clang target "avx2,fma").
// Sixteen registers: a 4 × 16 tile of Double would need all of them for its accumulators, so Double
// takes 4 × 8 tiles, as the Swift reference does; the narrow pass takes samples two at a time
// (four spilled: 0.058 s against 0.055 for W2 Float).
#if defined(__x86_64__)
#define ISA avx2
#define TARGET "avx2,fma"
#define FUSED 1
#define WIDE64 0
#define NARROW_BLOCK 2
#include "kernels_for_isa.h"

const bp_kernels_f32 bp_kernels_f32_avx2 = TABLE(f32);
const bp_kernels_f64 bp_kernels_f64_avx2 = TABLE(f64);
#endif
