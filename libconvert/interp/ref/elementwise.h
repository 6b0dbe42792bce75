// Binary elementwise kernels with broadcasting: ADD, SUB, MUL, DIV, MAXIMUM,
// MINIMUM, SQUARED_DIFFERENCE. Each quantized op has a params struct that a
// Prepare function fills from scales, zero points and the fused activation
// exactly as TFLM's Prepare does, and Eval functions that only read it.
//
// Every Eval takes a BroadcastPlan (broadcast.h) made at Prepare from the two
// input shapes and the output shape; equal input shapes take a flat loop.
// `activation` arguments are the schema's ActivationFunctionType values
// (0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6).
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/broadcast.h"
#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::ref {

// Per-tensor quantization of one operand: real = scale * (q - zero_point).
struct ScaleZeroPoint {
  float scale = 1.0f;      // real units per quantized step, > 0
  int32_t zero_point = 0;  // quantized value that represents real 0
};

// TFLM's CalculateActivationRange<int32_t>: the clamp range of a fused
// activation applied to raw (unquantized) int32 values.
QuantizedRange Int32ActivationRange(int activation);

// ---------------------------------------------------------------- ADD / SUB

// Quantized ADD and SUB (int8 and int16): each input is offset, shifted left
// by left_shift bits of headroom, rescaled to a common scale (twice the larger
// input scale), summed, and rescaled to the output.
struct AddSubParams {
  int32_t input1_offset = 0;  // minus input 1's zero point
  int32_t input2_offset = 0;  // minus input 2's zero point
  int32_t output_offset = 0;  // output zero point, added after rescaling
  int left_shift = 0;         // headroom bits: 20 for int8, 15 for int16
  QuantizedMultiplier input1_multiplier;  // scale1 / (2 max(scale1, scale2)); shift <= 0
  QuantizedMultiplier input2_multiplier;  // scale2 / (2 max(scale1, scale2)); shift <= 0
  // 2 max(scale1, scale2) / (2^left_shift * output scale); shift <= 0
  QuantizedMultiplier output_multiplier;
  int32_t activation_min = 0;  // clamp, output quantized units
  int32_t activation_max = 0;  // clamp, output quantized units
};

// T is int8_t or int16_t (the output type). ADD computes its real
// multipliers in double precision, as TFLM's add.cc does. Throws
// tinyforge::Error for a non-positive scale or when the output multiplier
// is not below 1 (TFLM aborts in that case).
template <typename T>
AddSubParams PrepareAddQuantized(const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                                 const ScaleZeroPoint& output, int activation);
// The same for SUB. TFLM's sub.cc forms the real multipliers in single
// precision (float) before widening them; this reproduces that rounding.
template <typename T>
AddSubParams PrepareSubQuantized(const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                                 const ScaleZeroPoint& output, int activation);

// out = clamp(in1 + in2, act.min, act.max).
void Add(const BroadcastPlan& plan, const FloatRange& act, const float* input1,
         const float* input2, float* output);
// out = in1 + in2 with two's complement wrap-around. TFLM's int32 ADD ignores
// the fused activation, so there is no clamp.
void Add(const BroadcastPlan& plan, const int32_t* input1, const int32_t* input2,
         int32_t* output);
void Add(const BroadcastPlan& plan, const AddSubParams& params, const int8_t* input1,
         const int8_t* input2, int8_t* output);
void Add(const BroadcastPlan& plan, const AddSubParams& params, const int16_t* input1,
         const int16_t* input2, int16_t* output);

// out = clamp(in1 - in2, act.min, act.max).
void Sub(const BroadcastPlan& plan, const FloatRange& act, const float* input1,
         const float* input2, float* output);
// out = clamp(in1 - in2) with wrap-around subtraction; act from
// Int32ActivationRange.
void Sub(const BroadcastPlan& plan, const QuantizedRange& act, const int32_t* input1,
         const int32_t* input2, int32_t* output);
void Sub(const BroadcastPlan& plan, const AddSubParams& params, const int8_t* input1,
         const int8_t* input2, int8_t* output);
void Sub(const BroadcastPlan& plan, const AddSubParams& params, const int16_t* input1,
         const int16_t* input2, int16_t* output);

// ---------------------------------------------------------------------- MUL

// Quantized MUL (int8 and int16): (in1 + offset1) * (in2 + offset2) rescaled
// by scale1 * scale2 / output scale.
struct MulParams {
  int32_t input1_offset = 0;  // minus input 1's zero point
  int32_t input2_offset = 0;  // minus input 2's zero point
  int32_t output_offset = 0;  // output zero point
  QuantizedMultiplier output_multiplier;  // scale1 * scale2 / output scale (any shift)
  int32_t activation_min = 0;  // clamp, output quantized units
  int32_t activation_max = 0;  // clamp, output quantized units
};

// T is int8_t or int16_t. int16 requires every zero point to be 0 (TFLM
// rejects others); throws tinyforge::Error otherwise or for a non-positive
// scale.
template <typename T>
MulParams PrepareMulQuantized(const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                              const ScaleZeroPoint& output, int activation);

