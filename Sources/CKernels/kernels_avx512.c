// The kernels for avx512 (clang target "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma").
// Thirty-two registers: Double keeps the 4 × 16 tile as well, its 8-lane vectors in 512-bit registers; Float's 8-lane vectors stay 256 bits wide.
// The narrow pass takes samples four at a time (W2 Float 0.051 s against 0.053 two at a time).
#if defined(__x86_64__)
#define ISA avx512
#define TARGET "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma"
#define WIDE64 1
#define NARROW_BLOCK 4
#include "kernels_for_isa.h"

typedef float V16 __attribute__((vector_size(64)));

#pragma clang attribute push(__attribute__((target(TARGET))), apply_to = function)
static inline __attribute__((always_inline)) V16 load16(const float *p) { V16 v; __builtin_memcpy(&v, p, sizeof v); return v; }
static inline __attribute__((always_inline)) void store16(V16 v, float *p) { __builtin_memcpy(p, &v, sizeof v); }
static inline __attribute__((always_inline)) V16 splat16(float s) {
    return (V16){s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s};
}
static inline __attribute__((always_inline)) void madd16(V16 *s, V16 a, V16 b) { *s = __builtin_elementwise_fma(a, b, *s); }

/// Float's panel in 16-lane registers: 4-row × 32-column tiles (eight accumulators, as the 8-lane
/// 4 × 16 tile has), the rest of the columns and the 1–3 rows left over by the 8-lane panel.
/// Each element of C is still the same chain of fused multiply-adds over k in order, so the
/// result is bit for bit that of the 8-lane panel (and of the AVX2 path); only the register
/// width doubles. W3's products (64-128-10 at batch 32: tiles of 4 × 32) run 16 lanes wide.
static void bp_panel16_f32_avx512(long rows, long depth, long cols, const float *a, long rowStride, long depthStride,
                                  const float *b, long ldb, const float *bias, float *c, long ldc) {
    long rows4 = rows & ~3L, cols32 = cols & ~31L;
    if (cols32 == 0 || rows4 == 0) {   // W2's 16-sample batches: the 8-lane panel in one call
        bp_panel_f32_avx512(rows, depth, cols, a, rowStride, depthStride, b, ldb, bias, c, ldc);
        return;
    }
    for (long r = 0; r < rows4; r += 4) {
        const float *a0 = a + r * rowStride, *a1 = a0 + rowStride, *a2 = a1 + rowStride, *a3 = a2 + rowStride;
        V16 b0 = splat16(bias ? bias[r] : 0), b1 = splat16(bias ? bias[r + 1] : 0);
        V16 b2 = splat16(bias ? bias[r + 2] : 0), b3 = splat16(bias ? bias[r + 3] : 0);
        float *c0 = c + r * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
        for (long j = 0; j < cols32; j += 32) {
            V16 s00 = {}, s01 = {}, s10 = {}, s11 = {}, s20 = {}, s21 = {}, s30 = {}, s31 = {};
            const float *bk = b + j;
            long ak = 0;
            for (long k = 0; k < depth; k++, bk += ldb, ak += depthStride) {
                V16 lo = load16(bk), hi = load16(bk + 16);
                V16 w0 = splat16(a0[ak]), w1 = splat16(a1[ak]), w2 = splat16(a2[ak]), w3 = splat16(a3[ak]);
                madd16(&s00, w0, lo); madd16(&s01, w0, hi); madd16(&s10, w1, lo); madd16(&s11, w1, hi);
                madd16(&s20, w2, lo); madd16(&s21, w2, hi); madd16(&s30, w3, lo); madd16(&s31, w3, hi);
            }
            store16(s00 + b0, c0 + j); store16(s01 + b0, c0 + j + 16);
            store16(s10 + b1, c1 + j); store16(s11 + b1, c1 + j + 16);
            store16(s20 + b2, c2 + j); store16(s21 + b2, c2 + j + 16);
            store16(s30 + b3, c3 + j); store16(s31 + b3, c3 + j + 16);
        }
    }
    if (cols32 < cols)
        bp_panel_f32_avx512(rows4, depth, cols - cols32, a, rowStride, depthStride, b + cols32, ldb,
                            bias, c + cols32, ldc);
    if (rows4 < rows)
        bp_panel_f32_avx512(rows - rows4, depth, cols, a + rows4 * rowStride, rowStride, depthStride, b, ldb,
                            bias ? bias + rows4 : 0, c + rows4 * ldc, ldc);
}

#pragma clang attribute pop

const bp_kernels_f32 bp_kernels_f32_avx512 = {
    bp_panel16_f32_avx512, bp_weight_gradient_f32_avx512, bp_bias_gradient_f32_avx512,
    bp_activate_f32_avx512, bp_multiply_derivative_f32_avx512, bp_head_row_f32_avx512,
    bp_matvec_f32_avx512, bp_outer_f32_avx512, bp_sgd_f32_avx512, bp_transpose_f32_avx512,
    bp_sample_sgd_f32_avx512, bp_narrow_pass_f32_avx512,
};
const bp_kernels_f64 bp_kernels_f64_avx512 = TABLE(f64);
#endif
