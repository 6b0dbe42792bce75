// Elementwise activations as TFLM's reference kernels compute them:
// LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH.
//
// Every eval function maps shape.FlatSize() elements of `input` to `output`
// (same shape, same element count). Prepare functions compute what TFLM's
// Prepare computes from the tensors' quantization (scale: real units per
// quantum; zero point: the quantum representing 0.0), perform the checks
// TFLM performs, and throw tinyforge::Error when those fail; where TFLM
// does not check a parameter (e.g. the int8 TANH output scale, which the
// kernel assumes to be 1/128) neither do we, so that what TFLM runs we run.
// Eval functions cannot fail.
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// ---------------------------------------------------------------- LOGISTIC, TANH

// int8 LOGISTIC / TANH: the centred input is rescaled to Q4.27 and fed to
// gemmlowp's fixed-point logistic / tanh.
struct SigmoidFamilyInt8Params {
  int32_t input_zero_point = 0;    // input quantum that represents 0.0
  int32_t input_range_radius = 0;  // |input - zero point|, in quanta, at or beyond
                                   // which the output saturates
  int32_t input_multiplier = 0;    // Q31 mantissa of input_scale * 2^27
  int input_left_shift = 0;        // exponent of that mantissa (positive: left)
};
using LogisticInt8Params = SigmoidFamilyInt8Params;
using TanhInt8Params = SigmoidFamilyInt8Params;

// int16 LOGISTIC / TANH (symmetric, zero points 0): the input is rescaled to
// units of 1/(3 * 4096) and looked up in a 256-entry sigmoid table.
struct SigmoidFamilyInt16Params {
  int32_t input_multiplier = 0;  // integer factor (<= 32767) onto the table's input
                                 // units; 0 means the input scale is the expected
                                 // power of two and the factor is 3 << input_left_shift
  int input_left_shift = 0;      // right shift (rounded) applied after the factor, or
                                 // the power-of-two exponent when input_multiplier is 0
};
using LogisticInt16Params = SigmoidFamilyInt16Params;
using TanhInt16Params = SigmoidFamilyInt16Params;

void LogisticFloat(const Shape& shape, const float* input, float* output);
// Output is 1/256 scale; TFLM checks only output_zero_point == -128.
LogisticInt8Params PrepareLogisticInt8(float input_scale, int32_t input_zero_point,
                                       float output_scale, int32_t output_zero_point);
void LogisticInt8(const LogisticInt8Params& params, const Shape& shape, const int8_t* input,
                  int8_t* output);
// Zero points must be 0 and the output scale 2^-15.
LogisticInt16Params PrepareLogisticInt16(float input_scale, int32_t input_zero_point,
                                         float output_scale, int32_t output_zero_point);
void LogisticInt16(const LogisticInt16Params& params, const Shape& shape, const int16_t* input,
                   int16_t* output);

void TanhFloat(const Shape& shape, const float* input, float* output);
// Output is 1/128 scale, zero point 0 (TFLM checks neither).
TanhInt8Params PrepareTanhInt8(float input_scale, int32_t input_zero_point, float output_scale,
                               int32_t output_zero_point);
void TanhInt8(const TanhInt8Params& params, const Shape& shape, const int8_t* input,
              int8_t* output);
// Zero points must be 0 and the output scale 2^-15.
TanhInt16Params PrepareTanhInt16(float input_scale, int32_t input_zero_point, float output_scale,
                                 int32_t output_zero_point);
void TanhInt16(const TanhInt16Params& params, const Shape& shape, const int16_t* input,
               int16_t* output);

// ------------------------------------------------------------------------- RELU

// Quantized RELU requantizes from the input to the output quantization and
// clamps at the output's zero.
struct ReluQuantizedParams {
  int32_t input_zero_point = 0;   // input quantum that represents 0.0
  int32_t output_zero_point = 0;  // output quantum that represents 0.0
  int32_t output_multiplier = 0;  // Q31 mantissa of input_scale / output_scale
  int output_shift = 0;           // exponent of that mantissa (positive: left)
  int32_t activation_min = 0;     // lowest output quantum (the output's 0.0)
  int32_t activation_max = 0;     // highest output quantum (the type's max)
};
void ReluFloat(const Shape& shape, const float* input, float* output);
ReluQuantizedParams PrepareReluInt8(float input_scale, int32_t input_zero_point, float output_scale,
                                    int32_t output_zero_point);
