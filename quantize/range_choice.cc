#include "quantize/range_choice.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "quantize/quant_params.h"

namespace tinyforge::quantize {

void Histogram::Add(const float* values, size_t n) {
  const double width = bin_width();
  for (size_t i = 0; i < n; ++i) {
    size_t bin = 0;
    if (width > 0) {
      const double pos = (static_cast<double>(values[i]) - min_) / width;
      bin = static_cast<size_t>(std::clamp(pos, 0.0, static_cast<double>(kBins - 1)));
    }
    ++counts_[bin];
  }
}

void Histogram::Merge(const Histogram& other) {
  for (size_t b = 0; b < counts_.size(); ++b) counts_[b] += other.counts_[b];
}

uint64_t Histogram::total() const {
  uint64_t sum = 0;
  for (uint64_t c : counts_) sum += c;
  return sum;
}

std::pair<float, float> PercentileRange(const Histogram& h, double percentile) {
  const uint64_t total = h.total();
  if (total == 0 || h.bin_width() == 0) return {h.min(), h.max()};
  const double tail = static_cast<double>(total) * (100.0 - percentile) / 100.0;
  const auto& counts = h.counts();
  // The lowest bin whose cumulative count passes the allowed tail, and the
  // same from the top.
  size_t lo_bin = 0;
  for (double cum = 0; lo_bin < counts.size(); ++lo_bin) {
    cum += static_cast<double>(counts[lo_bin]);
    if (cum > tail) break;
  }
  size_t hi_bin = counts.size() - 1;
  for (double cum = 0; hi_bin > 0; --hi_bin) {
    cum += static_cast<double>(counts[hi_bin]);
    if (cum > tail) break;
  }
  const double w = h.bin_width();
  const float lo = static_cast<float>(h.min() + w * static_cast<double>(lo_bin));
  const float hi = static_cast<float>(h.min() + w * static_cast<double>(hi_bin + 1));
  return {std::max(lo, h.min()), std::min(hi, h.max())};
}

namespace {

// Expected squared quantization error of the histogram for the clip [lo, hi].
double ExpectedError(const Histogram& h, double lo, double hi, int levels) {
  const QuantParams p = AsymmetricParams(static_cast<float>(lo), static_cast<float>(hi), 0, levels);
  // The representable range after nudging the zero point.
  const double step = p.scale;
  const double rep_lo = step * (0 - p.zero_point);
  const double rep_hi = step * (levels - p.zero_point);
  const double w = h.bin_width();
  const double rounding = step * step / 12.0;
  double error = 0;
  const auto& counts = h.counts();
  for (size_t b = 0; b < counts.size(); ++b) {
    if (counts[b] == 0) continue;
    const double x = h.min() + w * (static_cast<double>(b) + 0.5);
    double e = rounding;
    if (x < rep_lo) e = (rep_lo - x) * (rep_lo - x);
    if (x > rep_hi) e = (x - rep_hi) * (x - rep_hi);
    error += static_cast<double>(counts[b]) * e;
  }
  return error;
}

}  // namespace

std::pair<float, float> MseRange(const Histogram& h, int levels) {
  if (h.total() == 0 || h.bin_width() == 0) return {h.min(), h.max()};
  constexpr int kSteps = 40;  // fractions 1, 0.975, ..., 0.025 of each end
  double best = std::numeric_limits<double>::infinity();
  std::pair<float, float> best_range{h.min(), h.max()};
  for (int i = 0; i < kSteps; ++i) {
    const double lo = h.min() * (1.0 - static_cast<double>(i) / kSteps);
    for (int j = 0; j < kSteps; ++j) {
      const double hi = h.max() * (1.0 - static_cast<double>(j) / kSteps);
      const double error = ExpectedError(h, lo, hi, levels);
      // Strictly better only, so ties keep the wider (earlier) clip.
      if (error < best) {
        best = error;
        best_range = {static_cast<float>(lo), static_cast<float>(hi)};
      }
    }
  }
  return best_range;
}

}  // namespace tinyforge::quantize
