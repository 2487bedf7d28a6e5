// The hot loops of a dense layer, written once and compiled once per instruction set.
//
// This file is a template, included by kernels_for_isa.h once per element type inside that
// instruction set's target region, with T (float or double), TS (f32, f64), SUF (the name suffix,
// f32_avx2) and PANEL_WIDE defined: every function here carries the target, so one source gives
// the 128-bit, AVX2+FMA and AVX-512 builds of the same loops, and `dispatch.c` hands out one
// set. FN(name) is name_SUF: kernels_for_isa.h lists the names this makes, for grep.
//
// The loops mirror the Swift reference (Sources/Backprop/Kernels.swift and VectorMath.swift)
// statement for statement: the same tiles, the same order of sums, the same polynomials, with
// every multiply-add fused (the Swift code's `madd` and `mulAdd` under its FMA trait). Read the
// Swift file for why each loop is shaped as it is; this one says only what differs.

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(name, SUF)

typedef T CAT(V, SUF) __attribute__((vector_size(8 * sizeof(T))));
typedef T CAT(V4, SUF) __attribute__((vector_size(4 * sizeof(T))));
typedef T CAT(V2, SUF) __attribute__((vector_size(2 * sizeof(T))));
#define V CAT(V, SUF)
#define V4 CAT(V4, SUF)
#define V2 CAT(V2, SUF)
/// The integer vector of V's lane width: what a comparison of two V gives (−1 or 0 per lane).
#if defined(BP_DOUBLE)
typedef long long CAT(VI, SUF) __attribute__((vector_size(8 * sizeof(T))));
#else
typedef int CAT(VI, SUF) __attribute__((vector_size(8 * sizeof(T))));
#endif
#define VI CAT(VI, SUF)

static inline __attribute__((always_inline)) V FN(load)(const T *p) { V v; __builtin_memcpy(&v, p, sizeof v); return v; }
static inline __attribute__((always_inline)) void FN(store)(V v, T *p) { __builtin_memcpy(p, &v, sizeof v); }
/// Spelled out lane by lane: `(V){} + s` is a real addition of +0 (it turns −0 into +0), one more
/// instruction before every broadcast.
static inline __attribute__((always_inline)) V FN(splat)(T s) { return (V){s, s, s, s, s, s, s, s}; }
static inline __attribute__((always_inline)) void FN(madd)(V *s, V a, V b) { *s = BP_FMA(a, b, *s); }

#define LOAD FN(load)
#define STORE FN(store)
#define SPLAT FN(splat)
#define MADD FN(madd)
/// The one-sample kernels' short strided loops stay scalar: vectorised, they became gathers,
/// which cost more than the few values they move (a third of the spiral's batch-1 step).
#define SCALAR _Pragma("clang loop vectorize(disable) interleave(disable)")

/// Lane sums of four vectors by halving, as `Kernels.sum4`.
static inline __attribute__((always_inline)) V4 FN(sum4)(V a, V b, V c, V d) {
    V4 a4 = __builtin_shufflevector(a, a, 0, 1, 2, 3) + __builtin_shufflevector(a, a, 4, 5, 6, 7);
    V4 b4 = __builtin_shufflevector(b, b, 0, 1, 2, 3) + __builtin_shufflevector(b, b, 4, 5, 6, 7);
    V4 c4 = __builtin_shufflevector(c, c, 0, 1, 2, 3) + __builtin_shufflevector(c, c, 4, 5, 6, 7);
    V4 d4 = __builtin_shufflevector(d, d, 0, 1, 2, 3) + __builtin_shufflevector(d, d, 4, 5, 6, 7);
    V ab = __builtin_shufflevector(a4, b4, 0, 1, 2, 3, 4, 5, 6, 7);
    V cd = __builtin_shufflevector(c4, d4, 0, 1, 2, 3, 4, 5, 6, 7);
    V4 ab2 = __builtin_shufflevector(ab, ab, 0, 2, 4, 6) + __builtin_shufflevector(ab, ab, 1, 3, 5, 7);
    V4 cd2 = __builtin_shufflevector(cd, cd, 0, 2, 4, 6) + __builtin_shufflevector(cd, cd, 1, 3, 5, 7);
    V abcd = __builtin_shufflevector(ab2, cd2, 0, 1, 2, 3, 4, 5, 6, 7);
    return __builtin_shufflevector(abcd, abcd, 0, 2, 4, 6) + __builtin_shufflevector(abcd, abcd, 1, 3, 5, 7);
}

/// The lane sums of eight vectors, each by sum4's halving (its lanes and order, so a row gives
/// the same sum either way) but in one network of shuffles: two per row instead of sum4's three
/// or more, and the sums come out as one vector.
static inline __attribute__((always_inline)) V FN(sum8)(const V v[8]) {
    V h[4], p[2];
    for (int i = 0; i < 4; i++)
        h[i] = __builtin_shufflevector(v[2 * i], v[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11)
             + __builtin_shufflevector(v[2 * i], v[2 * i + 1], 4, 5, 6, 7, 12, 13, 14, 15);
    for (int i = 0; i < 2; i++)
        p[i] = __builtin_shufflevector(h[2 * i], h[2 * i + 1], 0, 2, 4, 6, 8, 10, 12, 14)
             + __builtin_shufflevector(h[2 * i], h[2 * i + 1], 1, 3, 5, 7, 9, 11, 13, 15);
    return __builtin_shufflevector(p[0], p[1], 0, 2, 4, 6, 8, 10, 12, 14)
         + __builtin_shufflevector(p[0], p[1], 1, 3, 5, 7, 9, 11, 13, 15);
}

/// The lane sum of one vector by halving, as `Kernels.sum1`.
static inline __attribute__((always_inline)) T FN(sum1)(V v) {
    V4 h = __builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7);
    V2 q = __builtin_shufflevector(h, h, 0, 1) + __builtin_shufflevector(h, h, 2, 3);
    return q[0] + q[1];
}

static inline __attribute__((always_inline)) T FN(dot)(const T *a, const T *b, long count) {
    V a0 = {}, a1 = {}, a2 = {}, a3 = {};
    long i = 0;
    for (; i + 32 <= count; i += 32) {
        MADD(&a0, LOAD(a + i), LOAD(b + i)); MADD(&a1, LOAD(a + i + 8), LOAD(b + i + 8));
        MADD(&a2, LOAD(a + i + 16), LOAD(b + i + 16)); MADD(&a3, LOAD(a + i + 24), LOAD(b + i + 24));
    }
    for (; i < count; i += 8) MADD(&a0, LOAD(a + i), LOAD(b + i));
    return FN(sum1)((a0 + a1) + (a2 + a3));
}

