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
  // A block at a time along the row: its requantization, loaded once, stays
  // in registers for every pixel, where loading it per pixel cost more than
  // the taps.
  for (int block = 0; block < channel_blocks; ++block) {
    const int c = block * 32;
    const int16_t* w = packed + static_cast<int64_t>(block) * tap_pairs * 64;
    const int32_t* channels = q.channels + (c / 8) * avx2::kRequantBlockValues;
    // The second half's parameters exist only if it holds a channel.
    const bool second = c + 16 < depth;
    const Requant16 rq0 = LoadRequant16(channels);
    const Requant16 rq1 = second ? LoadRequant16(channels + 2 * avx2::kRequantBlockValues) : rq0;
    const __m512i bias0 = _mm512_loadu_si512(bias + c), bias1 = _mm512_loadu_si512(bias + c + 16);
    const int n0 = depth - c < 16 ? depth - c : 16, n1 = depth - c - 16 < 16 ? depth - c - 16 : 16;
    const int16_t* origin = row + c;
    int8_t* o = out + c;
    for (int x = 0; x < out_width; ++x, origin += x_step, o += depth) {
      __m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
      for (int p = 0; p < tap_pairs; ++p) {
        const __m512i first = _mm512_loadu_si512(origin + tap_offsets[2 * p]);
        const __m512i next = _mm512_loadu_si512(origin + tap_offsets[2 * p + 1]);
        lo = _mm512_dpwssd_epi32(lo, _mm512_unpacklo_epi16(first, next), _mm512_loadu_si512(w + 64 * p));
        hi = _mm512_dpwssd_epi32(hi, _mm512_unpackhi_epi16(first, next), _mm512_loadu_si512(w + 64 * p + 32));
      }
      const __m512i sums0 = _mm512_add_epi32(_mm512_permutex2var_epi64(lo, first_half, hi), bias0);
      StoreInt8x16(Requantize16(sums0, rq0, offset, lo_clamp, hi_clamp), n0, o);
      if (second) {
        const __m512i sums1 = _mm512_add_epi32(_mm512_permutex2var_epi64(lo, second_half, hi), bias1);
        StoreInt8x16(Requantize16(sums1, rq1, offset, lo_clamp, hi_clamp), n1, o + 16);
      }
    }
  }
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE
