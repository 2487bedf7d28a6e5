// Instantiates the kernels for one instruction set: the including file defines ISA (a name
// suffix), TARGET (a clang target string), FUSED (whether it has fused multiply-add), WIDE64
// (whether Double may use the 4 × 16 tile) and NARROW_BLOCK (how many samples the narrow pass
// takes side by side, 2 or 4),
// and this file compiles vector_math.h and kernel_body.h for Float and Double with every
// function carrying that target, then lists them in the two tables dispatch.c hands out.
//
// The names it makes (grep for these: the source spells them FN(name) and KNAME(name, t, ISA)):
//   kernels   bp_<kernel>_<f32|f64>_<isa>, one per table field: bp_panel_f64_avx2,
//             bp_weight_gradient_f32_avx512, bp_head_row_f64_vector128, bp_narrow_pass_f32_avx2, …
//   helpers   <helper>_<f32|f64>_<isa>, static to their file: sum4_f32_avx512, load_f64_avx2,
//             madd_f32_vector128, matvec_rows4_f64_avx512, sample_sgd_in_f32_avx2, …
//   tables    bp_kernels_<f32|f64>_<isa> (kernels_<isa>.c), handed out by dispatch.c
// with <isa> one of vector128, avx2, avx512. AVX-512 Float replaces some kernels with 16-lane
// ones of its own (bp_panel16_f32_avx512, …: kernels_avx512.c).
#include "backprop_kernels.h"
#include <stdint.h>
#include <stddef.h>

#define NAME_(a, b) a##_##b
#define NAME(a, b) NAME_(a, b)
#define KNAME_(f, t, i) f##_##t##_##i
#define KNAME(f, t, i) KNAME_(f, t, i)

// The helpers taking 8-lane vectors are always inlined, so the calling convention that clang
// warns about for 512-bit vectors without AVX-512 never applies.
#pragma clang diagnostic ignored "-Wpsabi"
// A kernel table that leaves a function out would hand Swift a null pointer, and Swift takes
// null for "no C kernel" and quietly runs its own loop (AVX-512 Float's softmax once did):
// so a table without every field does not compile.
#pragma clang diagnostic error "-Wmissing-field-initializers"
#pragma clang fp contract(off)   // fuse exactly where the source says fma, nowhere else
// The source's multiply-adds: fused where the instruction set has them (FUSED 1: AVX2, AVX-512),
// a multiply then an add where it has none (the 128-bit path: SSE2, WebAssembly's SIMD128, where
// clang would otherwise call the C library's fma for every lane).
#if FUSED
#define BP_FMA(a, b, c) __builtin_elementwise_fma(a, b, c)
#define BP_FMAF(a, b, c) __builtin_fmaf(a, b, c)
#define BP_FMA64(a, b, c) __builtin_fma(a, b, c)
#else
#define BP_FMA(a, b, c) ((a) * (b) + (c))
#define BP_FMAF(a, b, c) ((a) * (b) + (c))
#define BP_FMA64(a, b, c) ((a) * (b) + (c))
#endif
#pragma clang attribute push(__attribute__((target(TARGET))), apply_to = function)
#include "vector_math.h"

#define T float
#define TS f32
#define SUF NAME(f32, ISA)
#define PANEL_WIDE 1
#include "kernel_body.h"
#undef T
#undef TS
#undef SUF
#undef PANEL_WIDE

#define T double
#define BP_DOUBLE
#define TS f64
#define SUF NAME(f64, ISA)
#define PANEL_WIDE WIDE64
#include "kernel_body.h"
#undef T
#undef BP_DOUBLE
#undef TS
#undef SUF
#undef PANEL_WIDE
#pragma clang attribute pop

// One instruction set's table for element type t (f32 or f64), by field name.
#define TABLE(t) { .panel = KNAME(bp_panel, t, ISA), .weight_gradient = KNAME(bp_weight_gradient, t, ISA), \
                   .bias_gradient = KNAME(bp_bias_gradient, t, ISA), .activate = KNAME(bp_activate, t, ISA), \
                   .multiply_derivative = KNAME(bp_multiply_derivative, t, ISA), .head_row = KNAME(bp_head_row, t, ISA), \
                   .matvec = KNAME(bp_matvec, t, ISA), .outer = KNAME(bp_outer, t, ISA), .sgd = KNAME(bp_sgd, t, ISA), \
                   .transpose = KNAME(bp_transpose, t, ISA), .sample_sgd = KNAME(bp_sample_sgd, t, ISA), \
                   .narrow_pass = KNAME(bp_narrow_pass, t, ISA), .softmax = KNAME(bp_softmax, t, ISA) }
