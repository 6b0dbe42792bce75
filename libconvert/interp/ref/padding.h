// Output size and explicit padding of a sliding window (CONV_2D,
// DEPTHWISE_CONV_2D, pooling), computed as TFLM's ComputeOutSize and
// ComputePaddingHeightWidth do. Prepare-time only: these may throw.
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// The schema's Padding enum values.
enum class Padding : int {
  kSame = 0,
  kValid = 1,
};

// Rows/columns of implicit zeros before the first input element. When the
// total padding of an axis is odd, the extra row/column goes after the last
// element and *_offset is 1 (kernels here read only height and width).
struct PaddingValues {
  int32_t height = 0;
  int32_t width = 0;
  int32_t height_offset = 0;
  int32_t width_offset = 0;
};

// Extent of a dilated filter: (filter_size - 1) * dilation + 1.
int64_t EffectiveFilterSize(int32_t filter_size, int32_t dilation);

// Output extent of one spatial axis. SAME: ceil(image / stride); VALID:
// floor((image + stride - effective_filter) / stride). Throws Error when a
// size or stride is out of range or the VALID output would be negative.
int32_t ComputeOutSize(Padding padding, int32_t image_size, int32_t filter_size, int32_t stride,
                       int32_t dilation = 1);

// Padding before the first element of one axis for a given output size:
// max(0, (out - 1) * stride + effective_filter - in) / 2; *offset receives the
// remainder (0 or 1). Throws Error on out-of-range arguments.
int32_t ComputePaddingWithOffset(int32_t stride, int32_t dilation, int32_t in_size,
                                 int32_t filter_size, int32_t out_size, int32_t* offset);

// Output height/width and padding of a 2-D window over NHWC data.
struct WindowGeometry {
  int32_t out_height = 0;
  int32_t out_width = 0;
  PaddingValues padding;
};

// Both axes at once (ComputePaddingHeightWidth). Throws Error naming the bad
// argument.
WindowGeometry ComputePaddingHeightWidth(int32_t stride_height, int32_t stride_width,
                                         int32_t dilation_height, int32_t dilation_width,
                                         int32_t in_height, int32_t in_width,
                                         int32_t filter_height, int32_t filter_width,
                                         Padding padding);

// The window geometry of a CONV_2D-like op (filter [.., kh, kw, ..]), with
// the output shape checked against it: [batch, out_height, out_width,
// out_depth]. Throws Error naming op_name and the shapes.
WindowGeometry CheckedWindowGeometry(const char* op_name, int32_t stride_height, int32_t stride_width,
                                     int32_t dilation_height, int32_t dilation_width, Padding padding,
                                     const Shape& input, const Shape& filter, int32_t out_depth,
                                     const Shape& output);

}  // namespace tinyforge::ref