// out = clamp(in1 * in2, act.min, act.max).
void Mul(const BroadcastPlan& plan, const FloatRange& act, const float* input1,
         const float* input2, float* output);
// out = clamp(in1 * in2) with wrap-around multiplication; act from
// Int32ActivationRange.
void Mul(const BroadcastPlan& plan, const QuantizedRange& act, const int32_t* input1,
         const int32_t* input2, int32_t* output);
void Mul(const BroadcastPlan& plan, const MulParams& params, const int8_t* input1,
         const int8_t* input2, int8_t* output);
void Mul(const BroadcastPlan& plan, const MulParams& params, const int16_t* input1,
         const int16_t* input2, int16_t* output);

// ---------------------------------------------------------------------- DIV

// out = clamp(in1 / in2, act.min, act.max); IEEE division (x/0 is inf/nan).
void Div(const BroadcastPlan& plan, const FloatRange& act, const float* input1,
         const float* input2, float* output);

// Quantized DIV (int8): (in1 + offset1) / (in2 + offset2) through a Q31
// reciprocal of the divisor (TFLM's GetReciprocal), rescaled by
// scale1 / (scale2 * output scale), computed in float as TFLM does.
struct DivParams {
  int32_t input1_offset = 0;  // minus input 1's zero point
  int32_t input2_offset = 0;  // minus input 2's zero point
  int32_t output_offset = 0;  // output zero point
  QuantizedMultiplier output_multiplier;  // float(scale1 / (scale2 * output scale))
  int32_t activation_min = 0;  // clamp, output quantized units
  int32_t activation_max = 0;
};
// Throws tinyforge::Error for a non-positive or non-finite scale.
DivParams PrepareDivInt8(const ScaleZeroPoint& input1, const ScaleZeroPoint& input2,
                         const ScaleZeroPoint& output, int activation);
// A divisor equal to its zero point (real 0) makes TFLM abort (a debug
// check); here the quotient is then taken as 0 (the output zero point,
// clamped). So are quotients TFLM's rounding shift cannot express (a shift
// beyond 31 bits, where TFLM's debug build aborts): they round to 0.
void Div(const BroadcastPlan& plan, const DivParams& params, const int8_t* input1,
         const int8_t* input2, int8_t* output);

// ------------------------------------------------------- MAXIMUM / MINIMUM

// out = in1 > in2 ? in1 : in2 (TFLM's exact comparison: a NaN in either
// operand selects in2). No requantization: int8/int16 operands must share the
// output's scale and zero point. T: float, int8_t, int16_t, int32_t, int64_t.
template <typename T>
void Maximum(const BroadcastPlan& plan, const T* input1, const T* input2, T* output);
// out = in1 < in2 ? in1 : in2.
template <typename T>
void Minimum(const BroadcastPlan& plan, const T* input1, const T* input2, T* output);

// ------------------------------------------------------- SQUARED_DIFFERENCE

// Quantized SQUARED_DIFFERENCE (int8 and int16): inputs are brought to a
// common scale like ADD (with left_shift 7 for int8, 0 for int16), the
// difference is squared in int32 and rescaled to the output. The output is
// clamped to the type's range (no fused activation).
struct SquaredDifferenceParams {
  int32_t input1_offset = 0;  // minus input 1's zero point
  int32_t input2_offset = 0;  // minus input 2's zero point
  int32_t output_offset = 0;  // output zero point
  int left_shift = 0;         // headroom bits: 7 for int8, 0 for int16
  QuantizedMultiplier input1_multiplier;  // scale1 / (2 max scale); shift <= 0
  QuantizedMultiplier input2_multiplier;  // scale2 / (2 max scale); shift <= 0
  // (2 max scale)^2 / (2^(2 left_shift) * output scale); any shift
  QuantizedMultiplier output_multiplier;
  int32_t activation_min = 0;  // type minimum
  int32_t activation_max = 0;  // type maximum
};

// T is int8_t or int16_t. int8 zero points must lie in [-128, 127]; int16
// zero points must be 0 (TFLM's checks). Throws tinyforge::Error otherwise.
template <typename T>
SquaredDifferenceParams PrepareSquaredDifferenceQuantized(const ScaleZeroPoint& input1,
                                                          const ScaleZeroPoint& input2,
                                                          const ScaleZeroPoint& output);

// out = (in1 - in2)^2 computed in float.
void SquaredDifference(const BroadcastPlan& plan, const float* input1, const float* input2,
                       float* output);
// out = (in1 - in2)^2 with wrap-around arithmetic.
void SquaredDifference(const BroadcastPlan& plan, const int32_t* input1, const int32_t* input2,
                       int32_t* output);
void SquaredDifference(const BroadcastPlan& plan, const SquaredDifferenceParams& params,
                       const int8_t* input1, const int8_t* input2, int8_t* output);
void SquaredDifference(const BroadcastPlan& plan, const SquaredDifferenceParams& params,
                       const int16_t* input1, const int16_t* input2, int16_t* output);

}  // namespace tinyforge::ref
