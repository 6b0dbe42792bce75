// Choosing a tensor's quantization range from the values it took during
// calibration: a histogram over the observed range, clipped at a percentile
// or where the expected int8 quantization error is smallest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tinyforge::quantize {

// Counts of values in equal-width bins over [min, max] (one bin when
// min == max). Merging adds counts, so it is exact in any order.
class Histogram {
 public:
  static constexpr size_t kBins = 2048;
  Histogram() = default;
  Histogram(float min, float max) : min_(min), max_(max), counts_(kBins) {}

  void Add(const float* values, size_t n);
  void Merge(const Histogram& other);

  float min() const { return min_; }
  float max() const { return max_; }
  const std::vector<uint64_t>& counts() const { return counts_; }
  uint64_t total() const;
  double bin_width() const { return (static_cast<double>(max_) - min_) / kBins; }

 private:
  float min_ = 0;
  float max_ = 0;
  std::vector<uint64_t> counts_;
};

// [lo, hi] leaving at most (100 - percentile)% of the values beyond each
// end, on bin edges, never wider than the observed range.
std::pair<float, float> PercentileRange(const Histogram& h, double percentile);

// The clip [lo, hi] (each end a fraction of the observed end, on a grid)
// whose asymmetric quantization to `levels` steps gives the smallest expected
// squared error over the histogram: clipping error for values outside, plus
// step²/12 rounding noise for values inside.
std::pair<float, float> MseRange(const Histogram& h, int levels = 255);

}  // namespace tinyforge::quantize
