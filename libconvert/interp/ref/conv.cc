#include "libconvert/interp/ref/conv.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

constexpr const char* kOpName = "CONV_2D";

bool IsPositiveFinite(float v) { return std::isfinite(v) && v > 0.0f; }

void CheckRank4(const char* op_name, const char* what, const Shape& shape) {
  if (shape.rank() != 4) {
    throw Error(std::string(op_name) + ": " + what + " must be 4-D, got " + ShapeToString(shape));
  }
}

// Validates the shapes and returns the geometry common to all dtypes.
ConvParams PrepareConvGeometry(const ConvOptions& o, const Shape& input, const Shape& filter,
                               const Shape& output) {
  CheckRank4(kOpName, "input", input);
  CheckRank4(kOpName, "filter", filter);
  CheckRank4(kOpName, "output", output);
  CheckFusedActivation(kOpName, o.activation);
  const int32_t in_depth = input.dim(3);
  const int32_t filter_in_depth = filter.dim(3);
  const int32_t out_depth = filter.dim(0);
  // An input of depth 0 passes the divisibility test with 0 groups, and the
  // output channels would then be divided by 0 (found by fuzzing).
  if (filter_in_depth <= 0 || in_depth <= 0 || in_depth % filter_in_depth != 0) {
    throw Error(std::string(kOpName) + ": filter input depth " + std::to_string(filter_in_depth) +
                " (filter " + ShapeToString(filter) + ") must divide the input depth " +
                std::to_string(in_depth) + ", both positive");
  }
  const int32_t groups = in_depth / filter_in_depth;
  if (out_depth <= 0 || out_depth % groups != 0) {
    throw Error(std::string(kOpName) + ": " + std::to_string(out_depth) +
                " output channels cannot be split into " + std::to_string(groups) + " groups");
  }
  const WindowGeometry g =
      CheckedWindowGeometry(kOpName, o.stride_height, o.stride_width, o.dilation_height, o.dilation_width,
                            o.padding, input, filter, out_depth, output);
  ConvParams p;
  p.stride_height = o.stride_height;
  p.stride_width = o.stride_width;
  p.dilation_height = o.dilation_height;
  p.dilation_width = o.dilation_width;
  p.padding = g.padding;
  p.float_range = FloatActivationRange(o.activation);
  return p;
}

// The CONV_2D loop shared by all dtypes: Acc is the accumulator type and
// finish(acc, out_channel) turns a finished accumulator into an output value.
template <typename Acc, typename In, typename Filter, typename Out, typename Finish>
void ConvLoop(const ConvParams& p, int32_t input_offset, const Shape& input_shape, const In* input,
              const Shape& filter_shape, const Filter* filter, const Shape& output_shape,
              Out* output, Finish finish) {
  const int batches = input_shape.dim(0);
  const int in_height = input_shape.dim(1);
  const int in_width = input_shape.dim(2);
  const int in_depth = input_shape.dim(3);
  const int out_depth = filter_shape.dim(0);
  const int filter_height = filter_shape.dim(1);
  const int filter_width = filter_shape.dim(2);
  const int filter_in_depth = filter_shape.dim(3);
  const int out_height = output_shape.dim(1);
  const int out_width = output_shape.dim(2);
  const int per_group = out_depth / (in_depth / filter_in_depth);
  const ptrdiff_t filter_channel_size =
      static_cast<ptrdiff_t>(filter_height) * filter_width * filter_in_depth;

  Out* out = output;
  for (int b = 0; b < batches; ++b) {
    const In* in_batch = input + static_cast<ptrdiff_t>(b) * in_height * in_width * in_depth;
    for (int out_y = 0; out_y < out_height; ++out_y) {
      const int in_y_origin = out_y * p.stride_height - p.padding.height;
      for (int out_x = 0; out_x < out_width; ++out_x) {
        const int in_x_origin = out_x * p.stride_width - p.padding.width;
        for (int oc = 0; oc < out_depth; ++oc) {
          const int in_channel_begin = (oc / per_group) * filter_in_depth;
          const Filter* filter_oc = filter + oc * filter_channel_size;
          Acc acc = 0;
          for (int ky = 0; ky < filter_height; ++ky) {
            const int64_t in_y = in_y_origin + int64_t{p.dilation_height} * ky;  // a hostile dilation overflows int
            if (in_y < 0 || in_y >= in_height) continue;
            for (int kx = 0; kx < filter_width; ++kx) {
              const int64_t in_x = in_x_origin + int64_t{p.dilation_width} * kx;
              if (in_x < 0 || in_x >= in_width) continue;
              const In* in_px = in_batch +
                                (static_cast<ptrdiff_t>(in_y) * in_width + in_x) * in_depth +
                                in_channel_begin;
              const Filter* w = filter_oc + (static_cast<ptrdiff_t>(ky) * filter_width + kx) *
                                                filter_in_depth;
              for (int ic = 0; ic < filter_in_depth; ++ic) {
                acc = MultiplyAccumulate(acc, in_px[ic], w[ic], input_offset);
              }
            }
          }
          *out++ = finish(acc, oc);
        }
      }
    }
  }
}

}  // namespace

void CheckFusedActivation(const char* op_name, int activation) {
  if (activation < 0 || activation > 3) {
    throw Error(std::string(op_name) + ": fused activation " + std::to_string(activation) +
                " is not supported (only NONE, RELU, RELU_N1_TO_1, RELU6)");
  }
}

