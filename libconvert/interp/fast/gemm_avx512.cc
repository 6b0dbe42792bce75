// The uint8 x int8 GEMM through vpdpbusd, compiled with -mavx512f
// -mavx512bw -mavx512vl -mavx512vnni. See avx512_kernels.h for the rules of
// these files, and for the emulated build the tests make of this one.
#include <cstdint>
#include <cstring>

#include "libconvert/interp/fast/avx512_inline.h"
#include "libconvert/interp/fast/avx512_kernels.h"

namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE {
namespace {

// acc[r][v] = start[v] plus the sums of R rows of a against V blocks of
// 16 output channels (start: the bias, where one is added, or zeros).
template <int R, int V>
TINYFORGE_AVX512_INLINE void Accumulate(const uint8_t* a, int64_t a_stride, const int8_t* w, int64_t block_stride,
                                        int64_t k_quads, const __m512i (&start)[V], __m512i (&acc)[R][V]) {
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) acc[r][v] = start[v];
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

// Accumulate<8, 2> with the sixteen accumulators as named variables: GCC
// 12 kept the array's in registers only by copying all sixteen to other
// registers (and two to the stack) on every step of k.
template <>
TINYFORGE_AVX512_INLINE void Accumulate<8, 2>(const uint8_t* a, int64_t a_stride, const int8_t* w,
                                              int64_t block_stride, int64_t k_quads, const __m512i (&start)[2],
                                              __m512i (&acc)[8][2]) {
  __m512i c00 = start[0], c10 = c00, c20 = c00, c30 = c00, c40 = c00, c50 = c00, c60 = c00, c70 = c00;
  __m512i c01 = start[1], c11 = c01, c21 = c01, c31 = c01, c41 = c01, c51 = c01, c61 = c01, c71 = c01;
  const uint8_t *a0 = a, *a1 = a + a_stride, *a2 = a + 2 * a_stride, *a3 = a + 3 * a_stride,
                *a4 = a + 4 * a_stride, *a5 = a + 5 * a_stride, *a6 = a + 6 * a_stride, *a7 = a + 7 * a_stride;
  const int8_t* w1 = w + block_stride;
  for (int64_t q = 0; q < k_quads; ++q) {
    const __m512i w0v = _mm512_loadu_si512(w + 64 * q), w1v = _mm512_loadu_si512(w1 + 64 * q);
    // Row `row`'s four activations at q against both blocks.
    auto step = [q, w0v, w1v](const uint8_t* row, __m512i& left, __m512i& right) {
      int32_t quad;
      std::memcpy(&quad, row + 4 * q, sizeof quad);
      const __m512i x = _mm512_set1_epi32(quad);
      left = _mm512_dpbusd_epi32(left, x, w0v);
      right = _mm512_dpbusd_epi32(right, x, w1v);
    };
    step(a0, c00, c01), step(a1, c10, c11), step(a2, c20, c21), step(a3, c30, c31);
    step(a4, c40, c41), step(a5, c50, c51), step(a6, c60, c61), step(a7, c70, c71);
  }
  acc[0][0] = c00, acc[0][1] = c01, acc[1][0] = c10, acc[1][1] = c11, acc[2][0] = c20, acc[2][1] = c21;
  acc[3][0] = c30, acc[3][1] = c31, acc[4][0] = c40, acc[4][1] = c41, acc[5][0] = c50, acc[5][1] = c51;
  acc[6][0] = c60, acc[6][1] = c61, acc[7][0] = c70, acc[7][1] = c71;
}

// The same for one block (16 output channels, as person_detect's early
// layers have), where GCC 12 zeroed and kept the array in memory.
template <>
TINYFORGE_AVX512_INLINE void Accumulate<8, 1>(const uint8_t* a, int64_t a_stride, const int8_t* w,
                                              int64_t /*block_stride*/, int64_t k_quads,
                                              const __m512i (&start)[1], __m512i (&acc)[8][1]) {
  __m512i c0 = start[0], c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  const uint8_t *a0 = a, *a1 = a + a_stride, *a2 = a + 2 * a_stride, *a3 = a + 3 * a_stride,
                *a4 = a + 4 * a_stride, *a5 = a + 5 * a_stride, *a6 = a + 6 * a_stride, *a7 = a + 7 * a_stride;
  for (int64_t q = 0; q < k_quads; ++q) {
    const __m512i wv = _mm512_loadu_si512(w + 64 * q);
    auto step = [q, wv](const uint8_t* row, __m512i& sum) {
      int32_t quad;
      std::memcpy(&quad, row + 4 * q, sizeof quad);
      sum = _mm512_dpbusd_epi32(sum, _mm512_set1_epi32(quad), wv);
    };
    step(a0, c0), step(a1, c1), step(a2, c2), step(a3, c3), step(a4, c4), step(a5, c5), step(a6, c6), step(a7, c7);
  }
  acc[0][0] = c0, acc[1][0] = c1, acc[2][0] = c2, acc[3][0] = c3, acc[4][0] = c4, acc[5][0] = c5, acc[6][0] = c6;
  acc[7][0] = c7;
}

// 8 rows against a block of 16 channels and the first 8 channels of the
// next (a layer of 24 channels, as MobileNetV2's projections have), those
// in 256-bit registers: on this ISA half the work of a 512-bit block.
TINYFORGE_AVX512_INLINE void Accumulate16And8(const uint8_t* a, int64_t a_stride, const int8_t* w,
                                              int64_t block_stride, int64_t k_quads, __m512i start,
                                              __m256i start_half, __m512i (&acc)[8], __m256i (&half)[8]) {
  __m512i c0 = start, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  __m256i h0 = start_half, h1 = h0, h2 = h0, h3 = h0, h4 = h0, h5 = h0, h6 = h0, h7 = h0;
  const uint8_t *a0 = a, *a1 = a + a_stride, *a2 = a + 2 * a_stride, *a3 = a + 3 * a_stride,
                *a4 = a + 4 * a_stride, *a5 = a + 5 * a_stride, *a6 = a + 6 * a_stride, *a7 = a + 7 * a_stride;
  const int8_t* w1 = w + block_stride;
  for (int64_t q = 0; q < k_quads; ++q) {
    const __m512i wv = _mm512_loadu_si512(w + 64 * q);
    const __m256i wh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w1 + 64 * q));
    auto step = [q, wv, wh](const uint8_t* row, __m512i& sum, __m256i& sum_half) {
      int32_t quad;
      std::memcpy(&quad, row + 4 * q, sizeof quad);
      const __m512i x = _mm512_set1_epi32(quad);
      sum = _mm512_dpbusd_epi32(sum, x, wv);
      sum_half = _mm256_dpbusd_epi32(sum_half, _mm512_castsi512_si256(x), wh);
    };
    step(a0, c0, h0), step(a1, c1, h1), step(a2, c2, h2), step(a3, c3, h3);
    step(a4, c4, h4), step(a5, c5, h5), step(a6, c6, h6), step(a7, c7, h7);
  }
  acc[0] = c0, acc[1] = c1, acc[2] = c2, acc[3] = c3, acc[4] = c4, acc[5] = c5, acc[6] = c6, acc[7] = c7;
  half[0] = h0, half[1] = h1, half[2] = h2, half[3] = h3, half[4] = h4, half[5] = h5, half[6] = h6, half[7] = h7;
}

