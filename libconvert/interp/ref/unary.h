// Elementwise unary operators: SQRT, RSQRT, ABS, NEG, EXP, LOG, GELU, CAST.
// Float kernels apply the single-precision <cmath> function TFLM applies;
// the int8/int16 kernels follow TFLM's integer arithmetic bit for bit.
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::ref {

// Float kernels over `count` elements: output[i] = f(input[i]).
void Sqrt(int64_t count, const float* input, float* output);   // std::sqrt
void Rsqrt(int64_t count, const float* input, float* output);  // 1.f / std::sqrt
void Abs(int64_t count, const float* input, float* output);    // std::abs
void Neg(int64_t count, const float* input, float* output);    // -x
void Exp(int64_t count, const float* input, float* output);    // std::exp
void Log(int64_t count, const float* input, float* output);    // std::log
// TFLite's GELU (TFLM has none): approximate = false is
// 0.5 x (1 + erf(x / sqrt(2))), approximate = true is
// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), in single precision.
void Gelu(int64_t count, bool approximate, const float* input, float* output);

// Quantized ABS (int8, and int16 with zero points 0):
// q_out = clamp(M * |q_in - zp_in| + zp_out), M = in_scale / out_scale
// (computed as float, then applied as a Q31 multiplier; skipped when the
// scales are equal).
struct QuantizedAbsParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  bool needs_rescale = false;
  QuantizedMultiplier multiplier;  // in_scale / out_scale when needs_rescale
};
QuantizedAbsParams PrepareQuantizedAbs(float input_scale, int32_t input_zero_point, float output_scale,
                                       int32_t output_zero_point);
void Abs(const QuantizedAbsParams& params, int64_t count, const int8_t* input, int8_t* output);
void Abs(const QuantizedAbsParams& params, int64_t count, const int16_t* input, int16_t* output);
// int16 without quantization: plain std::abs, -32768 staying -32768.
void Abs(int64_t count, const int16_t* input, int16_t* output);

// TFLM's GetInvSqrtQuantizedMultiplierExp: 1/sqrt(input) for input >= 0 as
// a Q31 multiplier and shift (reverse_shift -1: the shift is a left shift).
// Inputs 0 and 1 give (INT32_MAX, 0).
QuantizedMultiplier InvSqrtQuantizedMultiplierExp(int32_t input, int reverse_shift);

// Quantized RSQRT (int8): q_out = zp_out + (1 / sqrt(q_in - zp_in)) scaled by
// 1 / (sqrt(in_scale) * out_scale), as TFLM. q_in == zp_in gives 127. TFLM
// aborts the invocation on q_in < zp_in (negative real input); we give 127
// there too.
struct QuantizedRsqrtParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  QuantizedMultiplier multiplier;  // 1 / (sqrt(in_scale) * out_scale)
};
QuantizedRsqrtParams PrepareQuantizedRsqrt(float input_scale, int32_t input_zero_point, float output_scale,
                                           int32_t output_zero_point);
void Rsqrt(const QuantizedRsqrtParams& params, int64_t count, const int8_t* input, int8_t* output);

// CAST: static_cast per element. Float to integer conversions TFLM leaves
// undefined (NaN, out of range) are defined here: NaN gives 0, other values
// are truncated toward zero and saturated to the target range.
template <typename From, typename To>
void Cast(int64_t count, const From* input, To* output);

}  // namespace tinyforge::ref
