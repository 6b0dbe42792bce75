// The vector form of the reference's requantization, for the *_avx2.cc
// files only (inline AVX2 code: see the ODR rule in avx2_kernels.h).
//
// Bit-identical to ref::Requantize (TFLM's double-rounding
// MultiplyByQuantizedMultiplier, plus the output offset, clamped) for
// multipliers >= 0 and shifts within [-31, 31], which QuantizeMultiplier
// always gives. The tests hold it to ref::Requantize.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "libconvert/interp/fast/avx2_kernels.h"

namespace tinyforge::interp::fast::avx2 {

// One requantization per lane, with what each lane needs precomputed.
struct RequantVectors {
  __m256i multiplier;      // M
  __m256i multiplier_odd;  // M of lane 2j + 1 in lane 2j (what vpmuldq reads)
  __m256i left, right;     // shift = left - right, one of them 0
  __m256i mask, half;      // 2^right - 1 and its half: the rounding divide's
};

// Eight channels of a RequantChannelParams block.
inline RequantVectors LoadRequant(const int32_t* p) {
  auto load = [p](int i) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 8 * i)); };
  return {load(0), load(1), load(2), load(3), load(4), load(5)};
}

// One multiplier for every lane.
inline RequantVectors BroadcastRequant(int32_t multiplier, int32_t left, int32_t right) {
  const int32_t mask = static_cast<int32_t>((uint32_t{1} << right) - 1u);
  return {_mm256_set1_epi32(multiplier), _mm256_set1_epi32(multiplier), _mm256_set1_epi32(left),
          _mm256_set1_epi32(right),      _mm256_set1_epi32(mask),       _mm256_set1_epi32(mask >> 1)};
}

// Eight lanes requantized and clamped to [lo, hi] (int32 results).
inline __m256i Requantize8(__m256i x, const RequantVectors& v, __m256i offset, __m256i lo, __m256i hi) {
  x = _mm256_sllv_epi32(x, v.left);  // wraps like the reference's uint32 shift
  // Saturating rounding doubling high multiply. With M >= 0 the overflow
  // case (a == b == INT32_MIN) cannot occur, and the reference's
  // truncating (ab + nudge) / 2^31 equals floor((ab + 2^30) / 2^31) for
  // either sign of ab, whose low 32 bits a logical 64-bit shift gives.
  const __m256i round = _mm256_set1_epi64x(int64_t{1} << 30);
  const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, v.multiplier), round);
  const __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), v.multiplier_odd), round);
  const __m256i even_high = _mm256_srli_epi64(even, 31);                       // result in the low half
  const __m256i odd_high = _mm256_slli_epi64(_mm256_srli_epi64(odd, 31), 32);  // in the high half
  const __m256i high = _mm256_blend_epi32(even_high, odd_high, 0xAA);
  // Rounding divide by 2^right: half away from zero.
  const __m256i remainder = _mm256_and_si256(high, v.mask);
  const __m256i threshold = _mm256_sub_epi32(v.half, _mm256_cmpgt_epi32(_mm256_setzero_si256(), high));
  __m256i y = _mm256_sub_epi32(_mm256_srav_epi32(high, v.right), _mm256_cmpgt_epi32(remainder, threshold));
  y = _mm256_add_epi32(y, offset);
  return _mm256_min_epi32(_mm256_max_epi32(y, lo), hi);
}

// Stores the low byte of each of eight int32 lanes (values in int8 range).
inline void StoreInt8x8(__m256i v, int8_t* out) {
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packs_epi16(words, words));
}

// Sixteen int32 lanes (in int8 range) as sixteen bytes, in order.
inline __m128i PackInt8x16(__m256i a, __m256i b) {
  // packs work within 128-bit lanes: dwords 0, 4, 1, 5 then hold a[0..3],
  // a[4..7], b[0..3], b[4..7].
  const __m256i words = _mm256_packs_epi32(a, b);
  const __m256i bytes = _mm256_packs_epi16(words, words);
  return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 0, 0, 0, 0)));
}

}  // namespace tinyforge::interp::fast::avx2