static inline __attribute__((always_inline)) T FN(sum)(const T *p, long count) {
    V a0 = {}, a1 = {}, a2 = {}, a3 = {};
    long i = 0;
    for (; i + 32 <= count; i += 32) { a0 += LOAD(p + i); a1 += LOAD(p + i + 8); a2 += LOAD(p + i + 16); a3 += LOAD(p + i + 24); }
    for (; i + 8 <= count; i += 8) a0 += LOAD(p + i);
    T total = FN(sum1)((a0 + a1) + (a2 + a3));
    for (; i < count; i++) total += p[i];
    return total;
}

/// `Kernels.panel`: C[r, 0..<cols] = Σ_k A(r, k) · B[k, 0..<cols] (+ bias[r]), cols a multiple of 8.
void FN(bp_panel)(long rows, long depth, long cols, const T *a, long rowStride, long depthStride,
                  const T *b, long ldb, const T *bias, T *c, long ldc) {
    long r = 0;
    for (; r + 4 <= rows; r += 4) {
        const T *a0 = a + r * rowStride, *a1 = a0 + rowStride, *a2 = a1 + rowStride, *a3 = a2 + rowStride;
        V b0 = SPLAT(bias ? bias[r] : 0), b1 = SPLAT(bias ? bias[r + 1] : 0);
        V b2 = SPLAT(bias ? bias[r + 2] : 0), b3 = SPLAT(bias ? bias[r + 3] : 0);
        T *c0 = c + r * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
        long j = 0;
        for (; PANEL_WIDE && j + 16 <= cols; j += 16) {
            V s00 = {}, s01 = {}, s10 = {}, s11 = {}, s20 = {}, s21 = {}, s30 = {}, s31 = {};
            const T *bk = b + j;
            long ak = 0;
            for (long k = 0; k < depth; k++, bk += ldb, ak += depthStride) {
                V lo = LOAD(bk), hi = LOAD(bk + 8);
                V w0 = SPLAT(a0[ak]), w1 = SPLAT(a1[ak]), w2 = SPLAT(a2[ak]), w3 = SPLAT(a3[ak]);
                MADD(&s00, w0, lo); MADD(&s01, w0, hi); MADD(&s10, w1, lo); MADD(&s11, w1, hi);
                MADD(&s20, w2, lo); MADD(&s21, w2, hi); MADD(&s30, w3, lo); MADD(&s31, w3, hi);
            }
            STORE(s00 + b0, c0 + j); STORE(s01 + b0, c0 + j + 8);
            STORE(s10 + b1, c1 + j); STORE(s11 + b1, c1 + j + 8);
            STORE(s20 + b2, c2 + j); STORE(s21 + b2, c2 + j + 8);
            STORE(s30 + b3, c3 + j); STORE(s31 + b3, c3 + j + 8);
        }
        for (; j < cols; j += 8) {
            V s0 = {}, s1 = {}, s2 = {}, s3 = {};
            const T *bk = b + j;
            long ak = 0;
            for (long k = 0; k < depth; k++, bk += ldb, ak += depthStride) {
                V v = LOAD(bk);
                MADD(&s0, SPLAT(a0[ak]), v); MADD(&s1, SPLAT(a1[ak]), v);
                MADD(&s2, SPLAT(a2[ak]), v); MADD(&s3, SPLAT(a3[ak]), v);
            }
            STORE(s0 + b0, c0 + j); STORE(s1 + b1, c1 + j); STORE(s2 + b2, c2 + j); STORE(s3 + b3, c3 + j);
        }
    }
    for (; r + 2 <= rows; r += 2) {
        const T *a0 = a + r * rowStride, *a1 = a0 + rowStride;
        V b0 = SPLAT(bias ? bias[r] : 0), b1 = SPLAT(bias ? bias[r + 1] : 0);
        T *c0 = c + r * ldc, *c1 = c0 + ldc;
        long j = 0;
        for (; PANEL_WIDE && j + 32 <= cols; j += 32) {
            V s00 = {}, s01 = {}, s02 = {}, s03 = {}, s10 = {}, s11 = {}, s12 = {}, s13 = {};
            const T *bk = b + j;
            long ak = 0;
            for (long k = 0; k < depth; k++, bk += ldb, ak += depthStride) {
                V v0 = LOAD(bk), v1 = LOAD(bk + 8), v2 = LOAD(bk + 16), v3 = LOAD(bk + 24);
                V w0 = SPLAT(a0[ak]), w1 = SPLAT(a1[ak]);
                MADD(&s00, w0, v0); MADD(&s01, w0, v1); MADD(&s02, w0, v2); MADD(&s03, w0, v3);
                MADD(&s10, w1, v0); MADD(&s11, w1, v1); MADD(&s12, w1, v2); MADD(&s13, w1, v3);
            }
            STORE(s00 + b0, c0 + j); STORE(s01 + b0, c0 + j + 8); STORE(s02 + b0, c0 + j + 16); STORE(s03 + b0, c0 + j + 24);
            STORE(s10 + b1, c1 + j); STORE(s11 + b1, c1 + j + 8); STORE(s12 + b1, c1 + j + 16); STORE(s13 + b1, c1 + j + 24);
        }
        for (; j + 16 <= cols; j += 16) {
            V s00 = {}, s01 = {}, s10 = {}, s11 = {};
            const T *bk = b + j;
            long ak = 0;
            for (long k = 0; k < depth; k++, bk += ldb, ak += depthStride) {
                V v0 = LOAD(bk), v1 = LOAD(bk + 8);
                V w0 = SPLAT(a0[ak]), w1 = SPLAT(a1[ak]);
                MADD(&s00, w0, v0); MADD(&s01, w0, v1); MADD(&s10, w1, v0); MADD(&s11, w1, v1);
            }
            STORE(s00 + b0, c0 + j); STORE(s01 + b0, c0 + j + 8);
            STORE(s10 + b1, c1 + j); STORE(s11 + b1, c1 + j + 8);
        }
        if (j < cols) {
            V s0 = {}, s1 = {};
            const T *bk = b + j;
            long ak = 0;
            for (long k = 0; k < depth; k++, bk += ldb, ak += depthStride) {
                V v = LOAD(bk);
                MADD(&s0, SPLAT(a0[ak]), v); MADD(&s1, SPLAT(a1[ak]), v);
            }
            STORE(s0 + b0, c0 + j); STORE(s1 + b1, c1 + j);
        }
    }
    if (r < rows) {
        const T *ar = a + r * rowStride;
        T *cr = c + r * ldc;
        V br = SPLAT(bias ? bias[r] : 0);
        long j = 0;
        for (; j + 32 <= cols; j += 32) {
            V s0 = {}, s1 = {}, s2 = {}, s3 = {};
            const T *bk = b + j;
            long ak = 0;
            for (long k = 0; k < depth; k++, bk += ldb, ak += depthStride) {
                V w = SPLAT(ar[ak]);
                MADD(&s0, w, LOAD(bk)); MADD(&s1, w, LOAD(bk + 8)); MADD(&s2, w, LOAD(bk + 16)); MADD(&s3, w, LOAD(bk + 24));
            }
            STORE(s0 + br, cr + j); STORE(s1 + br, cr + j + 8); STORE(s2 + br, cr + j + 16); STORE(s3 + br, cr + j + 24);
        }
        for (; j < cols; j += 8) {
            V s = {};
            const T *bk = b + j;
            long ak = 0;
            for (long k = 0; k < depth; k++, bk += ldb, ak += depthStride) MADD(&s, SPLAT(ar[ak]), LOAD(bk));
            STORE(s + br, cr + j);
        }
    }
}

