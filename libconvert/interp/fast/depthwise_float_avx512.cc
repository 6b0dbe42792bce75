// The float depthwise row of avx2::DepthwiseRowFloat (same geometry, same
// bits: bias, then one FMA per tap in (ky, kx) order) on blocks of 16
// channels, compiled with -mavx512f. A block is one cache line of a pixel,
// where the AVX2 kernel's 8-channel blocks read each line in two passes
// over the row. See avx512_kernels.h for the rules of these files.
#include <cstdint>

#include "libconvert/interp/fast/avx512_inline.h"
#include "libconvert/interp/fast/avx512_kernels.h"

namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE {

void DepthwiseRowFloat16(const avx2::DepthwiseRowGeometry& g, const float* const* rows, const float* packed,
                         float* out, float min, float max) {
  const __m512 lo = _mm512_set1_ps(min), hi = _mm512_set1_ps(max);
  const int taps = g.kh * g.kw;
  const int64_t column_step = static_cast<int64_t>(g.dilation_w) * g.channels;
  const int64_t x_step = static_cast<int64_t>(g.stride_w) * g.channels;
  // The reference's clamp, min(max(x, lo), hi), a NaN kept: vmaxps and
  // vminps return their second operand when either is NaN.
  const auto store = [lo, hi](float* o, __m512 acc) { _mm512_storeu_ps(o, _mm512_min_ps(hi, _mm512_max_ps(lo, acc))); };
  for (int c0 = 0; c0 < g.channels; c0 += 16) {
    const float* w = packed + static_cast<int64_t>(c0 / 16) * (taps + 1) * 16;
    const __m512 bias = _mm512_loadu_ps(w);
    w += 16;
    float* o = out + c0;
    if (g.kh == 3 && g.kw == 3) {
      // 3x3: the nine weights stay in registers.
      __m512 wv[9];
      for (int t = 0; t < 9; ++t) wv[t] = _mm512_loadu_ps(w + 16 * t);
      const float* r[3] = {rows[0] + c0, rows[1] + c0, rows[2] + c0};
      for (int x = 0; x < g.out_width; ++x, o += g.channels) {
        __m512 acc = bias;
        for (int t = 0; t < 9; ++t) acc = _mm512_fmadd_ps(_mm512_loadu_ps(r[t / 3] + t % 3 * column_step), wv[t], acc);
        store(o, acc);
        for (const float*& row : r) row += x_step;
      }
      continue;
    }
    for (int x = 0; x < g.out_width; ++x, o += g.channels) {
      const int64_t origin = x * x_step + c0;
      __m512 acc = bias;
      for (int ky = 0; ky < g.kh; ++ky) {
        for (int kx = 0; kx < g.kw; ++kx) {
          acc = _mm512_fmadd_ps(_mm512_loadu_ps(rows[ky] + origin + kx * column_step),
                                _mm512_loadu_ps(w + (ky * g.kw + kx) * 16), acc);
        }
      }
      store(o, acc);
    }
  }
}

}  // namespace tinyforge::interp::fast::TINYFORGE_AVX512_NAMESPACE
