// SVDF (singular value decomposition filter) reference math, bit-exact with
// TensorFlow Lite Micro's kernel (svdf_common.cc).
//
// Each call is one time step. The activation state keeps, per batch row and
// filter, the last memory_size feature activations; a call shifts it left by
// one, appends W_feature x, and computes
//   output[b][u] = act(bias[u] + sum_{r < rank} sum_m state[b][u*rank + r][m] *
//                                                 W_time[u*rank + r][m]).
//
// Layouts: input [batch, input_size]; weights_feature [num_filters,
// input_size]; weights_time [num_filters, memory_size]; bias [num_units]
// (num_units = num_filters / rank); activation state [batch, num_filters *
// memory_size] (filter-major, oldest value first); output [batch, num_units].
#pragma once

#include <cstddef>
#include <cstdint>

#include "libconvert/interp/ref/quant_math.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

struct SvdfSize {
  int batch = 0;
  int input_size = 0;
  int num_filters = 0;
  int rank = 0;
  int num_units = 0;  // num_filters / rank
  int memory_size = 0;
};

// Checks the shapes as TFLM's Prepare does and returns the sizes; bias is
// nullptr when the op has none. Throws Error naming the first mismatch.
SvdfSize PrepareSvdfSize(int rank, const Shape& input, const Shape& weights_feature,
                         const Shape& weights_time, const Shape* bias,
                         const Shape& activation_state, const Shape& output);

// Scratch elements the eval functions need: float: batch * num_filters;
// integer: batch * (num_filters + num_units) int32 values.
inline size_t SvdfScratchSizeFloat(const SvdfSize& s) {
  return static_cast<size_t>(s.batch) * static_cast<size_t>(s.num_filters);
}
inline size_t SvdfScratchSizeInteger(const SvdfSize& s) {
  return static_cast<size_t>(s.batch) * static_cast<size_t>(s.num_filters + s.num_units);
}

// Float: activation is the op's fused activation (ActivationFunctionType 0
// NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6, 4 TANH, 5 SIGN_BIT), applied as
// TFLM's ActivationValFloat does (fmax/fmin). bias may be nullptr (zeros).
void SvdfFloat(const SvdfSize& size, int activation, const float* input,
               const float* weights_feature, const float* weights_time, const float* bias,
               float* activation_state, float* scratch, float* output);

// Integer (int8 input and output, int8 feature weights, int32 bias; time
// weights and activation state both int8 or both int16). TFLM applies no
// fused activation here: the output is only saturated to int8.
struct SvdfQuantParams {
  SvdfSize size;
  int32_t input_zero_point = 0;
  int32_t state_zero_point = 0;   // of the activation state
  int32_t output_zero_point = 0;
  QuantizedMultiplier feature_multiplier;  // input_scale * feature_scale / state_scale
  QuantizedMultiplier output_multiplier;   // state_scale * time_scale / output_scale
};

// Scales are per tensor (real units per quantum). Both multipliers are
// computed in float and then widened, as TFLM does. When the op has a bias,
// its scale must equal state_scale * time_scale within 1e-5 (TFLM's check).
// Throws Error.
SvdfQuantParams PrepareSvdfQuantized(const SvdfSize& size, float input_scale,
                                     int32_t input_zero_point, float feature_scale,
                                     float time_scale, float state_scale,
                                     int32_t state_zero_point, const float* bias_scale,
                                     float output_scale, int32_t output_zero_point);

// scratch holds SvdfScratchSizeInteger(size) values. bias may be nullptr.
void SvdfInt8State(const SvdfQuantParams& params, const int8_t* input,
                   const int8_t* weights_feature, const int8_t* weights_time,
                   const int32_t* bias, int8_t* activation_state, int32_t* scratch,
                   int8_t* output);
void SvdfInt16State(const SvdfQuantParams& params, const int8_t* input,
                    const int8_t* weights_feature, const int16_t* weights_time,
                    const int32_t* bias, int16_t* activation_state, int32_t* scratch,
                    int8_t* output);

}  // namespace tinyforge::ref
