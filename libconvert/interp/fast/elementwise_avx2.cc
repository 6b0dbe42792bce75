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
// and std::min return their first).
template <typename Op>
void Binary(const float* a, const float* b, int64_t n, float min, float max, float* out, Op op) {
  const __m256 lo = _mm256_set1_ps(min), hi = _mm256_set1_ps(max);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 x = op(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    _mm256_storeu_ps(out + i, _mm256_min_ps(hi, _mm256_max_ps(lo, x)));
  }
  for (; i < n; ++i) {
    const __m128 x = op(_mm_set_ss(a[i]), _mm_set_ss(b[i]));
    _mm_store_ss(out + i, _mm_min_ss(_mm_set_ss(max), _mm_max_ss(_mm_set_ss(min), x)));
  }
}

}  // namespace

void BinaryFloat(FloatBinaryOp op, const float* a, const float* b, int64_t n, float min, float max, float* out) {
  switch (op) {
    case FloatBinaryOp::kAdd:
      Binary(a, b, n, min, max, out, [](auto x, auto y) {
        if constexpr (sizeof(x) == 32) return _mm256_add_ps(x, y); else return _mm_add_ss(x, y);
      });
      break;
    case FloatBinaryOp::kSub:
      Binary(a, b, n, min, max, out, [](auto x, auto y) {
        if constexpr (sizeof(x) == 32) return _mm256_sub_ps(x, y); else return _mm_sub_ss(x, y);
      });
      break;
    case FloatBinaryOp::kMul:
      Binary(a, b, n, min, max, out, [](auto x, auto y) {
        if constexpr (sizeof(x) == 32) return _mm256_mul_ps(x, y); else return _mm_mul_ss(x, y);
      });
      break;
  }
}

}  // namespace tinyforge::interp::fast::avx2
