// L2_NORMALIZATION and LOG_SOFTMAX (float32, int8): one input, one output of
// the same shape, normalised along the last dimension. Glue between the model
// and ref/normalization.
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/ref/normalization.h"

namespace tinyforge::interp::kernels {
namespace {

// The checks both ops share (TFLM's Prepare): one input and output, same type
// and shape, at least one dimension.
void CheckRowOp(PrepareContext& ctx, int max_rank) {
  ctx.RequireCounts(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  ctx.Require(in.shape == out.shape, "input " + ref::ShapeToString(in.shape) + " and output " +
                                         ref::ShapeToString(out.shape) + " must have the same shape");
  ctx.Require(in.shape.rank() >= 1 && in.shape.rank() <= max_rank,
              "the input must have 1 to " + std::to_string(max_rank) + " dimensions, it has " +
                  std::to_string(in.shape.rank()));
}

template <typename T, typename Fn>
EvalFn Rows(PrepareContext& ctx, Fn fn) {
  const ref::Shape shape = ctx.input(0).shape;
  const T* x = ctx.input(0).Data<T>();
  T* y = ctx.output(0).Data<T>();
  return [=] { fn(shape, x, y); };
}

}  // namespace

EvalFn PrepareL2Normalization(PrepareContext& ctx) {
  CheckRowOp(ctx, 4);
  const auto activation = ctx.options<tflite::L2NormOptionsT>().fused_activation_function;
  ctx.Require(activation == tflite::ActivationFunctionType_NONE,
              std::string("fused activation ") + tflite::EnumNameActivationFunctionType(activation) +
                  " is not supported (TFLM's kernel takes NONE only)");
  const RuntimeTensor& in = ctx.input(0);
  if (in.type == tflite::TensorType_FLOAT32) return Rows<float>(ctx, ref::L2NormalizationFloat);
  ctx.RequireType(in, tflite::TensorType_INT8, "input (FLOAT32 or INT8)");
  const int32_t zero_point = in.zero_point;
  return Rows<int8_t>(ctx, [zero_point](const ref::Shape& s, const int8_t* x, int8_t* y) {
    ref::L2NormalizationInt8(zero_point, s, x, y);
  });
}

EvalFn PrepareLogSoftmax(PrepareContext& ctx) {
  CheckRowOp(ctx, 6);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (in.type == tflite::TensorType_FLOAT32) return Rows<float>(ctx, ref::LogSoftmaxFloat);
  ctx.RequireType(in, tflite::TensorType_INT8, "input (FLOAT32 or INT8)");
  const auto params = ctx.Located([&] { return ref::PrepareLogSoftmaxInt8(in.scale, out.scale, out.zero_point); });
  return Rows<int8_t>(ctx, [params](const ref::Shape& s, const int8_t* x, int8_t* y) {
    ref::LogSoftmaxInt8(params, s, x, y);
  });
}

}  // namespace tinyforge::interp::kernels
