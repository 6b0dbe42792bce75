// Inline AVX-512 code the *_avx512.cc files share, for them only (see the
// ODR rule in avx2_kernels.h): the intrinsics, or SIMDe's portable
// emulation of them when TINYFORGE_AVX512_EMULATED is defined (the tests'
// build of these files, namespace avx512_emulated); the reference's
// requantization on 16 lanes; the int8 store.
//
// Requantize16 gives the same bits as avx2::Requantize8
// (requantize_avx2.h), from the same per-channel blocks (kernel_support.h's
// Requantizer). The tests hold the kernels that use it to ref::Requantize.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

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

#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/avx512_kernels.h"

#define TINYFORGE_AVX512_INLINE inline __attribute__((always_inline))

namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE {

// The kernels of these files, gathered by Kernels() (avx512_kernels.h): one
// declaration for the native and the emulated build.
std::remove_pointer_t<GemmUint8Fn> GemmUint8;
std::remove_pointer_t<GemmUint8RequantizeFn> GemmUint8Requantize;
std::remove_pointer_t<DepthwiseRowInt8Fn> DepthwisePaddedRowInt8x32;
std::remove_pointer_t<DepthwiseRowNarrowInt8Fn> DepthwisePaddedRowInt8Narrow;
std::remove_pointer_t<AddSubInt8Fn> AddSubInt8;
std::remove_pointer_t<GemmFloatFn> GemmFloat;
std::remove_pointer_t<DepthwiseRowFloatFn> DepthwiseRowFloat16;
std::remove_pointer_t<GemmFloatWindowsFn> GemmFloatWindows;
std::remove_pointer_t<InterleaveThreeFn> InterleaveThree;

// avx2::RequantVectors for 16 lanes: what the requantization of 16
// channels needs, from two of avx2::RequantizeInt8's 8-channel blocks.
struct Requant16 {
  __m512i multiplier, multiplier_odd, left, right, mask, half;
};

// Row `row` of two consecutive 8-channel blocks as 16 lanes. (Helpers
// that return vectors are always inlined, lambdas included: the emulated
// build may not pass them between functions, GCC's -Wpsabi.)
TINYFORGE_AVX512_INLINE __m512i LoadRequantRow(const int32_t* blocks, int row) {
  const __m256i low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blocks + 8 * row));
  const __m256i high =
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blocks + avx2::kRequantBlockValues + 8 * row));
  return _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
}

TINYFORGE_AVX512_INLINE Requant16 LoadRequant16(const int32_t* blocks) {
  return {LoadRequantRow(blocks, 0), LoadRequantRow(blocks, 1), LoadRequantRow(blocks, 2),
          LoadRequantRow(blocks, 3), LoadRequantRow(blocks, 4), LoadRequantRow(blocks, 5)};
}

// Each lane shifted right (arithmetic) by its own count. SIMDe has no
// 32-bit form: the emulated build shifts the two halves.
TINYFORGE_AVX512_INLINE __m512i ShiftRightLanes(__m512i x, __m512i count) {
#ifdef TINYFORGE_AVX512_EMULATED
  const __m256i low = _mm256_srav_epi32(_mm512_castsi512_si256(x), _mm512_castsi512_si256(count));
  const __m256i high = _mm256_srav_epi32(_mm512_extracti64x4_epi64(x, 1), _mm512_extracti64x4_epi64(count, 1));
  return _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
#else
  return _mm512_srav_epi32(x, count);
#endif
}

// The reference's rounding doubling high multiply of each lane by M (M of
// lane 2j + 1 also in lane 2j of multiplier_odd): (x * M + 2^30) >> 31,
// floored, in each lane's low 32 bits: the even lanes' from the 64-bit
// products' shift; the odd lanes' is the high half of (their product +
// 2^30) << 1.
TINYFORGE_AVX512_INLINE __m512i RoundingMultiply16(__m512i x, __m512i multiplier, __m512i multiplier_odd) {
  const __m512i round = _mm512_set1_epi64(int64_t{1} << 30);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, multiplier), round);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), multiplier_odd), round);
  return _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
}

