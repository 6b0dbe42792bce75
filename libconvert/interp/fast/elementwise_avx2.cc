// Float ADD, SUB and MUL of same-shaped inputs, compiled with -mavx2. See
// avx2_kernels.h for the ODR rule these files follow.
#include <immintrin.h>

#include <cstdint>

#include "libconvert/interp/fast/avx2_kernels.h"

namespace tinyforge::interp::fast::avx2 {
namespace {

// One IEEE operation per element, then the reference's clamp,
// min(max(x, lo), hi) with a NaN kept: vmaxps and vminps return their
// second operand when either is NaN (and when both are zeros, as std::max
// and std::min return their first). The tail goes through masked loads and
// stores (the other lanes compute on zeros and are not stored).
template <typename Op>
void Binary(const float* a, const float* b, int64_t n, float min, float max, float* out, Op op) {
  const __m256 lo = _mm256_set1_ps(min), hi = _mm256_set1_ps(max);
  const auto clamped = [&](__m256 x, __m256 y) { return _mm256_min_ps(hi, _mm256_max_ps(lo, op(x, y))); };
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, clamped(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
  if (i < n) {
    const __m256i tail =
        _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n - i)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(out + i, tail, clamped(_mm256_maskload_ps(a + i, tail), _mm256_maskload_ps(b + i, tail)));
  }
}

}  // namespace

void BinaryFloat(FloatBinaryOp op, const float* a, const float* b, int64_t n, float min, float max, float* out) {
  switch (op) {
    case FloatBinaryOp::kAdd:
      Binary(a, b, n, min, max, out, [](__m256 x, __m256 y) { return _mm256_add_ps(x, y); });
      break;
    case FloatBinaryOp::kSub:
      Binary(a, b, n, min, max, out, [](__m256 x, __m256 y) { return _mm256_sub_ps(x, y); });
      break;
    case FloatBinaryOp::kMul:
      Binary(a, b, n, min, max, out, [](__m256 x, __m256 y) { return _mm256_mul_ps(x, y); });
      break;
  }
}

}  // namespace tinyforge::interp::fast::avx2
