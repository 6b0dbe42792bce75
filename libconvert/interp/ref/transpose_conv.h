// TRANSPOSE_CONV reference math, bit-exact with TFLM's reference kernels
// (reference_ops::TransposeConv for float, reference_integer_ops::
// TransposeConv for int8 and 16x8).
//
// Layouts: input and output NHWC; filter [out_channels, kh, kw, in_channels]
// (OHWI). Every input pixel scatters input * filter into the output window it
// touches: output[y * stride - pad + ky][x * stride - pad + kx][o] +=
// input[y][x][i] * filter[o][ky][kx][i]. The padding is the one a CONV_2D
// with the same stride, filter and padding type would need on an input the
// size of this op's output; dilation is always 1.
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/conv.h"
#include "libconvert/interp/ref/padding.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

struct TransposeConvOptions {
  Padding padding = Padding::kSame;
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int activation = 0;  // ActivationFunctionType 0..3; TFLM clamps the output with it
};

// Everything a TRANSPOSE_CONV eval reads.
struct TransposeConvParams {
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t pad_height = 0;  // output rows before the first input row's window
  int32_t pad_width = 0;
  FloatRange float_range = FloatActivationRange(0);
  ConvQuantParams quant;  // integer kernels only; one multiplier per output channel
};

// Checks the shapes (input, filter and output 4-D; batch, input and output
// channels agreeing; the output's height and width ones a CONV_2D with this
// stride, filter and padding maps back onto the input's) and computes the
// padding and the float clamp. Throws Error naming the mismatch.
TransposeConvParams PrepareTransposeConvFloat(const TransposeConvOptions& options, const Shape& input,
                                              const Shape& filter, const Shape& output);
// int8 activations, int8 weights (per tensor or per output channel), int32
// bias.
TransposeConvParams PrepareTransposeConvInt8(const TransposeConvOptions& options, const Shape& input,
                                             const Shape& filter, const Shape& output,
                                             const ConvQuantization& quant);
// int16 activations (zero points 0; TFLM ignores them), int8 weights, int64
// bias.
TransposeConvParams PrepareTransposeConvInt16x8(const TransposeConvOptions& options, const Shape& input,
                                                const Shape& filter, const Shape& output,
                                                const ConvQuantization& quant);

// Scratch elements the integer evals need: one accumulator per output
// element (int32 for int8, int64 for 16x8).
inline int64_t TransposeConvScratchSize(const Shape& output) { return output.FlatSize(); }

// Eval. bias is nullable (one value per output channel). Float accumulates
// in the output, in TFLM's loop order, then adds the bias and clamps.
void TransposeConvFloat(const TransposeConvParams& params, const Shape& input_shape, const float* input,
                        const Shape& filter_shape, const float* filter, const float* bias,
                        const Shape& output_shape, float* output);
// int32 accumulators of (input + input_offset) * filter, plus bias, rescaled
// per channel, plus the output zero point, clamped.
void TransposeConvInt8(const TransposeConvParams& params, const Shape& input_shape, const int8_t* input,
                       const Shape& filter_shape, const int8_t* filter, const int32_t* bias,
                       const Shape& output_shape, int8_t* output, int32_t* scratch);
// int64 accumulators of input * filter (no offsets), plus bias, rescaled with
// the 64-bit multiply, clamped; no output zero point is added.
void TransposeConvInt16x8(const TransposeConvParams& params, const Shape& input_shape, const int16_t* input,
                          const Shape& filter_shape, const int8_t* filter, const int64_t* bias,
                          const Shape& output_shape, int16_t* output, int64_t* scratch);

}  // namespace tinyforge::ref
