// Integer average pooling, compiled with -mavx2 -mfma. See avx2_kernels.h
// for the ODR rule these files follow.
#include <immintrin.h>

#include <cstdint>

#include "libconvert/interp/fast/avx2_kernels.h"

namespace tinyforge::interp::fast::avx2 {
namespace {

// The reference's rounding: half away from zero, truncating division.
int32_t RoundedAverage(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

int32_t Clamp(int32_t x, int32_t lo, int32_t hi) { return x < lo ? lo : (x > hi ? hi : x); }

}  // namespace

void AveragePoolInt8(const PoolGeometry& g, const int8_t* input, int8_t* output) {
  const int64_t row_stride = static_cast<int64_t>(g.in_width) * g.depth;
  const __m256i lo = _mm256_set1_epi32(g.min), hi = _mm256_set1_epi32(g.max);
  int8_t* out = output;
  for (int b = 0; b < g.batches; ++b) {
    const int8_t* image = input + static_cast<int64_t>(b) * g.in_height * row_stride;
    for (int oy = 0; oy < g.out_height; ++oy) {
      const int y0 = oy * g.stride_height - g.pad_height;
      const int y_begin = y0 < 0 ? 0 : y0;
      const int y_end = y0 + g.filter_height < g.in_height ? y0 + g.filter_height : g.in_height;
      for (int ox = 0; ox < g.out_width; ++ox, out += g.depth) {
        const int x0 = ox * g.stride_width - g.pad_width;
        const int x_begin = x0 < 0 ? 0 : x0;
        const int x_end = x0 + g.filter_width < g.in_width ? x0 + g.filter_width : g.in_width;
        const int32_t count = (y_end - y_begin) * (x_end - x_begin);
        if (y_end <= y_begin || x_end <= x_begin) {  // no input element: the reference's 0, clamped
          for (int c = 0; c < g.depth; ++c) out[c] = static_cast<int8_t>(Clamp(0, g.min, g.max));
          continue;
        }
        const int8_t* first = image + y_begin * row_stride + static_cast<int64_t>(x_begin) * g.depth;
        // (sum +- count / 2) / count in float is exact (see the header), and
        // truncation toward zero is the reference's integer division.
        const __m256i half = _mm256_set1_epi32(count / 2);
        const __m256 divisor = _mm256_set1_ps(static_cast<float>(count));
        int c = 0;
        for (; c + 8 <= g.depth; c += 8) {
          __m256i sum = _mm256_setzero_si256();
          for (int y = 0; y < y_end - y_begin; ++y) {
            const int8_t* p = first + y * row_stride + c;
            for (int x = 0; x < x_end - x_begin; ++x, p += g.depth) {
              sum = _mm256_add_epi32(sum, _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
            }
          }
          const __m256i positive = _mm256_cmpgt_epi32(sum, _mm256_setzero_si256());
          const __m256i rounded = _mm256_add_epi32(sum, _mm256_blendv_epi8(_mm256_sub_epi32(_mm256_setzero_si256(), half), half, positive));
          __m256i average = _mm256_cvttps_epi32(_mm256_div_ps(_mm256_cvtepi32_ps(rounded), divisor));
          average = _mm256_min_epi32(_mm256_max_epi32(average, lo), hi);
          const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(average), _mm256_extracti128_si256(average, 1));
          _mm_storel_epi64(reinterpret_cast<__m128i*>(out + c), _mm_packs_epi16(words, words));
        }
        for (; c < g.depth; ++c) {
          int32_t sum = 0;
          for (int y = 0; y < y_end - y_begin; ++y) {
            for (int x = 0; x < x_end - x_begin; ++x) sum += first[y * row_stride + static_cast<int64_t>(x) * g.depth + c];
          }
          out[c] = static_cast<int8_t>(Clamp(RoundedAverage(sum, count), g.min, g.max));
        }
      }
    }
  }
}

}  // namespace tinyforge::interp::fast::avx2