/// Four outputs × two inputs of the narrow weight gradient (`Kernels.weightGradientBySamples`),
/// and with `with_bias` the four outputs' bias gradients from the same loads of δ (a second pass
/// over δ was a tenth of W2's step). Always inlined with a constant `with_bias`.
static inline __attribute__((always_inline))
void FN(gradient4x2)(const T *d0, const T *d1, const T *d2, const T *d3, const T *x0, const T *x1, long cols,
                     T *g0, T *g1, T *g2, T *g3, long i, int with_bias, T *gb) {
    V s00 = {}, s01 = {}, s10 = {}, s11 = {}, s20 = {}, s21 = {}, s30 = {}, s31 = {};
    V b0 = {}, b1 = {}, b2 = {}, b3 = {};
    for (long s = 0; s < cols; s += 8) {
        V u = LOAD(x0 + s), v = LOAD(x1 + s);
        V e0 = LOAD(d0 + s), e1 = LOAD(d1 + s), e2 = LOAD(d2 + s), e3 = LOAD(d3 + s);
        MADD(&s00, e0, u); MADD(&s01, e0, v); MADD(&s10, e1, u); MADD(&s11, e1, v);
        MADD(&s20, e2, u); MADD(&s21, e2, v); MADD(&s30, e3, u); MADD(&s31, e3, v);
        if (with_bias) { b0 += e0; b1 += e1; b2 += e2; b3 += e3; }
    }
    V4 top = FN(sum4)(s00, s01, s10, s11), bottom = FN(sum4)(s20, s21, s30, s31);
    g0[i] = top[0]; g0[i + 1] = top[1]; g1[i] = top[2]; g1[i + 1] = top[3];
    g2[i] = bottom[0]; g2[i + 1] = bottom[1]; g3[i] = bottom[2]; g3[i + 1] = bottom[3];
    if (with_bias) { V4 b = FN(sum4)(b0, b1, b2, b3); gb[0] = b[0]; gb[1] = b[1]; gb[2] = b[2]; gb[3] = b[3]; }
}

/// Four outputs × one input (the odd input left over), with the bias gradients as above.
static inline __attribute__((always_inline))
void FN(gradient4x1)(const T *d0, const T *d1, const T *d2, const T *d3, const T *x0, long cols,
                     T *g0, T *g1, T *g2, T *g3, long i, int with_bias, T *gb) {
    V s0 = {}, s1 = {}, s2 = {}, s3 = {}, b0 = {}, b1 = {}, b2 = {}, b3 = {};
    for (long s = 0; s < cols; s += 8) {
        V u = LOAD(x0 + s), e0 = LOAD(d0 + s), e1 = LOAD(d1 + s), e2 = LOAD(d2 + s), e3 = LOAD(d3 + s);
        MADD(&s0, e0, u); MADD(&s1, e1, u); MADD(&s2, e2, u); MADD(&s3, e3, u);
        if (with_bias) { b0 += e0; b1 += e1; b2 += e2; b3 += e3; }
    }
    V4 sums = FN(sum4)(s0, s1, s2, s3);
    g0[i] = sums[0]; g1[i] = sums[1]; g2[i] = sums[2]; g3[i] = sums[3];
    if (with_bias) { V4 b = FN(sum4)(b0, b1, b2, b3); gb[0] = b[0]; gb[1] = b[1]; gb[2] = b[2]; gb[3] = b[3]; }
}

/// `Kernels.weightGradientBySamples` and `Kernels.biasGradient` in one pass: gW[o, i] =
/// Σ_s δ[o, s] · x[i, s] for narrow inputs, gb[o] = Σ_s δ[o, s] — the bias sums in the same
/// lanes and order as `biasGradient`'s, so the result is the same.
void FN(bp_weight_gradient)(const T *delta, const T *x, long ld, long cols, long inW, long outW, T *gw, T *gb) {
    long o = 0;
    for (; o + 4 <= outW; o += 4) {
        const T *d0 = delta + o * ld, *d1 = d0 + ld, *d2 = d1 + ld, *d3 = d2 + ld;
        T *g0 = gw + o * inW, *g1 = g0 + inW, *g2 = g1 + inW, *g3 = g2 + inW;
        long i = 0;
        if (inW >= 2) {
            FN(gradient4x2)(d0, d1, d2, d3, x, x + ld, cols, g0, g1, g2, g3, 0, 1, gb + o);
            for (i = 2; i + 2 <= inW; i += 2)
                FN(gradient4x2)(d0, d1, d2, d3, x + i * ld, x + (i + 1) * ld, cols, g0, g1, g2, g3, i, 0, gb + o);
            if (i < inW) FN(gradient4x1)(d0, d1, d2, d3, x + i * ld, cols, g0, g1, g2, g3, i, 0, gb + o);
        } else {
            FN(gradient4x1)(d0, d1, d2, d3, x, cols, g0, g1, g2, g3, 0, 1, gb + o);
        }
    }
    for (long r = o; r < outW; r++) gb[r] = FN(sum)(delta + r * ld, cols);
    for (; o < outW; o++) {
        const T *d = delta + o * ld;
        T *g = gw + o * inW;
        long i = 0;
        for (; i + 4 <= inW; i += 4) {
            const T *x0 = x + i * ld, *x1 = x0 + ld, *x2 = x1 + ld, *x3 = x2 + ld;
            // Two running sums per weight (even and odd blocks of 8 samples), where the Swift loop
            // keeps one: each chain waited on the fma before it, and W1's one-output layer spent
            // its weight gradient waiting (the same sums to the last bits; KernelPathTests).
            V s0 = {}, s1 = {}, s2 = {}, s3 = {}, t0 = {}, t1 = {}, t2 = {}, t3 = {};
            long s = 0;
            for (; s + 16 <= cols; s += 16) {
                V dv = LOAD(d + s), dw = LOAD(d + s + 8);
                MADD(&s0, dv, LOAD(x0 + s)); MADD(&s1, dv, LOAD(x1 + s));
                MADD(&s2, dv, LOAD(x2 + s)); MADD(&s3, dv, LOAD(x3 + s));
                MADD(&t0, dw, LOAD(x0 + s + 8)); MADD(&t1, dw, LOAD(x1 + s + 8));
                MADD(&t2, dw, LOAD(x2 + s + 8)); MADD(&t3, dw, LOAD(x3 + s + 8));
            }
            if (s < cols) {
                V dv = LOAD(d + s);
                MADD(&s0, dv, LOAD(x0 + s)); MADD(&s1, dv, LOAD(x1 + s));
                MADD(&s2, dv, LOAD(x2 + s)); MADD(&s3, dv, LOAD(x3 + s));
            }
            V4 sums = FN(sum4)(s0 + t0, s1 + t1, s2 + t2, s3 + t3);
            g[i] = sums[0]; g[i + 1] = sums[1]; g[i + 2] = sums[2]; g[i + 3] = sums[3];
        }
        if (i + 2 <= inW) {
            const T *x0 = x + i * ld, *x1 = x0 + ld;
            V s0 = {}, s1 = {}, t0 = {}, t1 = {};
            long s = 0;
            for (; s + 16 <= cols; s += 16) {
                V dv = LOAD(d + s), dw = LOAD(d + s + 8);
                MADD(&s0, dv, LOAD(x0 + s)); MADD(&s1, dv, LOAD(x1 + s));
                MADD(&t0, dw, LOAD(x0 + s + 8)); MADD(&t1, dw, LOAD(x1 + s + 8));
            }
            if (s < cols) { V dv = LOAD(d + s); MADD(&s0, dv, LOAD(x0 + s)); MADD(&s1, dv, LOAD(x1 + s)); }
            g[i] = FN(sum1)(s0 + t0); g[i + 1] = FN(sum1)(s1 + t1);
            i += 2;
        }
        if (i < inW) g[i] = FN(dot)(d, x + i * ld, cols);
    }
}

