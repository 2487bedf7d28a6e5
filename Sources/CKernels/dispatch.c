// Which kernels this CPU runs. The CPU's features are read once (compiler-rt's
// __builtin_cpu_init, which also checks with XGETBV that the operating system saves the AVX and
// AVX-512 registers); Swift (KernelPath.swift) decides once which table the engine uses.
#include "backprop_kernels.h"

#if defined(__x86_64__)
extern const bp_kernels_f32 bp_kernels_f32_vector128, bp_kernels_f32_avx2, bp_kernels_f32_avx512;
extern const bp_kernels_f64 bp_kernels_f64_vector128, bp_kernels_f64_avx2, bp_kernels_f64_avx512;

int bp_isa_supported(int isa) {
    __builtin_cpu_init();
    switch (isa) {
    case BP_ISA_BASELINE: return 1;
    case BP_ISA_VECTOR128: return 1;   // SSE2 is part of x86-64
    case BP_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case BP_ISA_AVX512:
        return bp_isa_supported(BP_ISA_AVX2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
            && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
    default: return 0;
    }
}

const bp_kernels_f32 *bp_kernels_f32_for(int isa) {
    switch (isa) {
    case BP_ISA_VECTOR128: return &bp_kernels_f32_vector128;
    case BP_ISA_AVX2: return &bp_kernels_f32_avx2;
    case BP_ISA_AVX512: return &bp_kernels_f32_avx512;
    default: return 0;
    }
}

const bp_kernels_f64 *bp_kernels_f64_for(int isa) {
    switch (isa) {
    case BP_ISA_VECTOR128: return &bp_kernels_f64_vector128;
    case BP_ISA_AVX2: return &bp_kernels_f64_avx2;
    case BP_ISA_AVX512: return &bp_kernels_f64_avx512;
    default: return 0;
    }
}
#elif defined(__wasm__)
// WebAssembly: SIMD128 is always there (the module is built with it; a browser without it does
// not load the module at all).
extern const bp_kernels_f32 bp_kernels_f32_vector128;
extern const bp_kernels_f64 bp_kernels_f64_vector128;
int bp_isa_supported(int isa) { return isa == BP_ISA_BASELINE || isa == BP_ISA_VECTOR128; }
const bp_kernels_f32 *bp_kernels_f32_for(int isa) { return isa == BP_ISA_VECTOR128 ? &bp_kernels_f32_vector128 : 0; }
const bp_kernels_f64 *bp_kernels_f64_for(int isa) { return isa == BP_ISA_VECTOR128 ? &bp_kernels_f64_vector128 : 0; }
#else
int bp_isa_supported(int isa) { return isa == BP_ISA_BASELINE; }
const bp_kernels_f32 *bp_kernels_f32_for(int isa) { (void)isa; return 0; }
const bp_kernels_f64 *bp_kernels_f64_for(int isa) { (void)isa; return 0; }
#endif