// R rows of a against V blocks, the sums stored as int32.
template <int R, int V>
void GemmTile(const uint8_t* a, int64_t a_stride, const int8_t* w, int64_t block_stride, int64_t k_quads,
              int32_t* c, int64_t c_stride) {
  __m512i zeros[V], acc[R][V];
  for (int v = 0; v < V; ++v) zeros[v] = _mm512_setzero_si512();
  Accumulate<R, V>(a, a_stride, w, block_stride, k_quads, zeros, acc);
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

// R rows against V blocks, requantized into out in the RequantForm Form;
// the last block holds `last` channels (1..16), or 16 where Full. The
// epilogue keeps the sums in registers only unrolled and with both the
// stores' width and the clamp known at compile time: otherwise GCC 12
// stored all R x V sums to the stack and read them back, and the expanding
// 1x1 layers (16 -> 96 channels and the like) ran 5-10% slower.
template <int R, int V, typename Form, bool Full>
void GemmRequantizeTile(const uint8_t* a, int64_t a_stride, const int8_t* w, int64_t block_stride, int64_t k_quads,
                        const int32_t* bias, const avx2::RequantParams& q, int8_t* out, int64_t out_stride,
                        int last) {
  // The sums start from the bias.
  __m512i start[V], acc[R][V];
  for (int v = 0; v < V; ++v) start[v] = _mm512_loadu_si512(bias + 16 * v);
  Accumulate<R, V>(a, a_stride, w, block_stride, k_quads, start, acc);
  const __m512i lo = _mm512_set1_epi32(q.min), hi = _mm512_set1_epi32(q.max);
#pragma GCC unroll 2
  for (int v = 0; v < V; ++v) {
    const auto requantize = ChannelRequant16<Form>::Load(q, 16 * v);
    const int n = Full || v + 1 < V ? 16 : last;
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) StoreInt8x16(requantize(acc[r][v], lo, hi), n, out + r * out_stride + 16 * v);
  }
}

