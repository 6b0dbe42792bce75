// SPACE_TO_DEPTH and DEPTH_TO_SPACE: glue between the model and
// ref/space_depth.
#include "libconvert/interp/ref/space_depth.h"

#include "libconvert/interp/kernels/element_type.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp::kernels {

EvalFn PrepareSpaceToDepth(PrepareContext& ctx) {
  ctx.RequireCounts(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  const int block = ctx.options<tflite::SpaceToDepthOptionsT>().block_size;
  const ref::SpaceDepthParams params =
      ctx.Located([&] { return ref::PrepareSpaceToDepth(in.shape, block, out.shape); });
  return DispatchType<float, int8_t>(ctx, in.type, "SPACE_TO_DEPTH input", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    const T* x = in.Data<T>();
    T* y = out.Data<T>();
    return [=] { ref::SpaceToDepth(params, x, y); };
  });
}

EvalFn PrepareDepthToSpace(PrepareContext& ctx) {
  ctx.RequireCounts(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  const int block = ctx.options<tflite::DepthToSpaceOptionsT>().block_size;
  const ref::SpaceDepthParams params =
      ctx.Located([&] { return ref::PrepareDepthToSpace(in.shape, block, out.shape); });
  return DispatchType<float, int8_t>(ctx, in.type, "DEPTH_TO_SPACE input", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    const T* x = in.Data<T>();
    T* y = out.Data<T>();
    return [=] { ref::DepthToSpace(params, x, y); };
  });
}

}  // namespace tinyforge::interp::kernels
