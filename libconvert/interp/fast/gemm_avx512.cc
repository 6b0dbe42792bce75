// The uint8 x int8 GEMM through vpdpbusd, compiled with -mavx512f
// -mavx512bw -mavx512vnni. See avx512_kernels.h for the rules of these
// files, and for the emulated build the tests make of this one.
#include <cstdint>
#include <cstring>

#ifdef TINYFORGE_AVX512_EMULATED
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#define TINYFORGE_AVX512_NAMESPACE avx512_emulated
#else
#include <immintrin.h>
#define TINYFORGE_AVX512_NAMESPACE avx512
#endif

#include "libconvert/interp/fast/avx512_kernels.h"

namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE {
namespace {

// R rows of a against V blocks of 16 output channels.
template <int R, int V>
void GemmTile(const uint8_t* a, int64_t a_stride, const int8_t* w, int64_t block_stride, int64_t k_quads,
              int32_t* c, int64_t c_stride) {
  __m512i acc[R][V];
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) acc[r][v] = _mm512_setzero_si512();
  }
  for (int64_t q = 0; q < k_quads; ++q) {
    __m512i wv[V];
    for (int v = 0; v < V; ++v) wv[v] = _mm512_loadu_si512(w + v * block_stride + 64 * q);
    for (int r = 0; r < R; ++r) {
      int32_t quad;
      std::memcpy(&quad, a + r * a_stride + 4 * q, sizeof quad);
      const __m512i x = _mm512_set1_epi32(quad);
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], x, wv[v]);
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) _mm512_storeu_si512(c + r * c_stride + 16 * v, acc[r][v]);
  }
}

// Every row of a against V blocks.
template <int V>
void GemmBlocks(const uint8_t* a, int64_t rows, int64_t a_stride, const int8_t* w, int64_t block_stride,
                int64_t k_quads, int32_t* c, int64_t c_stride) {
  constexpr int kRowTile = 8;  // 16 accumulators of the 32 zmm registers
  int64_t r = 0;
  for (; r + kRowTile <= rows; r += kRowTile) {
    GemmTile<kRowTile, V>(a + r * a_stride, a_stride, w, block_stride, k_quads, c + r * c_stride, c_stride);
  }
  for (; r < rows; ++r) GemmTile<1, V>(a + r * a_stride, a_stride, w, block_stride, k_quads, c + r * c_stride, c_stride);
}

}  // namespace

void GemmUint8(const uint8_t* a, int64_t rows, int64_t a_stride, const int8_t* packed, int64_t k_quads,
               int64_t oc_blocks, int32_t* c, int64_t c_stride) {
  const int64_t block_stride = k_quads * 64;
  int64_t b = 0;
  for (; b + 2 <= oc_blocks; b += 2) {
    GemmBlocks<2>(a, rows, a_stride, packed + b * block_stride, block_stride, k_quads, c + b * 16, c_stride);
  }
  if (b < oc_blocks) GemmBlocks<1>(a, rows, a_stride, packed + b * block_stride, block_stride, k_quads, c + b * 16, c_stride);
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE
