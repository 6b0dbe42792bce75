// A comparison as plain text for the terminal: accuracy, output error and
// the worst layers. Used by `tinyforge compare` and `tinyforge pipeline`.
#pragma once

#include <cstddef>
#include <string>

#include "libconvert/compare/compare.h"

namespace tinyforge {

// At most `max_layers` layers are listed (worst first); the rest are counted.
std::string CompareSummaryText(const CompareResult& result, size_t max_layers = 20);

}  // namespace tinyforge