/// `Kernels.biasGradient`: gb[o] = Σ_s δ[o, s].
void FN(bp_bias_gradient)(const T *delta, long ld, long cols, long outW, T *gb) {
    long o = 0;
    for (; o + 4 <= outW; o += 4) {
        const T *d0 = delta + o * ld, *d1 = d0 + ld, *d2 = d1 + ld, *d3 = d2 + ld;
        V s0 = {}, s1 = {}, s2 = {}, s3 = {};
        for (long s = 0; s < cols; s += 8) { s0 += LOAD(d0 + s); s1 += LOAD(d1 + s); s2 += LOAD(d2 + s); s3 += LOAD(d3 + s); }
        V4 sums = FN(sum4)(s0, s1, s2, s3);
        gb[o] = sums[0]; gb[o + 1] = sums[1]; gb[o + 2] = sums[2]; gb[o + 3] = sums[3];
    }
    for (; o < outW; o++) gb[o] = FN(sum)(delta + o * ld, cols);
}


/// ReLU of one vector: lanes with z ≤ 0 become +0 (the Swift loop's select, as a mask).
static inline __attribute__((always_inline)) V FN(relu)(V v) { return (V)((VI)v & (v > (V){})); }

/// e ⊙ φ'(z) for one vector, with a = φ(z) — the products of bp_multiply_derivative and of the
/// narrow pass, written once (the identity's derivative leaves e as it is).
static inline __attribute__((always_inline)) V FN(times_derivative)(int kind, V e, const T *z, const T *a) {
    const V one = SPLAT(1);
    switch (kind) {
    case BP_RELU: return (V)((VI)e & (LOAD(z) > (V){}));
    case BP_TANH: { const V av = LOAD(a); return e * (one - av * av); }
    case BP_SIGMOID: { const V av = LOAD(a); return e * (av * (one - av)); }
    default: return e;
    }
}

/// tanh over a[0..<length]. Double's chain from z to a is ~50 cycles of dependent steps, and with
/// one 8-lane vector an iteration the schedulers fill with steps waiting on it: blocks of 32
/// (four vectors side by side) overlap four chains, the rest as before. Float's chain is shorter,
/// and blocks do nothing for it.
static inline __attribute__((always_inline)) void FN(tanh_row)(const T *z, T *a, long length) {
    long j = 0;
#ifdef BP_DOUBLE
    const long blocks = length & ~31L;
    _Pragma("clang loop interleave_count(4)") for (; j < blocks; j++) a[j] = vtanh_f64(z[j]);
#endif
    for (; j < length; j++) a[j] = CAT(vtanh, TS)(z[j]);
}

/// `Kernels.activate` for ReLU, tanh, the sigmoid and the identity (the others stay in Swift).
void FN(bp_activate)(int kind, const T *z, T *a, long rows, long cols, long ld) {
    long loops = cols == ld ? 1 : rows, length = cols == ld ? rows * cols : cols;
    for (long r = 0; r < loops; r++) {
        const T *zr = z + r * ld;
        T *ar = a + r * ld;
        switch (kind) {
        case BP_RELU:
            for (long j = 0; j < length; j += 8) STORE(FN(relu)(LOAD(zr + j)), ar + j);
            break;
        case BP_TANH: FN(tanh_row)(zr, ar, length); break;
        case BP_SIGMOID: for (long j = 0; j < length; j++) ar[j] = CAT(vsigmoid, TS)(zr[j]); break;
        default: __builtin_memmove(ar, zr, (size_t)length * sizeof(T)); break;
        }
    }
}

/// `Kernels.multiplyDerivative`: g ⊙= φ'(z), or with `weights`, g[r, :] = (w[r] · δ[0, :]) ⊙ φ'.
/// Written on 8-lane vectors (rows are a multiple of 8 long): as plain loops the vectoriser
/// unrolled them fourfold and ran rows under 256 values one at a time — all of W2's, 16 samples
/// × 6 units. ReLU's select is a mask: lanes with z ≤ 0 become +0, as in the Swift loop.
void FN(bp_multiply_derivative)(int kind, const T *z, const T *a, T *g, long rows, long cols, long ld,
                                const T *weights, const T *delta) {
    int outer = weights != 0;
    long loops = cols == ld && !outer ? 1 : rows, length = cols == ld && !outer ? rows * cols : cols;
    for (long r = 0; r < loops; r++) {
        const T *zr = z + r * ld, *ar = a + r * ld;
        T *gr = g + r * ld;
        V w = SPLAT(outer ? weights[r] : 1);
        const T *src = outer ? delta : gr;
        // One loop per kind (the kind a constant in each, so times_derivative's switch folds away).
#define DERIVATIVE_LOOP(K) for (long j = 0; j < length; j += 8) STORE(FN(times_derivative)(K, w * LOAD(src + j), zr + j, ar + j), gr + j)
        switch (kind) {
        case BP_RELU: DERIVATIVE_LOOP(BP_RELU); break;
        case BP_TANH: DERIVATIVE_LOOP(BP_TANH); break;
        case BP_SIGMOID: DERIVATIVE_LOOP(BP_SIGMOID); break;
        default: if (outer) DERIVATIVE_LOOP(BP_LINEAR); break;
        }
#undef DERIVATIVE_LOOP
    }
}

