#pragma once
// The hot loops of Backprop's engine compiled for more than one instruction set, and the choice
// among them made once at start-up (dispatch.c). The Swift engine (Sources/Backprop/Kernels.swift)
// stays the readable reference and the baseline path; these are the same loops with FMA and wider
// registers, which a default build cannot use without -target-cpu (and a package cannot set that
// for its users: unsafeFlags would make it unusable as a dependency).

/// Activation codes the C kernels handle (the rest stay in Swift).
enum { BP_RELU = 0, BP_TANH = 1, BP_SIGMOID = 2, BP_LINEAR = 3 };

/// The heads the C kernels handle (softmax stays in Swift).
enum { BP_HEAD_SIGMOID_CROSS_ENTROPY = 0, BP_HEAD_TANH_SQUARED_ERROR = 1, BP_HEAD_IDENTITY_SQUARED_ERROR = 2 };

/// The widest layer the one-sample kernels take (their rows live on the stack).
#define BP_ONE_SAMPLE_WIDTH 4096

/// Instruction sets, in the order of preference.
enum { BP_ISA_BASELINE = 0, BP_ISA_AVX2 = 1, BP_ISA_AVX512 = 2 };

typedef struct {
    void (*panel)(long rows, long depth, long cols, const float *a, long rowStride, long depthStride,
                  const float *b, long ldb, const float *bias, float *c, long ldc);
    /// The narrow weight gradient and the bias gradient in one pass.
    void (*weight_gradient)(const float *delta, const float *x, long ld, long cols, long inW, long outW, float *gw, float *gb);
    void (*bias_gradient)(const float *delta, long ld, long cols, long outW, float *gb);
    void (*activate)(int kind, const float *z, float *a, long rows, long cols, long ld);
    void (*multiply_derivative)(int kind, const float *z, const float *a, float *g, long rows, long cols, long ld,
                                const float *weights, const float *delta);
    void (*head_row)(int head, const float *z, const float *y, long tw, float *o, float *d, float *losses, long columns, float scale, int with_loss);
    void (*matvec)(long rows, long depth, const float *a, long rowStride, long depthStride,
                   const float *x, long incx, const float *bias, float *y, long incy);
    void (*outer)(long outW, long inW, const float *delta, long incd, const float *x, long incx, float *gw, float *gb,
                  int accumulate);
    void (*sgd)(float *w, const float *g, long count, float eta);
    void (*transpose)(const float *src, long rows, long cols, long lds, float *dst, long ldd);
} bp_kernels_f32;

typedef struct {
    void (*panel)(long rows, long depth, long cols, const double *a, long rowStride, long depthStride,
                  const double *b, long ldb, const double *bias, double *c, long ldc);
    /// The narrow weight gradient and the bias gradient in one pass.
    void (*weight_gradient)(const double *delta, const double *x, long ld, long cols, long inW, long outW, double *gw, double *gb);
    void (*bias_gradient)(const double *delta, long ld, long cols, long outW, double *gb);
    void (*activate)(int kind, const double *z, double *a, long rows, long cols, long ld);
    void (*multiply_derivative)(int kind, const double *z, const double *a, double *g, long rows, long cols, long ld,
                                const double *weights, const double *delta);
    void (*head_row)(int head, const double *z, const double *y, long tw, double *o, double *d, double *losses, long columns, double scale, int with_loss);
    void (*matvec)(long rows, long depth, const double *a, long rowStride, long depthStride,
                   const double *x, long incx, const double *bias, double *y, long incy);
    void (*outer)(long outW, long inW, const double *delta, long incd, const double *x, long incx, double *gw, double *gb,
                  int accumulate);
    void (*sgd)(double *w, const double *g, long count, double eta);
    void (*transpose)(const double *src, long rows, long cols, long lds, double *dst, long ldd);
} bp_kernels_f64;

/// Whether this CPU (and its operating system, which must save the wider registers) runs `isa`.
int bp_isa_supported(int isa);

/// The kernels for `isa`, or null for the baseline (the Swift loops) or an instruction set this
/// build has no kernels for (anything but x86-64). Check `bp_isa_supported` first.
const bp_kernels_f32 *bp_kernels_f32_for(int isa);
const bp_kernels_f64 *bp_kernels_f64_for(int isa);
