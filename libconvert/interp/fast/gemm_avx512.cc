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
// GCC 12's AVX-512 intrinsics pass _mm512_undefined_* values through on
// purpose, which its own -Wuninitialized then reports once they are inlined
// (GCC bug 105593, fixed in GCC 13). Clang has no such warning group.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#define TINYFORGE_AVX512_NAMESPACE avx512
#endif

#include "libconvert/interp/fast/avx512_kernels.h"

namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE {
namespace {

#define TINYFORGE_INLINE inline __attribute__((always_inline))

// acc[r][v] = the sums of R rows of a against V blocks of 16 output
// channels.
template <int R, int V>
TINYFORGE_INLINE void Accumulate(const uint8_t* a, int64_t a_stride, const int8_t* w, int64_t block_stride,
                                 int64_t k_quads, __m512i (&acc)[R][V]) {
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
}

// R rows of a against V blocks, the sums stored as int32.
template <int R, int V>
void GemmTile(const uint8_t* a, int64_t a_stride, const int8_t* w, int64_t block_stride, int64_t k_quads,
              int32_t* c, int64_t c_stride) {
  __m512i acc[R][V];
  Accumulate<R, V>(a, a_stride, w, block_stride, k_quads, acc);
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) _mm512_storeu_si512(c + r * c_stride + 16 * v, acc[r][v]);
  }
}

// Rows in tiles of kRowTile: 8 x 2 accumulators are 16 of the 32 zmm
// registers, the rest hold weights and the broadcast activations.
constexpr int kRowTile = 8;

// Every row of a against V blocks.
template <int V>
void GemmBlocks(const uint8_t* a, int64_t rows, int64_t a_stride, const int8_t* w, int64_t block_stride,
                int64_t k_quads, int32_t* c, int64_t c_stride) {
  int64_t r = 0;
  for (; r + kRowTile <= rows; r += kRowTile) {
    GemmTile<kRowTile, V>(a + r * a_stride, a_stride, w, block_stride, k_quads, c + r * c_stride, c_stride);
  }
  for (; r < rows; ++r) GemmTile<1, V>(a + r * a_stride, a_stride, w, block_stride, k_quads, c + r * c_stride, c_stride);
}

// avx2::RequantVectors for 16 lanes: what the requantization of 16
// channels needs, from two of avx2::RequantizeInt8's 8-channel blocks.
struct Requant16 {
  __m512i multiplier, multiplier_odd, left, right, mask, half;
};

TINYFORGE_INLINE Requant16 LoadRequant16(const int32_t* blocks) {
  auto load = [blocks](int row) {
    const __m256i low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blocks + 8 * row));
    const __m256i high =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blocks + avx2::kRequantBlockValues + 8 * row));
    return _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
  };
  return {load(0), load(1), load(2), load(3), load(4), load(5)};
}

// Each lane shifted right (arithmetic) by its own count. SIMDe has no
// 32-bit form: the emulated build shifts the two halves.
TINYFORGE_INLINE __m512i ShiftRightLanes(__m512i x, __m512i count) {
#ifdef TINYFORGE_AVX512_EMULATED
  const __m256i low = _mm256_srav_epi32(_mm512_castsi512_si256(x), _mm512_castsi512_si256(count));
  const __m256i high = _mm256_srav_epi32(_mm512_extracti64x4_epi64(x, 1), _mm512_extracti64x4_epi64(count, 1));
  return _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
#else
  return _mm512_srav_epi32(x, count);
#endif
}

// avx2::Requantize8's arithmetic on 16 lanes (the same bits: the reference's
// double-rounding multiply, then the offset and the clamp).
TINYFORGE_INLINE __m512i Requantize16(__m512i x, const Requant16& v, __m512i offset, __m512i lo, __m512i hi) {
  x = _mm512_sllv_epi32(x, v.left);  // wraps like the reference's uint32 shift
  // (x * M + 2^30) >> 31, floored, in each lane's low 32 bits: the even
  // lanes' from the 64-bit products' shift; the odd lanes' is the high half
  // of (their product + 2^30) << 1.
  const __m512i round = _mm512_set1_epi64(int64_t{1} << 30);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, v.multiplier), round);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), v.multiplier_odd), round);
  const __m512i high = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
  // Rounding divide by 2^right, half away from zero: one more when the
  // remainder passes half (half + 1 for negative values).
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i remainder = _mm512_and_si512(high, v.mask);
  const auto negative = _mm512_cmpgt_epi32_mask(_mm512_setzero_si512(), high);
  const __m512i threshold = _mm512_mask_add_epi32(v.half, negative, v.half, one);
  __m512i y = ShiftRightLanes(high, v.right);
  y = _mm512_mask_add_epi32(y, _mm512_cmpgt_epi32_mask(remainder, threshold), y, one);
  y = _mm512_add_epi32(y, offset);
  return _mm512_min_epi32(_mm512_max_epi32(y, lo), hi);
}

