// Float weights packed once (at Prepare) for avx2::GemmFloatPacked or its
// AVX-512 form (the same packing), with the bias in front of each block of
// output channels.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "libconvert/base/cache_aligned.h"
#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/avx512_kernels.h"
#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::interp::fast {

class FloatGemm {
 public:
  // w(o, kk) for o < oc, kk < k; bias (oc values) may be null.
  template <typename W>
  FloatGemm(int64_t oc, int64_t k, W w, const float* bias) : oc_(oc), k_(k) {
    const Avx512Kernels avx512 = ChosenAvx512Kernels();
    windows_kernel_ = avx512.gemm_float_windows;
    // The AVX-512 kernel streams the weights past tiles of rows: faster
    // where they are too large to stay in L1 next to the activations, slower
    // (by 5-10% on MobileNetV2's early layers) where they are not.
    const bool streamed = (k + 1) * oc * static_cast<int64_t>(sizeof(float)) > kStreamedWeightBytes;
    if (avx512.gemm_float != nullptr && streamed) kernel_ = avx512.gemm_float;
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
  // Whether the weights stream past tiles of rows (the AVX-512 kernel),
  // which then needs no chunks of rows that stay in cache.
  bool streams_weights() const { return kernel_ != avx2::GemmFloatPacked; }
  // Whether RunWindows can run (the AVX-512 kernels are chosen).
  bool has_windows() const { return windows_kernel_ != nullptr; }
  // The packing avx2_kernels.h describes, for tests of the kernels alone.
  const float* packed() const { return packed_.data(); }
  // Blocks of kFloatBlock output channels (the last may be narrower).
  int64_t blocks() const { return (oc_ + avx2::kFloatBlock - 1) / avx2::kFloatBlock; }

  // c[r * c_stride + o] = clamp(bias[o] + sum_kk a[r * a_stride + kk] * w(o, kk))
  // for the channels o of blocks [block_begin, block_end).
  void Run(const float* a, int64_t rows, int64_t a_stride, float* c, int64_t c_stride, const ref::FloatRange& range,
           int64_t block_begin, int64_t block_end) const {
    const Blocks b = BlockRange(block_begin, block_end);
    if (b.channels <= 0) return;
    kernel_(a, rows, a_stride, k_, b.packed, b.channels, c + b.first, c_stride, range.min, range.max);
  }

  // Run with row r's k values read from a conv's window in place (IGEMM,
  // GemmFloatWindowsFn): runs * length = k. Only where has_windows().
  void RunWindows(const float* const* windows, int64_t rows, int64_t runs, int64_t length, int64_t pitch, float* c,
                  int64_t c_stride, const ref::FloatRange& range, int64_t block_begin, int64_t block_end) const {
    const Blocks b = BlockRange(block_begin, block_end);
    if (b.channels <= 0) return;
    windows_kernel_(windows, rows, runs, length, pitch, b.packed, b.channels, c + b.first, c_stride, range.min,
                    range.max);
  }

 private:
  static constexpr int64_t kStreamedWeightBytes = 64 * 1024;

  // Blocks [block_begin, block_end): their first channel, how many
  // channels they hold, and where their packed weights start.
  struct Blocks {
    int64_t first, channels;
    const float* packed;
  };
  Blocks BlockRange(int64_t block_begin, int64_t block_end) const {
    const int64_t first = block_begin * avx2::kFloatBlock;
    return {first, std::min(oc_, block_end * avx2::kFloatBlock) - first, packed_.data() + first * (k_ + 1)};
  }

  int64_t oc_, k_;
  GemmFloatFn kernel_ = avx2::GemmFloatPacked;
  GemmFloatWindowsFn windows_kernel_ = nullptr;
  CacheAlignedVector<float> packed_;
};

}  // namespace tinyforge::interp::fast
