// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: glue between the model and
// ref/conv, ref/depthwise_conv and ref/fully_connected. Integer kernels: int8
// activations with int8 weights and int32 bias, or int16 activations with
// int8 weights and int64 (or int32) bias.
#include <algorithm>

#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/operand_check.h"
#include "libconvert/interp/ref/conv.h"
#include "libconvert/interp/ref/depthwise_conv.h"
#include "libconvert/interp/ref/fully_connected.h"

namespace tinyforge::interp::kernels {
namespace {

ref::Padding ToPadding(tflite::Padding p) {
  return p == tflite::Padding_VALID ? ref::Padding::kValid : ref::Padding::kSame;
}

// The weights of an integer kernel must be symmetric int8 (zero point 0):
// TFLM's kernels ignore weight zero points, so a non-zero one would silently
// compute something else.
ref::ConvQuantization Quantization(PrepareContext& ctx, const RuntimeTensor& in, const RuntimeTensor& filter,
                                   const RuntimeTensor& out) {
  ctx.RequireType(filter, tflite::TensorType_INT8, "the weights");
  ctx.Require(filter.quantized(), "the int8 weights have no quantization parameters");
  for (int64_t zp : filter.zero_points()) ctx.Require(zp == 0, "int8 weights must have zero point 0");
  ref::ConvQuantization q;
  q.input_scale = in.scale;
  q.input_zero_point = in.zero_point;
  q.filter_scales = filter.scales();
  q.output_scale = out.scale;
  q.output_zero_point = out.zero_point;
  return q;
}

// Operands every conv-like kernel has: input 0, weights 1, optional bias 2.
struct Operands {
  const RuntimeTensor* input;
  const RuntimeTensor* filter;
  const RuntimeTensor* bias;  // nullptr when omitted
  RuntimeTensor* output;
};

Operands GetOperands(PrepareContext& ctx) {
  ctx.RequireCounts(2, 3, 1);
  Operands o{&ctx.input(0), &ctx.input(1), ctx.optional_input(2), &ctx.output(0)};
  ctx.RequireType(*o.output, o.input->type, "output");
  return o;
}

// TFLM's 16x8 kernels accumulate in int32 when the bias is int32 (or there is
// no bias and the model asks for int32 accumulation), else in int64.
bool UsesInt32Accumulator(const RuntimeTensor* bias, tflite::TensorType quantized_bias_type) {
  return bias ? bias->type == tflite::TensorType_INT32 : quantized_bias_type == tflite::TensorType_INT32;
}

// A fast kernel's Eval when the context allows one, the weights are
// constant (fast kernels pack them once) and the fast kernel applies; else
// the reference Eval.
template <typename Fast>
EvalFn FastOr(PrepareContext& ctx, const RuntimeTensor& weights, Fast fast, EvalFn reference) {
  if (ctx.allow_fast() && weights.constant) {
    if (EvalFn eval = fast()) {
      ctx.NoteFastKernel();
      return eval;
    }
  }
  return reference;
}

// The bias, if any: one `type` value per output channel.
template <typename T>
const T* BiasData(PrepareContext& ctx, const RuntimeTensor* bias, tflite::TensorType type, int32_t channels) {
  if (!bias) return nullptr;
  OperandCheck(ctx, *bias, "the bias").Type(type).Elements(channels, "one per output channel");
  return bias->Data<T>();
}

}  // namespace

EvalFn PrepareConv2D(PrepareContext& ctx) {
  const Operands o = GetOperands(ctx);
  const auto& options = ctx.options<tflite::Conv2DOptionsT>();
  ref::ConvOptions opts;
  opts.padding = ToPadding(options.padding);
  opts.stride_height = options.stride_h;
  opts.stride_width = options.stride_w;
  opts.dilation_height = options.dilation_h_factor;
  opts.dilation_width = options.dilation_w_factor;
  opts.activation = options.fused_activation_function;
  const ref::Shape in_shape = o.input->shape, filter_shape = o.filter->shape, out_shape = o.output->shape;

  switch (o.input->type) {
    case tflite::TensorType_FLOAT32: {
      ctx.RequireType(*o.filter, tflite::TensorType_FLOAT32, "the filter");
      const auto params = ctx.Located([&] { return ref::PrepareConvFloat(opts, in_shape, filter_shape, out_shape); });
      const float *x = o.input->Data<float>(), *w = o.filter->Data<float>();
      const float* b = BiasData<float>(ctx, o.bias, tflite::TensorType_FLOAT32, filter_shape.dim(0));
      float* y = o.output->Data<float>();
      return FastOr(ctx, *o.filter, [&] { return fast::ConvFloat(params, in_shape, x, filter_shape, w, b, out_shape, y); },
                    [=] { ref::ConvFloat(params, in_shape, x, filter_shape, w, b, out_shape, y); });
    }
    case tflite::TensorType_INT8: {
      const auto q = Quantization(ctx, *o.input, *o.filter, *o.output);
      const auto params = ctx.Located([&] { return ref::PrepareConvInt8(opts, in_shape, filter_shape, out_shape, q); });
      const int8_t *x = o.input->Data<int8_t>(), *w = o.filter->Data<int8_t>();
      const int32_t* b = BiasData<int32_t>(ctx, o.bias, tflite::TensorType_INT32, filter_shape.dim(0));
      int8_t* y = o.output->Data<int8_t>();
      return FastOr(ctx, *o.filter, [&] { return fast::ConvInt8(params, in_shape, x, filter_shape, w, b, out_shape, y); },
                    [=] { ref::ConvInt8(params, in_shape, x, filter_shape, w, b, out_shape, y); });
    }
    default: {
      const auto q = Quantization(ctx, *o.input, *o.filter, *o.output);
      const auto params = ctx.Located([&] { return ref::PrepareConvInt16x8(opts, in_shape, filter_shape, out_shape, q); });
      const int16_t* x = o.input->Data<int16_t>();
      const int8_t* w = o.filter->Data<int8_t>();
      int16_t* y = o.output->Data<int16_t>();
      if (UsesInt32Accumulator(o.bias, options.quantized_bias_type)) {
        const int32_t* b = BiasData<int32_t>(ctx, o.bias, tflite::TensorType_INT32, filter_shape.dim(0));
        return [=] { ref::ConvInt16x8Acc32(params, in_shape, x, filter_shape, w, b, out_shape, y); };
      }
      const int64_t* b = BiasData<int64_t>(ctx, o.bias, tflite::TensorType_INT64, filter_shape.dim(0));
      return [=] { ref::ConvInt16x8(params, in_shape, x, filter_shape, w, b, out_shape, y); };
    }
  }
}

EvalFn PrepareDepthwiseConv2D(PrepareContext& ctx) {
  const Operands o = GetOperands(ctx);
  const auto& options = ctx.options<tflite::DepthwiseConv2DOptionsT>();
  const ref::Shape in_shape = o.input->shape, filter_shape = o.filter->shape, out_shape = o.output->shape;
  ctx.Require(in_shape.rank() == 4 && out_shape.rank() == 4 && in_shape.dim(3) > 0,
              "input and output must be 4-D NHWC with channels");
  ref::DepthwiseConvOptions opts;
  opts.padding = ToPadding(options.padding);
  opts.stride_height = options.stride_h;
  opts.stride_width = options.stride_w;
  opts.dilation_height = options.dilation_h_factor;
  opts.dilation_width = options.dilation_w_factor;
  // The option is redundant with the shapes (and some converters write a
  // stale value); the shapes decide.
  opts.depth_multiplier = out_shape.dim(3) / in_shape.dim(3);
  opts.activation = options.fused_activation_function;

  switch (o.input->type) {
    case tflite::TensorType_FLOAT32: {
      ctx.RequireType(*o.filter, tflite::TensorType_FLOAT32, "the filter");
      const auto params =
          ctx.Located([&] { return ref::PrepareDepthwiseConvFloat(opts, in_shape, filter_shape, out_shape); });
      const float *x = o.input->Data<float>(), *w = o.filter->Data<float>();
      const float* b = BiasData<float>(ctx, o.bias, tflite::TensorType_FLOAT32, filter_shape.dim(3));
      float* y = o.output->Data<float>();
      return FastOr(
          ctx, *o.filter, [&] { return fast::DepthwiseConvFloat(params, in_shape, x, filter_shape, w, b, out_shape, y); },
          [=] { ref::DepthwiseConvFloat(params, in_shape, x, filter_shape, w, b, out_shape, y); });
    }
    case tflite::TensorType_INT8: {
      const auto q = Quantization(ctx, *o.input, *o.filter, *o.output);
      const auto params =
          ctx.Located([&] { return ref::PrepareDepthwiseConvInt8(opts, in_shape, filter_shape, out_shape, q); });
      const int8_t *x = o.input->Data<int8_t>(), *w = o.filter->Data<int8_t>();
      const int32_t* b = BiasData<int32_t>(ctx, o.bias, tflite::TensorType_INT32, filter_shape.dim(3));
      int8_t* y = o.output->Data<int8_t>();
      return FastOr(
          ctx, *o.filter, [&] { return fast::DepthwiseConvInt8(params, in_shape, x, filter_shape, w, b, out_shape, y); },
          [=] { ref::DepthwiseConvInt8(params, in_shape, x, filter_shape, w, b, out_shape, y); });
    }
    default: {
      const auto q = Quantization(ctx, *o.input, *o.filter, *o.output);
      const auto params =
          ctx.Located([&] { return ref::PrepareDepthwiseConvInt16x8(opts, in_shape, filter_shape, out_shape, q); });
      const int16_t* x = o.input->Data<int16_t>();
      const int8_t* w = o.filter->Data<int8_t>();
      const int64_t* b = BiasData<int64_t>(ctx, o.bias, tflite::TensorType_INT64, filter_shape.dim(3));
      int16_t* y = o.output->Data<int16_t>();
      return [=] { ref::DepthwiseConvInt16x8(params, in_shape, x, filter_shape, w, b, out_shape, y); };
    }
  }
}

EvalFn PrepareFullyConnected(PrepareContext& ctx) {
  const Operands o = GetOperands(ctx);
  const auto& options = ctx.options<tflite::FullyConnectedOptionsT>();
  ctx.Require(options.weights_format == tflite::FullyConnectedOptionsWeightsFormat_DEFAULT,
              "shuffled weights (SHUFFLED4x16INT8) are not supported");
  const int act = options.fused_activation_function;
  const ref::Shape in_shape = o.input->shape, w_shape = o.filter->shape, out_shape = o.output->shape;

  switch (o.input->type) {
    case tflite::TensorType_FLOAT32: {
      ctx.Require(o.filter->type == tflite::TensorType_FLOAT32,
                  "float input with " + TypeName(o.filter->type) +
                      " weights is a hybrid operator, which TFLM does not run; quantize the model fully "
                      "or keep its weights float");
      const auto params = ctx.Located([&] { return ref::PrepareFullyConnectedFloat(act, in_shape, w_shape, out_shape); });
      const float *x = o.input->Data<float>(), *w = o.filter->Data<float>();
      const float* b = BiasData<float>(ctx, o.bias, tflite::TensorType_FLOAT32, w_shape.dim(0));
      float* y = o.output->Data<float>();
      return FastOr(ctx, *o.filter, [&] { return fast::FullyConnectedFloat(params, in_shape, x, w_shape, w, b, out_shape, y); },
                    [=] { ref::FullyConnectedFloat(params, in_shape, x, w_shape, w, b, out_shape, y); });
    }
    case tflite::TensorType_INT8: {
      const auto q = Quantization(ctx, *o.input, *o.filter, *o.output);
      const std::optional<float> bias_scale = o.bias && o.bias->quantized() ? std::optional<float>(o.bias->scale) : std::nullopt;
      const auto params = ctx.Located(
          [&] { return ref::PrepareFullyConnectedInt8(act, in_shape, w_shape, out_shape, q, bias_scale); });
      const int8_t *x = o.input->Data<int8_t>(), *w = o.filter->Data<int8_t>();
      const int32_t* b = BiasData<int32_t>(ctx, o.bias, tflite::TensorType_INT32, w_shape.dim(0));
      int8_t* y = o.output->Data<int8_t>();
      return FastOr(ctx, *o.filter, [&] { return fast::FullyConnectedInt8(params, in_shape, x, w_shape, w, b, out_shape, y); },
                    [=] { ref::FullyConnectedInt8(params, in_shape, x, w_shape, w, b, out_shape, y); });
    }
    default: {
      const auto q = Quantization(ctx, *o.input, *o.filter, *o.output);
      const std::optional<float> bias_scale = o.bias && o.bias->quantized() ? std::optional<float>(o.bias->scale) : std::nullopt;
      const auto params = ctx.Located(
          [&] { return ref::PrepareFullyConnectedInt16x8(act, in_shape, w_shape, out_shape, q, bias_scale); });
      const int16_t* x = o.input->Data<int16_t>();
      const int8_t* w = o.filter->Data<int8_t>();
      int16_t* y = o.output->Data<int16_t>();
      if (UsesInt32Accumulator(o.bias, options.quantized_bias_type)) {
        const int32_t* b = BiasData<int32_t>(ctx, o.bias, tflite::TensorType_INT32, w_shape.dim(0));
        return [=] { ref::FullyConnectedInt16x8Acc32(params, in_shape, x, w_shape, w, b, out_shape, y); };
      }
      const int64_t* b = BiasData<int64_t>(ctx, o.bias, tflite::TensorType_INT64, w_shape.dim(0));
      return [=] { ref::FullyConnectedInt16x8(params, in_shape, x, w_shape, w, b, out_shape, y); };
    }
  }
}

}  // namespace tinyforge::interp::kernels
