// What a sample source gives: the samples and, for a labelled source (class
// folders, a CSV label column), one class label per sample.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/data/npy.h"

namespace tinyforge {

struct Samples {
  NpyArray array;                    // [N, ...]
  std::vector<int64_t> labels;       // empty, or one per sample
  std::vector<std::string> classes;  // class names (label k is classes[k]); may be empty with labels (CSV)
};

}  // namespace tinyforge
