// SOFTMAX over the last dimension, as TFLM's reference kernels compute it:
// float32, int8 -> int8, int8 -> int16 and int16 -> int16.
//
// Shapes: input and output have the same shape; every row of the last
// dimension is normalised independently (a rank-0 shape is one row of one
// element). Prepare functions validate quantization parameters as TFLM's
// Prepare does and throw tinyforge::Error when they are unsupported; eval
// functions cannot fail.
#pragma once

#include <array>
#include <cstdint>

#include "libconvert/interp/ref/fixed_point.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

struct SoftmaxFloatParams {
  float beta = 1.0f;  // multiplies the logits before exp (unitless)
};
SoftmaxFloatParams PrepareSoftmaxFloat(float beta);
// output = exp(beta * (x - max)) / sum, all in float.
void SoftmaxFloat(const SoftmaxFloatParams& params, const Shape& shape, const float* input,
                  float* output);

// int8 input: differences to the row maximum are rescaled into Q5.26 and
// exponentiated with gemmlowp's fixed-point exp.
struct SoftmaxInt8Params {
  int32_t input_multiplier = 0;  // Q31 mantissa of beta * input_scale * 2^26
  int input_left_shift = 0;      // left shift (>= 0) applied with input_multiplier
  int32_t diff_min = 0;          // most negative (input - row max), in input quanta,
                                 // whose exp still counts; smaller ones give 0
  // The fixed-point exp (Q0.31) of each difference an int8 row can hold,
  // exp_of_diff[d] for (input - row max) = -d, made at Prepare: the same
  // values the per-element exp gives, once instead of twice per element.
  std::array<int32_t, 256> exp_of_diff{};
};
// The input rescale alone (beta * input_scale onto Q5.26 and diff_min), as
// TFLM's PreprocessSoftmaxScaling computes it; LOG_SOFTMAX uses it too.
SoftmaxInt8Params PrepareSoftmaxInt8Input(float beta, float input_scale);
// Output int8 must have scale exactly 1/256 and zero point -128.
SoftmaxInt8Params PrepareSoftmaxInt8(float beta, float input_scale, float output_scale,
                                     int32_t output_zero_point);
// Output int16 must have scale 1/65536 (within 0.1%) and zero point -32768.
SoftmaxInt8Params PrepareSoftmaxInt8ToInt16(float beta, float input_scale, float output_scale,
                                            int32_t output_zero_point);
void SoftmaxInt8(const SoftmaxInt8Params& params, const Shape& shape, const int8_t* input,
                 int8_t* output);
void SoftmaxInt8ToInt16(const SoftmaxInt8Params& params, const Shape& shape, const int8_t* input,
                        int16_t* output);

// int16 input (symmetric): exp and 1/(1+x) come from interpolated tables.
struct SoftmaxInt16Params {
  int32_t input_multiplier = 0;  // Q31 mantissa of beta * input_scale / (10 / 65535)
  int input_shift = 0;           // shift for input_multiplier (positive: left)
  // exp(x) for x in [-10, 0] (table input scale 10/65535, zero point 32767),
  // output scale 2/65535.
  std::array<int16_t, kInt16LutSize> exp_lut{};
  // 1/(1+x) for x in [0, 1] (table input scale 1/65535, zero point -32768),
  // output scale 2/65535.
  std::array<int16_t, kInt16LutSize> one_over_one_plus_x_lut{};
};
// Input zero point must be 0; output scale 1/32768 (within 0.1%), zero point 0.
SoftmaxInt16Params PrepareSoftmaxInt16(float beta, float input_scale, int32_t input_zero_point,
                                       float output_scale, int32_t output_zero_point);
void SoftmaxInt16(const SoftmaxInt16Params& params, const Shape& shape, const int16_t* input,
                  int16_t* output);

}  // namespace tinyforge::ref