// R rows against V blocks, requantized into out; the last block holds
// `last` channels (1..16).
template <int R, int V>
void GemmRequantizeTile(const uint8_t* a, int64_t a_stride, const int8_t* w, int64_t block_stride, int64_t k_quads,
                        const int32_t* bias, const avx2::RequantParams& q, int8_t* out, int64_t out_stride,
                        int last) {
  __m512i acc[R][V];
  Accumulate<R, V>(a, a_stride, w, block_stride, k_quads, acc);
  const __m512i offset = _mm512_set1_epi32(q.output_offset);
  const __m512i lo = _mm512_set1_epi32(q.min), hi = _mm512_set1_epi32(q.max);
  for (int v = 0; v < V; ++v) {
    const Requant16 rq = LoadRequant16(q.channels + 2 * v * avx2::kRequantBlockValues);
    const __m512i b = _mm512_loadu_si512(bias + 16 * v);
    const int n = v + 1 == V ? last : 16;
    for (int r = 0; r < R; ++r) {
      const __m128i bytes = _mm512_cvtsepi32_epi8(Requantize16(_mm512_add_epi32(acc[r][v], b), rq, offset, lo, hi));
      int8_t* o = out + r * out_stride + 16 * v;
      if (n == 16) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o), bytes);
      } else {
        alignas(16) int8_t lanes[16];
        _mm_store_si128(reinterpret_cast<__m128i*>(lanes), bytes);
        std::memcpy(o, lanes, static_cast<size_t>(n));
      }
    }
  }
}

template <int V>
void GemmRequantizeBlocks(const uint8_t* a, int64_t rows, int64_t a_stride, const int8_t* w, int64_t block_stride,
                          int64_t k_quads, const int32_t* bias, const avx2::RequantParams& q, int8_t* out,
                          int64_t out_stride, int last) {
  int64_t r = 0;
  for (; r + kRowTile <= rows; r += kRowTile) {
    GemmRequantizeTile<kRowTile, V>(a + r * a_stride, a_stride, w, block_stride, k_quads, bias, q,
                                    out + r * out_stride, out_stride, last);
  }
  for (; r < rows; ++r) {
    GemmRequantizeTile<1, V>(a + r * a_stride, a_stride, w, block_stride, k_quads, bias, q, out + r * out_stride,
                             out_stride, last);
  }
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

void GemmUint8Requantize(const uint8_t* a, int64_t rows, int64_t a_stride, const int8_t* packed, int64_t k_quads,
                         int64_t oc, const int32_t* bias, const avx2::RequantParams& q, int8_t* out,
                         int64_t out_stride) {
  const int64_t block_stride = k_quads * 64;
  for (int64_t b = 0; b * 16 < oc; b += 2) {
    const avx2::RequantParams qb{q.channels + b * 2 * avx2::kRequantBlockValues, q.output_offset, q.min, q.max};
    const int64_t left = oc - b * 16;  // channels from block b on
    const int8_t* w = packed + b * block_stride;
    if (left > 16) {
      GemmRequantizeBlocks<2>(a, rows, a_stride, w, block_stride, k_quads, bias + b * 16, qb, out + b * 16,
                              out_stride, static_cast<int>(left >= 32 ? 16 : left - 16));
    } else {
      GemmRequantizeBlocks<1>(a, rows, a_stride, w, block_stride, k_quads, bias + b * 16, qb, out + b * 16,
                              out_stride, static_cast<int>(left));
    }
  }
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE

#undef TINYFORGE_INLINE