ConvQuantParams PrepareConvQuantParams(const char* op_name, const ConvQuantization& quant,
                                       int32_t num_channels, int activation, int32_t qmin,
                                       int32_t qmax) {
  CheckFusedActivation(op_name, activation);
  if (!IsPositiveFinite(quant.input_scale) || !IsPositiveFinite(quant.output_scale)) {
    throw Error(std::string(op_name) + ": input and output scales must be positive and finite, got " +
                std::to_string(quant.input_scale) + " and " + std::to_string(quant.output_scale));
  }
  const size_t n_scales = quant.filter_scales.size();
  if (num_channels <= 0 || !(n_scales == 1 || n_scales == static_cast<size_t>(num_channels))) {
    throw Error(std::string(op_name) + ": weights have " + std::to_string(n_scales) +
                " scales; need 1 (per tensor) or one per output channel (" +
                std::to_string(num_channels) + ")");
  }
  for (float s : quant.filter_scales) {
    if (!std::isfinite(s) || s < 0.0f) {
      throw Error(std::string(op_name) + ": weight scale " + std::to_string(s) +
                  " must be finite and non-negative");
    }
  }
  ConvQuantParams q;
  q.input_offset = -quant.input_zero_point;
  q.output_offset = quant.output_zero_point;
  const QuantizedRange range =
      QuantizedActivationRange(activation, quant.output_scale, quant.output_zero_point, qmin, qmax);
  q.activation_min = range.min;
  q.activation_max = range.max;
  q.output_multiplier.resize(static_cast<size_t>(num_channels));
  q.output_shift.resize(static_cast<size_t>(num_channels));
  for (size_t c = 0; c < static_cast<size_t>(num_channels); ++c) {
    const double filter_scale = quant.filter_scales[n_scales == 1 ? 0 : c];
    const double real = static_cast<double>(quant.input_scale) * filter_scale /
                        static_cast<double>(quant.output_scale);
    const QuantizedMultiplier m = QuantizeMultiplier(real);
    q.output_multiplier[c] = m.multiplier;
    q.output_shift[c] = m.shift;
  }
  return q;
}

ConvParams PrepareConvFloat(const ConvOptions& options, const Shape& input, const Shape& filter,
                            const Shape& output) {
  return PrepareConvGeometry(options, input, filter, output);
}

ConvParams PrepareConvInt8(const ConvOptions& options, const Shape& input, const Shape& filter,
                           const Shape& output, const ConvQuantization& quant) {
  ConvParams p = PrepareConvGeometry(options, input, filter, output);
  p.quant = PrepareConvQuantParams(kOpName, quant, filter.dim(0), options.activation,
                                   std::numeric_limits<int8_t>::min(),
                                   std::numeric_limits<int8_t>::max());
  return p;
}

ConvParams PrepareConvInt16x8(const ConvOptions& options, const Shape& input, const Shape& filter,
                              const Shape& output, const ConvQuantization& quant) {
  ConvParams p = PrepareConvGeometry(options, input, filter, output);
  CheckInt16x8ZeroPoints(kOpName, quant);
  p.quant = PrepareConvQuantParams(kOpName, quant, filter.dim(0), options.activation,
                                   std::numeric_limits<int16_t>::min(),
                                   std::numeric_limits<int16_t>::max());
  CheckInt16x8Shifts(kOpName, p.quant);
  return p;
}

void ConvFloat(const ConvParams& params, const Shape& input_shape, const float* input,
               const Shape& filter_shape, const float* filter, const float* bias,
               const Shape& output_shape, float* output) {
  const FloatRange range = params.float_range;
  ConvLoop<float>(params, 0, input_shape, input, filter_shape, filter, output_shape, output,
                  BiasThenClamp(range, bias));
}

void ConvInt8(const ConvParams& params, const Shape& input_shape, const int8_t* input,
              const Shape& filter_shape, const int8_t* filter, const int32_t* bias,
              const Shape& output_shape, int8_t* output) {
  const ConvQuantParams& q = params.quant;
  ConvLoop<int32_t>(params, q.input_offset, input_shape, input, filter_shape, filter,
                    output_shape, output, BiasThenRequantize<int8_t>(q, bias));
}

void ConvInt16x8(const ConvParams& params, const Shape& input_shape, const int16_t* input,
                 const Shape& filter_shape, const int8_t* filter, const int64_t* bias,
                 const Shape& output_shape, int16_t* output) {
  const ConvQuantParams& q = params.quant;
  ConvLoop<int64_t>(params, 0, input_shape, input, filter_shape, filter, output_shape, output,
                    BiasThenRequantize<int16_t>(q, bias));
}

void ConvInt16x8Acc32(const ConvParams& params, const Shape& input_shape, const int16_t* input,
                      const Shape& filter_shape, const int8_t* filter, const int32_t* bias,
                      const Shape& output_shape, int16_t* output) {
  const ConvQuantParams& q = params.quant;
  ConvLoop<int32_t>(params, 0, input_shape, input, filter_shape, filter, output_shape, output,
                    BiasThenRequantize<int16_t>(q, bias));
}

void CheckInt16x8Shifts(const char* op_name, const ConvQuantParams& q) {
  for (int32_t shift : q.output_shift) {
    if (shift > 14) {
      throw Error(std::string(op_name) + ": " + kScaleRatioError +
                  ", the effective output scale input*weight/output, is 2^14 or more, which TFLM's 16x8 kernel does "
                  "not support");
    }
  }
}

void CheckInt16x8ZeroPoints(const char* op_name, const ConvQuantization& quant) {
  if (quant.input_zero_point != 0 || quant.output_zero_point != 0) {
    throw Error(std::string(op_name) + ": 16x8 quantization needs int16 input and output zero points of 0, got " +
                std::to_string(quant.input_zero_point) + " and " + std::to_string(quant.output_zero_point));
  }
}

}  // namespace tinyforge::ref