/// One row of a one-unit-per-target head (`OutputHead.evaluate`): link output o, error signal d of
/// the mean loss (`scale` = 1/n) and, when `with_loss`, each sample's loss. Targets are read with
/// stride `tw`. The Swift loop stays the reference (and runs softmax).
void FN(bp_head_row)(int head, const T *z, const T *y, long tw, T *o, T *d, T *losses, long columns, T scale, int with_loss) {
    switch (head) {
    case BP_HEAD_SIGMOID_CROSS_ENTROPY:
        if (with_loss) {
            for (long s = 0; s < columns; s++) {
                T v = z[s], t = y[s * tw], p = CAT(vsigmoid, TS)(v);
                o[s] = p; losses[s] = CAT(vsigmoid_loss, TS)(v, t); d[s] = (p - t) * scale;
            }
        } else {
            for (long s = 0; s < columns; s++) { T p = CAT(vsigmoid, TS)(z[s]); o[s] = p; d[s] = (p - y[s * tw]) * scale; }
        }
        break;
    case BP_HEAD_TANH_SQUARED_ERROR:
        for (long s = 0; s < columns; s++) {
            T v = CAT(vtanh, TS)(z[s]), e = v - y[s * tw];
            o[s] = v; losses[s] = e * e / 2; d[s] = e * (1 - v * v) * scale;
        }
        break;
    default:
        for (long s = 0; s < columns; s++) {
            T v = z[s], e = v - y[s * tw];
            o[s] = v; losses[s] = e * e / 2; d[s] = e * scale;
        }
        break;
    }
}

/// Softmax over the k rows of logits z (stride ld) for `columns` samples: OutputHead's batch
/// loops, the same operations in the same order, so that they run with this path's vectors (in
/// the default build the Swift loops are SSE2: W3's Double head was 6 % of its step). Leaves each
/// sample's largest logit in m and 1/Σ e^{z−m} in sum (rows of `columns`), from which the caller
/// takes the loss; d's rows are dld apart (0: one scratch row, nobody reads the signal). One
/// sample (columns 1) runs along its units instead, the same operations in the same order.
void FN(bp_softmax)(const T *restrict z, const T *restrict y, T *restrict o, T *restrict d, long k, long columns,
                    long ld, long dld, T scale, T *restrict m, T *restrict sum) {
    if (columns == 1) {
        T mk = z[0], sk = 0;
        for (long j = 1; j < k; j++) mk = CAT(max, TS)(mk, z[j * ld]);
        for (long j = 0; j < k; j++) o[j * ld] = CAT(vexp, TS)(z[j * ld] - mk);   // apart from the sum: vectorised
        for (long j = 0; j < k; j++) sk += o[j * ld];
        sk = 1 / sk;
        for (long j = 0; j < k; j++) {
            T p = o[j * ld] * sk;
            o[j * ld] = p;
            d[j * dld] = (y[0] == (T)j ? p - 1 : p) * scale;
        }
        *m = mk;
        *sum = sk;
        return;
    }
    for (long s = 0; s < columns; s++) m[s] = z[s];
    for (long j = 1; j < k; j++) for (long s = 0; s < columns; s++) m[s] = CAT(max, TS)(m[s], z[j * ld + s]);
    for (long s = 0; s < columns; s++) sum[s] = 0;
    for (long j = 0; j < k; j++)
        for (long s = 0; s < columns; s++) { T e = CAT(vexp, TS)(z[j * ld + s] - m[s]); o[j * ld + s] = e; sum[s] += e; }
    for (long s = 0; s < columns; s++) sum[s] = 1 / sum[s];
    for (long j = 0; j < k; j++) {
        const T label = (T)j;
        for (long s = 0; s < columns; s++) {
            T p = o[j * ld + s] * sum[s];
            o[j * ld + s] = p;
            d[j * dld + s] = (y[s] == label ? p - 1 : p) * scale;
        }
    }
}

/// x (n values, stride inc) as contiguous values: x itself when they are (one sample on its own,
/// `Workspace.single`), else copied into buf.
static inline __attribute__((always_inline)) const T *FN(contiguous_in)(const T *x, long inc, long n, T *buf) {
    if (inc == 1) return x;
    SCALAR for (long k = 0; k < n; k++) buf[k] = x[k * inc];
    return buf;
}

/// bp_matvec's result: the sums in ys (y itself when incy is 1) plus the bias, into y.
static inline __attribute__((always_inline)) void FN(matvec_out)(T *ys, const T *bias, long rows, T *y, long incy) {
    if (ys == y) {
        if (bias) for (long r = 0; r < rows; r++) y[r] = ys[r] + bias[r];
    } else {
        SCALAR for (long r = 0; r < rows; r++) y[r * incy] = bias ? ys[r] + bias[r] : ys[r];
    }
}

/// bp_matvec's dot products of four rows of A (rowStride apart) with xs over the first depth8
/// values: per row, the running sums over the even and the odd blocks of 8 — the order a 16-lane
/// register keeps (kernels_avx512.c), so both widths give the same sums — added, for a lane sum.
static inline __attribute__((always_inline)) void FN(matvec_rows4)(const T *a0, long rowStride, const T *xs, long depth8, V out[4]) {
    const T *a1 = a0 + rowStride, *a2 = a1 + rowStride, *a3 = a2 + rowStride;
    V s0 = {}, s1 = {}, s2 = {}, s3 = {}, t0 = {}, t1 = {}, t2 = {}, t3 = {};
    long k = 0;
    for (; k + 16 <= depth8; k += 16) {
        V v = LOAD(xs + k), u = LOAD(xs + k + 8);
        MADD(&s0, LOAD(a0 + k), v); MADD(&s1, LOAD(a1 + k), v); MADD(&s2, LOAD(a2 + k), v); MADD(&s3, LOAD(a3 + k), v);
        MADD(&t0, LOAD(a0 + k + 8), u); MADD(&t1, LOAD(a1 + k + 8), u); MADD(&t2, LOAD(a2 + k + 8), u); MADD(&t3, LOAD(a3 + k + 8), u);
    }
    if (k < depth8) {
        V v = LOAD(xs + k);
        MADD(&s0, LOAD(a0 + k), v); MADD(&s1, LOAD(a1 + k), v); MADD(&s2, LOAD(a2 + k), v); MADD(&s3, LOAD(a3 + k), v);
    }
    out[0] = s0 + t0; out[1] = s1 + t1; out[2] = s2 + t2; out[3] = s3 + t3;
}

