// Depthwise convolution rows, compiled with -mavx2 -mfma. See
// avx2_kernels.h for the ODR rule these files follow.
#include <immintrin.h>

#include <cstdint>

#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/requantize_avx2.h"

namespace tinyforge::interp::fast::avx2 {
namespace {

// Which channel and which tap of a pair element e (< 2 * width) of a
// packed block holds. The kernel interleaves the two taps' channels with
// unpacklo/unpackhi_epi16, which work within 128-bit lanes: with 16
// channels the low product covers channels 0-3 and 8-11, the high one 4-7
// and 12-15; with 8, channels 0-3 and 4-7.
void PackedSlot(int e, int width, int* channel, int* second_tap) {
  const int half = e / width, lane = e % width / 8, q = e % 8;
  *channel = lane * 8 + half * 4 + q / 2;
  *second_tap = q % 2;
}

// One block of at most 8 channels (block width 8): two output pixels per
// 256-bit register, pixel x in the low 128 bits and x + 1 in the high, each
// with the block's weights; an odd last pixel is summed in both halves.
void DepthwiseRowInt8Narrow(const int16_t* row, int64_t x_step, int out_width, const int64_t* tap_offsets,
                            int tap_pairs, const int16_t* packed, const int32_t* bias, const RequantParams& q,
                            int depth, int8_t* out) {
  const __m256i offset = _mm256_set1_epi32(q.output_offset);
  const __m256i lo_clamp = _mm256_set1_epi32(q.min), hi_clamp = _mm256_set1_epi32(q.max);
  const RequantVectors rq = LoadRequant(q.channels);
  const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias));
  auto load = [](const int16_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
  // The sums of the pixels at origin (low 128 bits) and origin + step (high):
  // lo holds their channels 0-3, hi their channels 4-7.
  auto accumulate = [&](const int16_t* origin, int64_t step, __m256i& lo, __m256i& hi) {
    auto load2 = [&](const int16_t* p) {
      return _mm256_inserti128_si256(_mm256_castsi128_si256(load(p)), load(p + step), 1);
    };
    const int16_t* w = packed;
    lo = hi = _mm256_setzero_si256();
    for (int p = 0; p < tap_pairs; ++p, w += 16) {
      const __m256i first = load2(origin + tap_offsets[2 * p]), second = load2(origin + tap_offsets[2 * p + 1]);
      lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(first, second),
                                                  _mm256_broadcastsi128_si256(load(w))));
      hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(first, second),
                                                  _mm256_broadcastsi128_si256(load(w + 8))));
    }
  };
  // One pixel's channels 0-7 (its sums, in channel order) requantized into `to`.
  auto store = [&](__m256i sums, int8_t* to) {
    const __m256i y = Requantize8(_mm256_add_epi32(sums, b), rq, offset, lo_clamp, hi_clamp);
    if (depth == 8) {
      StoreInt8x8(y, to);
      return;
    }
    int8_t bytes[8];
    StoreInt8x8(y, bytes);
    for (int c = 0; c < depth; ++c) to[c] = bytes[c];
  };
  __m256i lo, hi;
  int x = 0;
  for (; x + 2 <= out_width; x += 2, out += 2 * depth) {
    accumulate(row + x * x_step, x_step, lo, hi);
    store(_mm256_permute2x128_si256(lo, hi, 0x20), out);  // pixel x
    store(_mm256_permute2x128_si256(lo, hi, 0x31), out + depth);  // pixel x + 1
  }
  if (x < out_width) {
    accumulate(row + x * x_step, 0, lo, hi);
    store(_mm256_permute2x128_si256(lo, hi, 0x20), out);
  }
}

}  // namespace

void PackDepthwiseFilter(const int8_t* filter, int taps, int depth, int block_width, int channel_blocks,
                         int16_t* packed) {
  const int pairs = (taps + 1) / 2;
  for (int block = 0; block < channel_blocks; ++block) {
    for (int p = 0; p < pairs; ++p) {
      for (int e = 0; e < 2 * block_width; ++e) {
        int channel = 0, second = 0;
        PackedSlot(e, block_width, &channel, &second);
        const int c = block * block_width + channel, tap = 2 * p + second;
        packed[(static_cast<int64_t>(block) * pairs + p) * 2 * block_width + e] =
            c < depth && tap < taps ? filter[static_cast<int64_t>(tap) * depth + c] : int16_t{0};
      }
    }
  }
}

