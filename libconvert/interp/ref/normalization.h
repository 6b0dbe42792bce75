// L2_NORMALIZATION and LOG_SOFTMAX over the last dimension, as TFLM's
// reference kernels compute them (float32 and int8).
//
// Shapes: input and output have the same shape; every row of the last
// dimension is handled independently. Prepare functions throw
// tinyforge::Error for what TFLM rejects; eval functions cannot fail.
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/shape.h"
#include "libconvert/interp/ref/softmax.h"

namespace tinyforge::ref {

// x / max(sqrt(sum x^2), 1e-6) in float, summed in row order.
void L2NormalizationFloat(const Shape& shape, const float* input, float* output);
// int8: (q - zp) times 1/sqrt(sum (q - zp)^2) as a Q31 multiplier, onto the
// fixed output scale 1/128 with zero point 0. The input scale cancels and the
// output's parameters are not read (the converter fixes them at 1/128, 0).
void L2NormalizationInt8(int32_t input_zero_point, const Shape& shape, const int8_t* input, int8_t* output);

// x - max - log(sum exp(x - max)) in float (std::exp, std::log).
void LogSoftmaxFloat(const Shape& shape, const float* input, float* output);

// int8: differences to the row maximum rescaled onto Q5.26 (as SOFTMAX),
// exps summed in Q12.19, their log in Q5.26 subtracted, the result in the
// fixed output quantization: scale 16/256, zero point 127.
struct LogSoftmaxInt8Params {
  SoftmaxInt8Params input;              // multiplier, left shift, diff_min
  int32_t reverse_scaling_divisor = 0;  // 2^(31 - left shift) / input multiplier, as a Q31 multiplier
  int reverse_scaling_shift = 0;        // its shift (<= 0)
};
// The output must have scale exactly 16/256 and zero point 127, as TFLM
// requires.
LogSoftmaxInt8Params PrepareLogSoftmaxInt8(float input_scale, float output_scale, int32_t output_zero_point);
void LogSoftmaxInt8(const LogSoftmaxInt8Params& params, const Shape& shape, const int8_t* input, int8_t* output);

}  // namespace tinyforge::ref
