#include "libconvert/interp/ref/resize.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"  // ShapeString

namespace tinyforge::ref {
namespace {

ResizeParams PrepareResize(const char* op, const Shape& input, const std::vector<int64_t>& size,
                           bool align_corners, bool half_pixel_centers, const Shape& output) {
  const std::string where = std::string(op) + ": input " + ShapeToString(input) + ", output " + ShapeToString(output);
  if (input.rank() != 4) throw Error(where + ": the input must be 4D (NHWC)");
  if (size.size() != 2) throw Error(where + ": the size input must hold 2 values");
  if (size[0] <= 0 || size[1] <= 0 || size[0] > INT32_MAX || size[1] > INT32_MAX) {
    throw Error(where + ": the size values must be positive");
  }
  const Shape expected{input.dim(0), static_cast<int32_t>(size[0]), static_cast<int32_t>(size[1]), input.dim(3)};
  if (output != expected) throw Error(where + ": the output shape should be " + ShapeToString(expected));
  // Every output pixel reads input pixels: an input with no rows or columns
  // has none to read (found by fuzzing: a read past a zero-size input).
  if (input.dim(1) <= 0 || input.dim(2) <= 0) {
    throw Error(where + ": the input has no pixels to resize (height and width must be positive)");
  }
  ResizeParams p;
  p.batch = input.dim(0);
  p.input_height = input.dim(1);
  p.input_width = input.dim(2);
  p.depth = input.dim(3);
  p.output_height = expected.dim(1);
  p.output_width = expected.dim(2);
  p.align_corners = align_corners;
  p.half_pixel_centers = half_pixel_centers;
  return p;
}

}  // namespace

ResizeParams PrepareResizeNearestNeighbor(const Shape& input, const std::vector<int64_t>& size,
                                          bool align_corners, bool half_pixel_centers, const Shape& output) {
  return PrepareResize("RESIZE_NEAREST_NEIGHBOR", input, size, align_corners, half_pixel_centers, output);
}

ResizeParams PrepareResizeBilinear(const Shape& input, const std::vector<int64_t>& size, bool align_corners,
                                   bool half_pixel_centers, const Shape& output) {
  if (align_corners && half_pixel_centers) {
    throw Error("RESIZE_BILINEAR: align_corners and half_pixel_centers cannot both be set");
  }
  return PrepareResize("RESIZE_BILINEAR", input, size, align_corners, half_pixel_centers, output);
}

int32_t NearestNeighborSource(int32_t out, int32_t input_size, int32_t output_size, bool align_corners,
                              bool half_pixel_centers) {
  // Single precision throughout, as TFLM computes it.
  const float scale = (align_corners && output_size > 1)
                          ? static_cast<float>(input_size - 1) / static_cast<float>(output_size - 1)
                          : static_cast<float>(input_size) / static_cast<float>(output_size);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float position = (static_cast<float>(out) + offset) * scale;
  // round() is half away from zero, like TfLiteRound.
  int32_t source = static_cast<int32_t>(align_corners ? std::round(position) : std::floor(position));
  source = std::min(source, input_size - 1);
  if (half_pixel_centers) source = std::max(source, 0);
  return source;
}

template <typename T>
void ResizeNearestNeighbor(const ResizeParams& p, const T* input, T* output) {
  const int64_t row = static_cast<int64_t>(p.input_width) * p.depth;
  const int64_t image = static_cast<int64_t>(p.input_height) * row;
  for (int32_t b = 0; b < p.batch; ++b) {
    const T* batch_input = input + b * image;
    for (int32_t y = 0; y < p.output_height; ++y) {
      const int32_t in_y = NearestNeighborSource(y, p.input_height, p.output_height, p.align_corners,
                                                 p.half_pixel_centers);
      for (int32_t x = 0; x < p.output_width; ++x) {
        const int32_t in_x = NearestNeighborSource(x, p.input_width, p.output_width, p.align_corners,
                                                   p.half_pixel_centers);
        const T* source = batch_input + in_y * row + static_cast<int64_t>(in_x) * p.depth;
        output = std::copy(source, source + p.depth, output);
      }
    }
  }
}

template void ResizeNearestNeighbor<float>(const ResizeParams&, const float*, float*);
template void ResizeNearestNeighbor<int8_t>(const ResizeParams&, const int8_t*, int8_t*);
template void ResizeNearestNeighbor<int16_t>(const ResizeParams&, const int16_t*, int16_t*);

namespace {

// Source position along one axis: the real coordinate and its two integer
// neighbours (float arithmetic as in TFLM).
struct FloatTap {
  float position;
  int32_t lower;
  int32_t upper;
};

FloatTap FloatInterpolation(int32_t out, float scale, bool half_pixel_centers, int32_t input_size) {
  FloatTap t;
  t.position = half_pixel_centers ? (static_cast<float>(out) + 0.5f) * scale - 0.5f : static_cast<float>(out) * scale;
  t.lower = std::max(static_cast<int32_t>(std::floor(t.position)), int32_t{0});
  t.upper = std::min(static_cast<int32_t>(std::ceil(t.position)), input_size - 1);
  return t;
}

float FloatScale(int32_t input_size, int32_t output_size, bool align_corners) {
  if (align_corners && output_size > 1) {
    return static_cast<float>(input_size - 1) / static_cast<float>(output_size - 1);
  }
  return static_cast<float>(input_size) / static_cast<float>(output_size);
}

// The same in 10-bit fixed point (int8 kernel): position * 1024.
struct FixedTap {
  int32_t position;
  int32_t lower;
  int32_t upper;
};

FixedTap FixedInterpolation(int32_t out, int32_t scale_10, bool half_pixel_centers, int32_t input_size) {
  FixedTap t;
  t.position = half_pixel_centers ? out * scale_10 + scale_10 / 2 - (1 << 9) : out * scale_10;
  t.lower = std::max(t.position / (1 << 10), int32_t{0});
  t.upper = std::min((t.position + (1 << 10) - 1) / (1 << 10), input_size - 1);
  return t;
}

int32_t FixedScale(int32_t input_size, int32_t output_size, bool align_corners) {
  if (align_corners && output_size > 1) {
    return ((1 << 10) * (input_size - 1) + (output_size - 1) / 2) / (output_size - 1);
  }
  return ((1 << 10) * input_size + output_size / 2) / output_size;
}

}  // namespace

void ResizeBilinear(const ResizeParams& p, const float* input, float* output) {
  const float height_scale = FloatScale(p.input_height, p.output_height, p.align_corners);
  const float width_scale = FloatScale(p.input_width, p.output_width, p.align_corners);
  auto at = [&](int32_t b, int32_t y, int32_t x, int32_t c) {
    return input[((static_cast<int64_t>(b) * p.input_height + y) * p.input_width + x) * p.depth + c];
  };
  for (int32_t b = 0; b < p.batch; ++b) {
    for (int32_t y = 0; y < p.output_height; ++y) {
      const FloatTap ty = FloatInterpolation(y, height_scale, p.half_pixel_centers, p.input_height);
      const float dy = ty.position - static_cast<float>(ty.lower);
      for (int32_t x = 0; x < p.output_width; ++x) {
        const FloatTap tx = FloatInterpolation(x, width_scale, p.half_pixel_centers, p.input_width);
        const float dx = tx.position - static_cast<float>(tx.lower);
        for (int32_t c = 0; c < p.depth; ++c) {
          // Same association order as TFLM: each term is v * wy * wx,
          // summed left to right.
          *output++ = at(b, ty.lower, tx.lower, c) * (1 - dy) * (1 - dx) +
                      at(b, ty.upper, tx.lower, c) * dy * (1 - dx) +
                      at(b, ty.lower, tx.upper, c) * (1 - dy) * dx +
                      at(b, ty.upper, tx.upper, c) * dy * dx + 0.0f;  // TFLM adds a 0 rounding offset
        }
      }
    }
  }
}

void ResizeBilinear(const ResizeParams& p, const int8_t* input, int8_t* output) {
  const int32_t height_scale = FixedScale(p.input_height, p.output_height, p.align_corners);
  const int32_t width_scale = FixedScale(p.input_width, p.output_width, p.align_corners);
  auto at = [&](int32_t b, int32_t y, int32_t x, int32_t c) -> int64_t {
    return input[((static_cast<int64_t>(b) * p.input_height + y) * p.input_width + x) * p.depth + c];
  };
  constexpr int64_t kOne = 1 << 10;
  for (int32_t b = 0; b < p.batch; ++b) {
    for (int32_t y = 0; y < p.output_height; ++y) {
      const FixedTap ty = FixedInterpolation(y, height_scale, p.half_pixel_centers, p.input_height);
      const int64_t fy = ty.position - kOne * ty.lower;  // weight of the upper row, in 1/1024
      for (int32_t x = 0; x < p.output_width; ++x) {
        const FixedTap tx = FixedInterpolation(x, width_scale, p.half_pixel_centers, p.input_width);
        const int64_t fx = tx.position - kOne * tx.lower;
        for (int32_t c = 0; c < p.depth; ++c) {
          const int64_t sum = at(b, ty.lower, tx.lower, c) * (kOne - fy) * (kOne - fx) +
                              at(b, ty.upper, tx.lower, c) * fy * (kOne - fx) +
                              at(b, ty.lower, tx.upper, c) * (kOne - fy) * fx +
                              at(b, ty.upper, tx.upper, c) * fy * fx;
          // Round half away from zero, then truncating division by 2^20
          // (TFLM's default double-rounding build).
          const int64_t round = sum > 0 ? (1 << 19) : -(1 << 19);
          *output++ = static_cast<int8_t>((sum + round) / (1 << 20));
        }
      }
    }
  }
}

}  // namespace tinyforge::ref
