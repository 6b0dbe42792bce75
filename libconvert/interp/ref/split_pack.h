// SPLIT, SPLIT_V, UNPACK (one tensor into several along an axis) and PACK
// (several into one along a new axis). Pure data movement.
#pragma once

#include <cstddef>  // shape.h uses size_t
#include <cstdint>
#include <vector>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// The whole tensor seen as [outer, sum(part_sizes), inner] where part k owns
// part_sizes[k] consecutive positions of the middle axis.
struct AxisParts {
  int64_t outer_size = 1;
  int64_t inner_size = 1;
  std::vector<int64_t> part_sizes;
};

// SPLIT / SPLIT_V: input split along `axis` (negative counts from the back)
// into outputs whose shapes equal the input's except on `axis`, where the
// sizes must add up to the input's. Throws tinyforge::Error otherwise.
AxisParts PrepareSplit(const Shape& input, int axis, const std::vector<Shape>& outputs);

// UNPACK: input split along `axis` into outputs of the input shape with that
// axis removed; there must be input.dim(axis) of them.
AxisParts PrepareUnpack(const Shape& input, int axis, const std::vector<Shape>& outputs);

// PACK: inputs of one shape stacked along a new `axis` of the output
// (negative counts from the back of the output's rank).
AxisParts PreparePack(const std::vector<Shape>& inputs, int axis, const Shape& output);

// outputs[k][o, p, i] = input[o, offset_k + p, i].
template <typename T>
void SplitParts(const AxisParts& parts, const T* input, T* const* outputs);

// output[o, offset_k + p, i] = inputs[k][o, p, i].
template <typename T>
void JoinParts(const AxisParts& parts, const T* const* inputs, T* output);

}  // namespace tinyforge::ref
