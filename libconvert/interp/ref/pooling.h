// AVERAGE_POOL_2D and MAX_POOL_2D reference math, bit-exact with TFLM's
// reference kernels. NHWC input and output; the window covers only input
// elements (padding is excluded from averages and maxima). Quantized pooling
// keeps the input's scale and zero point.
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/padding.h"
#include "libconvert/interp/ref/quant_math.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// Pool2DOptions as the model states them.
struct PoolOptions {
  Padding padding = Padding::kValid;
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t filter_height = 1;
  int32_t filter_width = 1;
  int activation = 0;  // ActivationFunctionType, 0..3
};

// Everything a pooling eval reads.
struct PoolParams {
  int32_t stride_height = 1;
  int32_t stride_width = 1;
  int32_t filter_height = 1;
  int32_t filter_width = 1;
  PaddingValues padding;                             // window origin offset before row/column 0
  FloatRange float_range = FloatActivationRange(0);  // float kernels' clamp
  int32_t activation_min = 0;                        // integer kernels' clamp, inclusive
  int32_t activation_max = 0;
};

// Validate shapes (4-D; output [batch, out_h, out_w, channels] as
// ComputePaddingHeightWidth gives with dilation 1; every window overlaps the
// input) and compute padding and clamp. Throw Error.
PoolParams PreparePoolFloat(const PoolOptions& options, const Shape& input, const Shape& output);
// Quantized: input and output scales must agree within 1e-6 and zero points
// must be equal (TFLM's check); the clamp is in the output's quantized domain
// within the int8 / int16 range.
PoolParams PreparePoolInt8(const PoolOptions& options, const Shape& input, const Shape& output,
                           float input_scale, int32_t input_zero_point, float output_scale,
                           int32_t output_zero_point);
PoolParams PreparePoolInt16(const PoolOptions& options, const Shape& input, const Shape& output,
                            float input_scale, int32_t input_zero_point, float output_scale,
                            int32_t output_zero_point);

// Average over the window's input elements. Float: float sum in (ky, kx)
// order divided by the element count, clamped. Integer: int32 sum, divided by
// the count rounding half away from zero, clamped. A window with no input
// element (impossible after Prepare) yields the clamp of 0.
void AveragePoolFloat(const PoolParams& params, const Shape& input_shape, const float* input,
                      const Shape& output_shape, float* output);
void AveragePoolInt8(const PoolParams& params, const Shape& input_shape, const int8_t* input,
                     const Shape& output_shape, int8_t* output);
void AveragePoolInt16(const PoolParams& params, const Shape& input_shape, const int16_t* input,
                      const Shape& output_shape, int16_t* output);

// Maximum over the window's input elements (the type's lowest value for an
// empty window), clamped.
void MaxPoolFloat(const PoolParams& params, const Shape& input_shape, const float* input,
                  const Shape& output_shape, float* output);
void MaxPoolInt8(const PoolParams& params, const Shape& input_shape, const int8_t* input,
                 const Shape& output_shape, int8_t* output);
void MaxPoolInt16(const PoolParams& params, const Shape& input_shape, const int16_t* input,
                  const Shape& output_shape, int16_t* output);

}  // namespace tinyforge::ref