// Zero points must be 0.
ReluQuantizedParams PrepareReluInt16(float input_scale, int32_t input_zero_point,
                                     float output_scale, int32_t output_zero_point);
void ReluInt8(const ReluQuantizedParams& params, const Shape& shape, const int8_t* input,
              int8_t* output);
void ReluInt16(const ReluQuantizedParams& params, const Shape& shape, const int16_t* input,
               int16_t* output);

// ------------------------------------------------------------------------ RELU6

// Quantized RELU6 clamps in the input's quantization and does not
// requantize: TFLM assumes the output shares the input's scale and zero
// point (it does not check), so only the input's are taken.
struct Relu6QuantizedParams {
  int32_t zero = 0;  // input quantum of 0.0 (lower clamp)
  int32_t six = 0;   // input quantum of 6.0, saturated to the type (upper clamp)
};
void Relu6Float(const Shape& shape, const float* input, float* output);
Relu6QuantizedParams PrepareRelu6Int8(float input_scale, int32_t input_zero_point);
Relu6QuantizedParams PrepareRelu6Int16(float input_scale, int32_t input_zero_point);
void Relu6Int8(const Relu6QuantizedParams& params, const Shape& shape, const int8_t* input,
               int8_t* output);
void Relu6Int16(const Relu6QuantizedParams& params, const Shape& shape, const int16_t* input,
                int16_t* output);

// ------------------------------------------------------------------- LEAKY_RELU

struct LeakyReluFloatParams {
  float alpha = 0.0f;  // slope for inputs <= 0 (unitless; may be negative or > 1)
};
struct LeakyReluQuantizedParams {
  int32_t input_zero_point = 0;            // input quantum that represents 0.0
  int32_t output_zero_point = 0;           // output quantum that represents 0.0
  int32_t output_multiplier_alpha = 0;     // Q31 mantissa of input_scale * alpha / output_scale
                                           // (negative when alpha is)
  int output_shift_alpha = 0;              // its exponent (positive: left)
  int32_t output_multiplier_identity = 0;  // Q31 mantissa of input_scale / output_scale
  int output_shift_identity = 0;           // its exponent (positive: left)
};
LeakyReluFloatParams PrepareLeakyReluFloat(float alpha);
void LeakyReluFloat(const LeakyReluFloatParams& params, const Shape& shape, const float* input,
                    float* output);
LeakyReluQuantizedParams PrepareLeakyReluInt8(float alpha, float input_scale,
                                              int32_t input_zero_point, float output_scale,
                                              int32_t output_zero_point);
LeakyReluQuantizedParams PrepareLeakyReluInt16(float alpha, float input_scale,
                                               int32_t input_zero_point, float output_scale,
                                               int32_t output_zero_point);
void LeakyReluInt8(const LeakyReluQuantizedParams& params, const Shape& shape, const int8_t* input,
                   int8_t* output);
void LeakyReluInt16(const LeakyReluQuantizedParams& params, const Shape& shape,
                    const int16_t* input, int16_t* output);

// ------------------------------------------------------------------- HARD_SWISH

// x * relu6(x + 3) / 6. TFLM has float and int8 kernels only. The int8
// kernel works in int16 fixed point on a "high-resolution" input scale of
// input_scale / 128.
struct HardSwishInt8Params {
  int16_t input_zero_point = 0;                     // input quantum of 0.0
  int16_t output_zero_point = 0;                    // output quantum of 0.0
  int16_t reluish_multiplier_fixedpoint_int16 = 0;  // Q15 mantissa of (input_scale / 128) /
                                                    // (3 / 32768)
  int reluish_multiplier_exponent = 0;              // its exponent (positive: left)
  int16_t output_multiplier_fixedpoint_int16 = 0;   // Q15 mantissa of (input_scale / 128) /
                                                    // output_scale
  int output_multiplier_exponent = 0;               // its exponent, <= 0 (right shift)
};
void HardSwishFloat(const Shape& shape, const float* input, float* output);
// Requires input_scale / (128 * output_scale) < 1 (TFLM checks the exponent).
HardSwishInt8Params PrepareHardSwishInt8(float input_scale, int32_t input_zero_point,
                                         float output_scale, int32_t output_zero_point);
void HardSwishInt8(const HardSwishInt8Params& params, const Shape& shape, const int8_t* input,
                   int8_t* output);

}  // namespace tinyforge::ref