void DepthwisePaddedRowInt8(const int16_t* row, int64_t x_step, int out_width, const int64_t* tap_offsets,
                            int tap_pairs, const int16_t* packed, int block_width, int channel_blocks,
                            const int32_t* bias, const RequantParams& q, int depth, int8_t* out) {
  if (block_width == 8) {
    DepthwiseRowInt8Narrow(row, x_step, out_width, tap_offsets, tap_pairs, packed, bias, q, depth, out);
    return;
  }
  const __m256i offset = _mm256_set1_epi32(q.output_offset);
  const __m256i lo_clamp = _mm256_set1_epi32(q.min), hi_clamp = _mm256_set1_epi32(q.max);
  auto load_bias = [bias](int c) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + c)); };
  auto load = [](const int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); };
  for (int x = 0; x < out_width; ++x, out += depth) {
    const int16_t* origin = row + x * x_step;
    for (int block = 0; block < channel_blocks; ++block) {
      const int16_t* base = origin + block * 16;
      const int16_t* w = packed + static_cast<int64_t>(block) * tap_pairs * 32;
      __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
      for (int p = 0; p < tap_pairs; ++p, w += 32) {
        const __m256i first = load(base + tap_offsets[2 * p]), second = load(base + tap_offsets[2 * p + 1]);
        lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(first, second), load(w)));
        hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(first, second), load(w + 16)));
      }
      // lo holds channels 0-3 and 8-11, hi 4-7 and 12-15.
      const int c = block * 16;
      const __m256i a0 = _mm256_add_epi32(_mm256_permute2x128_si256(lo, hi, 0x20), load_bias(c));
      const __m256i a1 = _mm256_add_epi32(_mm256_permute2x128_si256(lo, hi, 0x31), load_bias(c + 8));
      const int32_t* channels = q.channels + block * 2 * kRequantBlockValues;
      const __m128i bytes = PackInt8x16(Requantize8(a0, LoadRequant(channels), offset, lo_clamp, hi_clamp),
                                        Requantize8(a1, LoadRequant(channels + kRequantBlockValues), offset, lo_clamp,
                                                    hi_clamp));
      if (c + 16 <= depth) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + c), bytes);
      } else {
        int8_t tail[16];
        _mm_storeu_si128(reinterpret_cast<__m128i*>(tail), bytes);
        for (int i = 0; c + i < depth; ++i) out[c + i] = tail[i];
      }
    }
  }
}

void DepthwisePaddedRowFloat(const float* row, int64_t x_step, int out_width, const int64_t* tap_offsets, int taps,
                             const float* filter, int channel_blocks, float* acc) {
  const int64_t stride = static_cast<int64_t>(channel_blocks) * 8;
  // Four pixels at a time: four independent add chains hide the latency.
  int x = 0;
  for (; x + 4 <= out_width; x += 4) {
    for (int block = 0; block < channel_blocks; ++block) {
      const float* origin = row + x * x_step + block * 8;
      __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
      for (int t = 0; t < taps; ++t) {
        const __m256 w = _mm256_loadu_ps(filter + t * stride + block * 8);
        const float* p = origin + tap_offsets[t];
        a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(p), w));
        a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(p + x_step), w));
        a2 = _mm256_add_ps(a2, _mm256_mul_ps(_mm256_loadu_ps(p + 2 * x_step), w));
        a3 = _mm256_add_ps(a3, _mm256_mul_ps(_mm256_loadu_ps(p + 3 * x_step), w));
      }
      float* out = acc + x * stride + block * 8;
      _mm256_storeu_ps(out, a0);
      _mm256_storeu_ps(out + stride, a1);
      _mm256_storeu_ps(out + 2 * stride, a2);
      _mm256_storeu_ps(out + 3 * stride, a3);
    }
  }
  for (; x < out_width; ++x) {
    for (int block = 0; block < channel_blocks; ++block) {
      const float* origin = row + x * x_step + block * 8;
      __m256 a = _mm256_setzero_ps();
      for (int t = 0; t < taps; ++t) {
        a = _mm256_add_ps(a, _mm256_mul_ps(_mm256_loadu_ps(origin + tap_offsets[t]),
                                           _mm256_loadu_ps(filter + t * stride + block * 8)));
      }
      _mm256_storeu_ps(acc + x * stride + block * 8, a);
    }
  }
}

}  // namespace tinyforge::interp::fast::avx2
