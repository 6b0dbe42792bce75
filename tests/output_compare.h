// How tests compare an output with the one it must match: integers (and
// bools) bit for bit; floats within a relative tolerance, with an absolute
// floor near zero, and NaN equal to NaN (TFLM computes NaN for, say, the
// square root of a negative input).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "libconvert/model/dtype.h"
#include "libconvert/model/schema/tflite_generated.h"

namespace tinyforge::testing {

struct FloatTolerance {
  double relative = 1e-5;
  double absolute = 1e-6;
  // true: relative to the largest magnitude of the expected output (sums
  // taken in another order); false: to each expected element.
  bool of_max = false;
};

struct OutputDifference {
  size_t mismatches = 0;
  size_t first = 0;  // the first differing element (when mismatches > 0)
  double max_abs = 0;
};

template <typename T>
OutputDifference CompareValues(const T* got, const T* want, size_t n, const FloatTolerance& tol) {
  OutputDifference d;
  double scale = 0;
  if (tol.of_max) {
    for (size_t i = 0; i < n; ++i) {
      if (std::isfinite(static_cast<double>(want[i]))) scale = std::max(scale, std::fabs(static_cast<double>(want[i])));
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const double g = static_cast<double>(got[i]), w = static_cast<double>(want[i]);
    bool same;
    if constexpr (std::is_floating_point_v<T>) {
      const double allowed = std::max(tol.relative * (tol.of_max ? scale : std::fabs(w)), tol.absolute);
      same = (std::isnan(g) && std::isnan(w)) || g == w || std::fabs(g - w) <= allowed;
    } else {
      same = got[i] == want[i];
    }
    if (!same && d.mismatches++ == 0) d.first = i;
    if (std::isfinite(g - w)) d.max_abs = std::max(d.max_abs, std::fabs(g - w));
  }
  return d;
}

// `n` elements of `type` at `got` against `want`.
inline OutputDifference CompareOutput(tflite::TensorType type, const void* got, const void* want, size_t n,
                                      const FloatTolerance& tol = {}) {
  switch (type) {
    case tflite::TensorType_FLOAT32:
      return CompareValues(static_cast<const float*>(got), static_cast<const float*>(want), n, tol);
    case tflite::TensorType_INT8:
      return CompareValues(static_cast<const int8_t*>(got), static_cast<const int8_t*>(want), n, tol);
    case tflite::TensorType_UINT8:
    case tflite::TensorType_BOOL:
      return CompareValues(static_cast<const uint8_t*>(got), static_cast<const uint8_t*>(want), n, tol);
    case tflite::TensorType_INT16:
      return CompareValues(static_cast<const int16_t*>(got), static_cast<const int16_t*>(want), n, tol);
    case tflite::TensorType_INT32:
      return CompareValues(static_cast<const int32_t*>(got), static_cast<const int32_t*>(want), n, tol);
    case tflite::TensorType_UINT32:
      return CompareValues(static_cast<const uint32_t*>(got), static_cast<const uint32_t*>(want), n, tol);
    case tflite::TensorType_INT64:
      return CompareValues(static_cast<const int64_t*>(got), static_cast<const int64_t*>(want), n, tol);
    default: {
      OutputDifference d;
      d.mismatches = n;  // a type no test compares is a failure, not a pass
      return d;
    }
  }
}

// Element i of an output as text, for failure messages.
inline std::string ElementText(tflite::TensorType type, const void* data, size_t i) {
  switch (type) {
    case tflite::TensorType_FLOAT32: return std::to_string(static_cast<const float*>(data)[i]);
    case tflite::TensorType_INT8: return std::to_string(static_cast<const int8_t*>(data)[i]);
    case tflite::TensorType_UINT8:
    case tflite::TensorType_BOOL: return std::to_string(static_cast<const uint8_t*>(data)[i]);
    case tflite::TensorType_INT16: return std::to_string(static_cast<const int16_t*>(data)[i]);
    case tflite::TensorType_INT32: return std::to_string(static_cast<const int32_t*>(data)[i]);
    case tflite::TensorType_UINT32: return std::to_string(static_cast<const uint32_t*>(data)[i]);
    case tflite::TensorType_INT64: return std::to_string(static_cast<const int64_t*>(data)[i]);
    default: return "?";
  }
}

}  // namespace tinyforge::testing
