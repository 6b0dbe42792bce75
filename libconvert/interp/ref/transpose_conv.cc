#include "libconvert/interp/ref/transpose_conv.h"

#include <cstring>
#include <limits>
#include <string>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

constexpr const char* kOpName = "TRANSPOSE_CONV";

[[noreturn]] void FailTransposeConv(const std::string& what) { throw Error(std::string(kOpName) + ": " + what); }

TransposeConvParams PrepareGeometry(const TransposeConvOptions& o, const Shape& input, const Shape& filter,
                                    const Shape& output) {
  if (input.rank() != 4 || filter.rank() != 4 || output.rank() != 4) {
    FailTransposeConv("input " + ShapeToString(input) + ", filter " + ShapeToString(filter) + " and output " +
         ShapeToString(output) + " must all be 4-D");
  }
  CheckFusedActivation(kOpName, o.activation);
  if (filter.dim(3) != input.dim(3)) {
    FailTransposeConv("the filter " + ShapeToString(filter) + " must have the input's " + std::to_string(input.dim(3)) +
         " channels as its last dimension");
  }
  if (output.dim(0) != input.dim(0) || output.dim(3) != filter.dim(0)) {
    FailTransposeConv("the output " + ShapeToString(output) + " must have the input's batch (" + std::to_string(input.dim(0)) +
         ") and one channel per filter (" + std::to_string(filter.dim(0)) + ")");
  }
  // The output is the input of the CONV_2D this op transposes: that conv
  // must map it back onto the input's height and width.
  const WindowGeometry g = ComputePaddingHeightWidth(o.stride_height, o.stride_width, 1, 1, output.dim(1),
                                                     output.dim(2), filter.dim(1), filter.dim(2), o.padding);
  if (g.out_height != input.dim(1) || g.out_width != input.dim(2)) {
    FailTransposeConv("an output of " + std::to_string(output.dim(1)) + "x" + std::to_string(output.dim(2)) +
         " does not fit the input's " + std::to_string(input.dim(1)) + "x" + std::to_string(input.dim(2)) +
         " with this filter, stride and padding (a convolution of the output would give " +
         std::to_string(g.out_height) + "x" + std::to_string(g.out_width) + ")");
  }
  TransposeConvParams p;
  p.stride_height = o.stride_height;
  p.stride_width = o.stride_width;
  p.pad_height = g.padding.height;
  p.pad_width = g.padding.width;
  p.float_range = FloatActivationRange(o.activation);
  return p;
}

// TFLM's scatter loop: acc[out pixel][o] += product(input value, filter
// value) for every input pixel and channel, filter tap and output channel,
// in that order (the order fixes the float sums).
template <typename Acc, typename In, typename Product>
void Scatter(const TransposeConvParams& p, const Shape& input_shape, const In* input, const Shape& filter_shape,
             const Shape& output_shape, Acc* acc, Product product) {
  const int batches = input_shape.dim(0);
  const int in_height = input_shape.dim(1);
  const int in_width = input_shape.dim(2);
  const int in_depth = input_shape.dim(3);
  const int out_depth = filter_shape.dim(0);
  const int filter_height = filter_shape.dim(1);
  const int filter_width = filter_shape.dim(2);
  const int out_height = output_shape.dim(1);
  const int out_width = output_shape.dim(2);
  std::memset(acc, 0, static_cast<size_t>(output_shape.FlatSize()) * sizeof(Acc));
  for (int b = 0; b < batches; ++b) {
    for (int in_y = 0; in_y < in_height; ++in_y) {
      for (int in_x = 0; in_x < in_width; ++in_x) {
        const In* in_px = input + ((static_cast<ptrdiff_t>(b) * in_height + in_y) * in_width + in_x) * in_depth;
        const int out_x_origin = in_x * p.stride_width - p.pad_width;
        const int out_y_origin = in_y * p.stride_height - p.pad_height;
        for (int ic = 0; ic < in_depth; ++ic) {
          for (int ky = 0; ky < filter_height; ++ky) {
            const int out_y = out_y_origin + ky;
            for (int kx = 0; kx < filter_width; ++kx) {
              const int out_x = out_x_origin + kx;
              if (out_x < 0 || out_x >= out_width || out_y < 0 || out_y >= out_height) continue;
              Acc* out_px = acc + ((static_cast<ptrdiff_t>(b) * out_height + out_y) * out_width + out_x) * out_depth;
              for (int oc = 0; oc < out_depth; ++oc) {
                const ptrdiff_t w = ((static_cast<ptrdiff_t>(oc) * filter_height + ky) * filter_width + kx) * in_depth + ic;
                out_px[oc] = product(out_px[oc], in_px[ic], w);
              }
            }
          }
        }
      }
    }
  }
}