// 8 rows against 16 + `last` (1..8) channels (Accumulate16And8),
// requantized into out. The half block's sums are requantized two rows to
// a vector, its channels' parameters in both halves.
template <typename Form>
void GemmRequantizeTile16And8(const uint8_t* a, int64_t a_stride, const int8_t* w, int64_t block_stride,
                              int64_t k_quads, const int32_t* bias, const avx2::RequantParams& q, int8_t* out,
                              int64_t out_stride, int last) {
  __m512i acc[8];
  __m256i half[8];
  Accumulate16And8(a, a_stride, w, block_stride, k_quads, _mm512_loadu_si512(bias),
                   _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + 16)), acc, half);
  const __m512i lo = _mm512_set1_epi32(q.min), hi = _mm512_set1_epi32(q.max);
  const auto requantize = ChannelRequant16<Form>::Load(q, 0);
  for (int r = 0; r < 8; ++r) StoreInt8x16(requantize(acc[r], lo, hi), 16, out + r * out_stride);
  const auto twice =
      ChannelRequant16<Form>::Load(q, 16).Permuted(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7));
  for (int r = 0; r < 8; r += 2) {
    const __m512i pair = _mm512_inserti64x4(_mm512_castsi256_si512(half[r]), half[r + 1], 1);
    const __m128i bytes = _mm512_cvtsepi32_epi8(twice(pair, lo, hi));
    const int64_t first = _mm_cvtsi128_si64(bytes), second = _mm_extract_epi64(bytes, 1);
    std::memcpy(out + r * out_stride + 16, &first, static_cast<size_t>(last));
    std::memcpy(out + (r + 1) * out_stride + 16, &second, static_cast<size_t>(last));
  }
}

// Every row against a block and up to 8 channels of the next: tiles of 8
// rows as GemmRequantizeTile16And8, the rows left over one at a time
// against both blocks.
template <typename Form>
void GemmRequantizeRows16And8(const uint8_t* a, int64_t rows, int64_t a_stride, const int8_t* w,
                              int64_t block_stride, int64_t k_quads, const int32_t* bias,
                              const avx2::RequantParams& q, int8_t* out, int64_t out_stride, int last) {
  int64_t r = 0;
  for (; r + 8 <= rows; r += 8) {
    GemmRequantizeTile16And8<Form>(a + r * a_stride, a_stride, w, block_stride, k_quads, bias, q, out + r * out_stride,
                                   out_stride, last);
  }
  for (; r < rows; ++r) {
    GemmRequantizeTile<1, 2, Form, false>(a + r * a_stride, a_stride, w, block_stride, k_quads, bias, q,
                                          out + r * out_stride, out_stride, last);
  }
}

// Every row against the V blocks, in tiles of kRowTile rows (Full: the
// last block holds 16 channels).
template <int V, typename Form, bool Full>
void GemmRequantizeRows(const uint8_t* a, int64_t rows, int64_t a_stride, const int8_t* w, int64_t block_stride,
                        int64_t k_quads, const int32_t* bias, const avx2::RequantParams& q, int8_t* out,
                        int64_t out_stride, int last) {
  int64_t r = 0;
  for (; r + kRowTile <= rows; r += kRowTile) {
    GemmRequantizeTile<kRowTile, V, Form, Full>(a + r * a_stride, a_stride, w, block_stride, k_quads, bias, q,
                                                out + r * out_stride, out_stride, last);
  }
  for (; r < rows; ++r) {
    GemmRequantizeTile<1, V, Form, false>(a + r * a_stride, a_stride, w, block_stride, k_quads, bias, q,
                                          out + r * out_stride, out_stride, last);
  }
}

// GemmRequantizeRows in the form of the requantization q holds.
template <int V>
void GemmRequantizeBlocks(const uint8_t* a, int64_t rows, int64_t a_stride, const int8_t* w, int64_t block_stride,
                          int64_t k_quads, const int32_t* bias, const avx2::RequantParams& q, int8_t* out,
                          int64_t out_stride, int last) {
  WithRequantForm(q, [&](auto form) {
    using Form = decltype(form);
    const auto rows_fn = last == 16 ? &GemmRequantizeRows<V, Form, true> : &GemmRequantizeRows<V, Form, false>;
    rows_fn(a, rows, a_stride, w, block_stride, k_quads, bias, q, out, out_stride, last);
  });
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
    const avx2::RequantParams qb{q.channels + b * 2 * avx2::kRequantBlockValues, q.output_offset, q.min, q.max,
                                 q.bounded != nullptr ? q.bounded + b * avx2::kBoundedBlockValues : nullptr};
    const int64_t left = oc - b * 16;  // channels from block b on
    const int8_t* w = packed + b * block_stride;
    if (left > 16 && left <= 24) {
      WithRequantForm(qb, [&](auto form) {
        GemmRequantizeRows16And8<decltype(form)>(a, rows, a_stride, w, block_stride, k_quads, bias + b * 16, qb,
                                                 out + b * 16, out_stride, static_cast<int>(left - 16));
      });
    } else if (left > 16) {
      GemmRequantizeBlocks<2>(a, rows, a_stride, w, block_stride, k_quads, bias + b * 16, qb, out + b * 16,
                              out_stride, static_cast<int>(left >= 32 ? 16 : left - 16));
    } else {
      GemmRequantizeBlocks<1>(a, rows, a_stride, w, block_stride, k_quads, bias + b * 16, qb, out + b * 16,
                              out_stride, static_cast<int>(left));
    }
  }
}

Avx512Kernels Kernels() {
  return {&GemmUint8, &GemmUint8Requantize, &DepthwisePaddedRowInt8x32, &DepthwisePaddedRowInt8Narrow, &AddSubInt8,
          &GemmFloat, &DepthwiseRowFloat16, &GemmFloatWindows, &InterleaveThree};
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE

