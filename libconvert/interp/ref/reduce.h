// MEAN, SUM, REDUCE_MAX and REDUCE_MIN over a set of axes.
//
// The output holds one element per combination of the kept (non-reduced)
// axes, in row-major order; keep_dims only changes the output's shape, which
// the caller owns, not its data. Each output accumulates its inputs in
// row-major order of the reduced axes, which is the order TFLM's reduce
// iterator visits them in, so float sums round identically. (TFLM's special
// 4D float MEAN over axes 1 and 2 with keep_dims sums in that same order and
// divides by the same count, so it needs no separate path.)
#pragma once

#include <cstddef>  // shape.h uses size_t
#include <cstdint>
#include <vector>

#include "libconvert/interp/ref/quant_math.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

struct ReduceParams {
  std::vector<int64_t> kept_dims;        // sizes of the kept axes, in input order
  std::vector<int64_t> kept_strides;     // their input element strides
  std::vector<int64_t> reduced_dims;     // sizes of the reduced axes, in input order
  std::vector<int64_t> reduced_strides;  // their input element strides
  int64_t num_outputs = 1;               // product of kept_dims
  int64_t num_reduced = 1;               // inputs per output: product of reduced_dims
};

// Resolves `axes` (negative values count from the end, duplicates are
// ignored; a rank-0 input ignores them, as TFLM does) and checks that the
// output has exactly one element per kept-axes combination. Throws
// tinyforge::Error naming the shapes and axes otherwise.
ReduceParams PrepareReduce(const Shape& input, const std::vector<int32_t>& axes,
                           const Shape& output);

// float MEAN: sum in float, then divide by the number of reduced elements
// (an empty reduction gives 0).
void Mean(const ReduceParams& params, const float* input, float* output);
// float SUM, starting from 0.0f.
void Sum(const ReduceParams& params, const float* input, float* output);

// Quantized MEAN / SUM (int8, int16): int32 sum of the raw values, minus
// input zero point * count, rescaled and offset by the output zero point,
// clamped to the type's range.
struct QuantizedMeanOrSumParams {
  int32_t input_zero_point = 0;   // subtracted once per reduced element
  int32_t output_zero_point = 0;  // added after rescaling
  // SUM: input scale / output scale. MEAN: the same with 1/num_reduced
  // folded into the multiplier and shift the way TFLM's reduce.h does.
  QuantizedMultiplier multiplier;
  int64_t num_reduced = 1;  // inputs per output (0: every output is 0)
};

// Parameters for MEAN and SUM from the input and output quantization.
// Throws tinyforge::Error for a non-positive scale.
QuantizedMeanOrSumParams PrepareQuantizedMean(const ReduceParams& reduce, float input_scale,
                                              int32_t input_zero_point, float output_scale,
                                              int32_t output_zero_point);
QuantizedMeanOrSumParams PrepareQuantizedSum(const ReduceParams& reduce, float input_scale,
                                             int32_t input_zero_point, float output_scale,
                                             int32_t output_zero_point);

// The value MEAN / SUM gives an output whose raw input values sum to `sum`
// (int32 with wrap-around): minus the zero points, rescaled, offset,
// clamped to T's range. T: int8_t, int16_t. (num_reduced must be > 0.)
template <typename T>
T QuantizedMeanOrSumValue(const QuantizedMeanOrSumParams& quant, uint32_t sum);

// Runs MEAN or SUM, whichever `quant` was prepared for.
void QuantizedMeanOrSum(const ReduceParams& params, const QuantizedMeanOrSumParams& quant,
                        const int8_t* input, int8_t* output);
void QuantizedMeanOrSum(const ReduceParams& params, const QuantizedMeanOrSumParams& quant,
                        const int16_t* input, int16_t* output);

// REDUCE_MAX / REDUCE_MIN on raw values (int8 needs equal input and output
// quantization; see CheckReduceMinMaxQuantization). Accumulation starts from
// the type's lowest (max) / highest (min) value and replaces it only on a
// strict comparison, as TFLM does: NaNs are skipped, and an all -inf float
// input yields the lowest finite float. An empty reduction yields that start
// value. T: float, int8_t, int16_t, int32_t.
template <typename T>
void ReduceMax(const ReduceParams& params, const T* input, T* output);
template <typename T>
void ReduceMin(const ReduceParams& params, const T* input, T* output);

// int8 REDUCE_MAX / REDUCE_MIN copy raw values, so TFLM requires the input
// and output scales and zero points to be equal. Throws tinyforge::Error if
// not.
void CheckReduceMinMaxQuantization(float input_scale, int32_t input_zero_point,
                                   float output_scale, int32_t output_zero_point);

}  // namespace tinyforge::ref
