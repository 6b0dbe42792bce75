// PRELU with broadcasting of alpha, as TFLM's reference kernels compute it:
// out = x >= 0 ? x : x * alpha. Float32; int8 input with int8 alpha; int16
// input with int8 alpha.
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/broadcast.h"
#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::ref {

void PreluFloat(const BroadcastPlan& plan, const float* input, const float* alpha, float* output);

// Quantized: a non-negative (x - zp_in) is rescaled by in_scale / out_scale;
// a negative one is multiplied by (alpha - zp_alpha) and rescaled by
// in_scale * alpha_scale / out_scale; then the output zero point is added and
// the result saturated to the output type.
struct PreluQuantParams {
  int32_t input_offset = 0;   // minus the input zero point
  int32_t alpha_offset = 0;   // minus alpha's zero point
  int32_t output_offset = 0;  // the output zero point
  QuantizedMultiplier identity_multiplier;  // in_scale / out_scale (x >= 0)
  QuantizedMultiplier alpha_multiplier;     // in_scale * alpha_scale / out_scale (x < 0)
};
// Multipliers from double products of the float scales, as TFLM's
// CalculatePreluParams. Throws Error for non-positive or non-finite scales.
PreluQuantParams PreparePreluQuantized(float input_scale, int32_t input_zero_point, float alpha_scale,
                                       int32_t alpha_zero_point, float output_scale, int32_t output_zero_point);

void PreluInt8(const BroadcastPlan& plan, const PreluQuantParams& params, const int8_t* input,
               const int8_t* alpha, int8_t* output);
void PreluInt16(const BroadcastPlan& plan, const PreluQuantParams& params, const int16_t* input,
                const int8_t* alpha, int16_t* output);

}  // namespace tinyforge::ref
