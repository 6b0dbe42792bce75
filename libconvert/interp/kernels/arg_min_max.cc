// ARG_MAX and ARG_MIN: glue between the model and ref/arg_min_max. The axis
// must be constant; the output is int32 (the only type TFLM writes).
#include "libconvert/interp/ref/arg_min_max.h"

#include "libconvert/interp/kernels/element_type.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp::kernels {
namespace {

EvalFn PrepareArgMinMax(PrepareContext& ctx, bool is_arg_max) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(ctx.input(1), tflite::TensorType_INT32, "the axis input");
  ctx.RequireType(out, tflite::TensorType_INT32, "output");
  const auto axis = ctx.ConstantInts(ctx.input(1), "the axis input");
  ctx.Require(axis.size() == 1, "the axis input must hold one value");
  const ref::ArgMinMaxParams params = ctx.Located(
      [&] { return ref::PrepareArgMinMax(in.shape, static_cast<int>(axis[0]), out.shape, is_arg_max); });
  return DispatchType<float, int8_t>(ctx, in.type, is_arg_max ? "ARG_MAX input" : "ARG_MIN input",
                                     [&](auto zero) -> EvalFn {
                                       using T = decltype(zero);
                                       const T* x = in.Data<T>();
                                       int32_t* y = out.Data<int32_t>();
                                       return [=] { ref::ArgMinMax(params, x, y); };
                                     });
}

}  // namespace

EvalFn PrepareArgMax(PrepareContext& ctx) { return PrepareArgMinMax(ctx, true); }
EvalFn PrepareArgMin(PrepareContext& ctx) { return PrepareArgMinMax(ctx, false); }

}  // namespace tinyforge::interp::kernels
