// The kernels for avx512 (clang target "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma").
// Thirty-two registers: Double keeps the 4 × 16 tile as well, its 8-lane vectors in 512-bit registers; Float's 8-lane vectors stay 256 bits wide.
#if defined(__x86_64__)
#define ISA avx512
#define TARGET "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma"
#define WIDE64 1
#include "kernels_for_isa.h"

const bp_kernels_f32 bp_kernels_f32_avx512 = TABLE(f32);
const bp_kernels_f64 bp_kernels_f64_avx512 = TABLE(f64);
#endif