// Applies finish(acc, out_channel) to every accumulator into output.
template <typename Acc, typename Out, typename FinishFn>
void FinishAll(const Shape& output_shape, const Acc* acc, Out* output, FinishFn finish) {
  const int depth = output_shape.dim(3);
  const int64_t pixels = depth == 0 ? 0 : output_shape.FlatSize() / depth;
  for (int64_t px = 0; px < pixels; ++px) {
    for (int oc = 0; oc < depth; ++oc) {
      const int64_t i = px * depth + oc;
      output[i] = finish(acc[i], oc);
    }
  }
}

}  // namespace

TransposeConvParams PrepareTransposeConvFloat(const TransposeConvOptions& options, const Shape& input,
                                              const Shape& filter, const Shape& output) {
  return PrepareGeometry(options, input, filter, output);
}

TransposeConvParams PrepareTransposeConvInt8(const TransposeConvOptions& options, const Shape& input,
                                             const Shape& filter, const Shape& output,
                                             const ConvQuantization& quant) {
  TransposeConvParams p = PrepareGeometry(options, input, filter, output);
  p.quant = PrepareConvQuantParams(kOpName, quant, filter.dim(0), options.activation,
                                   std::numeric_limits<int8_t>::min(), std::numeric_limits<int8_t>::max());
  return p;
}

TransposeConvParams PrepareTransposeConvInt16x8(const TransposeConvOptions& options, const Shape& input,
                                                const Shape& filter, const Shape& output,
                                                const ConvQuantization& quant) {
  TransposeConvParams p = PrepareGeometry(options, input, filter, output);
  CheckInt16x8ZeroPoints(kOpName, quant);
  p.quant = PrepareConvQuantParams(kOpName, quant, filter.dim(0), options.activation,
                                   std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max());
  CheckInt16x8Shifts(kOpName, p.quant);
  return p;
}

void TransposeConvFloat(const TransposeConvParams& params, const Shape& input_shape, const float* input,
                        const Shape& filter_shape, const float* filter, const float* bias,
                        const Shape& output_shape, float* output) {
  Scatter<float>(params, input_shape, input, filter_shape, output_shape, output,
                 [filter](float acc, float x, ptrdiff_t w) { return acc + x * filter[w]; });
  FinishAll(output_shape, output, output, BiasThenClamp(params.float_range, bias));
}

void TransposeConvInt8(const TransposeConvParams& params, const Shape& input_shape, const int8_t* input,
                       const Shape& filter_shape, const int8_t* filter, const int32_t* bias,
                       const Shape& output_shape, int8_t* output, int32_t* scratch) {
  const int32_t input_offset = params.quant.input_offset;
  Scatter<int32_t>(params, input_shape, input, filter_shape, output_shape, scratch,
                   [filter, input_offset](int32_t acc, int8_t x, ptrdiff_t w) {
                     return MultiplyAccumulate(acc, x, filter[w], input_offset);
                   });
  FinishAll(output_shape, scratch, output, BiasThenRequantize<int8_t>(params.quant, bias));
}

void TransposeConvInt16x8(const TransposeConvParams& params, const Shape& input_shape, const int16_t* input,
                          const Shape& filter_shape, const int8_t* filter, const int64_t* bias,
                          const Shape& output_shape, int16_t* output, int64_t* scratch) {
  Scatter<int64_t>(params, input_shape, input, filter_shape, output_shape, scratch,
                   [filter](int64_t acc, int16_t x, ptrdiff_t w) { return MultiplyAccumulate(acc, x, filter[w], 0); });
  // TFLM adds no output zero point here; Prepare requires it to be 0.
  FinishAll(output_shape, scratch, output, BiasThenRequantize<int16_t>(params.quant, bias));
}

}  // namespace tinyforge::ref
