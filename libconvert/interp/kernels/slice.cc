// SLICE and STRIDED_SLICE: glue between the model and ref/slice.
#include "libconvert/interp/ref/slice.h"

#include "libconvert/interp/kernels/element_type.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp::kernels {
namespace {

template <typename T>
EvalFn BoxEval(const RuntimeTensor& in, RuntimeTensor& out, const ref::StridedBox& box) {
  const T* x = in.Data<T>();
  T* y = out.Data<T>();
  return [=] { ref::CopyStridedBox(box, x, y); };
}

}  // namespace

EvalFn PrepareSlice(PrepareContext& ctx) {
  ctx.RequireCounts(3, 3, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& begin = ctx.input(1);
  const RuntimeTensor& size = ctx.input(2);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  ctx.Require(begin.type == tflite::TensorType_INT32 || begin.type == tflite::TensorType_INT64,
              "the begin input must be INT32 or INT64");
  ctx.RequireType(size, begin.type, "the size input");
  ctx.Require(begin.shape.rank() == 1 && size.shape.rank() == 1 && begin.count() == size.count(),
              "begin and size must be vectors of one length");
  return DispatchType<float, int8_t, int16_t, int32_t, bool>(ctx, in.type, "SLICE input", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    if (begin.constant && size.constant) {
      const auto b = ctx.ConstantInts(begin, "the begin input");
      const auto s = ctx.ConstantInts(size, "the size input");
      return BoxEval<T>(in, out, ctx.Located([&] { return ref::PrepareSlice(in.shape, b, s, out.shape); }));
    }
    // begin known only at run time: the model's output shape fixes the
    // extent; TFLM reads one begin entry per input axis.
    const ref::DynamicSliceParams params = ctx.Located([&] { return ref::PrepareDynamicSlice(in.shape, out.shape); });
    const int count = static_cast<int>(begin.count());
    const T* x = in.Data<T>();
    T* y = out.Data<T>();
    if (begin.type == tflite::TensorType_INT32) {
      const int32_t* b = begin.Data<int32_t>();
      return [=] { ref::DynamicSlice(params, b, count, x, y); };
    }
    const int64_t* b = begin.Data<int64_t>();
    return [=] { ref::DynamicSlice(params, b, count, x, y); };
  });
}

EvalFn PrepareStridedSlice(PrepareContext& ctx) {
  ctx.RequireCounts(4, 4, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  const auto begin = ctx.ConstantInts(ctx.input(1), "the begin input");
  const auto end = ctx.ConstantInts(ctx.input(2), "the end input");
  const auto strides = ctx.ConstantInts(ctx.input(3), "the strides input");
  const auto& options = ctx.options<tflite::StridedSliceOptionsT>();
  // TFLM reads begin_mask, end_mask and shrink_axis_mask only (ellipsis and
  // new-axis masks and `offset` are ignored there, so here too).
  ref::StridedSliceMasks masks;
  masks.begin_mask = options.begin_mask;
  masks.end_mask = options.end_mask;
  masks.shrink_axis_mask = options.shrink_axis_mask;
  const ref::StridedBox box =
      ctx.Located([&] { return ref::PrepareStridedSlice(in.shape, begin, end, strides, masks, out.shape); });
  return DispatchType<float, int8_t, int16_t, int32_t, bool>(
      ctx, in.type, "STRIDED_SLICE input", [&](auto zero) { return BoxEval<decltype(zero)>(in, out, box); });
}

}  // namespace tinyforge::interp::kernels
