// GATHER and GATHER_ND: glue between the model and ref/gather. Constant
// indices are range-checked here; indices computed at run time are checked
// per slice by the kernel (out of range gives zeros).
#include "libconvert/interp/ref/gather.h"

#include "libconvert/interp/kernels/element_type.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp::kernels {

EvalFn PrepareGather(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& coords = ctx.input(1);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(coords, tflite::TensorType_INT32, "the positions input");
  ctx.RequireType(out, in.type, "output");
  const auto& options = ctx.options<tflite::GatherOptionsT>();
  const ref::GatherParams params = ctx.Located(
      [&] { return ref::PrepareGather(in.shape, coords.shape, options.axis, options.batch_dims, out.shape); });
  if (coords.constant) {
    ctx.Require(ref::GatherCoordsInRange(params, coords.Data<int32_t>()), "a constant position is out of range");
  }
  return DispatchType<float, int8_t>(ctx, in.type, "GATHER input", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    const T* x = in.Data<T>();
    const int32_t* c = coords.Data<int32_t>();
    T* y = out.Data<T>();
    return [=] { ref::Gather(params, x, c, y); };
  });
}

EvalFn PrepareGatherNd(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& indices = ctx.input(1);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(indices, tflite::TensorType_INT32, "the indices input");
  ctx.RequireType(out, in.type, "output");
  const ref::GatherNdParams params =
      ctx.Located([&] { return ref::PrepareGatherNd(in.shape, indices.shape, out.shape); });
  if (indices.constant) {
    ctx.Require(ref::GatherNdIndicesInRange(params, indices.Data<int32_t>()),
                "a constant index selects a slice outside the params");
  }
  return DispatchType<float, int8_t>(ctx, in.type, "GATHER_ND params", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    const T* x = in.Data<T>();
    const int32_t* i = indices.Data<int32_t>();
    T* y = out.Data<T>();
    return [=] { ref::GatherNd(params, x, i, y); };
  });
}

}  // namespace tinyforge::interp::kernels
