// BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND, as TFLM's reference kernels move
// elements: 3-D [batch, height, channels] (treated as width 1) or 4-D NHWC
// tensors, with a block of block_height x block_width spatial positions.
//
// SPACE_TO_BATCH_ND pads the input's height and width (top/bottom,
// left/right), then moves each position (h, w) of every block into batch
// (h % block_height * block_width + w % block_width) * batch + b.
// BATCH_TO_SPACE_ND is its inverse, cropping the result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

struct BatchSpaceParams {
  // Shapes extended to 4-D NHWC (width 1 for 3-D tensors).
  Shape input;
  Shape output;
  int32_t block_height = 1;
  int32_t block_width = 1;
  int32_t before_height = 0;  // crop (BATCH_TO_SPACE) or padding (SPACE_TO_BATCH) at the top
  int32_t before_width = 0;   // ... and at the left
};

// block_shape holds one value per spatial dimension (1 for 3-D, 2 for 4-D),
// crops / paddings two per spatial dimension (before, after). Checks ranks,
// values (blocks >= 1, crops and paddings >= 0) and that the output shape is
// the one they imply. Throws Error.
BatchSpaceParams PrepareBatchToSpaceNd(const Shape& input, const std::vector<int64_t>& block_shape,
                                       const std::vector<int64_t>& crops, const Shape& output);
BatchSpaceParams PrepareSpaceToBatchNd(const Shape& input, const std::vector<int64_t>& block_shape,
                                       const std::vector<int64_t>& paddings, const Shape& output);

// Eval over elements of element_size bytes. SPACE_TO_BATCH_ND fills padded
// positions with zero bytes: TFLM's pad value (its op data's output_offset)
// is never set and reads 0, so an int8 pad is q = 0 whatever the zero point.
void BatchToSpaceNd(const BatchSpaceParams& params, size_t element_size, const void* input, void* output);
void SpaceToBatchNd(const BatchSpaceParams& params, size_t element_size, const void* input, void* output);

}  // namespace tinyforge::ref
