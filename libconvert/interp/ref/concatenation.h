// CONCATENATION along one axis. Pure data movement: TFLM requires int8
// inputs to share the output's scale and zero point (and int16 zero points
// to be 0), so no element is rescaled.
#pragma once

#include <cstddef>  // shape.h uses size_t
#include <cstdint>
#include <vector>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// TFLM's CONCATENATION accepts at most this many inputs.
constexpr int kMaxConcatenationInputs = 10;
// ... and tensors of at most this many dimensions.
constexpr int kMaxConcatenationRank = 6;

struct ConcatenationParams {
  int axis = 0;            // non-negative axis of the output
  int64_t outer_size = 0;  // product of output dims before axis
  // Per input: elements copied per outer step, dim(axis) * product of dims
  // after axis.
  std::vector<int64_t> copy_sizes;
};

// `axis` may be negative (counted from the output's rank, as TFLM does).
// Every input has the output's rank and matches it on every axis but
// `axis`, whose sizes sum to the output's. Throws tinyforge::Error naming the
// shapes otherwise, or when there are no inputs or more than
// kMaxConcatenationInputs.
ConcatenationParams PrepareConcatenation(const std::vector<Shape>& inputs, int axis,
                                         const Shape& output);

// int8: every input's (scale, zero point) must equal the output's. Throws
// tinyforge::Error naming the first input that differs.
void CheckConcatenationInt8Quantization(const std::vector<float>& input_scales,
                                        const std::vector<int32_t>& input_zero_points,
                                        float output_scale, int32_t output_zero_point);
// int16: every zero point (inputs and output) must be 0. Scales may differ
// and are not reconciled (TFLM copies the raw values).
void CheckConcatenationInt16Quantization(const std::vector<int32_t>& input_zero_points,
                                         int32_t output_zero_point);

// inputs[i] points at input i's data, in the order given to Prepare.
// T: float, int8_t, int16_t, int32_t, int64_t, bool.
template <typename T>
void Concatenation(const ConcatenationParams& params, const T* const* inputs, T* output);

}  // namespace tinyforge::ref