/// The rest of each of `n` rows (from depth8 on) as its own chain after its lane sum in ys: written
/// as chains side by side, the compiler packed them into one vector of gathered loads (rows are
/// apart in memory), hence one row at a time.
static inline __attribute__((always_inline)) void FN(matvec_tails)(int n, const T *a, long rowStride, const T *xs,
                                                                   long depth8, long depth, T *ys) {
    if (depth8 == depth) return;
    for (int q = 0; q < n; q++) {
        const T *ar = a + q * rowStride;
        T t = ys[q];
        SCALAR for (long k = depth8; k < depth; k++) t = BP_FMA(ar[k], xs[k], t);
        ys[q] = t;
    }
}

/// One sample (a batch of 1, the playground's smallest): y[r·incy] = Σ_k A(r, k)·x[k·incx] + bias[r]
/// for r < rows, without the padded batch's 8 columns — every product of the padded path does
/// 8× the work for one sample. x and y are copied through local rows (at most BP_ONE_SAMPLE_WIDTH
/// values; the engine takes this path only for layers no wider). Two shapes:
/// - A read along its rows (depthStride 1, the forward W·x): eight or four rows at a time as dot products
///   along k, their lane sums reduced together;
/// - A read down its columns (rowStride 1, the input gradient Wᵀ·δ): y as vectors, each k adding
///   x[k] times a contiguous row of W.
void FN(bp_matvec)(long rows, long depth, const T *a, long rowStride, long depthStride,
                   const T *x, long incx, const T *bias, T *y, long incy) {
    T xbuf[BP_ONE_SAMPLE_WIDTH + 8] __attribute__((aligned(64)));
    T ybuf[BP_ONE_SAMPLE_WIDTH + 8] __attribute__((aligned(64)));
    const T *xs = FN(contiguous_in)(x, incx, depth, xbuf);
    T *ys = incy == 1 ? y : ybuf;
    long depth8 = depth & ~7L;
    if (depthStride == 1 && depth8 == 0) {
        // Shallower than a vector (the playground's layers of 2–7): one chain per row, no lane sums.
        for (long r = 0; r < rows; r++) {
            const T *ar = a + r * rowStride;
            T t = 0;
            SCALAR for (long k = 0; k < depth; k++) t = BP_FMA(ar[k], xs[k], t);
            ys[r] = t;
        }
    } else if (depthStride == 1) {
        long r = 0;
        // Eight rows at a time (two blocks of four, then one network of lane sums, sum8), then
        // four: each row's sum is sum4's either way.
        for (; r + 8 <= rows; r += 8) {
            V s[8];
            FN(matvec_rows4)(a + r * rowStride, rowStride, xs, depth8, s);
            FN(matvec_rows4)(a + (r + 4) * rowStride, rowStride, xs, depth8, s + 4);
            STORE(FN(sum8)(s), ys + r);
            FN(matvec_tails)(8, a + r * rowStride, rowStride, xs, depth8, depth, ys + r);
        }
        for (; r + 4 <= rows; r += 4) {
            V s[4];
            FN(matvec_rows4)(a + r * rowStride, rowStride, xs, depth8, s);
            V4 sums = FN(sum4)(s[0], s[1], s[2], s[3]);
            for (int q = 0; q < 4; q++) ys[r + q] = sums[q];
            FN(matvec_tails)(4, a + r * rowStride, rowStride, xs, depth8, depth, ys + r);
        }
        for (; r < rows; r++) {
            const T *ar = a + r * rowStride;
            V s = {}, u = {};
            long k = 0;
            for (; k + 16 <= depth8; k += 16) { MADD(&s, LOAD(ar + k), LOAD(xs + k)); MADD(&u, LOAD(ar + k + 8), LOAD(xs + k + 8)); }
            if (k < depth8) MADD(&s, LOAD(ar + k), LOAD(xs + k));
            T t = FN(sum1)(s + u);
            SCALAR for (long k = depth8; k < depth; k++) t = BP_FMA(ar[k], xs[k], t);
            ys[r] = t;
        }
    } else if (rowStride == 1) {
        long r = 0;
        for (; r + 32 <= rows; r += 32) {
            V s0 = {}, s1 = {}, s2 = {}, s3 = {};
            const T *ak = a + r;
            for (long k = 0; k < depth; k++, ak += depthStride) {
                V w = SPLAT(xs[k]);
                MADD(&s0, LOAD(ak), w); MADD(&s1, LOAD(ak + 8), w); MADD(&s2, LOAD(ak + 16), w); MADD(&s3, LOAD(ak + 24), w);
            }
            STORE(s0, ys + r); STORE(s1, ys + r + 8); STORE(s2, ys + r + 16); STORE(s3, ys + r + 24);
        }
        for (; r + 8 <= rows; r += 8) {
            V s0 = {};
            const T *ak = a + r;
            for (long k = 0; k < depth; k++, ak += depthStride) MADD(&s0, LOAD(ak), SPLAT(xs[k]));
            STORE(s0, ys + r);
        }
        // Rows left over (all of them in a layer narrower than 8, W2's 6): four chains at a time.
        for (; r + 4 <= rows; r += 4) {
            T t0 = 0, t1 = 0, t2 = 0, t3 = 0;
            const T *ak = a + r;
            SCALAR for (long k = 0; k < depth; k++, ak += depthStride) {
                t0 = BP_FMA(ak[0], xs[k], t0); t1 = BP_FMA(ak[1], xs[k], t1);
                t2 = BP_FMA(ak[2], xs[k], t2); t3 = BP_FMA(ak[3], xs[k], t3);
            }
            ys[r] = t0; ys[r + 1] = t1; ys[r + 2] = t2; ys[r + 3] = t3;
        }
        for (; r < rows; r++) {
            T t = 0;
            SCALAR for (long k = 0; k < depth; k++) t = BP_FMA(a[r + k * depthStride], xs[k], t);
            ys[r] = t;
        }
    } else {
        for (long r = 0; r < rows; r++) {
            T t = 0;
            for (long k = 0; k < depth; k++) t = BP_FMA(a[r * rowStride + k * depthStride], xs[k], t);
            ys[r] = t;
        }
    }
    FN(matvec_out)(ys, bias, rows, y, incy);
}

