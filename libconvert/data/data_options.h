// How every command reads samples: the flags shared by run, compare,
// quantize, prune, pipeline and data, in one struct (see source.h).
#pragma once

#include <string>

#include "libconvert/data/preprocess.h"

namespace tinyforge {

// What to do with a WAV clip whose length differs from the model input's.
enum class ClipMode { kPad, kCut, kError };

struct DataOptions {
  Preprocess preprocess;     // --scale, --mean, --std
  std::string image_size;    // --image-size HxW|N: image folders only
  bool grayscale = false;    // --grayscale: image folders only
  std::string label_column;  // --label-column NAME|INDEX: CSV only
  ClipMode clip = ClipMode::kPad;  // --clip pad|cut|error: WAV only
};

// "pad", "cut" or "error"; throws Error (kBadInput) naming --clip otherwise.
ClipMode ParseClipMode(const std::string& text);

}  // namespace tinyforge
