// Depthwise convolution rows, compiled with -mavx2 -mfma. See
// avx2_kernels.h for the ODR rule these files follow.
#include <immintrin.h>

#include <cstdint>

#include "libconvert/interp/fast/avx2_kernels.h"

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
                            int32_t* acc) {
  if (block_width == 8) {  // one block of at most 8 channels, in 128-bit registers
    auto load = [](const int16_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
    for (int x = 0; x < out_width; ++x) {
      const int16_t* origin = row + x * x_step;
      const int16_t* w = packed;
      __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
      for (int p = 0; p < tap_pairs; ++p, w += 16) {
        const __m128i first = load(origin + tap_offsets[2 * p]), second = load(origin + tap_offsets[2 * p + 1]);
        lo = _mm_add_epi32(lo, _mm_madd_epi16(_mm_unpacklo_epi16(first, second), load(w)));
        hi = _mm_add_epi32(hi, _mm_madd_epi16(_mm_unpackhi_epi16(first, second), load(w + 8)));
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + x * 8), lo);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + x * 8 + 4), hi);
    }
    return;
  }
  const int64_t stride = static_cast<int64_t>(channel_blocks) * 16;
  auto load = [](const int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); };
  for (int x = 0; x < out_width; ++x) {
    const int16_t* origin = row + x * x_step;
    int32_t* a = acc + x * stride;
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
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(a + block * 16), _mm256_permute2x128_si256(lo, hi, 0x20));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(a + block * 16 + 8), _mm256_permute2x128_si256(lo, hi, 0x31));
    }
  }
}

void DepthwiseRowFloat(const DepthwiseGeometry& g, const float* image, const float* filter, int out_y,
                       float* acc) {
  const int depth = g.out_depth;
  const int in_y_origin = out_y * g.stride_height - g.pad_height;
  for (int out_x = 0; out_x < g.out_width; ++out_x) {
    float* a = acc + static_cast<int64_t>(out_x) * depth;
    for (int c = 0; c < depth; ++c) a[c] = 0.0f;
    const int in_x_origin = out_x * g.stride_width - g.pad_width;
    for (int ky = 0; ky < g.filter_height; ++ky) {
      const int in_y = in_y_origin + g.dilation_height * ky;
      if (in_y < 0 || in_y >= g.in_height) continue;
      for (int kx = 0; kx < g.filter_width; ++kx) {
        const int in_x = in_x_origin + g.dilation_width * kx;
        if (in_x < 0 || in_x >= g.in_width) continue;
        const float* x = image + (static_cast<int64_t>(in_y) * g.in_width + in_x) * g.in_depth;
        const float* w = filter + (static_cast<int64_t>(ky) * g.filter_width + kx) * depth;
        if (g.multiplier == 1) {
          for (int c = 0; c < depth; ++c) a[c] += x[c] * w[c];
        } else {
          for (int ic = 0; ic < g.in_depth; ++ic) {
            for (int m = 0; m < g.multiplier; ++m) {
              const int oc = ic * g.multiplier + m;
              a[oc] += x[ic] * w[oc];
            }
          }
        }
      }
    }
  }
}

}  // namespace tinyforge::interp::fast::avx2
