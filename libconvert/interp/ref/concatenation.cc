#include "libconvert/interp/ref/concatenation.h"

#include <algorithm>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"

namespace tinyforge::ref {
namespace {

std::string ShapesString(const std::vector<Shape>& shapes) {
  std::string s;
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (i > 0) s += ", ";
    s += ShapeToString(shapes[i]);
  }
  return s;
}

}  // namespace

ConcatenationParams PrepareConcatenation(const std::vector<Shape>& inputs, int axis,
                                         const Shape& output) {
  const std::string where = "CONCATENATION: inputs " + ShapesString(inputs) + ", axis " +
                            std::to_string(axis) + ", output " + ShapeToString(output);
  if (inputs.empty()) throw Error(where + ": needs at least one input");
  if (static_cast<int>(inputs.size()) > kMaxConcatenationInputs) {
    throw Error(where + ": " + std::to_string(inputs.size()) + " inputs; TFLM accepts at most " +
                std::to_string(kMaxConcatenationInputs));
  }
  const int rank = output.rank();
  if (rank > kMaxConcatenationRank) {
    throw Error(where + ": rank exceeds the supported maximum of " +
                std::to_string(kMaxConcatenationRank));
  }
  const int resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 0 || resolved >= rank) {
    throw Error(where + ": axis out of range for rank " + std::to_string(rank));
  }
  int64_t inner = 1;
  for (int i = resolved + 1; i < rank; ++i) inner *= output.dim(i);
  ConcatenationParams params;
  params.axis = resolved;
  params.outer_size = output.SizeOfDims(0, resolved);
  int64_t axis_total = 0;
  for (size_t n = 0; n < inputs.size(); ++n) {
    const Shape& in = inputs[n];
    if (in.rank() != rank) {
      throw Error(where + ": input " + std::to_string(n) + " has rank " +
                  std::to_string(in.rank()) + ", the output " + std::to_string(rank));
    }
    for (int i = 0; i < rank; ++i) {
      if (i != resolved && in.dim(i) != output.dim(i)) {
        throw Error(where + ": input " + std::to_string(n) + " differs from the output on axis " +
                    std::to_string(i));
      }
    }
    axis_total += in.dim(resolved);
    params.copy_sizes.push_back(static_cast<int64_t>(in.dim(resolved)) * inner);
  }
  if (axis_total != output.dim(resolved)) {
    throw Error(where + ": input sizes along the axis sum to " + std::to_string(axis_total));
  }
  return params;
}

void CheckConcatenationInt8Quantization(const std::vector<float>& input_scales,
                                        const std::vector<int32_t>& input_zero_points,
                                        float output_scale, int32_t output_zero_point) {
  if (input_scales.size() != input_zero_points.size()) {
    throw Error("CONCATENATION: " + std::to_string(input_scales.size()) + " scales but " +
                    std::to_string(input_zero_points.size()) + " zero points",
                ErrorCode::kInternal);
  }
  for (size_t i = 0; i < input_scales.size(); ++i) {
    if (input_scales[i] != output_scale || input_zero_points[i] != output_zero_point) {
      throw Error("CONCATENATION: int8 input " + std::to_string(i) + " has (scale " +
                  std::to_string(input_scales[i]) + ", zero point " +
                  std::to_string(input_zero_points[i]) + ") but the output has (scale " +
                  std::to_string(output_scale) + ", zero point " +
                  std::to_string(output_zero_point) +
                  "); TFLM requires every input to share the output's quantization");
    }
  }
}

void CheckConcatenationInt16Quantization(const std::vector<int32_t>& input_zero_points,
                                         int32_t output_zero_point) {
  for (size_t i = 0; i < input_zero_points.size(); ++i) {
    if (input_zero_points[i] != 0) {
      throw Error("CONCATENATION: int16 input " + std::to_string(i) + " has zero point " +
                  std::to_string(input_zero_points[i]) + "; int16 requires 0");
    }
  }
  if (output_zero_point != 0) {
    throw Error("CONCATENATION: int16 output has zero point " +
                std::to_string(output_zero_point) + "; int16 requires 0");
  }
}

template <typename T>
void Concatenation(const ConcatenationParams& params, const T* const* inputs, T* output) {
  const size_t count = params.copy_sizes.size();
  for (int64_t k = 0; k < params.outer_size; ++k) {
    for (size_t n = 0; n < count; ++n) {
      const int64_t size = params.copy_sizes[n];
      const T* src = inputs[n] + k * size;
      output = std::copy(src, src + size, output);
    }
  }
}

template void Concatenation<float>(const ConcatenationParams&, const float* const*, float*);
template void Concatenation<int8_t>(const ConcatenationParams&, const int8_t* const*, int8_t*);
template void Concatenation<uint8_t>(const ConcatenationParams&, const uint8_t* const*, uint8_t*);
template void Concatenation<int16_t>(const ConcatenationParams&, const int16_t* const*, int16_t*);
template void Concatenation<int32_t>(const ConcatenationParams&, const int32_t* const*, int32_t*);
template void Concatenation<int64_t>(const ConcatenationParams&, const int64_t* const*, int64_t*);
template void Concatenation<bool>(const ConcatenationParams&, const bool* const*, bool*);

}  // namespace tinyforge::ref
