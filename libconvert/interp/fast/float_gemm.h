// Float weights packed once (at Prepare) for avx2::GemmFloatPacked, with
// the bias in front of each block of output channels.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "libconvert/base/cache_aligned.h"
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
  // Blocks of kFloatBlock output channels (the last may be narrower).
  int64_t blocks() const { return (oc_ + avx2::kFloatBlock - 1) / avx2::kFloatBlock; }

  // c[r * c_stride + o] = clamp(bias[o] + sum_kk a[r * a_stride + kk] * w(o, kk))
  // for the channels o of blocks [block_begin, block_end).
  void Run(const float* a, int64_t rows, int64_t a_stride, float* c, int64_t c_stride, const ref::FloatRange& range,
           int64_t block_begin, int64_t block_end) const {
    const int64_t first = block_begin * avx2::kFloatBlock;
    const int64_t oc = std::min(oc_, block_end * avx2::kFloatBlock) - first;
    if (oc <= 0) return;
    avx2::GemmFloatPacked(a, rows, a_stride, k_, packed_.data() + first * (k_ + 1), oc, c + first, c_stride, range.min,
                          range.max);
  }

 private:
  int64_t oc_, k_;
  CacheAlignedVector<float> packed_;
};

}  // namespace tinyforge::interp::fast