// avx2::Requantize8's arithmetic on 16 lanes (the same bits: the reference's
// double-rounding multiply, then the offset and the clamp).
TINYFORGE_AVX512_INLINE __m512i Requantize16(__m512i x, const Requant16& v, __m512i offset, __m512i lo, __m512i hi) {
  x = _mm512_sllv_epi32(x, v.left);  // wraps like the reference's uint32 shift
  const __m512i high = RoundingMultiply16(x, v.multiplier, v.multiplier_odd);
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

// The bounded form of 16 channels' requantization (avx2::RequantParams's
// `bounded`): M, M of the odd lane in the even one, the right shift, what
// the rounding divide adds, and which lanes round negative values down.
struct BoundedRequant16 {
  __m512i multiplier, multiplier_odd, right, add, negative_down;
};

TINYFORGE_AVX512_INLINE BoundedRequant16 LoadBoundedRequant16(const int32_t* block) {
  return {_mm512_loadu_si512(block), _mm512_loadu_si512(block + 16), _mm512_loadu_si512(block + 32),
          _mm512_loadu_si512(block + 48), _mm512_loadu_si512(block + 64)};
}

// The high 32 bits of each 64-bit lane as 16 lanes: lane 2j from `even`'s
// lane j, lane 2j + 1 from `odd`'s. (SIMDe has no masked dword shuffle.)
TINYFORGE_AVX512_INLINE __m512i HighHalves(__m512i even, __m512i odd) {
#ifdef TINYFORGE_AVX512_EMULATED
  return _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
#else
  return _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_DDBB);
#endif
}

// Requantize16's bits, where the bounded form exists (no left shift,
// |x| < 2^30, and h + add + 1 cannot overflow), before the clamp: the same
// rounding multiply h = (x M + 2^30) >> 31, taken as the high half of
// 2x M + 2^31, then TFLM's rounding divide by 2^right, half away from zero,
// as
//   (h + 2^(right - 1) - [h < 0]) >> right   (right > 0; h when right = 0)
// with the output offset added before the shift as offset * 2^right.
TINYFORGE_AVX512_INLINE __m512i Requantize16Bounded(__m512i x, const BoundedRequant16& v) {
  const __m512i round = _mm512_set1_epi64(int64_t{1} << 31);
  const __m512i twice = _mm512_add_epi32(x, x);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(twice, v.multiplier), round);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(twice, 32), v.multiplier_odd), round);
  const __m512i high = HighHalves(even, odd);
  const __mmask16 negative = _mm512_cmpgt_epi32_mask(_mm512_setzero_si512(), high);
  const __m512i sum = _mm512_add_epi32(high, v.add);
  return ShiftRightLanes(_mm512_mask_add_epi32(sum, negative, sum, v.negative_down), v.right);
}

// Which of the requantization's forms a kernel is compiled for: the
// general one, which always clamps, or the bounded one (q.bounded), with
// the clamp to [q.min, q.max] or, where that spans int8, without it (the
// conversion to bytes saturates). WithRequantForm picks one per call: a
// test of either inside a tile's epilogue cost GCC 12 its registers (the
// int8 GEMM's expanding 1x1 layers ran 5-10% slower).
template <bool Bounded, bool Clamps>
struct RequantForm {
  static constexpr bool kBounded = Bounded, kClamps = Clamps;
};

// Calls fn(RequantForm<...>{}) with the form that requantizing into
// [min, max] takes: bounded where `bounded`.
template <typename Fn>
TINYFORGE_AVX512_INLINE void WithRequantForm(bool bounded, int32_t min, int32_t max, Fn fn) {
  if (!bounded) {
    fn(RequantForm<false, true>{});
  } else if (min > -128 || max < 127) {
    fn(RequantForm<true, true>{});
  } else {
    fn(RequantForm<true, false>{});
  }
}

