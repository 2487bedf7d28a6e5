// tanh, the sigmoid and exp as straight-line polynomials the loop vectoriser turns into 8- or
// 16-lane code: the same forms and coefficients as Sources/Backprop/VectorMath.swift (read it for
// why each is shaped so), with its `mulAdd` as a fused multiply-add. Included inside a target
// region by each kernels_<isa>.c, so every copy is compiled for that instruction set.

static inline float bits_to_f32(int32_t b) { float f; __builtin_memcpy(&f, &b, 4); return f; }
static inline int32_t f32_to_bits(float f) { int32_t b; __builtin_memcpy(&b, &f, 4); return b; }
static inline double bits_to_f64(int64_t b) { double f; __builtin_memcpy(&f, &b, 8); return f; }
static inline int64_t f64_to_bits(double f) { int64_t b; __builtin_memcpy(&b, &f, 8); return b; }

/// Swift's `min(x, y)` and `max(x, y)`: NaN in x falls through, as it does there.
static inline float min_f32(float x, float y) { return y < x ? y : x; }
static inline float max_f32(float x, float y) { return y >= x ? y : x; }
static inline double min_f64(double x, double y) { return y < x ? y : x; }
static inline double max_f64(double x, double y) { return y >= x ? y : x; }

static inline float vtanh_f32(float x) {
    float a = min_f32(__builtin_fabsf(x), 9), s = a * a;
    float p = 1.3354748473748401e-08f;
    p = BP_FMAF(p, s, 2.060915359249852e-05f); p = BP_FMAF(p, s, 0.003495592835057611f);
    p = BP_FMAF(p, s, 0.13381029734643626f); p = BP_FMAF(p, s, 0.99999997948264f);
    float q = 7.776596401554148e-07f;
    q = BP_FMAF(q, s, 0.00032856422505210054f); q = BP_FMAF(q, s, 0.02587700050949247f);
    q = BP_FMAF(q, s, 0.46714345336335417f); q = BP_FMAF(q, s, 1);
    return __builtin_copysignf(a >= 9 ? 1 : a * (p / q), x);
}

static inline float vexp_f32(float x) {
    x = max_f32(min_f32(x, 88), -87);
    const float magic = 12582912.0f;
    float t = x * 1.44269504088896341f + magic;
    float n = t - magic;
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = BP_FMAF(p, r, 1.3981999507e-3f);
    p = BP_FMAF(p, r, 8.3334519073e-3f);
    p = BP_FMAF(p, r, 4.1665795894e-2f);
    p = BP_FMAF(p, r, 1.6666665459e-1f);
    p = BP_FMAF(p, r, 5.0000001201e-1f);
    int32_t k = f32_to_bits(t) - f32_to_bits(magic);
    float q = BP_FMAF(p * r, r, r);
    return (q + 1) * bits_to_f32((k + 127) << 23);
}

static inline float vsigmoid_f32(float z) {
    float u = vexp_f32(-__builtin_fabsf(z)), r = 1 / (1 + u);
    return z < 0 ? u * r : r;
}

/// x = n·ln2 + r, |r| ≤ ln2/2, and 2ⁿ (`Double.ln2Reduced`).
static inline double ln2_reduced_f64(double x, double *scale) {
    const double magic = 6755399441055744.0;
    double t = BP_FMA64(x, 1.4426950408889634074, magic);
    double n = t - magic;
    *scale = bits_to_f64(((f64_to_bits(t) - f64_to_bits(magic)) + 1023) << 52);
    return BP_FMA64(n, -1.90821492927058770002e-10, BP_FMA64(n, -6.93147180369123816490e-01, x));
}

