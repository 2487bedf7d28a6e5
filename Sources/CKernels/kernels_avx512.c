// The kernels for avx512 (clang target "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma").
// Thirty-two registers: Double keeps the 4 × 16 tile as well, its 8-lane vectors in 512-bit registers; Float's 8-lane vectors stay 256 bits wide.
// The narrow pass takes samples four at a time (W2 Float 0.051 s against 0.053 two at a time).
#if defined(__x86_64__)
#define ISA avx512
#define TARGET "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma"
#define FUSED 1
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
static inline __attribute__((always_inline)) void madd16(V16 *s, V16 a, V16 b) { *s = BP_FMA(a, b, *s); }

/// Float's panel in 16-lane registers: 4-row × 32-column tiles (eight accumulators, as the 8-lane
/// 4 × 16 tile has), the 1–3 rows left over one at a time, and the rest of the columns by the
/// 8-lane panel.
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
    // The 1–3 rows left over (W1's hidden layer has 2, its output layer 1): one row at a time,
    // 32 columns in two registers, the same chains over k.
    for (long r = rows4; r < rows; r++) {
        const float *ar = a + r * rowStride;
        const V16 br = splat16(bias ? bias[r] : 0);
        float *cr = c + r * ldc;
        for (long j = 0; j < cols32; j += 32) {
            V16 s0 = {}, s1 = {}, t0 = {}, t1 = {};
            const float *bk = b + j;
            long ak = 0, k = 0;
            // Two steps of k at a time into separate registers would change the sums; instead
            // two column blocks of 32 share each broadcast when there are two.
            if (j + 64 <= cols32) {
                for (; k < depth; k++, bk += ldb, ak += depthStride) {
                    const V16 w = splat16(ar[ak]);
                    madd16(&s0, w, load16(bk)); madd16(&s1, w, load16(bk + 16));
                    madd16(&t0, w, load16(bk + 32)); madd16(&t1, w, load16(bk + 48));
                }
                store16(s0 + br, cr + j); store16(s1 + br, cr + j + 16);
                store16(t0 + br, cr + j + 32); store16(t1 + br, cr + j + 48);
                j += 32;
            } else {
                for (; k < depth; k++, bk += ldb, ak += depthStride) {
                    const V16 w = splat16(ar[ak]);
                    madd16(&s0, w, load16(bk)); madd16(&s1, w, load16(bk + 16));
                }
                store16(s0 + br, cr + j); store16(s1 + br, cr + j + 16);
            }
        }
    }
    if (rows4 < rows && cols32 < cols)
        bp_panel_f32_avx512(rows - rows4, depth, cols - cols32, a + rows4 * rowStride, rowStride, depthStride, b + cols32, ldb,
                            bias ? bias + rows4 : 0, c + rows4 * ldc + cols32, ldc);
}

/// Float's multiply_derivative (g ⊙= φ'(z), or g[r, :] = (w[r]·δ) ⊙ φ'(z[r, :]) below a one-output
/// layer) in 16-lane registers when the rows are a multiple of 16 long, else the 8-lane loop.
/// Element by element the same products in the same order, so the same values; half the
/// instructions (W1's pass below its output: 10 rows of 352 samples a step).
static void bp_multiply_derivative16_f32_avx512(int kind, const float *z, const float *a, float *g, long rows, long cols,
                                                long ld, const float *weights, const float *delta) {
    const int outer = weights != 0;
    const long loops = cols == ld && !outer ? 1 : rows, length = cols == ld && !outer ? rows * cols : cols;
    if (length % 16 != 0 || (kind != BP_RELU && kind != BP_TANH && kind != BP_SIGMOID && !outer)) {
        bp_multiply_derivative_f32_avx512(kind, z, a, g, rows, cols, ld, weights, delta);
        return;
    }
    typedef int VI16 __attribute__((vector_size(64)));
    const V16 zero = {}, one = splat16(1);
    for (long r = 0; r < loops; r++) {
        const float *zr = z + r * ld, *ar = a + r * ld;
        float *gr = g + r * ld;
        const V16 w = splat16(outer ? weights[r] : 1);
        const float *src = outer ? delta : gr;
        switch (kind) {
        case BP_RELU:
            for (long j = 0; j < length; j += 16) {
                const V16 v = w * load16(src + j);
                const VI16 keep = load16(zr + j) > zero;
                store16((V16)((VI16)v & keep), gr + j);
            }
            break;
        case BP_TANH:
            for (long j = 0; j < length; j += 16) { const V16 av = load16(ar + j); store16(w * load16(src + j) * (one - av * av), gr + j); }
            break;
        case BP_SIGMOID:
            for (long j = 0; j < length; j += 16) { const V16 av = load16(ar + j); store16(w * load16(src + j) * (av * (one - av)), gr + j); }
            break;
        default:
            for (long j = 0; j < length; j += 16) store16(w * load16(src + j), gr + j);
            break;
        }
    }
}

