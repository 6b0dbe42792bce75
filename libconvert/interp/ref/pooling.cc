#include "libconvert/interp/ref/pooling.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

// True when every window of an axis covers at least one input element.
bool WindowsOverlapInput(int32_t in_size, int32_t out_size, int32_t stride, int32_t filter,
                         int32_t pad) {
  if (out_size == 0) return true;
  const int64_t first_origin = -static_cast<int64_t>(pad);
  const int64_t last_origin = static_cast<int64_t>(out_size - 1) * stride - pad;
  return first_origin + filter > 0 && last_origin < in_size;
}

PoolParams PrepareGeometry(const char* op_name, const PoolOptions& o, const Shape& input,
                           const Shape& output) {
  if (input.rank() != 4 || output.rank() != 4) {
    throw Error(std::string(op_name) + ": input and output must be 4-D, got " + ShapeToString(input) +
                " and " + ShapeToString(output));
  }
  if (o.activation < 0 || o.activation > 3) {
    throw Error(std::string(op_name) + ": fused activation " + std::to_string(o.activation) +
                " is not supported (only NONE, RELU, RELU_N1_TO_1, RELU6)");
  }
  const WindowGeometry g =
      ComputePaddingHeightWidth(o.stride_height, o.stride_width, 1, 1, input.dim(1), input.dim(2),
                                o.filter_height, o.filter_width, o.padding);
  const Shape expected{input.dim(0), g.out_height, g.out_width, input.dim(3)};
  if (output != expected) {
    throw Error(std::string(op_name) + ": output shape " + ShapeToString(output) + " should be " +
                ShapeToString(expected) + " for input " + ShapeToString(input) +
                " and the op's filter/stride/padding");
  }
  if (!WindowsOverlapInput(input.dim(1), g.out_height, o.stride_height, o.filter_height,
                           g.padding.height) ||
      !WindowsOverlapInput(input.dim(2), g.out_width, o.stride_width, o.filter_width,
                           g.padding.width)) {
    throw Error(std::string(op_name) + ": some pooling windows lie entirely in the padding");
  }
  PoolParams p;
  p.stride_height = o.stride_height;
  p.stride_width = o.stride_width;
  p.filter_height = o.filter_height;
  p.filter_width = o.filter_width;
  p.padding = g.padding;
  p.float_range = FloatActivationRange(o.activation);
  return p;
}

PoolParams PrepareQuantized(const PoolOptions& o, const Shape& input, const Shape& output,
                            float input_scale, int32_t input_zero_point, float output_scale,
                            int32_t output_zero_point, int32_t qmin, int32_t qmax) {
  const char* op_name = "AVERAGE_POOL_2D/MAX_POOL_2D";
  PoolParams p = PrepareGeometry(op_name, o, input, output);
  if (!(std::isfinite(output_scale) && output_scale > 0.0f)) {
    throw Error(std::string(op_name) + ": output scale must be positive, got " +
                std::to_string(output_scale));
  }
  const double scale_diff = static_cast<double>(std::abs(input_scale - output_scale));
  if (!(scale_diff <= 1.0e-6) || input_zero_point != output_zero_point) {
    throw Error(std::string(op_name) + ": input and output quantization must match, got scale " +
                std::to_string(input_scale) + " zero point " + std::to_string(input_zero_point) +
                " vs scale " + std::to_string(output_scale) + " zero point " +
                std::to_string(output_zero_point));
  }
  const QuantizedRange r =
      QuantizedActivationRange(o.activation, output_scale, output_zero_point, qmin, qmax);
  p.activation_min = r.min;
  p.activation_max = r.max;
  return p;
}

// Visits the windows in output order. reduce(first, rows, cols, row_stride,
// depth) folds the rows x cols input elements of one window and channel
// (element (y, x) at first[y * row_stride + x * depth]); its result is stored.
template <typename T, typename Out, typename Reduce>
void PoolLoop(const PoolParams& p, const Shape& input_shape, const T* input,
              const Shape& output_shape, Out* output, Reduce reduce) {
  const int batches = input_shape.dim(0);
  const int in_height = input_shape.dim(1);
  const int in_width = input_shape.dim(2);
  const int depth = input_shape.dim(3);
  const int out_height = output_shape.dim(1);
  const int out_width = output_shape.dim(2);
  const ptrdiff_t row_stride = static_cast<ptrdiff_t>(in_width) * depth;
  Out* out = output;
  for (int b = 0; b < batches; ++b) {
    const T* in_batch = input + static_cast<ptrdiff_t>(b) * in_height * row_stride;
    for (int out_y = 0; out_y < out_height; ++out_y) {
      const int in_y_origin = out_y * p.stride_height - p.padding.height;
      const int y_begin = std::max(0, in_y_origin);
      const int y_end = std::min(in_height, in_y_origin + p.filter_height);
      for (int out_x = 0; out_x < out_width; ++out_x) {
        const int in_x_origin = out_x * p.stride_width - p.padding.width;
        const int x_begin = std::max(0, in_x_origin);
        const int x_end = std::min(in_width, in_x_origin + p.filter_width);
        const int rows = std::max(0, y_end - y_begin);
        const int cols = std::max(0, x_end - x_begin);
        for (int c = 0; c < depth; ++c) {
          const T* first = in_batch + static_cast<ptrdiff_t>(y_begin) * row_stride +
                           static_cast<ptrdiff_t>(x_begin) * depth + c;
          *out++ = reduce(first, rows, cols, row_stride, depth);
        }
      }
    }
  }
}

