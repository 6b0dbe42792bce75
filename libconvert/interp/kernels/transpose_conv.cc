// TRANSPOSE_CONV: glue between the model and ref/transpose_conv.
//
// Inputs: 0 the output shape (int32 [4]; the output tensor's own shape is
// what TFLM uses, so a constant shape must agree with it), 1 the weights
// (OHWI), 2 the data input, 3 the bias (optional). The kernel table keys on
// input 2. Integer kernels: int8 activations with int8 weights and int32 bias;
// int16 activations with int8 weights and int64 (or int16, widened as TFLM
// does) bias.
#include <memory>
#include <vector>

#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/ref/transpose_conv.h"
#include "libconvert/model/dtype.h"

namespace tinyforge::interp::kernels {
namespace {

constexpr size_t kShapeInput = 0;
constexpr size_t kWeightsInput = 1;
constexpr size_t kDataInput = 2;
constexpr size_t kBiasInput = 3;

void CheckOutputShapeInput(PrepareContext& ctx, const RuntimeTensor& output) {
  const RuntimeTensor& shape = ctx.input(kShapeInput);
  ctx.RequireType(shape, tflite::TensorType_INT32, "the output shape (input 0)");
  ctx.Require(shape.shape.rank() == 1 && shape.count() == 4,
              "the output shape (input 0) must hold 4 values, it is " + ref::ShapeToString(shape.shape));
  if (!shape.constant) return;  // TFLM reads the output tensor's dims, never this input
  const std::vector<int64_t> dims = ctx.ConstantInts(shape, "the output shape (input 0)");
  ctx.Require(std::vector<int32_t>(dims.begin(), dims.end()) == output.shape.dims(),
              "the output shape input says " + ref::ShapeToString(ref::Shape(std::vector<int32_t>(dims.begin(), dims.end()))) +
                  " but the output tensor is " + ref::ShapeToString(output.shape));
}

ref::ConvQuantization Quantization(PrepareContext& ctx, const RuntimeTensor& in, const RuntimeTensor& filter,
                                   const RuntimeTensor& out) {
  ctx.RequireType(filter, tflite::TensorType_INT8, "the weights");
  ctx.Require(filter.quantized(), "the int8 weights have no quantization parameters");
  ctx.Require(filter.zero_points().size() == filter.scales().size(),
              "the weights have " + std::to_string(filter.scales().size()) + " scales but " +
                  std::to_string(filter.zero_points().size()) + " zero points");
  for (int64_t zp : filter.zero_points()) ctx.Require(zp == 0, "int8 weights must have zero point 0");
  ctx.Require(in.quantized() && out.quantized(), "the input and output must be quantized");
  return {in.scale, in.zero_point, filter.scales(), out.scale, out.zero_point};
}

template <typename T>
const T* BiasData(PrepareContext& ctx, const RuntimeTensor* bias, tflite::TensorType type) {
  if (!bias) return nullptr;
  ctx.RequireType(*bias, type, "the bias");
  return bias->Data<T>();
}

// The int16 bias of a 16x8 model, widened to int64 once per call (TFLM
// widens it into a scratch buffer on every Eval).
EvalFn Int16x8(PrepareContext& ctx, const ref::TransposeConvParams& params, const RuntimeTensor& input,
               const RuntimeTensor& filter, const RuntimeTensor* bias, RuntimeTensor& output) {
  const ref::Shape in_shape = input.shape, filter_shape = filter.shape, out_shape = output.shape;
  const int16_t* x = input.Data<int16_t>();
  const int8_t* w = filter.Data<int8_t>();
  int16_t* y = output.Data<int16_t>();
  auto scratch = std::make_shared<std::vector<int64_t>>(static_cast<size_t>(ref::TransposeConvScratchSize(out_shape)));
  if (bias && bias->type == tflite::TensorType_INT16) {
    const int16_t* b16 = bias->Data<int16_t>();
    auto wide = std::make_shared<std::vector<int64_t>>(static_cast<size_t>(bias->count()));
    return [=] {
      for (size_t i = 0; i < wide->size(); ++i) (*wide)[i] = b16[i];
      ref::TransposeConvInt16x8(params, in_shape, x, filter_shape, w, wide->data(), out_shape, y, scratch->data());
    };
  }
  const int64_t* b = BiasData<int64_t>(ctx, bias, tflite::TensorType_INT64);
  return [=] { ref::TransposeConvInt16x8(params, in_shape, x, filter_shape, w, b, out_shape, y, scratch->data()); };
}

}  // namespace

EvalFn PrepareTransposeConv(PrepareContext& ctx) {
  ctx.RequireCounts(3, 4, 1);
  const RuntimeTensor& filter = ctx.input(kWeightsInput);
  const RuntimeTensor& input = ctx.input(kDataInput);
  const RuntimeTensor* bias = ctx.optional_input(kBiasInput);
  RuntimeTensor& output = ctx.output(0);
  ctx.RequireType(output, input.type, "output");
  CheckOutputShapeInput(ctx, output);
  // Before anything reads the output's channels: an output_shape computed
  // at run time leaves the output's rank unchecked above (found by fuzzing:
  // a rank-0 output).
  ctx.Require(output.shape.rank() == 4, "the output " + ref::ShapeToString(output.shape) + " must have rank 4 (NHWC)");
  if (bias) {
    ctx.Require(bias->shape.rank() == 1 && bias->shape.dim(0) == output.shape.dims().back(),
                "the bias " + ref::ShapeToString(bias->shape) + " must hold one value per output channel");
  }
  const auto& options = ctx.options<tflite::TransposeConvOptionsT>();
  ref::TransposeConvOptions opts;
  opts.padding = CheckedPadding(ctx, options.padding);
  opts.stride_height = options.stride_h;
  opts.stride_width = options.stride_w;
  opts.activation = options.fused_activation_function;
  const ref::Shape in_shape = input.shape, filter_shape = filter.shape, out_shape = output.shape;

  switch (input.type) {
    case tflite::TensorType_FLOAT32: {
      ctx.RequireType(filter, tflite::TensorType_FLOAT32, "the weights");
      const auto params =
          ctx.Located([&] { return ref::PrepareTransposeConvFloat(opts, in_shape, filter_shape, out_shape); });
      const float* x = input.Data<float>();
      const float* w = filter.Data<float>();
      const float* b = BiasData<float>(ctx, bias, tflite::TensorType_FLOAT32);
      float* y = output.Data<float>();
      return [=] { ref::TransposeConvFloat(params, in_shape, x, filter_shape, w, b, out_shape, y); };
    }
    case tflite::TensorType_INT8: {
      const auto q = Quantization(ctx, input, filter, output);
      const auto params =
          ctx.Located([&] { return ref::PrepareTransposeConvInt8(opts, in_shape, filter_shape, out_shape, q); });
      const int8_t* x = input.Data<int8_t>();
      const int8_t* w = filter.Data<int8_t>();
      const int32_t* b = BiasData<int32_t>(ctx, bias, tflite::TensorType_INT32);
      int8_t* y = output.Data<int8_t>();
      auto scratch =
          std::make_shared<std::vector<int32_t>>(static_cast<size_t>(ref::TransposeConvScratchSize(out_shape)));
      return [=] { ref::TransposeConvInt8(params, in_shape, x, filter_shape, w, b, out_shape, y, scratch->data()); };
    }
    case tflite::TensorType_INT16: {
      const auto q = Quantization(ctx, input, filter, output);
      const auto params =
          ctx.Located([&] { return ref::PrepareTransposeConvInt16x8(opts, in_shape, filter_shape, out_shape, q); });
      return Int16x8(ctx, params, input, filter, bias, output);
    }
    default:
      ctx.Fail("input type " + TypeName(input.type) + " is not supported (FLOAT32, INT8 or INT16)");
  }
}

}  // namespace tinyforge::interp::kernels