typedef V_f32_avx512 V8;
static inline __attribute__((always_inline)) V8 low8(V16 v) { return __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7); }
static inline __attribute__((always_inline)) V8 high8(V16 v) { return __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15); }

/// Float's narrow weight gradient with the rows left over by its 4-row blocks (all of them under
/// a one-output layer: W1's 1 × 10) in 16-lane registers: each running sum holds the even blocks
/// of 8 samples in its low half and the odd ones in its high half — the two sums the 8-lane loop
/// keeps for 4 and 2 inputs — so the result is the 8-lane kernel's bit for bit. The 4-row blocks
/// and a last single input go to the 8-lane code.
static void bp_weight_gradient16_f32_avx512(const float *delta, const float *x, long ld, long cols, long inW, long outW,
                                            float *gw, float *gb) {
    const long o4 = outW & ~3L, cols16 = cols & ~15L;
    if (o4 > 0) bp_weight_gradient_f32_avx512(delta, x, ld, cols, inW, o4, gw, gb);
    for (long r = o4; r < outW; r++) gb[r] = sum_f32_avx512(delta + r * ld, cols);
    for (long o = o4; o < outW; o++) {
        const float *d = delta + o * ld;
        float *g = gw + o * inW;
        long i = 0;
        for (; i + 4 <= inW; i += 4) {
            const float *x0 = x + i * ld, *x1 = x0 + ld, *x2 = x1 + ld, *x3 = x2 + ld;
            V16 s0 = {}, s1 = {}, s2 = {}, s3 = {};
            for (long s = 0; s < cols16; s += 16) {
                const V16 dv = load16(d + s);
                madd16(&s0, dv, load16(x0 + s)); madd16(&s1, dv, load16(x1 + s));
                madd16(&s2, dv, load16(x2 + s)); madd16(&s3, dv, load16(x3 + s));
            }
            V8 e0 = low8(s0), e1 = low8(s1), e2 = low8(s2), e3 = low8(s3);
            if (cols16 < cols) {
                const V8 dv = load_f32_avx512(d + cols16);
                madd_f32_avx512(&e0, dv, load_f32_avx512(x0 + cols16)); madd_f32_avx512(&e1, dv, load_f32_avx512(x1 + cols16));
                madd_f32_avx512(&e2, dv, load_f32_avx512(x2 + cols16)); madd_f32_avx512(&e3, dv, load_f32_avx512(x3 + cols16));
            }
            const V4_f32_avx512 sums = sum4_f32_avx512(e0 + high8(s0), e1 + high8(s1), e2 + high8(s2), e3 + high8(s3));
            g[i] = sums[0]; g[i + 1] = sums[1]; g[i + 2] = sums[2]; g[i + 3] = sums[3];
        }
        if (i + 2 <= inW) {
            const float *x0 = x + i * ld, *x1 = x0 + ld;
            V16 s0 = {}, s1 = {};
            for (long s = 0; s < cols16; s += 16) {
                const V16 dv = load16(d + s);
                madd16(&s0, dv, load16(x0 + s)); madd16(&s1, dv, load16(x1 + s));
            }
            V8 e0 = low8(s0), e1 = low8(s1);
            if (cols16 < cols) {
                const V8 dv = load_f32_avx512(d + cols16);
                madd_f32_avx512(&e0, dv, load_f32_avx512(x0 + cols16)); madd_f32_avx512(&e1, dv, load_f32_avx512(x1 + cols16));
            }
            g[i] = sum1_f32_avx512(e0 + high8(s0)); g[i + 1] = sum1_f32_avx512(e1 + high8(s1));
            i += 2;
        }
        if (i < inW) g[i] = dot_f32_avx512(d, x + i * ld, cols);
    }
}

