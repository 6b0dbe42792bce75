// What the reference binary element-wise operators (elementwise.cc,
// add_sub.cc, mul_div.cc) share: int32 arithmetic that wraps as TFLM's
// reference code relies on, and the scale checks their Prepare functions
// make. Not part of the ref API.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "libconvert/interp/ref/elementwise.h"

namespace tinyforge::ref::elementwise_detail {

// Two's complement arithmetic on int32 without signed-overflow UB (TFLM's
// reference code relies on the hardware wrapping the same way).
inline int32_t WrapAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t WrapSub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
inline int32_t WrapMul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}
inline int32_t ShiftLeftWrap(int32_t v, int bits) {
  return static_cast<int32_t>(static_cast<uint32_t>(v) << bits);
}

// min(max(x, lo), hi) in this order, as TFLM's ActivationFunctionWithMinMax:
// a NaN x stays NaN.
inline float ClampActivation(float x, const FloatRange& act) {
  return std::min(std::max(x, act.min), act.max);
}

template <typename T>
struct TypeRange {
  static constexpr int32_t kMin = std::numeric_limits<T>::min();
  static constexpr int32_t kMax = std::numeric_limits<T>::max();
};

// "what (scale S, zero point Z)", for error messages.
std::string ScaleText(const char* what, const ScaleZeroPoint& q);

// A Prepare's check that the two inputs and the output have positive
// finite scales; an Error naming `op` otherwise.
void CheckScales(const char* op, const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                 const ScaleZeroPoint& output);

// TFLM's QuantizeMultiplierSmallerThanOneExp: the real multiplier must lie
// in (0, 1), and the resulting shift is <= 0; an Error naming `op`, `what`
// and the three scales otherwise.
QuantizedMultiplier SmallerThanOne(const char* op, const char* what, double real,
                                   const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                                   const ScaleZeroPoint& output);

template <typename T>
QuantizedRange OutputRange(int activation, const ScaleZeroPoint& output) {
  return QuantizedActivationRange(activation, output.scale, output.zero_point,
                                  TypeRange<T>::kMin, TypeRange<T>::kMax);
}

}  // namespace tinyforge::ref::elementwise_detail
