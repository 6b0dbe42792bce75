// MEAN, SUM, REDUCE_MAX, REDUCE_MIN over constant axes: glue between the
// model and ref/reduce. The output shape (keep_dims or not) is the model's.
#include <type_traits>

#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/ref/reduce.h"

namespace tinyforge::interp::kernels {
namespace {

enum class Reduction { kMean, kSum, kMax, kMin };

ref::ReduceParams PrepareAxes(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  ctx.RequireType(ctx.output(0), in.type, "output");
  const auto axes64 = ctx.ConstantInts(ctx.input(1), "the axes input");
  const std::vector<int32_t> axes(axes64.begin(), axes64.end());
  return ctx.Located([&] { return ref::PrepareReduce(in.shape, axes, ctx.output(0).shape); });
}

template <typename T>
EvalFn QuantizedMeanOrSumEval(PrepareContext& ctx, const ref::ReduceParams& params, Reduction r) {
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  const auto quant = ctx.Located([&] {
    return r == Reduction::kMean
               ? ref::PrepareQuantizedMean(params, in.scale, in.zero_point, out.scale, out.zero_point)
               : ref::PrepareQuantizedSum(params, in.scale, in.zero_point, out.scale, out.zero_point);
  });
  const T* x = in.Data<T>();
  T* y = out.Data<T>();
  if constexpr (std::is_same_v<T, int8_t>) {
    if (ctx.allow_fast()) {
      if (EvalFn fast = fast::QuantizedMeanOrSumInt8(params, quant, x, y)) {
        ctx.NoteFastKernel();
        return fast;
      }
    }
  }
  return [=] { ref::QuantizedMeanOrSum(params, quant, x, y); };
}

EvalFn PrepareMeanOrSum(PrepareContext& ctx, Reduction r) {
  const ref::ReduceParams params = PrepareAxes(ctx);
  const RuntimeTensor& in = ctx.input(0);
  switch (in.type) {
    case tflite::TensorType_FLOAT32: {
      const float* x = in.Data<float>();
      float* y = ctx.output(0).Data<float>();
      if (r == Reduction::kMean && ctx.allow_fast()) {
        if (EvalFn fast = fast::MeanFloat(params, x, y)) {
          ctx.NoteFastKernel();
          return fast;
        }
      }
      if (r == Reduction::kMean) return [=] { ref::Mean(params, x, y); };
      return [=] { ref::Sum(params, x, y); };
    }
    case tflite::TensorType_INT8: return QuantizedMeanOrSumEval<int8_t>(ctx, params, r);
    default: return QuantizedMeanOrSumEval<int16_t>(ctx, params, r);
  }
}

template <typename T>
EvalFn MaxMinEval(PrepareContext& ctx, const ref::ReduceParams& params, Reduction r) {
  const T* x = ctx.input(0).Data<T>();
  T* y = ctx.output(0).Data<T>();
  if (r == Reduction::kMax) return [=] { ref::ReduceMax(params, x, y); };
  return [=] { ref::ReduceMin(params, x, y); };
}

EvalFn PrepareMaxOrMin(PrepareContext& ctx, Reduction r) {
  const ref::ReduceParams params = PrepareAxes(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  switch (in.type) {
    case tflite::TensorType_FLOAT32: return MaxMinEval<float>(ctx, params, r);
    case tflite::TensorType_INT8:
      ctx.Located([&] {
        ref::CheckReduceMinMaxQuantization(in.scale, in.zero_point, out.scale, out.zero_point);
        return 0;
      });
      return MaxMinEval<int8_t>(ctx, params, r);
    default:
      ctx.Located([&] {
        ref::CheckReduceMinMaxQuantization(in.scale, in.zero_point, out.scale, out.zero_point);
        return 0;
      });
      return MaxMinEval<int16_t>(ctx, params, r);
  }
}

}  // namespace

EvalFn PrepareMean(PrepareContext& ctx) { return PrepareMeanOrSum(ctx, Reduction::kMean); }
EvalFn PrepareSum(PrepareContext& ctx) { return PrepareMeanOrSum(ctx, Reduction::kSum); }
EvalFn PrepareReduceMax(PrepareContext& ctx) { return PrepareMaxOrMin(ctx, Reduction::kMax); }
EvalFn PrepareReduceMin(PrepareContext& ctx) { return PrepareMaxOrMin(ctx, Reduction::kMin); }

}  // namespace tinyforge::interp::kernels
