#include "libconvert/interp/ref/fully_connected.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

constexpr const char* kFullyConnectedOpName = "FULLY_CONNECTED";

void CheckShapes(const Shape& input, const Shape& weights, const Shape& output) {
  if (weights.rank() != 2) {
    throw Error(std::string(kFullyConnectedOpName) + ": weights must be 2-D [out, in], got " +
                ShapeToString(weights));
  }
  const int32_t out_depth = weights.dim(0);
  const int32_t accum_depth = weights.dim(1);
  if (output.rank() < 1 || output.dim(output.rank() - 1) != out_depth || out_depth <= 0) {
    throw Error(std::string(kFullyConnectedOpName) + ": output " + ShapeToString(output) +
                " must end in the weights' output channel count " + std::to_string(out_depth));
  }
  const int64_t batches = output.FlatSize() / out_depth;
  if (input.FlatSize() != batches * accum_depth) {
    throw Error(std::string(kFullyConnectedOpName) + ": input " + ShapeToString(input) + " has " +
                std::to_string(input.FlatSize()) + " elements; weights " + ShapeToString(weights) +
                " and output " + ShapeToString(output) + " need " + std::to_string(batches) +
                " x " + std::to_string(accum_depth));
  }
}

FullyConnectedParams PrepareQuantized(int activation, const Shape& input, const Shape& weights,
                                      const Shape& output, const ConvQuantization& quant,
                                      std::optional<float> bias_scale, int32_t qmin,
                                      int32_t qmax) {
  CheckShapes(input, weights, output);
  FullyConnectedParams p;
  p.quant = PrepareConvQuantParams(kFullyConnectedOpName, quant, weights.dim(0), activation, qmin, qmax);
  if (quant.filter_scales.size() == 1) {
    // TFLM's per-tensor path multiplies the scales in float, then divides in
    // double; the per-channel path (PrepareConvQuantParams) uses doubles.
    const double weight_scale = quant.filter_scales[0];
    if (bias_scale.has_value()) {
      const double product = static_cast<double>(quant.input_scale) * weight_scale;
      const double diff = std::abs(product - static_cast<double>(*bias_scale));
      if (!(diff / static_cast<double>(quant.output_scale) <= 0.02)) {
        throw Error(std::string(kFullyConnectedOpName) + ": bias scale " + std::to_string(*bias_scale) +
                    " should equal input scale x weight scale (" + std::to_string(product) + ")");
      }
    }
    const double product = static_cast<double>(quant.input_scale * quant.filter_scales[0]);
    const QuantizedMultiplier m =
        QuantizeMultiplier(product / static_cast<double>(quant.output_scale));
    for (size_t c = 0; c < p.quant.output_multiplier.size(); ++c) {
      p.quant.output_multiplier[c] = m.multiplier;
      p.quant.output_shift[c] = m.shift;
    }
  }
  return p;
}

template <typename Acc, typename In, typename Out, typename Finish>
void FullyConnectedLoop(int32_t input_offset, const In* input, const Shape& weights_shape,
                        const int8_t* weights, const Shape& output_shape, Out* output,
                        Finish finish) {
  const int out_depth = weights_shape.dim(0);
  const int accum_depth = weights_shape.dim(1);
  const int64_t batches = output_shape.FlatSize() / out_depth;
  for (int64_t b = 0; b < batches; ++b) {
    const In* x = input + b * accum_depth;
    for (int oc = 0; oc < out_depth; ++oc) {
      const int8_t* w = weights + static_cast<ptrdiff_t>(oc) * accum_depth;
      Acc acc = 0;
      for (int d = 0; d < accum_depth; ++d) acc = MultiplyAccumulate(acc, x[d], w[d], input_offset);
      *output++ = finish(acc, oc);
    }
  }
}

}  // namespace

FullyConnectedParams PrepareFullyConnectedFloat(int activation, const Shape& input,
                                                const Shape& weights, const Shape& output) {
  CheckShapes(input, weights, output);
  CheckFusedActivation(kFullyConnectedOpName, activation);
  FullyConnectedParams p;
  p.float_range = FloatActivationRange(activation);
  return p;
}

FullyConnectedParams PrepareFullyConnectedInt8(int activation, const Shape& input,
                                               const Shape& weights, const Shape& output,
                                               const ConvQuantization& quant,
                                               std::optional<float> bias_scale) {
  return PrepareQuantized(activation, input, weights, output, quant, bias_scale,
                          std::numeric_limits<int8_t>::min(), std::numeric_limits<int8_t>::max());
}

FullyConnectedParams PrepareFullyConnectedInt16x8(int activation, const Shape& input,
                                                  const Shape& weights, const Shape& output,
                                                  const ConvQuantization& quant,
                                                  std::optional<float> bias_scale) {
  FullyConnectedParams p =
      PrepareQuantized(activation, input, weights, output, quant, bias_scale,
                       std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max());
  CheckInt16x8Shifts(kFullyConnectedOpName, p.quant);
  return p;
}

void FullyConnectedFloat(const FullyConnectedParams& params, const Shape& /*input_shape*/,
                         const float* input, const Shape& weights_shape, const float* weights,
                         const float* bias, const Shape& output_shape, float* output) {
  const int out_depth = weights_shape.dim(0);
  const int accum_depth = weights_shape.dim(1);
  const int64_t batches = output_shape.FlatSize() / out_depth;
  for (int64_t b = 0; b < batches; ++b) {
    const float* x = input + b * accum_depth;
    for (int oc = 0; oc < out_depth; ++oc) {
      const float* w = weights + static_cast<ptrdiff_t>(oc) * accum_depth;
      float total = 0.0f;
      for (int d = 0; d < accum_depth; ++d) total += x[d] * w[d];
      const float bias_value = bias != nullptr ? bias[oc] : 0.0f;
      *output++ = ApplyFloatRange(total + bias_value, params.float_range);
    }
  }
}

void FullyConnectedInt8(const FullyConnectedParams& params, const Shape& /*input_shape*/,
                        const int8_t* input, const Shape& weights_shape, const int8_t* weights,
                        const int32_t* bias, const Shape& output_shape, int8_t* output) {
  const ConvQuantParams& q = params.quant;
  FullyConnectedLoop<int32_t>(q.input_offset, input, weights_shape, weights, output_shape, output,
                              BiasThenRequantize<int8_t>(q, bias));
}

void FullyConnectedInt16x8(const FullyConnectedParams& params, const Shape& /*input_shape*/,
                           const int16_t* input, const Shape& weights_shape,
                           const int8_t* weights, const int64_t* bias, const Shape& output_shape,
                           int16_t* output) {
  const ConvQuantParams& q = params.quant;
  FullyConnectedLoop<int64_t>(q.input_offset, input, weights_shape, weights, output_shape, output,
                              BiasThenRequantize<int16_t>(q, bias));
}

void FullyConnectedInt16x8Acc32(const FullyConnectedParams& params, const Shape& /*input_shape*/,
                                const int16_t* input, const Shape& weights_shape,
                                const int8_t* weights, const int32_t* bias,
                                const Shape& output_shape, int16_t* output) {
  const ConvQuantParams& q = params.quant;
  FullyConnectedLoop<int32_t>(q.input_offset, input, weights_shape, weights, output_shape, output,
                              BiasThenRequantize<int16_t>(q, bias));
}

}  // namespace tinyforge::ref