/// One sample's weight and bias gradients: gW[o, i] = δ[o]·x[i] (an outer product, along the
/// contiguous rows of gW) and gb[o] = δ[o], or with `accumulate` added to what is there (the
/// second and third sample of a small batch). δ and x are strided (`incd`, `incx`).
void FN(bp_outer)(long outW, long inW, const T *delta, long incd, const T *x, long incx, T *gw, T *gb, int accumulate) {
    T xs[BP_ONE_SAMPLE_WIDTH + 8] __attribute__((aligned(64)));
    SCALAR for (long i = 0; i < inW; i++) xs[i] = x[i * incx];
    long in8 = inW & ~7L;
    for (long o = 0; o < outW; o++) {
        T d = delta[o * incd];
        V dv = SPLAT(d);
        T *g = gw + o * inW;
        if (accumulate) {
            for (long i = 0; i < in8; i += 8) STORE(LOAD(g + i) + dv * LOAD(xs + i), g + i);
            SCALAR for (long i = in8; i < inW; i++) g[i] += d * xs[i];
            gb[o] += d;
        } else {
            for (long i = 0; i < in8; i += 8) STORE(dv * LOAD(xs + i), g + i);
            SCALAR for (long i = in8; i < inW; i++) g[i] = d * xs[i];
            gb[o] = d;
        }
    }
}

/// bp_sample_sgd's parts, which the 16-lane Float version (kernels_avx512.c) shares. The local
/// rows in `scratch`: x of sample j at xs + j·inP, its input gradient at es + j·inP, δ at
/// ds + j·outP (inP, outP: the widths rounded up to 8).
struct FN(sample_rows) { T *restrict xs, *restrict es, *restrict ds; long inP, outP; };

/// … the samples' x and δ (columns of the sample-wide buffers, row stride ld) into local rows —
/// for one sample laid out on its own (ld 1), the buffers themselves, and e for its input gradient …
static inline __attribute__((always_inline)) struct FN(sample_rows) FN(sample_sgd_in)(
    long samples, long outW, long inW, const T *delta, const T *x, long ld, T *e, T *scratch) {
    if (samples == 1 && ld == 1) return (struct FN(sample_rows)){(T *)x, e ? e : scratch, (T *)delta, inW, outW};
    struct FN(sample_rows) r = {scratch, 0, 0, (inW + 7) & ~7L, (outW + 7) & ~7L};
    r.es = r.xs + samples * r.inP;
    r.ds = r.es + samples * r.inP;
    for (long j = 0; j < samples; j++) {
        SCALAR for (long i = 0; i < inW; i++) r.xs[j * r.inP + i] = x[i * ld + j];
        SCALAR for (long o = 0; o < outW; o++) r.ds[j * r.outP + o] = delta[o * ld + j];
    }
    return r;
}

/// … the columns from r0 on, for S samples (1–BP_SAMPLE_MAX): with `want_e`, each sample's input gradient,
/// one chain over o per value (bp_matvec's), from the weights before the step; and
/// w −= η·(δ₀x₀ + δ₁x₁ + …), the products and the sum in bp_outer's order, then bp_sgd's step.
/// One sample takes strips of 32 (four running sums, as bp_matvec), 2–4 samples without the input
/// gradient (a first layer) too, more take strips of 8 …
static inline __attribute__((always_inline)) void FN(sample_sgd_columns)(int S, long outW, long inW, T *w,
                                                                          struct FN(sample_rows) m, T eta, int want_e, long r0) {
    const V ev = SPLAT(eta);
    long r = r0;
    for (; S == 1 && r + 32 <= inW; r += 32) {
        V s0 = {}, s1 = {}, s2 = {}, s3 = {};
        const V x0 = LOAD(m.xs + r), x1 = LOAD(m.xs + r + 8), x2 = LOAD(m.xs + r + 16), x3 = LOAD(m.xs + r + 24);
        T *wk = w + r;
        if (want_e) {
            for (long o = 0; o < outW; o++, wk += inW) {
                const V d = SPLAT(m.ds[o]), w0 = LOAD(wk), w1 = LOAD(wk + 8), w2 = LOAD(wk + 16), w3 = LOAD(wk + 24);
                MADD(&s0, w0, d); MADD(&s1, w1, d); MADD(&s2, w2, d); MADD(&s3, w3, d);
                STORE(w0 - ev * (d * x0), wk); STORE(w1 - ev * (d * x1), wk + 8);
                STORE(w2 - ev * (d * x2), wk + 16); STORE(w3 - ev * (d * x3), wk + 24);
            }
            STORE(s0, m.es + r); STORE(s1, m.es + r + 8); STORE(s2, m.es + r + 16); STORE(s3, m.es + r + 24);
        } else {
            for (long o = 0; o < outW; o++, wk += inW) {
                const V d = SPLAT(m.ds[o]);
                STORE(LOAD(wk) - ev * (d * x0), wk); STORE(LOAD(wk + 8) - ev * (d * x1), wk + 8);
                STORE(LOAD(wk + 16) - ev * (d * x2), wk + 16); STORE(LOAD(wk + 24) - ev * (d * x3), wk + 24);
            }
        }
    }
    // 2–4 samples without the input gradient: each sample's δ broadcast once per row and 32
    // weights instead of once per 8; the update is the loop's below.
    for (; S >= 2 && S <= 4 && !want_e && r + 32 <= inW; r += 32) {
        T *wk = w + r;
        for (long o = 0; o < outW; o++, wk += inW) {
            V d[4];
            for (int j = 0; j < S; j++) d[j] = SPLAT(m.ds[j * m.outP + o]);
            for (int q = 0; q < 4; q++) {
                V g = d[0] * LOAD(m.xs + r + 8 * q);
                for (int j = 1; j < S; j++) g = g + d[j] * LOAD(m.xs + j * m.inP + r + 8 * q);
                STORE(LOAD(wk + 8 * q) - ev * g, wk + 8 * q);
            }
        }
    }
    for (; r + 8 <= inW; r += 8) {
        V sums[BP_SAMPLE_MAX] = {}, xv[BP_SAMPLE_MAX];
        for (int j = 0; j < S; j++) xv[j] = LOAD(m.xs + j * m.inP + r);
        T *wk = w + r;
        for (long o = 0; o < outW; o++, wk += inW) {
            const V w0 = LOAD(wk), d0 = SPLAT(m.ds[o]);
            if (want_e) MADD(&sums[0], w0, d0);
            V g = d0 * xv[0];
            for (int j = 1; j < S; j++) {
                const V dj = SPLAT(m.ds[j * m.outP + o]);
                if (want_e) MADD(&sums[j], w0, dj);
                g = g + dj * xv[j];
            }
            STORE(w0 - ev * g, wk);
        }
        if (want_e) for (int j = 0; j < S; j++) STORE(sums[j], m.es + j * m.inP + r);
    }
    for (; r < inW; r++) {
        T t[BP_SAMPLE_MAX] = {0};
        SCALAR for (long o = 0; o < outW; o++) {
            T *wo = w + o * inW + r;
            const T w0 = *wo;
            T g = m.ds[o] * m.xs[r];
            t[0] = BP_FMA(w0, m.ds[o], t[0]);
            for (int j = 1; j < S; j++) {
                t[j] = BP_FMA(w0, m.ds[j * m.outP + o], t[j]);
                g = g + m.ds[j * m.outP + o] * m.xs[j * m.inP + r];
            }
            *wo = w0 - eta * g;
        }
        if (want_e) for (int j = 0; j < S; j++) m.es[j * m.inP + r] = t[j];
    }
}

