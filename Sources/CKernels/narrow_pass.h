// A whole training pass of a narrow network in one call: part of the kernel template, included
// at the end of kernel_body.h (the same T, SUF, V and helpers).
//
// Why it exists: in a network no layer of which is wider than 8 units — the playground's, at
// most 8 neurons a layer, and the sheet's spiral (2-6×6-1) — every layer of the sample-wide path
// is a handful of products over 6 rows, and a step of W2 made ~30 kernel calls whose set-up,
// lane sums (its weight gradient is 36 dot products of 10 samples per layer) and Swift glue
// cost more than the arithmetic: 0.75 µs a step for 12,000 flops. Here each sample's layer is
// one 8-lane vector (one lane per unit, the unused lanes zero), so
//   forward      z = Σ_k a[k]·W[:, k] + b       a broadcast and an fma per input,
//   backward     gW[o, :] += δ[o]·a_prev          an fma per output, no lane sums,
//                e = Σ_o δ[o]·W[o, :]             the next error signal from the same broadcasts,
// ReLU and every derivative in registers as bp_activate and bp_multiply_derivative compute them,
// tanh, the sigmoid and the head with the template's own kernels over the pass's sample-major
// buffers, and samples side by side (NARROW_BLOCK) so that their chains overlap. The forward sums are the panel's (each z a chain over k from 0,
// then + b), so its outputs are the sample-wide path's bit for bit; the gradients sum the samples
// in order, one chain per weight, where the sample-wide path sums lanes — the same values to
// the last bits (KernelPathTests holds them to the Swift reference at 1e-13).

/// p[0..<count] (count ≤ 8) as a vector, the other lanes zero: one load and a mask when a whole
/// vector stays before `end`, else value by value (the last rows of the parameters).
static inline __attribute__((always_inline)) V FN(row_load)(const T *p, long count, const T *end) {
    if (p + 8 <= end) {
        const VI lane = {0, 1, 2, 3, 4, 5, 6, 7};
        const VI n = {(int)count, (int)count, (int)count, (int)count, (int)count, (int)count, (int)count, (int)count};
        return (V)((VI)LOAD(p) & (lane < n));
    }
    V v = {};
    SCALAR for (long k = 0; k < count; k++) v[k] = p[k];
    return v;
}

/// The forward step of S samples (1, 2 or 4 side by side, so that their chains of fmas overlap):
/// z = Σ_k a[k]·cols[k] + b, a chain over k from 0 as in the panel, then ReLU or the identity
/// as bp_activate computes them (kind −1: none; tanh and the sigmoid go through bp_activate).
static inline __attribute__((always_inline)) void FN(narrow_forward)(int S, const T *a, const V cols[8], long inW, V b,
                                                                      int kind, T *z, T *act) {
    V acc[4] = {};
    _Pragma("clang loop unroll(full)") for (int k = 0; k < 8; k++)
        if (k < inW) for (int q = 0; q < S; q++) MADD(&acc[q], SPLAT(a[q * 8 + k]), cols[k]);
    for (int q = 0; q < S; q++) {
        const V zv = acc[q] + b;
        STORE(zv, z + q * 8);
        if (kind == BP_RELU) STORE(FN(relu)(zv), act + q * 8);
        else if (kind == BP_LINEAR) STORE(zv, act + q * 8);
    }
}

/// The backward step of S samples (1, 2 or 4): gW[o, :] += δ[o]·a and gb += δ in sample order, and
/// unless below is −1, the error signal of the layer below, (Σ_o δ[o]·W[o, :]) ⊙ φ'(z below).
static inline __attribute__((always_inline)) void FN(narrow_backward)(int S, const T *d, const T *a, const V rows[8], long outW,
                                                                       V gw[8], V *gb, int below, const T *zb, const T *ab, T *e) {
    V av[4], ev[4] = {};
    for (int q = 0; q < S; q++) { av[q] = LOAD(a + q * 8); *gb += LOAD(d + q * 8); }
    _Pragma("clang loop unroll(full)") for (int o = 0; o < 8; o++) {
        if (o < outW) {
            for (int q = 0; q < S; q++) {
                const V dv = SPLAT(d[q * 8 + o]);
                MADD(&gw[o], dv, av[q]);
                MADD(&ev[q], dv, rows[o]);
            }
        }
    }
    if (below >= 0) for (int q = 0; q < S; q++) STORE(FN(times_derivative)(below, ev[q], zb + q * 8, ab + q * 8), e + q * 8);
}

