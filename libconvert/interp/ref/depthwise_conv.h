// DEPTHWISE_CONV_2D reference math, bit-exact with TFLM's reference kernels.
//
// Layouts: input and output NHWC; filter [1, kh, kw, out_channels] with
// out_channels = in_channels * depth_multiplier; output channel
// ic * depth_multiplier + m reads input channel ic only. Weights may be
// quantized per tensor or per output channel (axis 3).
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/conv.h"
#include "libconvert/interp/ref/padding.h"
#include "libconvert/interp/ref/quant_math.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// DEPTHWISE_CONV_2D builtin options as the model states them.
struct DepthwiseConvOptions {
  Padding padding = Padding::kSame;
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t dilation_height = 1;
  int32_t dilation_width = 1;
  int32_t depth_multiplier = 1;  // output channels per input channel
  int activation = 0;            // ActivationFunctionType, 0..3
};

// Everything a DEPTHWISE_CONV_2D eval reads.
struct DepthwiseConvParams {
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t dilation_height = 1;
  int32_t dilation_width = 1;
  int32_t depth_multiplier = 1;
  PaddingValues padding;                             // implicit zeros before row/column 0
  FloatRange float_range = FloatActivationRange(0);  // float kernel clamp
  ConvQuantParams quant;                             // integer kernels only
};

// Validate shapes (4-D, filter dim 0 == 1, out channels == in channels *
// depth_multiplier, output H/W equal to ComputePaddingHeightWidth's) and
// compute padding and clamps. Throw Error.
DepthwiseConvParams PrepareDepthwiseConvFloat(const DepthwiseConvOptions& options,
                                              const Shape& input, const Shape& filter,
                                              const Shape& output);
// int8 activations, int8 weights, int32 bias.
DepthwiseConvParams PrepareDepthwiseConvInt8(const DepthwiseConvOptions& options,
                                             const Shape& input, const Shape& filter,
                                             const Shape& output, const ConvQuantization& quant);
// int16 activations (zero points must be 0), int8 weights, int64 bias.
DepthwiseConvParams PrepareDepthwiseConvInt16x8(const DepthwiseConvOptions& options,
                                                const Shape& input, const Shape& filter,
                                                const Shape& output,
                                                const ConvQuantization& quant);

// Eval functions; bias is nullable, one value per output channel.
// Float: sum input*filter in float in (ky, kx) order, add bias (0 when
// absent), clamp.
void DepthwiseConvFloat(const DepthwiseConvParams& params, const Shape& input_shape,
                        const float* input, const Shape& filter_shape, const float* filter,
                        const float* bias, const Shape& output_shape, float* output);
// int32 accumulator of filter * (input + input_offset) plus bias, rescaled per
// channel, plus output_offset, clamped.
void DepthwiseConvInt8(const DepthwiseConvParams& params, const Shape& input_shape,
                       const int8_t* input, const Shape& filter_shape, const int8_t* filter,
                       const int32_t* bias, const Shape& output_shape, int8_t* output);
// int64 accumulator of filter * input plus bias, rescaled by the 64-bit
// MultiplyByQuantizedMultiplier, clamped (TFLM's only 16x8 depthwise path).
void DepthwiseConvInt16x8(const DepthwiseConvParams& params, const Shape& input_shape,
                          const int16_t* input, const Shape& filter_shape, const int8_t* filter,
                          const int64_t* bias, const Shape& output_shape, int16_t* output);

}  // namespace tinyforge::ref
