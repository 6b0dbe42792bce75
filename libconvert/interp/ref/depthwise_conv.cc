#include "libconvert/interp/ref/depthwise_conv.h"

#include <cstddef>
#include <limits>
#include <string>
#include <utility>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

constexpr const char* kDepthwiseOpName = "DEPTHWISE_CONV_2D";

DepthwiseConvParams PrepareDepthwiseGeometry(const DepthwiseConvOptions& o, const Shape& input,
                                             const Shape& filter, const Shape& output) {
  for (const auto& [what, shape] : {std::pair<const char*, const Shape*>{"input", &input},
                                    {"filter", &filter},
                                    {"output", &output}}) {
    if (shape->rank() != 4) {
      throw Error(std::string(kDepthwiseOpName) + ": " + what + " must be 4-D, got " +
                  ShapeToString(*shape));
    }
  }
  CheckFusedActivation(kDepthwiseOpName, o.activation);
  if (filter.dim(0) != 1) {
    throw Error(std::string(kDepthwiseOpName) + ": filter must be [1, kh, kw, out_channels], got " +
                ShapeToString(filter));
  }
  const int64_t out_depth = static_cast<int64_t>(input.dim(3)) * o.depth_multiplier;
  if (o.depth_multiplier <= 0 || filter.dim(3) != out_depth) {
    throw Error(std::string(kDepthwiseOpName) + ": filter " + ShapeToString(filter) + " should have " +
                "input depth " + std::to_string(input.dim(3)) + " x depth_multiplier " +
                std::to_string(o.depth_multiplier) + " output channels");
  }
  const WindowGeometry g =
      CheckedWindowGeometry(kDepthwiseOpName, o.stride_height, o.stride_width, o.dilation_height, o.dilation_width,
                            o.padding, input, filter, filter.dim(3), output);
  DepthwiseConvParams p;
  p.stride_height = o.stride_height;
  p.stride_width = o.stride_width;
  p.dilation_height = o.dilation_height;
  p.dilation_width = o.dilation_width;
  p.depth_multiplier = o.depth_multiplier;
  p.padding = g.padding;
  p.float_range = FloatActivationRange(o.activation);
  return p;
}

// The loop shared by all dtypes; finish(acc, out_channel) makes the output.
template <typename Acc, typename In, typename Filter, typename Out, typename Finish>
void DepthwiseLoop(const DepthwiseConvParams& p, int32_t input_offset, const Shape& input_shape,
                   const In* input, const Shape& filter_shape, const Filter* filter,
                   const Shape& output_shape, Out* output, Finish finish) {
  const int batches = input_shape.dim(0);
  const int in_height = input_shape.dim(1);
  const int in_width = input_shape.dim(2);
  const int in_depth = input_shape.dim(3);
  const int filter_height = filter_shape.dim(1);
  const int filter_width = filter_shape.dim(2);
  const int out_depth = filter_shape.dim(3);
  const int out_height = output_shape.dim(1);
  const int out_width = output_shape.dim(2);
  const int multiplier = p.depth_multiplier;

  Out* out = output;
  for (int b = 0; b < batches; ++b) {
    const In* in_batch = input + static_cast<ptrdiff_t>(b) * in_height * in_width * in_depth;
    for (int out_y = 0; out_y < out_height; ++out_y) {
      const int in_y_origin = out_y * p.stride_height - p.padding.height;
      for (int out_x = 0; out_x < out_width; ++out_x) {
        const int in_x_origin = out_x * p.stride_width - p.padding.width;
        for (int ic = 0; ic < in_depth; ++ic) {
          for (int m = 0; m < multiplier; ++m) {
            const int oc = ic * multiplier + m;
            Acc acc = 0;
            for (int ky = 0; ky < filter_height; ++ky) {
              const int64_t in_y = in_y_origin + int64_t{p.dilation_height} * ky;  // a hostile dilation overflows int
              if (in_y < 0 || in_y >= in_height) continue;
              for (int kx = 0; kx < filter_width; ++kx) {
                const int64_t in_x = in_x_origin + int64_t{p.dilation_width} * kx;
                if (in_x < 0 || in_x >= in_width) continue;
                const In x =
                    in_batch[(static_cast<ptrdiff_t>(in_y) * in_width + in_x) * in_depth + ic];
                const Filter w =
                    filter[(static_cast<ptrdiff_t>(ky) * filter_width + kx) * out_depth + oc];
                acc = MultiplyAccumulate(acc, x, w, input_offset);
              }
            }
            *out++ = finish(acc, oc);
          }
        }
      }
    }
  }
}

}  // namespace

DepthwiseConvParams PrepareDepthwiseConvFloat(const DepthwiseConvOptions& options,
                                              const Shape& input, const Shape& filter,
                                              const Shape& output) {
  return PrepareDepthwiseGeometry(options, input, filter, output);
}

DepthwiseConvParams PrepareDepthwiseConvInt8(const DepthwiseConvOptions& options,
                                             const Shape& input, const Shape& filter,
                                             const Shape& output, const ConvQuantization& quant) {
  DepthwiseConvParams p = PrepareDepthwiseGeometry(options, input, filter, output);
  p.quant = PrepareConvQuantParams(kDepthwiseOpName, quant, filter.dim(3), options.activation,
                                   std::numeric_limits<int8_t>::min(),
                                   std::numeric_limits<int8_t>::max());
  return p;
}

DepthwiseConvParams PrepareDepthwiseConvInt16x8(const DepthwiseConvOptions& options,
                                                const Shape& input, const Shape& filter,
                                                const Shape& output,
                                                const ConvQuantization& quant) {
  DepthwiseConvParams p = PrepareDepthwiseGeometry(options, input, filter, output);
  CheckInt16x8ZeroPoints(kDepthwiseOpName, quant);
  p.quant = PrepareConvQuantParams(kDepthwiseOpName, quant, filter.dim(3), options.activation,
                                   std::numeric_limits<int16_t>::min(),
                                   std::numeric_limits<int16_t>::max());
  CheckInt16x8Shifts(kDepthwiseOpName, p.quant);
  return p;
}

void DepthwiseConvFloat(const DepthwiseConvParams& params, const Shape& input_shape,
                        const float* input, const Shape& filter_shape, const float* filter,
                        const float* bias, const Shape& output_shape, float* output) {
  const FloatRange range = params.float_range;
  DepthwiseLoop<float>(params, 0, input_shape, input, filter_shape, filter, output_shape, output,
                       BiasThenClamp(range, bias));
}

void DepthwiseConvInt8(const DepthwiseConvParams& params, const Shape& input_shape,
                       const int8_t* input, const Shape& filter_shape, const int8_t* filter,
                       const int32_t* bias, const Shape& output_shape, int8_t* output) {
  const ConvQuantParams& q = params.quant;
  DepthwiseLoop<int32_t>(params, q.input_offset, input_shape, input, filter_shape, filter,
                         output_shape, output, BiasThenRequantize<int8_t>(q, bias));
}

void DepthwiseConvInt16x8(const DepthwiseConvParams& params, const Shape& input_shape,
                          const int16_t* input, const Shape& filter_shape, const int8_t* filter,
                          const int64_t* bias, const Shape& output_shape, int16_t* output) {
  const ConvQuantParams& q = params.quant;
  DepthwiseLoop<int64_t>(params, 0, input_shape, input, filter_shape, filter, output_shape, output,
                         BiasThenRequantize<int16_t>(q, bias));
}

}  // namespace tinyforge::ref
