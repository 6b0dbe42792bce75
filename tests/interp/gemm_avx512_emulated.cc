// libconvert/interp/fast/gemm_avx512.cc built against SIMDe's portable
// AVX-512 (namespace avx512_emulated), so the VNNI GEMM's arithmetic and the
// fast kernels' VNNI path are tested on machines without AVX-512.
#pragma GCC diagnostic ignored "-Wpsabi"  // SIMDe passes 64-byte vectors by value
#define TINYFORGE_AVX512_EMULATED
#include "libconvert/interp/fast/gemm_avx512.cc"
