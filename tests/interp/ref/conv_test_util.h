// What the convolution-family and pooling reference tests compute the same
// way: output size and padding from the textbook formulas, and the clamp
// range of a fused activation from its definition, independent of
// padding.cc and quant_math.cc.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "libconvert/interp/ref/padding.h"

namespace tinyforge::ref::testing {

inline int TestOutSize(Padding p, int in, int k, int s, int d) {
  const int extent = (k - 1) * d + 1;
  return p == Padding::kSame ? (in + s - 1) / s : (in - extent) / s + 1;
}

inline int TestPadBefore(int in, int out, int k, int s, int d) {
  const int extent = (k - 1) * d + 1;
  return std::max(0, (out - 1) * s + extent - in) / 2;
}

// The clamp range of fused activation `act` (1 RELU, 2 RELU_N1_TO_1, 3
// RELU6) on an output with `scale` and zero point `zp`, within [qmin, qmax].
inline std::pair<int32_t, int32_t> TestActivationRange(int act, float scale, int32_t zp, int32_t qmin,
                                                       int32_t qmax) {
  auto q = [&](float v) { return zp + static_cast<int32_t>(std::round(v / scale)); };
  switch (act) {
    case 1: return {std::max(qmin, q(0.0f)), qmax};
    case 2: return {std::max(qmin, q(-1.0f)), std::min(qmax, q(1.0f))};
    case 3: return {std::max(qmin, q(0.0f)), std::min(qmax, q(6.0f))};
    default: return {qmin, qmax};
  }
}

}  // namespace tinyforge::ref::testing
