// BROADCAST_TO: repeat an input along its size-1 axes (and new leading axes)
// to fill a larger output. Pure data movement.
#pragma once

#include <array>
#include <cstddef>  // shape.h uses size_t
#include <cstdint>
#include <vector>

#include "libconvert/interp/ref/broadcast.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

struct BroadcastToParams {
  int64_t flat_size = 0;  // output elements
  std::array<int64_t, kMaxBroadcastRank> output_dims{};    // extended to kMaxBroadcastRank
  std::array<int64_t, kMaxBroadcastRank> input_strides{};  // 0 on broadcast axes
};

// `target` is the shape input's values; it must equal `output`, have rank
// <= 5 (TFLM) and at least the input's rank, and every input axis must be 1
// or equal to the output's (right-aligned). Throws tinyforge::Error otherwise.
BroadcastToParams PrepareBroadcastTo(const Shape& input, const std::vector<int64_t>& target,
                                     const Shape& output);

template <typename T>
void BroadcastTo(const BroadcastToParams& params, const T* input, T* output);

}  // namespace tinyforge::ref
