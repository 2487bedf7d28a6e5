#pragma once
// The hot loops of Backprop's engine compiled for more than one instruction set, and the choice
// among them made once at start-up (dispatch.c). The Swift engine (Sources/Backprop/Kernels.swift)
// stays the readable reference and the baseline path; these are the same loops with FMA and wider
// registers, which a default build cannot use without -target-cpu (and a package cannot set that
// for its users: unsafeFlags would make it unusable as a dependency).

#if defined(__wasm__)
// The WebAssembly build has no Foundation or Glibc module: Swift reaches the C library's
// mathematics (wasi-libc) through this header (Sources/Backprop/LibM.swift).
#include <math.h>
/// printf's formatting of one double (Wasm/libc.c; Sources/Backprop/PrintfText.swift).
int bp_format_double(char *out, int capacity, const char *format, double value);
#endif

/// Activation codes the C kernels handle (the rest stay in Swift).
enum { BP_RELU = 0, BP_TANH = 1, BP_SIGMOID = 2, BP_LINEAR = 3 };

/// The heads bp_head_row handles (softmax has its own kernel, bp_softmax).
enum { BP_HEAD_SIGMOID_CROSS_ENTROPY = 0, BP_HEAD_TANH_SQUARED_ERROR = 1, BP_HEAD_IDENTITY_SQUARED_ERROR = 2 };

/// The widest layer the one-sample kernels take (their rows live on the stack).
#define BP_ONE_SAMPLE_WIDTH 4096

/// The most samples `sample_sgd` takes in one step (sample by sample, each weight's update summed
/// over them in order).
#define BP_SAMPLE_MAX 7

/// The widest layer (inputs and outputs included) `narrow_pass` takes: one vector lane per unit.
#define BP_NARROW_WIDTH 8

/// Instruction sets by code (KernelPath.swift ranks them).
enum { BP_ISA_BASELINE = 0, BP_ISA_AVX2 = 1, BP_ISA_AVX512 = 2, BP_ISA_VECTOR128 = 3 };

/// One instruction set's kernels for element type T (what `DispatchedKernels` calls), written
/// once for both element types.
#define BP_KERNEL_TABLE(T) struct {                                                               \
    void (*panel)(long rows, long depth, long cols, const T *a, long rowStride, long depthStride,  \
                  const T *b, long ldb, const T *bias, T *c, long ldc);                             \
    /* The narrow weight gradient and the bias gradient in one pass. */                            \
    void (*weight_gradient)(const T *delta, const T *x, long ld, long cols, long inW, long outW,   \
                            T *gw, T *gb);                                                          \
    void (*bias_gradient)(const T *delta, long ld, long cols, long outW, T *gb);                   \
    void (*activate)(int kind, const T *z, T *a, long rows, long cols, long ld);                   \
    void (*multiply_derivative)(int kind, const T *z, const T *a, T *g, long rows, long cols,      \
                                long ld, const T *weights, const T *delta);                        \
    void (*head_row)(int head, const T *z, const T *y, long tw, T *o, T *d, T *losses,             \
                     long columns, T scale, int with_loss);                                         \
    void (*matvec)(long rows, long depth, const T *a, long rowStride, long depthStride,            \
                   const T *x, long incx, const T *bias, T *y, long incy);                          \
    void (*outer)(long outW, long inW, const T *delta, long incd, const T *x, long incx,           \
                  T *gw, T *gb, int accumulate);                                                    \
    void (*sgd)(T *w, const T *g, long count, T eta);                                              \
    void (*transpose)(const T *src, long rows, long cols, long lds, T *dst, long ldd);             \
    /* One layer's fused plain-SGD step for 1–7 samples. */                                      \
    void (*sample_sgd)(long samples, long outW, long inW, T *w, T *b, const T *delta,             \
                       const T *x, long ld, T eta, T *e, T *scratch);                               \
    /* A whole pass of a network at most BP_NARROW_WIDTH wide (narrow_pass.h). */                  \
    T (*narrow_pass)(long layers, const long *sizes, const long *woff, const long *boff,          \
                     const int *kinds, int head, const T *p, long count, const T *x, long ld,      \
                     const T *y, long tw, long n, T *work, T *g, int with_loss);                                \
    /* Softmax of a batch: outputs, error signal, each sample's max logit and 1/normaliser. */      \
    void (*softmax)(const T *z, const T *y, T *o, T *d, long k, long columns, long ld, long dld,   \
                    T scale, T *m, T *sum);                                                         \
}

typedef BP_KERNEL_TABLE(float) bp_kernels_f32;
typedef BP_KERNEL_TABLE(double) bp_kernels_f64;

/// Whether this CPU (and its operating system, which must save the wider registers) runs `isa`.
int bp_isa_supported(int isa);

/// The kernels for `isa`, or null for the baseline (the Swift loops) or an instruction set this
/// build has no kernels for (anything but x86-64). Check `bp_isa_supported` first.
const bp_kernels_f32 *bp_kernels_f32_for(int isa);
const bp_kernels_f64 *bp_kernels_f64_for(int isa);
