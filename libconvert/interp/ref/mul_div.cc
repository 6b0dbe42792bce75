// MUL and DIV: float, int32 (MUL), and quantized int8/int16 MUL and int8
// DIV with TFLM's rescaling.
#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/elementwise.h"
#include "libconvert/interp/ref/elementwise_detail.h"
#include "libconvert/interp/ref/fixed_point.h"

namespace tinyforge::ref {
namespace {

using namespace elementwise_detail;

template <typename T>
T MulElement(T x, T y, const MulParams& p) {
  const int32_t product = WrapMul(p.input1_offset + x, p.input2_offset + y);
  const int32_t out =
      WrapAdd(MultiplyByQuantizedMultiplier(product, p.output_multiplier), p.output_offset);
  return static_cast<T>(Clamp(out, p.activation_min, p.activation_max));
}

}  // namespace

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

}  // namespace tinyforge::ref
