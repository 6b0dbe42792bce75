// CONV_2D reference math, bit-exact with TFLM's reference kernels, plus the
// requantization setup shared by the conv-like ops (CONV_2D,
// DEPTHWISE_CONV_2D, FULLY_CONNECTED).
//
// Layouts: input and output NHWC; filter [out_channels, kh, kw, in_channels /
// groups] (OHWI). When the filter's input depth divides the input depth, the
// convolution is grouped: output channel c reads input channels
// [g * filter_in, (g + 1) * filter_in) with g = c / (out_channels / groups).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/interp/ref/fixed_point.h"
#include "libconvert/interp/ref/padding.h"
#include "libconvert/interp/ref/quant_math.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// Quantization of a conv-like op's tensors, as stored in the model. Weights
// are symmetric (zero point 0); the caller checks that.
struct ConvQuantization {
  float input_scale = 0.0f;
  int32_t input_zero_point = 0;
  // One scale (per tensor) or one per output channel: CONV_2D and
  // FULLY_CONNECTED weights axis 0, DEPTHWISE_CONV_2D weights axis 3.
  std::vector<float> filter_scales;
  float output_scale = 0.0f;
  int32_t output_zero_point = 0;
};

// Requantization data of an integer conv-like kernel, computed once.
struct ConvQuantParams {
  int32_t input_offset = 0;    // -input zero point, added to each input value
  int32_t output_offset = 0;   // output zero point, added after rescaling
  int32_t activation_min = 0;  // output clamp in quantized units, inclusive
  int32_t activation_max = 0;
  // Rescale of the int32/int64 accumulator of output channel c:
  // real = output_multiplier[c] * 2^(output_shift[c] - 31); one entry per
  // output channel even when the weights are quantized per tensor.
  std::vector<int32_t> output_multiplier;
  std::vector<int32_t> output_shift;  // positive: left shift
};

// TFLM's PopulateConvolutionQuantizationParams: for each of num_channels
// channels, QuantizeMultiplier(double(input_scale) * double(filter_scale) /
// double(output_scale)), the per-tensor filter scale broadcast when there is
// one; the clamp is QuantizedActivationRange(activation) within [qmin, qmax].
// Throws Error (naming op_name) on a non-positive or non-finite scale, a
// filter scale count other than 1 or num_channels, or an unknown activation.
ConvQuantParams PrepareConvQuantParams(const char* op_name, const ConvQuantization& quant,
                                       int32_t num_channels, int activation, int32_t qmin,
                                       int32_t qmax);

// Throws Error unless activation is 0 NONE, 1 RELU, 2 RELU_N1_TO_1 or 3 RELU6
// (the fused activations TFLM's kernels clamp for).
void CheckFusedActivation(const char* op_name, int activation);

// acc + w * (x + input_offset) in the accumulator's type. The float form is a
// plain float multiply then add (TFLM's order; x is the input, w the weight).
inline float MultiplyAccumulate(float acc, float x, float w, int32_t /*input_offset*/) {
  return acc + x * w;
}
inline int32_t MultiplyAccumulate(int32_t acc, int32_t x, int32_t w, int32_t input_offset) {
  return WrappingAdd(acc, static_cast<int32_t>(static_cast<int64_t>(w) *
                                               (static_cast<int64_t>(x) + input_offset)));
}
inline int64_t MultiplyAccumulate(int64_t acc, int32_t x, int32_t w, int32_t input_offset) {
  return WrappingAdd(acc, static_cast<int64_t>(w) * (static_cast<int64_t>(x) + input_offset));
}

// Output value of channel c from its accumulator (bias included): rescale by
// the channel's multiplier, add output_offset, clamp to the activation range.
inline int32_t Requantize(int32_t acc, const ConvQuantParams& q, int c) {
  const size_t i = static_cast<size_t>(c);
  const int32_t scaled = MultiplyByQuantizedMultiplier(acc, q.output_multiplier[i], q.output_shift[i]);
  return Clamp(WrappingAdd(scaled, q.output_offset), q.activation_min, q.activation_max);
}
inline int32_t Requantize(int64_t acc, const ConvQuantParams& q, int c) {
  const size_t i = static_cast<size_t>(c);
  const int32_t scaled = MultiplyByQuantizedMultiplier(acc, q.output_multiplier[i], q.output_shift[i]);
  return Clamp(WrappingAdd(scaled, q.output_offset), q.activation_min, q.activation_max);
}

