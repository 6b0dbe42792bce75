// The int8 depthwise row kernel on AVX-512: avx2::DepthwisePaddedRowInt8's
// arithmetic on blocks of 32 channels, the requantization on 16 lanes.
// Compiled with -mavx512f -mavx512bw -mavx512vnni; see avx512_kernels.h for
// the rules of these files and the emulated build the tests make of it.
#include <cstdint>

#include "libconvert/interp/fast/avx512_inline.h"
#include "libconvert/interp/fast/avx512_kernels.h"

namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE {

void DepthwisePaddedRowInt8x32(const int16_t* row, int64_t x_step, int out_width, const int64_t* tap_offsets,
                               int tap_pairs, const int16_t* packed, int channel_blocks, const int32_t* bias,
                               const avx2::RequantParams& q, int depth, int8_t* out) {
  const __m512i offset = _mm512_set1_epi32(q.output_offset);
  const __m512i lo_clamp = _mm512_set1_epi32(q.min), hi_clamp = _mm512_set1_epi32(q.max);
  // unpacklo/hi_epi16 work within 128-bit lanes: the low products hold
  // channels 0-3, 8-11, 16-19 and 24-27, the high ones the other fours.
  // These indices put the 64-bit pairs back in channel order.
  const __m512i first_half = _mm512_set_epi64(11, 10, 3, 2, 9, 8, 1, 0);
  const __m512i second_half = _mm512_set_epi64(15, 14, 7, 6, 13, 12, 5, 4);
  for (int x = 0; x < out_width; ++x, out += depth) {
    const int16_t* origin = row + x * x_step;
    for (int block = 0; block < channel_blocks; ++block) {
      const int16_t* base = origin + block * 32;
      const int16_t* w = packed + static_cast<int64_t>(block) * tap_pairs * 64;
      __m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
      for (int p = 0; p < tap_pairs; ++p, w += 64) {
        const __m512i first = _mm512_loadu_si512(base + tap_offsets[2 * p]);
        const __m512i second = _mm512_loadu_si512(base + tap_offsets[2 * p + 1]);
        lo = _mm512_add_epi32(lo, MultiplyAddPairs(_mm512_unpacklo_epi16(first, second), _mm512_loadu_si512(w)));
        hi = _mm512_add_epi32(hi, MultiplyAddPairs(_mm512_unpackhi_epi16(first, second), _mm512_loadu_si512(w + 32)));
      }
      const int c = block * 32;
      const int32_t* channels = q.channels + (c / 8) * avx2::kRequantBlockValues;
      for (int half = 0; half < 2 && c + 16 * half < depth; ++half) {
        const __m512i sums = _mm512_permutex2var_epi64(lo, half == 0 ? first_half : second_half, hi);
        const __m512i acc = _mm512_add_epi32(sums, _mm512_loadu_si512(bias + c + 16 * half));
        const Requant16 rq = LoadRequant16(channels + 2 * half * avx2::kRequantBlockValues);
        const int n = depth - (c + 16 * half) < 16 ? depth - (c + 16 * half) : 16;
        StoreInt8x16(Requantize16(acc, rq, offset, lo_clamp, hi_clamp), n, out + c + 16 * half);
      }
    }
  }
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE
