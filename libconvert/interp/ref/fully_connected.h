// FULLY_CONNECTED reference math, bit-exact with TFLM's reference kernels.
//
// Layouts: weights [out_channels, in_channels]; the input is read as
// [batches, in_channels] whatever its rank, the output as [batches,
// out_channels] with batches = output elements / out_channels (the caller
// expresses keep_num_dims through the output shape). Weights may be quantized
// per tensor or per output channel (axis 0).
#pragma once

#include <cstdint>
#include <optional>

#include "libconvert/interp/ref/conv.h"
#include "libconvert/interp/ref/quant_math.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// Everything a FULLY_CONNECTED eval reads.
struct FullyConnectedParams {
  FloatRange float_range = FloatActivationRange(0);  // float kernel clamp
  ConvQuantParams quant;                             // integer kernels only
};

// Validate shapes (weights 2-D; output's last dim == out_channels; input
// elements == batches * in_channels) and compute the clamp. Throw Error.
// activation: ActivationFunctionType 0..3.
FullyConnectedParams PrepareFullyConnectedFloat(int activation, const Shape& input,
                                                const Shape& weights, const Shape& output);

// Integer prepare. With one weight scale (per tensor) the multiplier is
// QuantizeMultiplier(double(float(input_scale * weight_scale)) / output_scale)
// (the float product, as TFLM's per-tensor path computes it) and, when
// bias_scale is given (the op has a bias), |input_scale * weight_scale -
// bias_scale| / output_scale must be <= 0.02. With one scale per output
// channel it is the per-channel PopulateConvolutionQuantizationParams rule
// (double products). int8 activations, int8 weights, int32 bias:
FullyConnectedParams PrepareFullyConnectedInt8(int activation, const Shape& input,
                                               const Shape& weights, const Shape& output,
                                               const ConvQuantization& quant,
                                               std::optional<float> bias_scale);
// int16 activations, int8 weights, int64 or int32 bias. Zero points are
// applied like in the int8 kernel, as TFLM does for this op.
FullyConnectedParams PrepareFullyConnectedInt16x8(int activation, const Shape& input,
                                                  const Shape& weights, const Shape& output,
                                                  const ConvQuantization& quant,
                                                  std::optional<float> bias_scale);

// Eval functions; bias is nullable, one value per output channel.
// Float: per output, sum input*weight in float in input-channel order, then
// add the bias (0 when absent), then clamp.
void FullyConnectedFloat(const FullyConnectedParams& params, const Shape& input_shape,
                         const float* input, const Shape& weights_shape, const float* weights,
                         const float* bias, const Shape& output_shape, float* output);
// int32 accumulator of weight * (input + input_offset) plus bias, rescaled
// per channel, plus output_offset, clamped.
void FullyConnectedInt8(const FullyConnectedParams& params, const Shape& input_shape,
                        const int8_t* input, const Shape& weights_shape, const int8_t* weights,
                        const int32_t* bias, const Shape& output_shape, int8_t* output);
// The same with int16 activations, an int64 accumulator and bias, and the
// 64-bit MultiplyByQuantizedMultiplier. TFLM takes this path when the bias is
// int64, or absent with the op's quantized_bias_type not INT32.
void FullyConnectedInt16x8(const FullyConnectedParams& params, const Shape& input_shape,
                           const int16_t* input, const Shape& weights_shape,
                           const int8_t* weights, const int64_t* bias, const Shape& output_shape,
                           int16_t* output);
// int16 activations with an int32 accumulator and bias (TFLM's path when the
// bias is int32, or absent with quantized_bias_type INT32).
void FullyConnectedInt16x8Acc32(const FullyConnectedParams& params, const Shape& input_shape,
                                const int16_t* input, const Shape& weights_shape,
                                const int8_t* weights, const int32_t* bias,
                                const Shape& output_shape, int16_t* output);

}  // namespace tinyforge::ref
