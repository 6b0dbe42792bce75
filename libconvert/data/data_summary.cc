#include "libconvert/data/data_summary.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>

#include "libconvert/data/preprocess.h"

namespace tinyforge {
namespace {

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string StatsLine(const std::string& head, const ChannelStats& s) {
  return head + "min " + Number(s.min) + "  max " + Number(s.max) + "  mean " + Number(s.mean) + "\n";
}

}  // namespace

std::vector<ChannelStats> PerChannelStats(const NpyArray& array, Layout layout) {
  const size_t n = array.NumElements();
  if (n == 0) return {};
  // The channels --mean/--std index.
  const Channels channels = ChannelsAlong(array.shape, ChannelAxis(array.shape, layout));
  std::vector<ChannelStats> stats(channels.count, ChannelStats{std::numeric_limits<double>::infinity(),
                                                               -std::numeric_limits<double>::infinity(), 0.0});
  std::vector<double> sums(channels.count, 0.0);
  for (size_t e = 0; e < n; ++e) {
    const double v = ElementAsDouble(array, e);
    const size_t c = channels.Of(e);
    ChannelStats& s = stats[c];
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    sums[c] += v;
  }
  for (size_t c = 0; c < channels.count; ++c) stats[c].mean = sums[c] / static_cast<double>(n / channels.count);
  return stats;
}

std::string DataSummaryText(const Samples& samples, size_t max_channels, Layout layout) {
  const NpyArray& a = samples.array;
  std::string text = "samples  " + std::to_string(a.shape.empty() ? 1 : a.shape[0]) + "\n";
  text += "shape    " + ShapeToString(a.shape) + " " + DTypeName(a.dtype) + "\n";
  const std::vector<ChannelStats> stats = PerChannelStats(a, layout);
  if (stats.size() == 1 || (stats.size() > max_channels && !stats.empty())) {
    ChannelStats all = stats[0];
    double mean_sum = 0;
    for (const ChannelStats& s : stats) {
      all.min = std::min(all.min, s.min);
      all.max = std::max(all.max, s.max);
      mean_sum += s.mean;
    }
    all.mean = mean_sum / static_cast<double>(stats.size());
    text += StatsLine(stats.size() == 1 ? "values   " : "values   (" + std::to_string(stats.size()) + " channels) ", all);
  } else {
    for (size_t c = 0; c < stats.size(); ++c) text += StatsLine("channel " + std::to_string(c) + "  ", stats[c]);
  }
  if (!samples.labels.empty()) {
    std::map<int64_t, size_t> counts;
    for (int64_t l : samples.labels) ++counts[l];
    text += "classes  " + std::to_string(counts.size()) + ":";
    bool first = true;
    for (const auto& [label, count] : counts) {
      const bool named = label >= 0 && static_cast<size_t>(label) < samples.classes.size();
      text += std::string(first ? " " : ", ") + (named ? samples.classes[static_cast<size_t>(label)] + " (" + std::to_string(label) + ")" : std::to_string(label)) + " " + std::to_string(count);
      first = false;
    }
    text += "\n";
  }
  return text;
}

}  // namespace tinyforge
