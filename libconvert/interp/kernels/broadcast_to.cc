// BROADCAST_TO and SHAPE: glue between the model and ref/broadcast_to (SHAPE
// needs no arithmetic: it writes the input's dims).
#include "libconvert/interp/ref/broadcast_to.h"

#include "libconvert/interp/kernels/element_type.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp::kernels {

EvalFn PrepareBroadcastTo(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  ctx.Require(ctx.input(1).shape.rank() == 1, "the shape input must be a vector");
  const auto target = ctx.ConstantInts(ctx.input(1), "the shape input");
  const ref::BroadcastToParams params =
      ctx.Located([&] { return ref::PrepareBroadcastTo(in.shape, target, out.shape); });
  return DispatchType<float, int8_t, uint8_t, int16_t, int32_t, int64_t, bool>(
      ctx, in.type, "BROADCAST_TO input", [&](auto zero) -> EvalFn {
        using T = decltype(zero);
        const T* x = in.Data<T>();
        T* y = out.Data<T>();
        return [=] { ref::BroadcastTo(params, x, y); };
      });
}

EvalFn PrepareShape(PrepareContext& ctx) {
  ctx.RequireCounts(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, tflite::TensorType_INT32, "output");  // TFLM writes int32 only
  ctx.Require(out.count() == in.shape.rank(), "the output must hold one value per input axis");
  const std::vector<int32_t> dims = in.shape.dims();
  int32_t* y = out.Data<int32_t>();
  return [=] { std::copy(dims.begin(), dims.end(), y); };
}

}  // namespace tinyforge::interp::kernels
