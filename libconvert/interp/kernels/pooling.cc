// AVERAGE_POOL_2D and MAX_POOL_2D: glue between the model and ref/pooling.
#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/ref/pooling.h"

namespace tinyforge::interp::kernels {
namespace {

template <typename T, typename Fn>
EvalFn PoolEval(PrepareContext& ctx, const ref::PoolParams& params, Fn fn) {
  const ref::Shape in_shape = ctx.input(0).shape, out_shape = ctx.output(0).shape;
  const T* x = ctx.input(0).Data<T>();
  T* y = ctx.output(0).Data<T>();
  return [=] { fn(params, in_shape, x, out_shape, y); };
}

// AVERAGE_POOL_2D: the fast kernel when the context allows it and it takes
// the geometry, else the reference.
template <typename T, typename Fast, typename Ref>
EvalFn AverageEval(PrepareContext& ctx, const ref::PoolParams& params, Fast fast, Ref reference) {
  if (ctx.allow_fast()) {
    const RuntimeTensor& in = ctx.input(0);
    RuntimeTensor& out = ctx.output(0);
    if (EvalFn eval = fast(params, in.shape, in.Data<T>(), out.shape, out.Data<T>())) {
      ctx.NoteFastKernel();
      return eval;
    }
  }
  return PoolEval<T>(ctx, params, reference);
}

EvalFn PreparePool(PrepareContext& ctx, bool average) {
  ctx.RequireCounts(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  const auto& options = ctx.options<tflite::Pool2DOptionsT>();
  ref::PoolOptions opts;
  opts.padding = CheckedPadding(ctx, options.padding);
  opts.stride_height = options.stride_h;
  opts.stride_width = options.stride_w;
  opts.filter_height = options.filter_height;
  opts.filter_width = options.filter_width;
  opts.activation = options.fused_activation_function;
  switch (in.type) {
    case tflite::TensorType_FLOAT32: {
      const auto params = ctx.Located([&] { return ref::PreparePoolFloat(opts, in.shape, out.shape); });
      return average ? AverageEval<float>(ctx, params, fast::AveragePoolFloat, ref::AveragePoolFloat)
                     : PoolEval<float>(ctx, params, ref::MaxPoolFloat);
    }
    case tflite::TensorType_INT8: {
      const auto params = ctx.Located([&] {
        return ref::PreparePoolInt8(opts, in.shape, out.shape, in.scale, in.zero_point, out.scale, out.zero_point);
      });
      return average ? AverageEval<int8_t>(ctx, params, fast::AveragePoolInt8, ref::AveragePoolInt8)
                     : PoolEval<int8_t>(ctx, params, ref::MaxPoolInt8);
    }
    default: {
      const auto params = ctx.Located([&] {
        return ref::PreparePoolInt16(opts, in.shape, out.shape, in.scale, in.zero_point, out.scale, out.zero_point);
      });
      return average ? PoolEval<int16_t>(ctx, params, ref::AveragePoolInt16)
                     : PoolEval<int16_t>(ctx, params, ref::MaxPoolInt16);
    }
  }
}

}  // namespace

EvalFn PrepareAveragePool2D(PrepareContext& ctx) { return PreparePool(ctx, true); }
EvalFn PrepareMaxPool2D(PrepareContext& ctx) { return PreparePool(ctx, false); }

}  // namespace tinyforge::interp::kernels
