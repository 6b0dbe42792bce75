#include "libconvert/interp/ref/elementwise.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/fixed_point.h"

namespace tinyforge::ref {
namespace {

// Two's complement arithmetic on int32 without signed-overflow UB (TFLM's
// reference code relies on the hardware wrapping the same way).
int32_t WrapAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
int32_t WrapSub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
int32_t WrapMul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}
int32_t ShiftLeftWrap(int32_t v, int bits) {
  return static_cast<int32_t>(static_cast<uint32_t>(v) << bits);
}

// min(max(x, lo), hi) in this order, as TFLM's ActivationFunctionWithMinMax:
// a NaN x stays NaN.
float ClampActivation(float x, const FloatRange& act) {
  return std::min(std::max(x, act.min), act.max);
}

template <typename T>
struct TypeRange {
  static constexpr int32_t kMin = std::numeric_limits<T>::min();
  static constexpr int32_t kMax = std::numeric_limits<T>::max();
};

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

// TFLM's QuantizeMultiplierSmallerThanOneExp: the real multiplier must lie
// in (0, 1), and the resulting shift is <= 0.
QuantizedMultiplier SmallerThanOne(const char* op, const char* what, double real,
                                   const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                                   const ScaleZeroPoint& output) {
  if (!(real > 0.0 && real < 1.0)) {
    throw Error(std::string(op) + ": the " + what + " rescale factor " + std::to_string(real) +
                " must lie in (0, 1); got " + ScaleText("input 1", input1) + ", " +
                ScaleText("input 2", input2) + ", " + ScaleText("output", output) +
                " (the output scale is too small relative to the input scales)");
  }
  return QuantizeMultiplierSmallerThanOne(real);
}

template <typename T>
QuantizedRange OutputRange(int activation, const ScaleZeroPoint& output) {
  return QuantizedActivationRange(activation, output.scale, output.zero_point,
                                  TypeRange<T>::kMin, TypeRange<T>::kMax);
}

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

template <typename T>
T MulElement(T x, T y, const MulParams& p) {
  const int32_t product = WrapMul(p.input1_offset + x, p.input2_offset + y);
  const int32_t out =
      WrapAdd(MultiplyByQuantizedMultiplier(product, p.output_multiplier), p.output_offset);
  return static_cast<T>(Clamp(out, p.activation_min, p.activation_max));
}

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

// ---------------------------------------------------------------- ADD / SUB

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

// ---------------------------------------------------------------------- MUL

template <typename T>
MulParams PrepareMulQuantized(const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                              const ScaleZeroPoint& output, int activation) {
  static_assert(std::is_same_v<T, int8_t> || std::is_same_v<T, int16_t>,
                "quantized MUL exists for int8 and int16");
  CheckScales("MUL", input1, input2, output);
  if (std::is_same_v<T, int16_t> &&
      (input1.zero_point != 0 || input2.zero_point != 0 || output.zero_point != 0)) {
    throw Error("MUL: int16 operands must have zero point 0; got " + ScaleText("input 1", input1) +
                ", " + ScaleText("input 2", input2) + ", " + ScaleText("output", output));
  }
  MulParams p;
  p.input1_offset = -input1.zero_point;
  p.input2_offset = -input2.zero_point;
  p.output_offset = output.zero_point;
  const double real = static_cast<double>(input1.scale) * static_cast<double>(input2.scale) /
                      static_cast<double>(output.scale);
  p.output_multiplier = QuantizeMultiplier(real);
  const QuantizedRange range = OutputRange<T>(activation, output);
  p.activation_min = range.min;
  p.activation_max = range.max;
  return p;
}

template MulParams PrepareMulQuantized<int8_t>(const ScaleZeroPoint&, const ScaleZeroPoint&,
                                               const ScaleZeroPoint&, int);
template MulParams PrepareMulQuantized<int16_t>(const ScaleZeroPoint&, const ScaleZeroPoint&,
                                                const ScaleZeroPoint&, int);

void Mul(const BroadcastPlan& plan, const FloatRange& act, const float* input1,
         const float* input2, float* output) {
  BroadcastBinary(plan, input1, input2, output,
                  [&act](float a, float b) { return ClampActivation(a * b, act); });
}

void Mul(const BroadcastPlan& plan, const QuantizedRange& act, const int32_t* input1,
         const int32_t* input2, int32_t* output) {
  BroadcastBinary(plan, input1, input2, output, [&act](int32_t a, int32_t b) {
    return std::min(std::max(WrapMul(a, b), act.min), act.max);
  });
}

void Mul(const BroadcastPlan& plan, const MulParams& params, const int8_t* input1,
         const int8_t* input2, int8_t* output) {
  BroadcastBinary(plan, input1, input2, output,
                  [&params](int8_t a, int8_t b) { return MulElement<int8_t>(a, b, params); });
}

void Mul(const BroadcastPlan& plan, const MulParams& params, const int16_t* input1,
         const int16_t* input2, int16_t* output) {
  BroadcastBinary(plan, input1, input2, output,
                  [&params](int16_t a, int16_t b) { return MulElement<int16_t>(a, b, params); });
}

// ---------------------------------------------------------------------- DIV

void Div(const BroadcastPlan& plan, const FloatRange& act, const float* input1,
         const float* input2, float* output) {
  BroadcastBinary(plan, input1, input2, output,
                  [&act](float a, float b) { return ClampActivation(a / b, act); });
}

DivParams PrepareDivInt8(const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                         const ScaleZeroPoint& output, int activation) {
  for (float scale : {input1.scale, input2.scale, output.scale}) {
    if (!(scale > 0.0f) || !std::isfinite(scale)) {
      throw Error("DIV: scales must be positive and finite, got " + std::to_string(input1.scale) + ", " +
                  std::to_string(input2.scale) + " and output " + std::to_string(output.scale));
    }
  }
  DivParams p;
  p.input1_offset = -input1.zero_point;
  p.input2_offset = -input2.zero_point;
  p.output_offset = output.zero_point;
  // TFLM divides in float, then widens.
  const float real = input1.scale / (input2.scale * output.scale);
  p.output_multiplier = QuantizeMultiplier(static_cast<double>(real));
  const QuantizedRange range = QuantizedActivationRange(activation, output.scale, output.zero_point, -128, 127);
  p.activation_min = range.min;
  p.activation_max = range.max;
  return p;
}

namespace {

// gcc's __builtin_clrsb, which TFLM's CountLeadingSignBits uses: the number
// of bits after the sign bit equal to it (31 for 0 and -1).
int CountLeadingSignBits(int32_t x) {
  const uint32_t bits = static_cast<uint32_t>(x >= 0 ? x : ~x);
  return CountLeadingZeros32(bits) - 1;
}

int8_t DivideQuantized(const DivParams& p, int8_t a, int8_t b) {
  int32_t numerator = p.input1_offset + a;
  int32_t divisor = p.input2_offset + b;
  int32_t quotient = 0;
  if (divisor != 0) {
    if (divisor < 0) {
      numerator = -numerator;
      divisor = -divisor;
    }
    int reciprocal_shift = 0;
    const int32_t reciprocal = GetReciprocal(divisor, 31, &reciprocal_shift);
    const int headroom = CountLeadingSignBits(numerator);
    // numerator * 2^headroom cannot overflow: headroom is its free sign bits.
    const int32_t unscaled = SaturatingRoundingDoublingHighMul(
        static_cast<int32_t>(static_cast<uint32_t>(numerator) << headroom), reciprocal);
    const int right_shift = reciprocal_shift + headroom - p.output_multiplier.shift;
    const int32_t scaled = SaturatingRoundingDoublingHighMul(unscaled, p.output_multiplier.multiplier);
    quotient = right_shift > 31 ? 0
               : right_shift < 0 ? SaturatingRoundingMultiplyByPOT(scaled, std::min(-right_shift, 31))
                                 : RoundingDivideByPOT(scaled, right_shift);
  }
  return static_cast<int8_t>(Clamp(WrappingAdd(quotient, p.output_offset), p.activation_min, p.activation_max));
}

}  // namespace

void Div(const BroadcastPlan& plan, const DivParams& params, const int8_t* input1, const int8_t* input2,
         int8_t* output) {
  BroadcastBinary(plan, input1, input2, output,
                  [&params](int8_t a, int8_t b) { return DivideQuantized(params, a, b); });
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
