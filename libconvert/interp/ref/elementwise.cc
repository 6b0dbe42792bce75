// MAXIMUM, MINIMUM and SQUARED_DIFFERENCE, and the helpers every binary
// element-wise operator shares (elementwise_detail.h); ADD/SUB are in
// add_sub.cc, MUL/DIV in mul_div.cc.
#include "libconvert/interp/ref/elementwise.h"

#include <cmath>
#include <limits>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/elementwise_detail.h"
#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::ref {
namespace {

using namespace elementwise_detail;

template <typename T>
T SquaredDifferenceElement(T x, T y, const SquaredDifferenceParams& p) {
  const int32_t shifted1 = ShiftLeftWrap(p.input1_offset + x, p.left_shift);
  const int32_t shifted2 = ShiftLeftWrap(p.input2_offset + y, p.left_shift);
  const int32_t scaled1 = MultiplyByQuantizedMultiplier(shifted1, p.input1_multiplier);
  const int32_t scaled2 = MultiplyByQuantizedMultiplier(shifted2, p.input2_multiplier);
  const int32_t diff = WrapSub(scaled1, scaled2);
  const int32_t squared = WrapMul(diff, diff);
  const int32_t out =
      WrapAdd(MultiplyByQuantizedMultiplier(squared, p.output_multiplier), p.output_offset);
  return static_cast<T>(Clamp(out, p.activation_min, p.activation_max));
}

}  // namespace

namespace elementwise_detail {

std::string ScaleText(const char* what, const ScaleZeroPoint& q) {
  return std::string(what) + " (scale " + std::to_string(q.scale) + ", zero point " +
         std::to_string(q.zero_point) + ")";
}

void CheckScales(const char* op, const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                 const ScaleZeroPoint& output) {
  for (const auto& [name, q] : {std::pair{"input 1", input1}, std::pair{"input 2", input2},
                                std::pair{"output", output}}) {
    if (!(q.scale > 0.0f) || !std::isfinite(q.scale)) {
      throw Error(std::string(op) + ": " + ScaleText(name, q) +
                  " needs a positive finite scale");
    }
  }
}

QuantizedMultiplier SmallerThanOne(const char* op, const char* what, double real,
                                   const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                                   const ScaleZeroPoint& output) {
  if (!(real > 0.0 && real < 1.0)) {
    throw Error(std::string(op) + ": " + kScaleRatioError + ", the " + what + " rescale factor " +
                std::to_string(real) + ", must lie in (0, 1); got " + ScaleText("input 1", input1) + ", " +
                ScaleText("input 2", input2) + ", " + ScaleText("output", output) +
                " (the output scale is too small relative to the input scales)");
  }
  return QuantizeMultiplierSmallerThanOne(real);
}

}  // namespace elementwise_detail

QuantizedRange Int32ActivationRange(int activation) {
  switch (activation) {
    case 1:
      return {0, std::numeric_limits<int32_t>::max()};
    case 2:
      return {-1, 1};
    case 3:
      return {0, 6};
    default:
      return {std::numeric_limits<int32_t>::lowest(), std::numeric_limits<int32_t>::max()};
  }
}

// ------------------------------------------------------- MAXIMUM / MINIMUM

template <typename T>
void Maximum(const BroadcastPlan& plan, const T* input1, const T* input2, T* output) {
  BroadcastBinary(plan, input1, input2, output, [](T a, T b) { return a > b ? a : b; });
}

template <typename T>
void Minimum(const BroadcastPlan& plan, const T* input1, const T* input2, T* output) {
  BroadcastBinary(plan, input1, input2, output, [](T a, T b) { return a < b ? a : b; });
}

#define TINYFORGE_INSTANTIATE_MAX_MIN(T)                                      \
  template void Maximum<T>(const BroadcastPlan&, const T*, const T*, T*); \
  template void Minimum<T>(const BroadcastPlan&, const T*, const T*, T*);
TINYFORGE_INSTANTIATE_MAX_MIN(float)
TINYFORGE_INSTANTIATE_MAX_MIN(int8_t)
TINYFORGE_INSTANTIATE_MAX_MIN(int16_t)
TINYFORGE_INSTANTIATE_MAX_MIN(int32_t)
TINYFORGE_INSTANTIATE_MAX_MIN(int64_t)
#undef TINYFORGE_INSTANTIATE_MAX_MIN