/// One training pass over n samples of a network of `layers` layers, every width (sizes[0…layers])
/// at most 8, with `count` parameters at p: the gradient of the mean loss into g (laid out as
/// the parameters, weights of layer l at woff[l] row-major out × in, biases at boff[l]), the
/// summed loss returned (0 unless with_loss). x holds the samples one row per input unit with
/// stride ld (the workspace's sample-wide inputs), y the targets one row of tw per sample.
/// kinds[l] is hidden layer l's activation (BP_RELU…), head a BP_HEAD_… code. work holds
/// (2·layers + 3)·8·n + 11·n8 values, n8 = n rounded up to 8.
///
/// Every loop over units runs to 8 with a test against the width, so that the vectors stay
/// in registers (indexed by a variable, they lived in memory) and the tests, the same for
/// every sample, are predicted; values are written as whole vectors wherever they are read
/// back as vectors (a vector load of values just stored one by one waits for the stores).
T FN(bp_narrow_pass)(long layers, const long *sizes, const long *woff, const long *boff, const int *kinds,
                     int head, const T *p, long count, const T *x, long ld, const T *y, long tw, long n,
                     T *work, T *g, int with_loss) {
    const long n8 = (n + 7) & ~7L, stride = 8 * n;
    const T *end = p + count;
    T *in0 = work;                          // the inputs, one vector per sample
    T *Z = in0 + stride;                    // per layer: pre-activations, one vector per sample
    T *A = Z + layers * stride;             // per hidden layer: activations
    T *D = A + layers * stride;             // the error signal of the layer at hand …
    T *E = D + stride;                      // … and of the layer below it
    T *hz = E + stride, *ho = hz + n8, *hl = ho + n8;   // one head row at a time …
    T *hd = hl + n8;                        // … and the error signals of all (8 rows)

    const long inputs = sizes[0];
    for (long s = 0; s < n; s++) {
        V v = {};
        _Pragma("clang loop unroll(full)") for (int k = 0; k < 8; k++) if (k < inputs) v[k] = x[k * ld + s];
        STORE(v, in0 + s * 8);
    }

    for (long l = 0; l < layers; l++) {
        const long inW = sizes[l], outW = sizes[l + 1];
        const T *w = p + woff[l];
        V rows[8], cols[8];
        _Pragma("clang loop unroll(full)") for (int o = 0; o < 8; o++) rows[o] = o < outW ? FN(row_load)(w + o * inW, inW, end) : (V){};
        FN(transpose8)(rows, cols);     // cols[k]: W's column k, lanes past outW zero
        const V b = FN(row_load)(p + boff[l], outW, end);
        const T *in = l == 0 ? in0 : A + (l - 1) * stride;
        T *z = Z + l * stride, *act = A + l * stride;
        const int kind = l < layers - 1 ? kinds[l] : -1;   // the output layer's link is the head's
        long s = 0;
        for (; NARROW_BLOCK == 4 && s + 4 <= n; s += 4) FN(narrow_forward)(4, in + s * 8, cols, inW, b, kind, z + s * 8, act + s * 8);
        for (; s + 2 <= n; s += 2) FN(narrow_forward)(2, in + s * 8, cols, inW, b, kind, z + s * 8, act + s * 8);
        if (s < n) FN(narrow_forward)(1, in + s * 8, cols, inW, b, kind, z + s * 8, act + s * 8);
        if (kind == BP_TANH || kind == BP_SIGMOID) FN(bp_activate)(kind, z, act, 1, stride, stride);
    }

    // The head, one output row at a time, with the template's head kernel.
    const long outputs = sizes[layers];
    const T *zl = Z + (layers - 1) * stride;
    T total = 0;
    for (long j = 0; j < outputs; j++) {
        SCALAR for (long s = 0; s < n; s++) hz[s] = zl[s * 8 + j];
        FN(bp_head_row)(head, hz, y + j, tw, ho, hd + j * n8, hl, n, (T)1 / (T)n, with_loss);
        if (with_loss) total += FN(sum)(hl, n);
    }
    for (long s = 0; s < n; s++) {
        V v = {};
        _Pragma("clang loop unroll(full)") for (int j = 0; j < 8; j++) if (j < outputs) v[j] = hd[j * n8 + s];
        STORE(v, D + s * 8);
    }

    for (long l = layers - 1; l >= 0; l--) {
        const long inW = sizes[l], outW = sizes[l + 1];
        const T *w = p + woff[l];
        V rows[8];
        _Pragma("clang loop unroll(full)") for (int o = 0; o < 8; o++) rows[o] = o < outW ? FN(row_load)(w + o * inW, inW, end) : (V){};
        const T *in = l == 0 ? in0 : A + (l - 1) * stride;
        V gw[8] = {}, gb = {};
        const int below = l > 0 ? kinds[l - 1] : -1;   // no error signal below the first layer
        const T *zb = l > 0 ? Z + (l - 1) * stride : 0, *ab = l > 0 ? A + (l - 1) * stride : 0;
        long s = 0;
        for (; NARROW_BLOCK == 4 && s + 4 <= n; s += 4)
            FN(narrow_backward)(4, D + s * 8, in + s * 8, rows, outW, gw, &gb, below, zb + s * 8, ab + s * 8, E + s * 8);
        for (; s + 2 <= n; s += 2)
            FN(narrow_backward)(2, D + s * 8, in + s * 8, rows, outW, gw, &gb, below, zb + s * 8, ab + s * 8, E + s * 8);
        if (s < n) FN(narrow_backward)(1, D + s * 8, in + s * 8, rows, outW, gw, &gb, below, zb + s * 8, ab + s * 8, E + s * 8);
        // Out lane by lane (the lanes past inW are not the gradient's; as a loop to inW over a
        // local array, each row became a call of memcpy).
        T *gwl = g + woff[l];
        _Pragma("clang loop unroll(full)") for (int o = 0; o < 8; o++) {
            if (o < outW) {
                _Pragma("clang loop unroll(full)") for (int k = 0; k < 8; k++) if (k < inW) gwl[o * inW + k] = gw[o][k];
                g[boff[l] + o] = gb[o];
            }
        }
        if (l > 0) { T *t = D; D = E; E = t; }
    }
    return total;
}
