// libconvert/interp/fast/*_avx512.cc built against SIMDe's portable
// AVX-512 (namespace avx512_emulated), so the AVX-512 kernels' arithmetic
// and the fast kernels' AVX-512 paths are tested on machines without it.
#pragma GCC diagnostic ignored "-Wpsabi"  // SIMDe passes 64-byte vectors by value
#define TINYFORGE_AVX512_EMULATED
#include "libconvert/interp/fast/gemm_avx512.cc"
#include "libconvert/interp/fast/depthwise_avx512.cc"
#include "libconvert/interp/fast/elementwise_avx512.cc"
#include "libconvert/interp/fast/float_gemm_avx512.cc"
#include "libconvert/interp/fast/depthwise_float_avx512.cc"
#include "libconvert/interp/fast/transpose_avx512.cc"
