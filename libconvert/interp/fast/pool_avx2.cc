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

namespace {

// Calls window(out, first, rows, cols) for each output pixel in order: out
// its g.depth outputs, first the element (y_begin, x_begin, channel 0) of
// its window clipped to the image (rows x cols elements, possibly none).
template <typename T, typename Window>
void ForEachWindow(const PoolGeometry& g, const T* input, T* output, Window window) {
  const int64_t row_stride = static_cast<int64_t>(g.in_width) * g.depth;
  T* out = output;
  for (int b = 0; b < g.batches; ++b) {
    const T* image = input + static_cast<int64_t>(b) * g.in_height * row_stride;
    for (int oy = 0; oy < g.out_height; ++oy) {
      const int y0 = oy * g.stride_height - g.pad_height;
      const int y_begin = y0 < 0 ? 0 : y0;
      const int y_end = y0 + g.filter_height < g.in_height ? y0 + g.filter_height : g.in_height;
      for (int ox = 0; ox < g.out_width; ++ox, out += g.depth) {
        const int x0 = ox * g.stride_width - g.pad_width;
        const int x_begin = x0 < 0 ? 0 : x0;
        const int x_end = x0 + g.filter_width < g.in_width ? x0 + g.filter_width : g.in_width;
        const int rows = y_end > y_begin ? y_end - y_begin : 0, cols = x_end > x_begin ? x_end - x_begin : 0;
        window(out, image + y_begin * row_stride + static_cast<int64_t>(x_begin) * g.depth, rows, cols);
      }
    }
  }
}

}  // namespace

void AveragePoolInt8(const PoolGeometry& g, const int8_t* input, int8_t* output) {
  const int64_t row_stride = static_cast<int64_t>(g.in_width) * g.depth;
  const __m256i lo = _mm256_set1_epi32(g.min), hi = _mm256_set1_epi32(g.max);
  ForEachWindow(g, input, output, [&](int8_t* out, const int8_t* first, int rows, int cols) {
    const int32_t count = rows * cols;
    if (count == 0) {  // no input element: the reference's 0, clamped
      for (int c = 0; c < g.depth; ++c) out[c] = static_cast<int8_t>(Clamp(0, g.min, g.max));
      return;
    }
    // (sum +- count / 2) / count in float is exact (see the header), and
    // truncation toward zero is the reference's integer division.
    const __m256i half = _mm256_set1_epi32(count / 2);
    const __m256 divisor = _mm256_set1_ps(static_cast<float>(count));
    int c = 0;
    for (; c + 8 <= g.depth; c += 8) {
      __m256i sum = _mm256_setzero_si256();
      for (int y = 0; y < rows; ++y) {
        const int8_t* p = first + y * row_stride + c;
        for (int x = 0; x < cols; ++x, p += g.depth) {
          sum = _mm256_add_epi32(sum, _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
        }
      }
      const __m256i positive = _mm256_cmpgt_epi32(sum, _mm256_setzero_si256());
      const __m256i rounded =
          _mm256_add_epi32(sum, _mm256_blendv_epi8(_mm256_sub_epi32(_mm256_setzero_si256(), half), half, positive));
      __m256i average = _mm256_cvttps_epi32(_mm256_div_ps(_mm256_cvtepi32_ps(rounded), divisor));
      average = _mm256_min_epi32(_mm256_max_epi32(average, lo), hi);
      const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(average), _mm256_extracti128_si256(average, 1));
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out + c), _mm_packs_epi16(words, words));
    }
    for (; c < g.depth; ++c) {
      int32_t sum = 0;
      for (int y = 0; y < rows; ++y) {
        for (int x = 0; x < cols; ++x) sum += first[y * row_stride + static_cast<int64_t>(x) * g.depth + c];
      }
      out[c] = static_cast<int8_t>(Clamp(RoundedAverage(sum, count), g.min, g.max));
    }
  });
}

void AveragePoolFloat(const PoolGeometry& g, float min, float max, const float* input, float* output) {
  const int64_t row_stride = static_cast<int64_t>(g.in_width) * g.depth;
  const __m256 lo = _mm256_set1_ps(min), hi = _mm256_set1_ps(max);
  ForEachWindow(g, input, output, [&](float* out, const float* first, int rows, int cols) {
    const int count = rows * cols;
    const __m256 divisor = _mm256_set1_ps(static_cast<float>(count));
    int c = 0;
    for (; c + 8 <= g.depth; c += 8) {
      // Each lane adds its channel's elements in the reference's order.
      __m256 total = _mm256_setzero_ps();
      for (int y = 0; y < rows; ++y) {
        const float* p = first + y * row_stride + c;
        for (int x = 0; x < cols; ++x, p += g.depth) total = _mm256_add_ps(total, _mm256_loadu_ps(p));
      }
      const __m256 average = count > 0 ? _mm256_div_ps(total, divisor) : _mm256_setzero_ps();
      // max(lo, x) and min(hi, x) keep a NaN x, as the reference's clamp does.
      _mm256_storeu_ps(out + c, _mm256_min_ps(hi, _mm256_max_ps(lo, average)));
    }
    for (; c < g.depth; ++c) {
      float total = 0.0f;
      for (int y = 0; y < rows; ++y) {
        for (int x = 0; x < cols; ++x) total += first[y * row_stride + static_cast<int64_t>(x) * g.depth + c];
      }
      const float average = count > 0 ? total / static_cast<float>(count) : 0.0f;
      const float lower = average < min ? min : average;
      out[c] = max < lower ? max : lower;
    }
  });
}

}  // namespace tinyforge::interp::fast::avx2
