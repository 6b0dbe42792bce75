// SPACE_TO_DEPTH and DEPTH_TO_SPACE on NHWC tensors: move block_size x
// block_size spatial blocks into channels and back. Pure data movement.
#pragma once

#include <cstddef>  // shape.h uses size_t
#include <cstdint>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

struct SpaceDepthParams {
  int32_t block_size = 1;
  // Dims of the "space" side [batch, height, width, depth] (the input of
  // SPACE_TO_DEPTH, the output of DEPTH_TO_SPACE).
  int32_t batch = 0, height = 0, width = 0, depth = 0;
};

// Both require 4D shapes, block_size > 0, space height and width divisible
// by block_size and the other side's shape [b, h/bs, w/bs, d*bs*bs]. Throw
// tinyforge::Error otherwise.
SpaceDepthParams PrepareSpaceToDepth(const Shape& input, int block_size, const Shape& output);
SpaceDepthParams PrepareDepthToSpace(const Shape& input, int block_size, const Shape& output);

// depth_side[b, h / bs, w / bs, ((h % bs) * bs + w % bs) * d + c] = space_side[b, h, w, c].
template <typename T>
void SpaceToDepth(const SpaceDepthParams& params, const T* input, T* output);
template <typename T>
void DepthToSpace(const SpaceDepthParams& params, const T* input, T* output);

}  // namespace tinyforge::ref