// The form q holds.
template <typename Fn>
TINYFORGE_AVX512_INLINE void WithRequantForm(const avx2::RequantParams& q, Fn fn) {
  WithRequantForm(q.bounded != nullptr, q.min, q.max, fn);
}

// 16 channels' requantization in a RequantForm: Load(q, c) for channels
// [c, c + 16) (c a multiple of 16; q.bounded set for the bounded form),
// then requantize(acc, lo, hi) per vector, each lane then within [lo, hi]
// (q.min and q.max) or, in the bounded form without the clamp, left for
// the conversion to bytes to saturate. Permuted(from) gives the same with
// lane i's parameters taken from lane from[i], for kernels whose sums are
// not in channel order.
template <typename Form, bool Bounded = Form::kBounded>
struct ChannelRequant16;

template <typename Form>
struct ChannelRequant16<Form, false> {
  static_assert(Form::kClamps, "the general form always clamps");
  Requant16 rq;
  __m512i offset;

  TINYFORGE_AVX512_INLINE static ChannelRequant16 Load(const avx2::RequantParams& q, int c) {
    return {LoadRequant16(q.channels + c / 8 * avx2::kRequantBlockValues), _mm512_set1_epi32(q.output_offset)};
  }
  TINYFORGE_AVX512_INLINE __m512i operator()(__m512i acc, __m512i lo, __m512i hi) const {
    return Requantize16(acc, rq, offset, lo, hi);
  }
  TINYFORGE_AVX512_INLINE ChannelRequant16 Permuted(__m512i from) const {
    const __m512i m = _mm512_permutexvar_epi32(from, rq.multiplier);
    return {{m, _mm512_srli_epi64(m, 32), _mm512_permutexvar_epi32(from, rq.left),
             _mm512_permutexvar_epi32(from, rq.right), _mm512_permutexvar_epi32(from, rq.mask),
             _mm512_permutexvar_epi32(from, rq.half)},
            offset};
  }
};

template <typename Form>
struct ChannelRequant16<Form, true> {
  BoundedRequant16 rq;

  TINYFORGE_AVX512_INLINE static ChannelRequant16 Load(const avx2::RequantParams& q, int c) {
    return {LoadBoundedRequant16(q.bounded + c / 16 * avx2::kBoundedBlockValues)};
  }
  TINYFORGE_AVX512_INLINE __m512i operator()(__m512i acc, __m512i lo, __m512i hi) const {
    const __m512i y = Requantize16Bounded(acc, rq);
    return Form::kClamps ? _mm512_min_epi32(_mm512_max_epi32(y, lo), hi) : y;
  }
  TINYFORGE_AVX512_INLINE ChannelRequant16 Permuted(__m512i from) const {
    const __m512i m = _mm512_permutexvar_epi32(from, rq.multiplier);
    return {{m, _mm512_srli_epi64(m, 32), _mm512_permutexvar_epi32(from, rq.right),
             _mm512_permutexvar_epi32(from, rq.add), _mm512_permutexvar_epi32(from, rq.negative_down)}};
  }
};

// 16 int8 values as int32 lanes. (SIMDe's AVX-512 has no vpmovsxbd: two
// AVX2 ones there.)
TINYFORGE_AVX512_INLINE __m512i LoadInt8x16(const int8_t* x) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x));
#ifdef TINYFORGE_AVX512_EMULATED
  return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_cvtepi8_epi32(bytes)),
                            _mm256_cvtepi8_epi32(_mm_srli_si128(bytes, 8)), 1);
#else
  return _mm512_cvtepi8_epi32(bytes);
#endif
}

// The first n (1..16) of 16 int32 lanes, saturated to int8, stored as bytes.
TINYFORGE_AVX512_INLINE void StoreInt8x16(__m512i v, int n, int8_t* out) {
  const __m128i bytes = _mm512_cvtsepi32_epi8(v);
  if (n == 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), bytes);
  } else {
    alignas(16) int8_t lanes[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), bytes);
    std::memcpy(out, lanes, static_cast<size_t>(n));
  }
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE
