// RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR on NHWC tensors, with TFLM's
// coordinate arithmetic (float for nearest neighbor and float bilinear,
// 10-bit fixed point for int8 bilinear).
#pragma once

#include <cstddef>  // shape.h uses size_t
#include <cstdint>
#include <vector>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

struct ResizeParams {
  int32_t batch = 0, input_height = 0, input_width = 0, depth = 0;
  int32_t output_height = 0, output_width = 0;
  bool align_corners = false;
  bool half_pixel_centers = false;
};

// input and output 4D, `size` = {output_height, output_width} (the constant
// size tensor), output = [batch, size[0], size[1], depth]. RESIZE_BILINEAR
// additionally rejects align_corners together with half_pixel_centers (TFLM
// does). Throw tinyforge::Error otherwise.
ResizeParams PrepareResizeNearestNeighbor(const Shape& input, const std::vector<int64_t>& size,
                                          bool align_corners, bool half_pixel_centers, const Shape& output);
ResizeParams PrepareResizeBilinear(const Shape& input, const std::vector<int64_t>& size, bool align_corners,
                                   bool half_pixel_centers, const Shape& output);

// The input row (or column) output position `out` reads, as TFLM computes it.
int32_t NearestNeighborSource(int32_t out, int32_t input_size, int32_t output_size, bool align_corners,
                              bool half_pixel_centers);

// T: float, int8_t, int16_t.
template <typename T>
void ResizeNearestNeighbor(const ResizeParams& params, const T* input, T* output);

void ResizeBilinear(const ResizeParams& params, const float* input, float* output);
void ResizeBilinear(const ResizeParams& params, const int8_t* input, int8_t* output);

}  // namespace tinyforge::ref
