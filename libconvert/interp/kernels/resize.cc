// RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR: glue between the model and
// ref/resize. The size input must be constant (as TFLM requires).
#include "libconvert/interp/ref/resize.h"

#include "libconvert/interp/kernels/element_type.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp::kernels {

EvalFn PrepareResizeNearestNeighbor(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  ctx.RequireType(ctx.input(1), tflite::TensorType_INT32, "the size input");
  const auto size = ctx.ConstantInts(ctx.input(1), "the size input");
  const auto& options = ctx.options<tflite::ResizeNearestNeighborOptionsT>();
  const ref::ResizeParams params = ctx.Located([&] {
    return ref::PrepareResizeNearestNeighbor(in.shape, size, options.align_corners, options.half_pixel_centers,
                                             out.shape);
  });
  return DispatchType<float, int8_t, int16_t>(ctx, in.type, "RESIZE_NEAREST_NEIGHBOR input", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    const T* x = in.Data<T>();
    T* y = out.Data<T>();
    return [=] { ref::ResizeNearestNeighbor(params, x, y); };
  });
}

EvalFn PrepareResizeBilinear(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  ctx.RequireType(ctx.input(1), tflite::TensorType_INT32, "the size input");
  const auto size = ctx.ConstantInts(ctx.input(1), "the size input");
  const auto& options = ctx.options<tflite::ResizeBilinearOptionsT>();
  const ref::ResizeParams params = ctx.Located([&] {
    return ref::PrepareResizeBilinear(in.shape, size, options.align_corners, options.half_pixel_centers, out.shape);
  });
  return DispatchType<float, int8_t>(ctx, in.type, "RESIZE_BILINEAR input", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    const T* x = in.Data<T>();
    T* y = out.Data<T>();
    return [=] { ref::ResizeBilinear(params, x, y); };
  });
}

}  // namespace tinyforge::interp::kernels