template <typename T>
void AverageInteger(const PoolParams& p, const Shape& input_shape, const T* input,
                    const Shape& output_shape, T* output) {
  PoolLoop(p, input_shape, input, output_shape, output,
           [&p](const T* first, int rows, int cols, ptrdiff_t row_stride, int depth) {
             int64_t sum = 0;
             for (int y = 0; y < rows; ++y) {
               for (int x = 0; x < cols; ++x) sum += first[y * row_stride + x * depth];
             }
             const int64_t count = static_cast<int64_t>(rows) * cols;
             // TFLM sums in int32 (wrapping) and rounds half away from zero.
             const int64_t acc = static_cast<int32_t>(sum);
             int64_t average = 0;
             if (count > 0) {
               average = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
             }
             return static_cast<T>(
                 Clamp(static_cast<int32_t>(average), p.activation_min, p.activation_max));
           });
}

template <typename T>
void MaxInteger(const PoolParams& p, const Shape& input_shape, const T* input,
                const Shape& output_shape, T* output) {
  PoolLoop(p, input_shape, input, output_shape, output,
           [&p](const T* first, int rows, int cols, ptrdiff_t row_stride, int depth) {
             T max = std::numeric_limits<T>::lowest();
             for (int y = 0; y < rows; ++y) {
               for (int x = 0; x < cols; ++x) max = std::max(max, first[y * row_stride + x * depth]);
             }
             return static_cast<T>(Clamp(max, p.activation_min, p.activation_max));
           });
}

float ClampFloat(float x, const FloatRange& r) {
  const float lower = x < r.min ? r.min : x;
  return r.max < lower ? r.max : lower;
}

}  // namespace

PoolParams PreparePoolFloat(const PoolOptions& options, const Shape& input, const Shape& output) {
  return PrepareGeometry("AVERAGE_POOL_2D/MAX_POOL_2D", options, input, output);
}

PoolParams PreparePoolInt8(const PoolOptions& options, const Shape& input, const Shape& output,
                           float input_scale, int32_t input_zero_point, float output_scale,
                           int32_t output_zero_point) {
  return PrepareQuantized(options, input, output, input_scale, input_zero_point, output_scale,
                          output_zero_point, std::numeric_limits<int8_t>::min(),
                          std::numeric_limits<int8_t>::max());
}

PoolParams PreparePoolInt16(const PoolOptions& options, const Shape& input, const Shape& output,
                            float input_scale, int32_t input_zero_point, float output_scale,
                            int32_t output_zero_point) {
  return PrepareQuantized(options, input, output, input_scale, input_zero_point, output_scale,
                          output_zero_point, std::numeric_limits<int16_t>::min(),
                          std::numeric_limits<int16_t>::max());
}

void AveragePoolFloat(const PoolParams& params, const Shape& input_shape, const float* input,
                      const Shape& output_shape, float* output) {
  PoolLoop(params, input_shape, input, output_shape, output,
           [&params](const float* first, int rows, int cols, ptrdiff_t row_stride, int depth) {
             float total = 0.0f;
             for (int y = 0; y < rows; ++y) {
               for (int x = 0; x < cols; ++x) total += first[y * row_stride + x * depth];
             }
             const int count = rows * cols;
             const float average = count > 0 ? total / static_cast<float>(count) : 0.0f;
             return ClampFloat(average, params.float_range);
           });
}

void AveragePoolInt8(const PoolParams& params, const Shape& input_shape, const int8_t* input,
                     const Shape& output_shape, int8_t* output) {
  AverageInteger(params, input_shape, input, output_shape, output);
}

void AveragePoolInt16(const PoolParams& params, const Shape& input_shape, const int16_t* input,
                      const Shape& output_shape, int16_t* output) {
  AverageInteger(params, input_shape, input, output_shape, output);
}

void MaxPoolFloat(const PoolParams& params, const Shape& input_shape, const float* input,
                  const Shape& output_shape, float* output) {
  PoolLoop(params, input_shape, input, output_shape, output,
           [&params](const float* first, int rows, int cols, ptrdiff_t row_stride, int depth) {
             float max = std::numeric_limits<float>::lowest();
             for (int y = 0; y < rows; ++y) {
               for (int x = 0; x < cols; ++x) max = std::max(max, first[y * row_stride + x * depth]);
             }
             return ClampFloat(max, params.float_range);
           });
}

void MaxPoolInt8(const PoolParams& params, const Shape& input_shape, const int8_t* input,
                 const Shape& output_shape, int8_t* output) {
  MaxInteger(params, input_shape, input, output_shape, output);
}

void MaxPoolInt16(const PoolParams& params, const Shape& input_shape, const int16_t* input,
                  const Shape& output_shape, int16_t* output) {
  MaxInteger(params, input_shape, input, output_shape, output);
}

}  // namespace tinyforge::ref
