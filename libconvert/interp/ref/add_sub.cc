// ADD and SUB: float, int32, and quantized int8/int16 with TFLM's
// rescaling (both inputs to a common scale with a left shift, then the sum
// or difference to the output scale).
#include <algorithm>
#include <type_traits>

#include "libconvert/interp/ref/elementwise.h"
#include "libconvert/interp/ref/elementwise_detail.h"

namespace tinyforge::ref {
namespace {

using namespace elementwise_detail;

template <typename T>
constexpr int AddSubLeftShift() {
  static_assert(std::is_same_v<T, int8_t> || std::is_same_v<T, int16_t>,
                "quantized ADD/SUB exist for int8 and int16");
  return std::is_same_v<T, int16_t> ? 15 : 20;
}

// One quantized ADD (sign = +1) or SUB (sign = -1) element.
template <typename T, int kSign>
T AddSubElement(T x, T y, const AddSubParams& p) {
  const int32_t shifted1 = ShiftLeftWrap(p.input1_offset + x, p.left_shift);
  const int32_t shifted2 = ShiftLeftWrap(p.input2_offset + y, p.left_shift);
  const int32_t scaled1 = MultiplyByQuantizedMultiplier(shifted1, p.input1_multiplier);
  const int32_t scaled2 = MultiplyByQuantizedMultiplier(shifted2, p.input2_multiplier);
  const int32_t raw = kSign > 0 ? WrapAdd(scaled1, scaled2) : WrapSub(scaled1, scaled2);
  const int32_t out =
      WrapAdd(MultiplyByQuantizedMultiplier(raw, p.output_multiplier), p.output_offset);
  return static_cast<T>(Clamp(out, p.activation_min, p.activation_max));
}

}  // namespace

template <typename T>
AddSubParams PrepareAddQuantized(const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                                 const ScaleZeroPoint& output, int activation) {
  CheckScales("ADD", input1, input2, output);
  AddSubParams p;
  p.input1_offset = -input1.zero_point;
  p.input2_offset = -input2.zero_point;
  p.output_offset = output.zero_point;
  p.left_shift = AddSubLeftShift<T>();
  const double twice_max_input_scale =
      2 * static_cast<double>(std::max(input1.scale, input2.scale));
  const double real1 = static_cast<double>(input1.scale) / twice_max_input_scale;
  const double real2 = static_cast<double>(input2.scale) / twice_max_input_scale;
  const double real_out =
      twice_max_input_scale / ((1 << p.left_shift) * static_cast<double>(output.scale));
  p.input1_multiplier = SmallerThanOne("ADD", "input 1", real1, input1, input2, output);
  p.input2_multiplier = SmallerThanOne("ADD", "input 2", real2, input1, input2, output);
  p.output_multiplier = SmallerThanOne("ADD", "output", real_out, input1, input2, output);
  const QuantizedRange range = OutputRange<T>(activation, output);
  p.activation_min = range.min;
  p.activation_max = range.max;
  return p;
}

template <typename T>
AddSubParams PrepareSubQuantized(const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                                 const ScaleZeroPoint& output, int activation) {
  CheckScales("SUB", input1, input2, output);
  AddSubParams p;
  p.input1_offset = -input1.zero_point;
  p.input2_offset = -input2.zero_point;
  p.output_offset = output.zero_point;
  p.left_shift = AddSubLeftShift<T>();
  // Single precision on purpose: this is how TFLM's sub.cc rounds.
  const float twice_max_input_scale = 2 * std::max(input1.scale, input2.scale);
  const float real1 = input1.scale / twice_max_input_scale;
  const float real2 = input2.scale / twice_max_input_scale;
  const float real_out =
      twice_max_input_scale / (static_cast<float>(1 << p.left_shift) * output.scale);
  p.input1_multiplier =
      SmallerThanOne("SUB", "input 1", static_cast<double>(real1), input1, input2, output);
  p.input2_multiplier =
      SmallerThanOne("SUB", "input 2", static_cast<double>(real2), input1, input2, output);
  p.output_multiplier =
      SmallerThanOne("SUB", "output", static_cast<double>(real_out), input1, input2, output);
  const QuantizedRange range = OutputRange<T>(activation, output);
  p.activation_min = range.min;
  p.activation_max = range.max;
  return p;
}

template AddSubParams PrepareAddQuantized<int8_t>(const ScaleZeroPoint&, const ScaleZeroPoint&,
                                                  const ScaleZeroPoint&, int);
template AddSubParams PrepareAddQuantized<int16_t>(const ScaleZeroPoint&, const ScaleZeroPoint&,
                                                   const ScaleZeroPoint&, int);
template AddSubParams PrepareSubQuantized<int8_t>(const ScaleZeroPoint&, const ScaleZeroPoint&,
                                                  const ScaleZeroPoint&, int);
template AddSubParams PrepareSubQuantized<int16_t>(const ScaleZeroPoint&, const ScaleZeroPoint&,
                                                   const ScaleZeroPoint&, int);

void Add(const BroadcastPlan& plan, const FloatRange& act, const float* input1,
         const float* input2, float* output) {
  BroadcastBinary(plan, input1, input2, output,
                  [&act](float a, float b) { return ClampActivation(a + b, act); });
}

void Add(const BroadcastPlan& plan, const int32_t* input1, const int32_t* input2,
         int32_t* output) {
  BroadcastBinary(plan, input1, input2, output, WrapAdd);
}

void Add(const BroadcastPlan& plan, const AddSubParams& params, const int8_t* input1,
         const int8_t* input2, int8_t* output) {
  BroadcastBinary(plan, input1, input2, output,
                  [&params](int8_t a, int8_t b) { return AddSubElement<int8_t, 1>(a, b, params); });
}

void Add(const BroadcastPlan& plan, const AddSubParams& params, const int16_t* input1,
         const int16_t* input2, int16_t* output) {
  BroadcastBinary(plan, input1, input2, output, [&params](int16_t a, int16_t b) {
    return AddSubElement<int16_t, 1>(a, b, params);
  });
}

void Sub(const BroadcastPlan& plan, const FloatRange& act, const float* input1,
         const float* input2, float* output) {
  BroadcastBinary(plan, input1, input2, output,
                  [&act](float a, float b) { return ClampActivation(a - b, act); });
}

void Sub(const BroadcastPlan& plan, const QuantizedRange& act, const int32_t* input1,
         const int32_t* input2, int32_t* output) {
  BroadcastBinary(plan, input1, input2, output, [&act](int32_t a, int32_t b) {
    return std::min(std::max(WrapSub(a, b), act.min), act.max);
  });
}

void Sub(const BroadcastPlan& plan, const AddSubParams& params, const int8_t* input1,
         const int8_t* input2, int8_t* output) {
  BroadcastBinary(plan, input1, input2, output, [&params](int8_t a, int8_t b) {
    return AddSubElement<int8_t, -1>(a, b, params);
  });
}

void Sub(const BroadcastPlan& plan, const AddSubParams& params, const int16_t* input1,
         const int16_t* input2, int16_t* output) {
  BroadcastBinary(plan, input1, input2, output, [&params](int16_t a, int16_t b) {
    return AddSubElement<int16_t, -1>(a, b, params);
  });
}

}  // namespace tinyforge::ref