/// matvec_rows4 in 16-lane registers: each row's even blocks of 8 in the low half of its running
/// sum, the odd ones in the high half, a last even block added to the low half, then the halves
/// added — the 8-lane kernel's s + t.
static inline __attribute__((always_inline)) void matvec16_rows4(const float *a0, long rowStride, const float *xs,
                                                                 long depth8, V8 out[4]) {
    const float *ar[4] = {a0, a0 + rowStride, a0 + 2 * rowStride, a0 + 3 * rowStride};
    V16 s0 = {}, s1 = {}, s2 = {}, s3 = {};
    long k = 0;
    for (; k + 16 <= depth8; k += 16) {
        const V16 v = load16(xs + k);
        madd16(&s0, load16(ar[0] + k), v); madd16(&s1, load16(ar[1] + k), v);
        madd16(&s2, load16(ar[2] + k), v); madd16(&s3, load16(ar[3] + k), v);
    }
    V8 e0 = low8(s0), e1 = low8(s1), e2 = low8(s2), e3 = low8(s3);
    if (k < depth8) {
        const V8 v = load_f32_avx512(xs + k);
        madd_f32_avx512(&e0, load_f32_avx512(ar[0] + k), v); madd_f32_avx512(&e1, load_f32_avx512(ar[1] + k), v);
        madd_f32_avx512(&e2, load_f32_avx512(ar[2] + k), v); madd_f32_avx512(&e3, load_f32_avx512(ar[3] + k), v);
    }
    out[0] = e0 + high8(s0); out[1] = e1 + high8(s1); out[2] = e2 + high8(s2); out[3] = e3 + high8(s3);
}

