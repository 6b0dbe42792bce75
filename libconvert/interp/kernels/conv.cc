// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: glue between the model and
// ref/conv, ref/depthwise_conv and ref/fully_connected. Integer kernels: int8
// activations with int8 weights and int32 bias, or int16 activations with
// int8 weights and int64 (or int32) bias.
#include <algorithm>
#include <optional>
#include <vector>

#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/operand_check.h"
#include "libconvert/interp/ref/conv.h"
#include "libconvert/interp/ref/depthwise_conv.h"
#include "libconvert/interp/ref/fully_connected.h"

namespace tinyforge::interp::kernels {
namespace {

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

// A fast kernel's Eval when the context allows one, the weights and the
// bias are constant (fast kernels pack them once, at Prepare: a bias the
// caller writes, a subgraph input, would be read too early) and the fast
// kernel applies; else the reference Eval.
template <typename Fast>
EvalFn FastOr(PrepareContext& ctx, const Operands& o, Fast fast, EvalFn reference) {
  if (ctx.allow_fast() && o.filter->constant && (o.bias == nullptr || o.bias->constant)) {
    if (EvalFn eval = fast()) {
      ctx.NoteFastKernel();
      return eval;
    }
  }
  return reference;
}

// An explicit PAD (or PADV2) whose padding a fast conv can take over: it
// pads H and W only, with real 0 (the int8 zero point the conv's input
// offset cancels, or 0.0f), and the conv is its output's only reader. The
// conv then reads the PAD's input with the PAD's rows and columns added to
// its own padding, which gives the same bits (each skipped tap added
// (zero point + offset) * w = 0, or 0.0f * w for the finite float weights
// the fast kernels take); XNNPACK's TFLite delegate folds PADs the same
// way. The PAD itself then runs only for observers.
struct FoldablePad {
  const RuntimeTensor* input;  // the PAD's
  int top, left;               // rows and columns it adds before the data
  int op;                      // its index
};

std::optional<FoldablePad> PadToFold(const PrepareContext& ctx) {
  const int op = ctx.SoleProducer(0);
  if (op < 0) return std::nullopt;
  const tflite::OperatorT& pad = ctx.subgraph_op(static_cast<size_t>(op));
  const tflite::BuiltinOperator code = ctx.model().OpCode(pad);
  if (!MayFoldProducer(ctx.model().OpCode(ctx.op()), code) || pad.inputs.size() < 2 ||
      pad.inputs[0] < 0 || pad.inputs[1] < 0) {
    return std::nullopt;
  }
  // The PAD was prepared before this operator: its operands are checked.
  const RuntimeTensor& x = ctx.tensor(pad.inputs[0]);
  const RuntimeTensor& paddings = ctx.tensor(pad.inputs[1]);
  const RuntimeTensor& conv_input = ctx.input(0);
  if (!paddings.constant || x.shape.rank() != 4 || x.type != conv_input.type) return std::nullopt;
  std::vector<int64_t> p(8);
  for (int i = 0; i < 8; ++i) {
    p[static_cast<size_t>(i)] = paddings.type == tflite::TensorType_INT32 ? paddings.Data<int32_t>()[i]
                                                                           : paddings.Data<int64_t>()[i];
  }
  if (p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) return std::nullopt;
  if (pad.inputs.size() > 2 && pad.inputs[2] >= 0) {  // PADV2's value: real 0 only
    const RuntimeTensor& value = ctx.tensor(pad.inputs[2]);
    if (!value.constant) return std::nullopt;
    const bool zero = x.type == tflite::TensorType_FLOAT32 ? value.Data<float>()[0] == 0.0f
                                                           : value.Data<int8_t>()[0] == conv_input.zero_point;
    if (!zero) return std::nullopt;
  }
  return FoldablePad{&x, static_cast<int>(p[2]), static_cast<int>(p[4]), op};
}

// The fast kernel `fast(params, input_shape, input)` reading through a
// foldable PAD when there is one (and it takes it), else its own input.
template <typename T, typename Params, typename Fast>
EvalFn FastThroughPad(PrepareContext& ctx, const Params& params, const ref::Shape& in_shape, const T* input,
                      Fast fast) {
  if (const std::optional<FoldablePad> pad = PadToFold(ctx)) {
    Params folded = params;
    folded.padding.height += pad->top;
    folded.padding.width += pad->left;
    if (EvalFn eval = fast(folded, pad->input->shape, pad->input->Data<T>())) {
      ctx.RunOnlyWhenObserved(pad->op);
      return eval;
    }
  }
  return fast(params, in_shape, input);
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
  opts.padding = CheckedPadding(ctx, options.padding);
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
      return FastOr(
          ctx, o,
          [&] {
            return FastThroughPad(ctx, params, in_shape, x, [&](const auto& p, const ref::Shape& shape, const float* in) {
              return fast::ConvFloat(p, shape, in, filter_shape, w, b, out_shape, y, ctx.thread_pool());
            });
          },
          [=] { ref::ConvFloat(params, in_shape, x, filter_shape, w, b, out_shape, y); });
    }
    case tflite::TensorType_INT8: {
      const auto q = Quantization(ctx, *o.input, *o.filter, *o.output);
      const auto params = ctx.Located([&] { return ref::PrepareConvInt8(opts, in_shape, filter_shape, out_shape, q); });
      const int8_t *x = o.input->Data<int8_t>(), *w = o.filter->Data<int8_t>();
      const int32_t* b = BiasData<int32_t>(ctx, o.bias, tflite::TensorType_INT32, filter_shape.dim(0));
      int8_t* y = o.output->Data<int8_t>();
      return FastOr(
          ctx, o,
          [&] {
            return FastThroughPad(ctx, params, in_shape, x, [&](const auto& p, const ref::Shape& shape, const int8_t* in) {
              return fast::ConvInt8(p, shape, in, filter_shape, w, b, out_shape, y, ctx.thread_pool());
            });
          },
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
  opts.padding = CheckedPadding(ctx, options.padding);
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
          ctx, o,
          [&] {
            return FastThroughPad(ctx, params, in_shape, x, [&](const auto& p, const ref::Shape& shape, const float* in) {
              return fast::DepthwiseConvFloat(p, shape, in, filter_shape, w, b, out_shape, y, ctx.thread_pool());
            });
          },
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
          ctx, o,
          [&] {
            return FastThroughPad(ctx, params, in_shape, x, [&](const auto& p, const ref::Shape& shape, const int8_t* in) {
              return fast::DepthwiseConvInt8(p, shape, in, filter_shape, w, b, out_shape, y, ctx.thread_pool());
            });
          },
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
      return FastOr(ctx, o, [&] { return fast::FullyConnectedFloat(params, in_shape, x, w_shape, w, b, out_shape, y, ctx.thread_pool()); },
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
      return FastOr(ctx, o, [&] { return fast::FullyConnectedInt8(params, in_shape, x, w_shape, w, b, out_shape, y, ctx.thread_pool()); },
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

ref::Padding CheckedPadding(const PrepareContext& ctx, tflite::Padding padding) {
  // The real TFLM runs such a model: its padding arithmetic starts from an
  // output size of 0 for the value (for a small window that pads nothing
  // before the image; tests/cli/hostile_cli_test.cc records one output).
  // tinyforge refuses a value outside the schema as a damaged file instead
  // of guessing at it.
  ctx.Require(padding == tflite::Padding_SAME || padding == tflite::Padding_VALID,
              "padding " + std::to_string(static_cast<int>(padding)) + " is neither SAME (0) nor VALID (1)");
  return padding == tflite::Padding_VALID ? ref::Padding::kValid : ref::Padding::kSame;
}

}  // namespace tinyforge::interp::kernels