/// … and the biases' step (δ summed in sample order, as bp_outer accumulates) and the input
/// gradients out into the sample-wide e.
static inline __attribute__((always_inline)) void FN(sample_sgd_out)(long samples, long outW, long inW, T *b,
                                                                      struct FN(sample_rows) m, T eta, T *e, long ld) {
    if (samples == 1) {
        for (long o = 0; o < outW; o++) b[o] -= eta * m.ds[o];   // vectorised: the same step per bias
    } else {
        SCALAR for (long o = 0; o < outW; o++) {
            T g = m.ds[o];
            for (long j = 1; j < samples; j++) g += m.ds[j * m.outP + o];
            b[o] -= eta * g;
        }
    }
    if (e && m.es != e) for (long j = 0; j < samples; j++) SCALAR for (long i = 0; i < inW; i++) e[i * ld + j] = m.es[j * m.inP + i];
}

/// One layer's plain-SGD step for 1–7 samples (columns 0… of the sample-wide δ, x and e, row
/// stride ld), in one pass over W: with `e`, each sample's input gradient Σ_o W[o, r]·δ[o] from
/// W's values before the step (bp_matvec's sums, in its order), and W −= η·Σ_j δ_j x_jᵀ,
/// b −= η·Σ_j δ_j (bp_outer's products and sums, then bp_sgd's roundings) — the step of
/// bp_outer, bp_matvec and bp_sgd bit for bit, without writing the gradient and reading it back:
/// at 64-128-10 the 9,610 parameters fit in L1, the parameters and their gradient did not.
/// scratch holds 3·samples·(the wider of inW and outW, rounded up to 8) values.
static inline __attribute__((always_inline)) void FN(sample_sgd)(int S, long outW, long inW, T *w, T *b, const T *delta,
                                                                  const T *x, long ld, T eta, T *e, T *scratch) {
    const struct FN(sample_rows) m = FN(sample_sgd_in)(S, outW, inW, delta, x, ld, e, scratch);
    FN(sample_sgd_columns)(S, outW, inW, w, m, eta, e != 0, 0);
    FN(sample_sgd_out)(S, outW, inW, b, m, eta, e, ld);
}

void FN(bp_sample_sgd)(long samples, long outW, long inW, T *w, T *b, const T *delta, const T *x, long ld,
                       T eta, T *e, T *scratch) {
    // One copy of the loops per sample count, so that every loop over the samples unrolls.
    switch (samples) {
    case 1: FN(sample_sgd)(1, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    case 2: FN(sample_sgd)(2, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    case 3: FN(sample_sgd)(3, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    case 4: FN(sample_sgd)(4, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    case 5: FN(sample_sgd)(5, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    case 6: FN(sample_sgd)(6, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    default: FN(sample_sgd)(7, outW, inW, w, b, delta, x, ld, eta, e, scratch); break;
    }
}

/// Plain SGD, w −= η·g, as `Optimizer.apply` does it (not fused: the same roundings).
void FN(bp_sgd)(T *w, const T *g, long count, T eta) {
    for (long i = 0; i < count; i++) w[i] -= eta * g[i];
}

/// The 8 × 8 transpose of `r` into `c`, in registers: three rounds of shuffles.
static inline __attribute__((always_inline)) void FN(transpose8)(const V r[8], V c[8]) {
    V t0 = __builtin_shufflevector(r[0], r[1], 0, 8, 1, 9, 4, 12, 5, 13), t1 = __builtin_shufflevector(r[0], r[1], 2, 10, 3, 11, 6, 14, 7, 15);
    V t2 = __builtin_shufflevector(r[2], r[3], 0, 8, 1, 9, 4, 12, 5, 13), t3 = __builtin_shufflevector(r[2], r[3], 2, 10, 3, 11, 6, 14, 7, 15);
    V t4 = __builtin_shufflevector(r[4], r[5], 0, 8, 1, 9, 4, 12, 5, 13), t5 = __builtin_shufflevector(r[4], r[5], 2, 10, 3, 11, 6, 14, 7, 15);
    V t6 = __builtin_shufflevector(r[6], r[7], 0, 8, 1, 9, 4, 12, 5, 13), t7 = __builtin_shufflevector(r[6], r[7], 2, 10, 3, 11, 6, 14, 7, 15);
    V u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13), u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
    V u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13), u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
    V u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13), u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
    V u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13), u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
    c[0] = __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11);
    c[1] = __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11);
    c[2] = __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11);
    c[3] = __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11);
    c[4] = __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15);
    c[5] = __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15);
    c[6] = __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15);
    c[7] = __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15);
}

/// dst[c·ldd + r] = src[r·lds + c] for r < rows, c < cols (`Kernels.transpose`), in 8 × 8 blocks
/// through registers (three rounds of shuffles), the edges one value at a time. The scalar loop
/// moved one value a cycle: W3's two transposes a step were a sixth of its time at batch 32.
void FN(bp_transpose)(const T *src, long rows, long cols, long lds, T *dst, long ldd) {
    long rows8 = rows & ~7L, cols8 = cols & ~7L;
    for (long r = 0; r < rows8; r += 8) {
        for (long c = 0; c < cols8; c += 8) {
            const T *s = src + r * lds + c;
            V in[8], out[8];
            for (int k = 0; k < 8; k++) in[k] = LOAD(s + k * lds);
            FN(transpose8)(in, out);
            T *d = dst + c * ldd + r;
            for (int k = 0; k < 8; k++) STORE(out[k], d + k * ldd);
        }
        for (long c = cols8; c < cols; c++)
            for (long k = r; k < r + 8; k++) dst[c * ldd + k] = src[k * lds + c];
    }
    for (long r = rows8; r < rows; r++)
        for (long c = 0; c < cols; c++) dst[c * ldd + r] = src[r * lds + c];
}

// The whole pass of a narrow network, written with the helpers above.
#include "narrow_pass.h"

#undef V
#undef V4
#undef V2
#undef LOAD
#undef STORE
#undef SPLAT
#undef MADD
#undef SCALAR
#undef VI
