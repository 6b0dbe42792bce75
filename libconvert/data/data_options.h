// How every command reads samples: the flags shared by run, compare,
// quantize, prune, pipeline and data, in one struct (see source.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libconvert/data/preprocess.h"

namespace tinyforge {

// What to do with a WAV clip whose length differs from the model input's.
enum class ClipMode { kPad, kCut, kError };

// Where a model input keeps its channels: last (NHWC, TensorFlow's) or
// second (NCHW, channels-first models such as PyTorch exports).
enum class Layout { kNhwc, kNchw };

struct DataOptions {
  Preprocess preprocess;     // --scale, --mean, --std
  std::string image_size;    // --image-size HxW|N: image folders only
  bool grayscale = false;    // --grayscale: image folders only
  std::string label_column;  // --label-column NAME|INDEX: CSV only
  ClipMode clip = ClipMode::kPad;  // --clip pad|cut|error: WAV only
  Layout layout = Layout::kNhwc;   // --layout nhwc|nchw: image folders, per-channel --mean/--std
};

// "pad", "cut" or "error"; throws Error (kBadInput) naming --clip otherwise.
ClipMode ParseClipMode(const std::string& text);

// "nhwc" or "nchw"; throws Error (kBadInput) naming --layout otherwise.
Layout ParseLayout(const std::string& text);

// The dim of an array of samples that --mean/--std index and the data
// summary reports per channel, by --layout: dim 1 for NCHW (rank >= 3),
// else nullopt, the last.
std::optional<size_t> ChannelAxis(const std::vector<int64_t>& shape, Layout layout);

}  // namespace tinyforge