// TFLM's float clamp: min(max(x, lo), hi).
inline float ApplyFloatRange(float x, const FloatRange& r) {
  const float lower = x < r.min ? r.min : x;
  return r.max < lower ? r.max : lower;
}

// The last step of the conv-like kernels (CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED), as finish(acc, out_channel): integer: the bias (may be
// null) added with wrap-around, then Requantize to Out; float: the bias
// added, then the activation's clamp.
template <typename Out, typename Acc>
auto BiasThenRequantize(const ConvQuantParams& q, const Acc* bias) {
  return [&q, bias](Acc acc, int oc) {
    if (bias != nullptr) acc = WrappingAdd(acc, bias[oc]);
    return static_cast<Out>(Requantize(acc, q, oc));
  };
}
inline auto BiasThenClamp(const FloatRange& range, const float* bias) {
  return [range, bias](float acc, int oc) { return ApplyFloatRange(acc + (bias != nullptr ? bias[oc] : 0.0f), range); };
}

// 16x8 kernels: TFLM rejects output multipliers of 2^14 or more (shift > 14).
void CheckInt16x8Shifts(const char* op_name, const ConvQuantParams& q);
// 16x8 CONV_2D and DEPTHWISE_CONV_2D: int16 zero points must be 0.
void CheckInt16x8ZeroPoints(const char* op_name, const ConvQuantization& quant);

// CONV_2D builtin options as the model states them.
struct ConvOptions {
  Padding padding = Padding::kSame;
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t dilation_height = 1;
  int32_t dilation_width = 1;
  int activation = 0;  // ActivationFunctionType, 0..3
};

// Everything a CONV_2D eval reads. Built by a Prepare function, or by hand for
// explicit padding.
struct ConvParams {
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t dilation_height = 1;
  int32_t dilation_width = 1;
  PaddingValues padding;                         // implicit zeros before row/column 0
  FloatRange float_range = FloatActivationRange(0);  // float kernel clamp
  ConvQuantParams quant;                         // integer kernels only
};

// Validate shapes (4-D, batch and channel counts, groups, output H/W equal to
// ComputePaddingHeightWidth's) and compute padding and clamps. Throw Error.
ConvParams PrepareConvFloat(const ConvOptions& options, const Shape& input, const Shape& filter,
                            const Shape& output);
// int8 activations, int8 weights, int32 bias.
ConvParams PrepareConvInt8(const ConvOptions& options, const Shape& input, const Shape& filter,
                           const Shape& output, const ConvQuantization& quant);
// int16 activations (zero points must be 0, as TFLM ignores them), int8
// weights, int64 or int32 bias.
ConvParams PrepareConvInt16x8(const ConvOptions& options, const Shape& input, const Shape& filter,
                              const Shape& output, const ConvQuantization& quant);

// Eval functions. bias is nullable, one value per output channel. Shapes must
// be those given to Prepare.
//
// Float: per output, sum input*filter in float in (ky, kx, in_channel) order,
// then add the bias (0 when absent), then clamp.
void ConvFloat(const ConvParams& params, const Shape& input_shape, const float* input,
               const Shape& filter_shape, const float* filter, const float* bias,
               const Shape& output_shape, float* output);
// int32 accumulator of filter * (input + input_offset) plus bias (wrapping
// like TFLM's int32 arithmetic), rescaled per channel, plus output_offset,
// clamped.
void ConvInt8(const ConvParams& params, const Shape& input_shape, const int8_t* input,
              const Shape& filter_shape, const int8_t* filter, const int32_t* bias,
              const Shape& output_shape, int8_t* output);
// 16x8 with an int64 accumulator and bias, rescaled by the 64-bit
// MultiplyByQuantizedMultiplier; the input offset is not applied (TFLM
// ignores it; Prepare requires zero points of 0). TFLM takes this path when the
// bias is int64, or absent with the op's quantized_bias_type not INT32.
void ConvInt16x8(const ConvParams& params, const Shape& input_shape, const int16_t* input,
                 const Shape& filter_shape, const int8_t* filter, const int64_t* bias,
                 const Shape& output_shape, int16_t* output);
// 16x8 with an int32 accumulator and bias (TFLM's path when the bias is int32,
// or absent with quantized_bias_type INT32), rescaled by the 32-bit
// MultiplyByQuantizedMultiplier.
void ConvInt16x8Acc32(const ConvParams& params, const Shape& input_shape, const int16_t* input,
                      const Shape& filter_shape, const int8_t* filter, const int32_t* bias,
                      const Shape& output_shape, int16_t* output);

}  // namespace tinyforge::ref