/// Sixteen rows' dot products with xs (depth8 a multiple of 16), their lane sums in one network
/// of two-register shuffles: the lanes i and i + 8 of each row's running sum (its even and odd
/// blocks of 8, matvec16_rows4's e + high8), then sum4's halving (i and i + 4, then neighbours,
/// then neighbours again), so each row's sum is the 8-lane kernel's, bit for bit. Sixteen rows
/// share 30 shuffles where four rows at a time take 40: at batch 1 the lane sums, not the
/// multiply-adds, are most of the forward product.
static inline __attribute__((always_inline)) V16 matvec16_rows16(const float *a, long rowStride, const float *xs, long depth8) {
    V16 s[16] = {};
    for (long k = 0; k < depth8; k += 16) {
        const V16 v = load16(xs + k);
        for (int q = 0; q < 16; q++) madd16(&s[q], load16(a + q * rowStride + k), v);
    }
    V16 p[8], h[4], n[2];
    for (int i = 0; i < 8; i++)   // [row 2i's 8 lanes | row 2i+1's], lanes i + (i + 8)
        p[i] = __builtin_shufflevector(s[2 * i], s[2 * i + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
             + __builtin_shufflevector(s[2 * i], s[2 * i + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    for (int i = 0; i < 4; i++)   // four rows' halves, 4 lanes each: lanes j + (j + 4)
        h[i] = __builtin_shufflevector(p[2 * i], p[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27)
             + __builtin_shufflevector(p[2 * i], p[2 * i + 1], 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    for (int i = 0; i < 2; i++)   // eight rows, 2 lanes each: neighbours
        n[i] = __builtin_shufflevector(h[2 * i], h[2 * i + 1], 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
             + __builtin_shufflevector(h[2 * i], h[2 * i + 1], 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    return __builtin_shufflevector(n[0], n[1], 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
         + __builtin_shufflevector(n[0], n[1], 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
}

/// Float's one-sample forward product (bp_matvec with W read along its rows, depth ≥ 16) in
/// 16-lane registers: each row's running sum holds the even blocks of 8 in its low half and the
/// odd ones in its high half — the two sums the 8-lane kernel keeps — so the result is bit for
/// bit the 8-lane kernel's. Everything else goes to the 8-lane kernel.
static void bp_matvec16_f32_avx512(long rows, long depth, const float *a, long rowStride, long depthStride,
                                   const float *x, long incx, const float *bias, float *y, long incy) {
    const long depth8 = depth & ~7L;
    if (depthStride != 1 || depth8 < 16) {
        bp_matvec_f32_avx512(rows, depth, a, rowStride, depthStride, x, incx, bias, y, incy);
        return;
    }
    float xbuf[BP_ONE_SAMPLE_WIDTH + 8] __attribute__((aligned(64)));
    float ybuf[BP_ONE_SAMPLE_WIDTH + 8] __attribute__((aligned(64)));
    const float *xs = contiguous_in_f32_avx512(x, incx, depth, xbuf);
    float *ys = incy == 1 ? y : ybuf;
    long r = 0;
    for (; depth8 % 16 == 0 && r + 16 <= rows; r += 16) {
        store16(matvec16_rows16(a + r * rowStride, rowStride, xs, depth8), ys + r);
        matvec_tails_f32_avx512(16, a + r * rowStride, rowStride, xs, depth8, depth, ys + r);
    }
    for (; r + 8 <= rows; r += 8) {   // as the 8-lane kernel: two blocks of four rows, one sum8
        V8 s[8];
        matvec16_rows4(a + r * rowStride, rowStride, xs, depth8, s);
        matvec16_rows4(a + (r + 4) * rowStride, rowStride, xs, depth8, s + 4);
        store_f32_avx512(sum8_f32_avx512(s), ys + r);
        matvec_tails_f32_avx512(8, a + r * rowStride, rowStride, xs, depth8, depth, ys + r);
    }
    for (; r + 4 <= rows; r += 4) {
        V8 s[4];
        matvec16_rows4(a + r * rowStride, rowStride, xs, depth8, s);
        V4_f32_avx512 sums = sum4_f32_avx512(s[0], s[1], s[2], s[3]);
        for (int q = 0; q < 4; q++) ys[r + q] = sums[q];
        matvec_tails_f32_avx512(4, a + r * rowStride, rowStride, xs, depth8, depth, ys + r);
    }
    for (; r < rows; r++) {
        const float *ar = a + r * rowStride;
        V16 s = {};
        long k = 0;
        for (; k + 16 <= depth8; k += 16) madd16(&s, load16(ar + k), load16(xs + k));
        V8 e = low8(s);
        if (k < depth8) madd_f32_avx512(&e, load_f32_avx512(ar + k), load_f32_avx512(xs + k));
        float t = sum1_f32_avx512(e + high8(s));
        _Pragma("clang loop vectorize(disable) interleave(disable)")
        for (long k = depth8; k < depth; k++) t = BP_FMA(ar[k], xs[k], t);
        ys[r] = t;
    }
    matvec_out_f32_avx512(ys, bias, rows, y, incy);
}

/// Float's SGD step for 1–7 samples (bp_sample_sgd) in 16-lane registers: strips of 64 inputs for
/// one sample, of 16 for more, the rest as the 8-lane kernel takes it. Every weight's update and
/// every input gradient's chain over o are the 8-lane kernel's, so the result is bit for bit the
/// same; only the width doubles (the step is one pass of loads and stores over W).
static inline __attribute__((always_inline)) long sample_sgd16(int S, long outW, long inW, float *w,
                                                              struct sample_rows_f32_avx512 m, float eta, int want_e) {
    const V16 ev = splat16(eta);
    long r = 0;
    for (; S == 1 && r + 64 <= inW; r += 64) {
        V16 s0 = {}, s1 = {}, s2 = {}, s3 = {};
        const V16 x0 = load16(m.xs + r), x1 = load16(m.xs + r + 16), x2 = load16(m.xs + r + 32), x3 = load16(m.xs + r + 48);
        float *wk = w + r;
        if (want_e) {
            for (long o = 0; o < outW; o++, wk += inW) {
                const V16 d = splat16(m.ds[o]), w0 = load16(wk), w1 = load16(wk + 16), w2 = load16(wk + 32), w3 = load16(wk + 48);
                madd16(&s0, w0, d); madd16(&s1, w1, d); madd16(&s2, w2, d); madd16(&s3, w3, d);
                store16(w0 - ev * (d * x0), wk); store16(w1 - ev * (d * x1), wk + 16);
                store16(w2 - ev * (d * x2), wk + 32); store16(w3 - ev * (d * x3), wk + 48);
            }
            store16(s0, m.es + r); store16(s1, m.es + r + 16); store16(s2, m.es + r + 32); store16(s3, m.es + r + 48);
        } else {
            for (long o = 0; o < outW; o++, wk += inW) {
                const V16 d = splat16(m.ds[o]);
                store16(load16(wk) - ev * (d * x0), wk); store16(load16(wk + 16) - ev * (d * x1), wk + 16);
                store16(load16(wk + 32) - ev * (d * x2), wk + 32); store16(load16(wk + 48) - ev * (d * x3), wk + 48);
            }
        }
    }
    // 2–4 samples without the input gradient (a first layer): strips of 64 as well, each sample's
    // δ broadcast once per row instead of once per 16 weights; the update is the loop's below.
    for (; S >= 2 && S <= 4 && !want_e && r + 64 <= inW; r += 64) {
        V16 xv[4][4];
        for (int j = 0; j < S; j++) for (int q = 0; q < 4; q++) xv[j][q] = load16(m.xs + j * m.inP + r + 16 * q);
        float *wk = w + r;
        for (long o = 0; o < outW; o++, wk += inW) {
            V16 d[4];
            for (int j = 0; j < S; j++) d[j] = splat16(m.ds[j * m.outP + o]);
            for (int q = 0; q < 4; q++) {
                V16 g = d[0] * xv[0][q];
                for (int j = 1; j < S; j++) g = g + d[j] * xv[j][q];
                store16(load16(wk + 16 * q) - ev * g, wk + 16 * q);
            }
        }
    }
    for (; r + 16 <= inW; r += 16) {
        V16 sums[BP_SAMPLE_MAX] = {}, xv[BP_SAMPLE_MAX];
        for (int j = 0; j < S; j++) xv[j] = load16(m.xs + j * m.inP + r);
        float *wk = w + r;
        for (long o = 0; o < outW; o++, wk += inW) {
            const V16 w0 = load16(wk), d0 = splat16(m.ds[o]);
            if (want_e) madd16(&sums[0], w0, d0);
            V16 g = d0 * xv[0];
            for (int j = 1; j < S; j++) {
                const V16 dj = splat16(m.ds[j * m.outP + o]);
                if (want_e) madd16(&sums[j], w0, dj);
                g = g + dj * xv[j];
            }
            store16(w0 - ev * g, wk);
        }
        if (want_e) for (int j = 0; j < S; j++) store16(sums[j], m.es + j * m.inP + r);
    }
    return r;
}

static inline __attribute__((always_inline)) void sample_sgd16_all(int S, long outW, long inW, float *w, float *b,
                                                                   const float *delta, const float *x, long ld, float eta,
                                                                   float *e, float *scratch) {
    const struct sample_rows_f32_avx512 m = sample_sgd_in_f32_avx512(S, outW, inW, delta, x, ld, e, scratch);
    sample_sgd_columns_f32_avx512(S, outW, inW, w, m, eta, e != 0, sample_sgd16(S, outW, inW, w, m, eta, e != 0));
    sample_sgd_out_f32_avx512(S, outW, inW, b, m, eta, e, ld);
}

static void bp_sample_sgd16_f32_avx512(long samples, long outW, long inW, float *w, float *b, const float *delta,
                                       const float *x, long ld, float eta, float *e, float *scratch) {
    switch (samples) {
    case 1: sample_sgd16_all(1, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    case 2: sample_sgd16_all(2, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    case 3: sample_sgd16_all(3, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    case 4: sample_sgd16_all(4, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    case 5: sample_sgd16_all(5, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    case 6: sample_sgd16_all(6, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    default: sample_sgd16_all(7, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    }
}

#pragma clang attribute pop

// Float's table: the 16-lane kernels above where there is one, the template's 8-lane ones elsewhere.
const bp_kernels_f32 bp_kernels_f32_avx512 = {
    .panel = bp_panel16_f32_avx512, .weight_gradient = bp_weight_gradient16_f32_avx512,
    .bias_gradient = bp_bias_gradient_f32_avx512, .activate = bp_activate_f32_avx512,
    .multiply_derivative = bp_multiply_derivative16_f32_avx512, .head_row = bp_head_row_f32_avx512,
    .matvec = bp_matvec16_f32_avx512, .outer = bp_outer_f32_avx512, .sgd = bp_sgd_f32_avx512,
    .transpose = bp_transpose_f32_avx512, .sample_sgd = bp_sample_sgd16_f32_avx512,
    .narrow_pass = bp_narrow_pass_f32_avx512, .softmax = bp_softmax_f32_avx512,
};
const bp_kernels_f64 bp_kernels_f64_avx512 = TABLE(f64);
#endif
