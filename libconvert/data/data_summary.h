// What a decoded source holds, in a few lines for `tinyforge data`: count,
// shape, dtype, per-channel min/max/mean, class counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/data/data_options.h"
#include "libconvert/data/samples.h"

namespace tinyforge {

struct ChannelStats {
  double min = 0, max = 0, mean = 0;
};

// Per channel: of the last dim, or of dim 1 for channels-first samples
// (`layout` nchw, rank 3 or more); one channel for a 1-D array or a scalar; empty
// for an array without elements.
std::vector<ChannelStats> PerChannelStats(const NpyArray& array, Layout layout = Layout::kNhwc);

// E.g.
//   samples  1000
//   shape    [1000,28,28,1] float32
//   channel  min 0  max 1  mean 0.1307
//   classes  10: 0 98, 1 113, ...
// Channels beyond `max_channels` are summarized as one line over all.
std::string DataSummaryText(const Samples& samples, size_t max_channels = 16, Layout layout = Layout::kNhwc);

}  // namespace tinyforge
