#include "libconvert/interp/ref/padding.h"

#include <limits>
#include <string>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

void CheckWindowArguments(int32_t image_size, int32_t filter_size, int32_t stride,
                          int32_t dilation) {
  if (image_size < 0 || filter_size <= 0 || stride <= 0 || dilation <= 0) {
    throw Error("window geometry: need image size >= 0 and filter size, stride, dilation > 0; got "
                "image " + std::to_string(image_size) + ", filter " + std::to_string(filter_size) +
                ", stride " + std::to_string(stride) + ", dilation " + std::to_string(dilation));
  }
}

int32_t Narrow(int64_t value, const char* what) {
  if (value > std::numeric_limits<int32_t>::max() || value < std::numeric_limits<int32_t>::min()) {
    throw Error(std::string("window geometry: ") + what + " " + std::to_string(value) +
                " does not fit in 32 bits");
  }
  return static_cast<int32_t>(value);
}

}  // namespace

int64_t EffectiveFilterSize(int32_t filter_size, int32_t dilation) {
  return (static_cast<int64_t>(filter_size) - 1) * dilation + 1;
}

int32_t ComputeOutSize(Padding padding, int32_t image_size, int32_t filter_size, int32_t stride,
                       int32_t dilation) {
  CheckWindowArguments(image_size, filter_size, stride, dilation);
  const int64_t effective = EffectiveFilterSize(filter_size, dilation);
  int64_t out = 0;
  switch (padding) {
    case Padding::kSame:
      out = (static_cast<int64_t>(image_size) + stride - 1) / stride;
      break;
    case Padding::kValid:
      out = (static_cast<int64_t>(image_size) + stride - effective) / stride;
      break;
    default:
      throw Error("window geometry: padding must be SAME (0) or VALID (1), got " +
                  std::to_string(static_cast<int>(padding)));
  }
  // C++ division truncates toward zero, so a slightly negative numerator
  // gives 0 here exactly as in TFLM; only a negative quotient is an error.
  if (out < 0) {
    throw Error("window geometry: VALID padding with image size " + std::to_string(image_size) +
                " is smaller than the dilated filter (" + std::to_string(effective) +
                ") by more than the stride " + std::to_string(stride));
  }
  return Narrow(out, "output size");
}

int32_t ComputePaddingWithOffset(int32_t stride, int32_t dilation, int32_t in_size,
                                 int32_t filter_size, int32_t out_size, int32_t* offset) {
  CheckWindowArguments(in_size, filter_size, stride, dilation);
  if (out_size < 0) throw Error("window geometry: negative output size " + std::to_string(out_size));
  const int64_t effective = EffectiveFilterSize(filter_size, dilation);
  int64_t total = (static_cast<int64_t>(out_size) - 1) * stride + effective - in_size;
  if (total < 0) total = 0;
  if (offset != nullptr) *offset = static_cast<int32_t>(total % 2);
  return Narrow(total / 2, "padding");
}

WindowGeometry ComputePaddingHeightWidth(int32_t stride_height, int32_t stride_width,
                                         int32_t dilation_height, int32_t dilation_width,
                                         int32_t in_height, int32_t in_width,
                                         int32_t filter_height, int32_t filter_width,
                                         Padding padding) {
  WindowGeometry g;
  g.out_width = ComputeOutSize(padding, in_width, filter_width, stride_width, dilation_width);
  g.out_height = ComputeOutSize(padding, in_height, filter_height, stride_height, dilation_height);
  g.padding.height = ComputePaddingWithOffset(stride_height, dilation_height, in_height,
                                              filter_height, g.out_height, &g.padding.height_offset);
  g.padding.width = ComputePaddingWithOffset(stride_width, dilation_width, in_width, filter_width,
                                             g.out_width, &g.padding.width_offset);
  return g;
}

WindowGeometry CheckedWindowGeometry(const char* op_name, int32_t stride_height, int32_t stride_width,
                                     int32_t dilation_height, int32_t dilation_width, Padding padding,
                                     const Shape& input, const Shape& filter, int32_t out_depth,
                                     const Shape& output) {
  const WindowGeometry g =
      ComputePaddingHeightWidth(stride_height, stride_width, dilation_height, dilation_width, input.dim(1),
                                input.dim(2), filter.dim(1), filter.dim(2), padding);
  const Shape expected{input.dim(0), g.out_height, g.out_width, out_depth};
  if (output != expected) {
    throw Error(std::string(op_name) + ": output shape " + ShapeToString(output) + " should be " +
                ShapeToString(expected) + " for input " + ShapeToString(input) + ", filter " +
                ShapeToString(filter) + " and the op's stride/dilation/padding");
  }
  return g;
}

}  // namespace tinyforge::ref
