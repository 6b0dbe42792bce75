// Float weights packed once (at Prepare) for avx2::GemmFloatPacked, with
// the bias in front of each block of output channels.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::interp::fast {

class FloatGemm {
 public:
  // w(o, kk) for o < oc, kk < k; bias (oc values) may be null.
  template <typename W>
  FloatGemm(int64_t oc, int64_t k, W w, const float* bias) : oc_(oc), k_(k) {
    for (int64_t first = 0; first < oc; first += avx2::kFloatBlock) {
      const int64_t n = std::min<int64_t>(avx2::kFloatBlock, oc - first);
      const int64_t width = n <= 8 ? 8 : avx2::kFloatBlock;
      const size_t base = packed_.size();
      packed_.resize(base + static_cast<size_t>((k + 1) * width), 0.0f);
      float* block = packed_.data() + base;
      for (int64_t j = 0; j < n; ++j) {
        block[j] = bias != nullptr ? bias[first + j] : 0.0f;
        for (int64_t kk = 0; kk < k; ++kk) block[(kk + 1) * width + j] = w(first + j, kk);
      }
    }
  }

  int64_t k() const { return k_; }

  // c[r * c_stride + o] = clamp(bias[o] + sum_kk a[r * a_stride + kk] * w(o, kk)).
  void Run(const float* a, int64_t rows, int64_t a_stride, float* c, int64_t c_stride,
           const ref::FloatRange& range) const {
    avx2::GemmFloatPacked(a, rows, a_stride, k_, packed_.data(), oc_, c, c_stride, range.min, range.max);
  }

 private:
  int64_t oc_, k_;
  std::vector<float> packed_;
};

}  // namespace tinyforge::interp::fast