// ------------------------------------------------------- SQUARED_DIFFERENCE

template <typename T>
SquaredDifferenceParams PrepareSquaredDifferenceQuantized(const ScaleZeroPoint& input1,
                                                          const ScaleZeroPoint& input2,
                                                          const ScaleZeroPoint& output) {
  static_assert(std::is_same_v<T, int8_t> || std::is_same_v<T, int16_t>,
                "quantized SQUARED_DIFFERENCE exists for int8 and int16");
  CheckScales("SQUARED_DIFFERENCE", input1, input2, output);
  constexpr bool kInt16 = std::is_same_v<T, int16_t>;
  for (const auto& [name, q] : {std::pair{"input 1", input1}, std::pair{"input 2", input2},
                                std::pair{"output", output}}) {
    const bool ok = kInt16 ? q.zero_point == 0
                           : (q.zero_point >= TypeRange<T>::kMin && q.zero_point <= TypeRange<T>::kMax);
    if (!ok) {
      throw Error(std::string("SQUARED_DIFFERENCE: ") + ScaleText(name, q) +
                  (kInt16 ? " must have zero point 0 for int16"
                          : " must have a zero point in [-128, 127] for int8"));
    }
  }
  SquaredDifferenceParams p;
  p.input1_offset = -input1.zero_point;
  p.input2_offset = -input2.zero_point;
  p.output_offset = output.zero_point;
  p.left_shift = kInt16 ? 0 : 7;
  const double twice_max_input_scale =
      2.0 * static_cast<double>(std::max(input1.scale, input2.scale));
  const double real1 = static_cast<double>(input1.scale) / twice_max_input_scale;
  const double real2 = static_cast<double>(input2.scale) / twice_max_input_scale;
  // The denominator is formed in float, as in TFLM's squared_difference.cc.
  const float denominator = static_cast<float>(1 << (p.left_shift * 2)) * output.scale;
  const double real_out =
      (twice_max_input_scale * twice_max_input_scale) / static_cast<double>(denominator);
  p.input1_multiplier =
      SmallerThanOne("SQUARED_DIFFERENCE", "input 1", real1, input1, input2, output);
  p.input2_multiplier =
      SmallerThanOne("SQUARED_DIFFERENCE", "input 2", real2, input1, input2, output);
  p.output_multiplier = QuantizeMultiplier(real_out);
  p.activation_min = TypeRange<T>::kMin;
  p.activation_max = TypeRange<T>::kMax;
  return p;
}

template SquaredDifferenceParams PrepareSquaredDifferenceQuantized<int8_t>(
    const ScaleZeroPoint&, const ScaleZeroPoint&, const ScaleZeroPoint&);
template SquaredDifferenceParams PrepareSquaredDifferenceQuantized<int16_t>(
    const ScaleZeroPoint&, const ScaleZeroPoint&, const ScaleZeroPoint&);

void SquaredDifference(const BroadcastPlan& plan, const float* input1, const float* input2,
                       float* output) {
  BroadcastBinary(plan, input1, input2, output, [](float a, float b) {
    const float d = a - b;
    return d * d;
  });
}

void SquaredDifference(const BroadcastPlan& plan, const int32_t* input1, const int32_t* input2,
                       int32_t* output) {
  BroadcastBinary(plan, input1, input2, output, [](int32_t a, int32_t b) {
    const int32_t d = WrapSub(a, b);
    return WrapMul(d, d);
  });
}

void SquaredDifference(const BroadcastPlan& plan, const SquaredDifferenceParams& params,
                       const int8_t* input1, const int8_t* input2, int8_t* output) {
  BroadcastBinary(plan, input1, input2, output, [&params](int8_t a, int8_t b) {
    return SquaredDifferenceElement<int8_t>(a, b, params);
  });
}

void SquaredDifference(const BroadcastPlan& plan, const SquaredDifferenceParams& params,
                       const int16_t* input1, const int16_t* input2, int16_t* output) {
  BroadcastBinary(plan, input1, input2, output, [&params](int16_t a, int16_t b) {
    return SquaredDifferenceElement<int16_t>(a, b, params);
  });
}

}  // namespace tinyforge::ref