/// Double.vtanh's form (its coefficients are Cephes' scaled by powers of two, exactly): a = n·ln2/2
/// + s, tanh a = (p + h·u)/(q + h·u), u = p + q, h = (2ⁿ − 1)/2. One difference: with the fused
/// multiply-add every kernel has, ln2/2's high part can be the whole double (n·ln2/2 rounds once),
/// so s² starts one fma earlier and the low part (1.16e-17, which left out biased tanh by +0.1–0.2
/// ulp and W1's trajectory tenfold) corrects only p's last product, off that chain (0.30 → 0.29
/// ns a value in a loop of 3,520, AVX-512). Against the low part taken before s², as in Swift:
/// 0.08 % of 2·10⁷ values in [−12, 12] differ, each within 2.6 ulp of an 80-bit tanh, unbiased.
static inline double vtanh_f64(double x) {
    const double magic = 6755399441055744.0;
    double a = min_f64(__builtin_fabs(x), 20), t = BP_FMA64(a, 2 * 1.4426950408889634074, magic), n = t - magic;
    double half = bits_to_f64(((f64_to_bits(t) - f64_to_bits(magic)) + 1022) << 52);
    double s = BP_FMA64(n, -3.4657359027997264e-1, a), ss = s * s;
    double p = BP_FMA64(n, -1.1595234069231498e-17, s)
             * BP_FMA64(BP_FMA64(64 * 1.26177193074810590878e-4, ss, 16 * 3.02994407707441961300e-2), ss, 4 * 9.99999999999999999910e-1);
    double q = BP_FMA64(BP_FMA64(BP_FMA64(128 * 3.00198505138664455042e-6, ss, 32 * 2.52448340349684104192e-3), ss,
                                           8 * 2.27265548208155028766e-1), ss, 2 * 2.00000000000000000009e0);
    double h = half - 0.5, u = p + q;
    return __builtin_copysign(BP_FMA64(h, u, p) / BP_FMA64(h, u, q), x);
}

static inline double vexp_f64(double x) {
    double scale, r = ln2_reduced_f64(max_f64(min_f64(x, 709), -708), &scale);
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double e01 = BP_FMA64(r, 0.5, 1), e23 = BP_FMA64(r, 1.0 / 24, 1.0 / 6), e45 = BP_FMA64(r, 1.0 / 720, 1.0 / 120);
    double e67 = BP_FMA64(r, 1.0 / 40320, 1.0 / 5040), e89 = BP_FMA64(r, 1.0 / 3628800, 1.0 / 362880);
    double e1011 = BP_FMA64(r, 1.0 / 479001600, 1.0 / 39916800), e12 = 1.0 / 6227020800;
    double low = BP_FMA64(r4, BP_FMA64(r2, e67, e45), BP_FMA64(r2, e23, e01));
    double high = BP_FMA64(r4, e12, BP_FMA64(r2, e1011, e89));
    double q = BP_FMA64(r8, high, low) * r;
    return (q + 1) * scale;
}

static inline double vsigmoid_f64(double z) {
    double u = vexp_f64(-__builtin_fabs(z)), r = 1 / (1 + u);
    return z < 0 ? u * r : r;
}

static inline float vlog1p_unit_f32(float u) {
    float s = u / (u + 2), s2 = s * s;
    float p = 1.0f / 15;
    p = BP_FMAF(p, s2, 1.0f / 13); p = BP_FMAF(p, s2, 1.0f / 11); p = BP_FMAF(p, s2, 1.0f / 9);
    p = BP_FMAF(p, s2, 1.0f / 7); p = BP_FMAF(p, s2, 1.0f / 5); p = BP_FMAF(p, s2, 1.0f / 3);
    return 2 * (s + s * s2 * p);
}

static inline double vlog1p_unit_f64(double u) {
    double s = u / (u + 2), s2 = s * s;
    double p = 1.0 / 35;
    p = BP_FMA64(p, s2, 1.0 / 33); p = BP_FMA64(p, s2, 1.0 / 31); p = BP_FMA64(p, s2, 1.0 / 29); p = BP_FMA64(p, s2, 1.0 / 27);
    p = BP_FMA64(p, s2, 1.0 / 25); p = BP_FMA64(p, s2, 1.0 / 23); p = BP_FMA64(p, s2, 1.0 / 21); p = BP_FMA64(p, s2, 1.0 / 19);
    p = BP_FMA64(p, s2, 1.0 / 17); p = BP_FMA64(p, s2, 1.0 / 15); p = BP_FMA64(p, s2, 1.0 / 13); p = BP_FMA64(p, s2, 1.0 / 11);
    p = BP_FMA64(p, s2, 1.0 / 9); p = BP_FMA64(p, s2, 1.0 / 7); p = BP_FMA64(p, s2, 1.0 / 5); p = BP_FMA64(p, s2, 1.0 / 3);
    return 2 * (s + s * s2 * p);
}

/// softplus(z) − y·z, the binary cross-entropy of a sigmoid unit from its logit.
static inline float vsigmoid_loss_f32(float z, float y) { return max_f32(z, 0) + vlog1p_unit_f32(vexp_f32(-__builtin_fabsf(z))) - y * z; }
static inline double vsigmoid_loss_f64(double z, double y) { return max_f64(z, 0) + vlog1p_unit_f64(vexp_f64(-__builtin_fabs(z))) - y * z; }
