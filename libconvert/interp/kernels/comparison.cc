// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL and SELECT_V2:
// glue between the model and ref/comparison, ref/select.
#include "libconvert/interp/ref/comparison.h"

#include "libconvert/interp/kernels/element_type.h"
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/ref/select.h"

namespace tinyforge::interp::kernels {
namespace {

EvalFn PrepareComparison(PrepareContext& ctx, ref::Comparison op) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& a = ctx.input(0);
  const RuntimeTensor& b = ctx.input(1);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(b, a.type, "input 1");
  ctx.RequireType(out, tflite::TensorType_BOOL, "output");
  const ref::BroadcastPlan plan = ctx.Located([&] { return ref::MakeBroadcastPlan(a.shape, b.shape, out.shape); });
  bool* z = out.Data<bool>();
  if (a.type == tflite::TensorType_INT8) {
    const ref::QuantizedComparisonParams params = ctx.Located(
        [&] { return ref::PrepareQuantizedComparison(a.scale, a.zero_point, b.scale, b.zero_point); });
    const int8_t* x = a.Data<int8_t>();
    const int8_t* y = b.Data<int8_t>();
    return [=] { ref::Compare(op, plan, params, x, y, z); };
  }
  return DispatchType<float, bool, int32_t, int64_t>(ctx, a.type, "comparison input", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    const T* x = a.Data<T>();
    const T* y = b.Data<T>();
    return [=] { ref::Compare(op, plan, x, y, z); };
  });
}

// TFLM compares bool inputs only for EQUAL and NOT_EQUAL.
EvalFn PrepareOrdering(PrepareContext& ctx, ref::Comparison op) {
  ctx.Require(ctx.num_inputs() < 1 || ctx.input(0).type != tflite::TensorType_BOOL,
              "bool inputs can only be compared for equality");
  return PrepareComparison(ctx, op);
}

}  // namespace

EvalFn PrepareEqual(PrepareContext& ctx) { return PrepareComparison(ctx, ref::Comparison::kEqual); }
EvalFn PrepareNotEqual(PrepareContext& ctx) { return PrepareComparison(ctx, ref::Comparison::kNotEqual); }
EvalFn PrepareLess(PrepareContext& ctx) { return PrepareOrdering(ctx, ref::Comparison::kLess); }
EvalFn PrepareLessEqual(PrepareContext& ctx) { return PrepareOrdering(ctx, ref::Comparison::kLessEqual); }
EvalFn PrepareGreater(PrepareContext& ctx) { return PrepareOrdering(ctx, ref::Comparison::kGreater); }
EvalFn PrepareGreaterEqual(PrepareContext& ctx) { return PrepareOrdering(ctx, ref::Comparison::kGreaterEqual); }

EvalFn PrepareSelectV2(PrepareContext& ctx) {
  ctx.RequireCounts(3, 3, 1);
  const RuntimeTensor& condition = ctx.input(0);
  const RuntimeTensor& x = ctx.input(1);
  const RuntimeTensor& y = ctx.input(2);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(condition, tflite::TensorType_BOOL, "the condition input");
  ctx.RequireType(y, x.type, "input 2");
  ctx.RequireType(out, x.type, "output");
  const ref::SelectParams params =
      ctx.Located([&] { return ref::PrepareSelect(condition.shape, x.shape, y.shape, out.shape); });
  return DispatchType<float, int8_t, int16_t>(ctx, x.type, "SELECT_V2 input", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    const bool* c = condition.Data<bool>();
    const T* xs = x.Data<T>();
    const T* ys = y.Data<T>();
    T* z = out.Data<T>();
    return [=] { ref::Select(params, c, xs, ys, z); };
  });
}

}  // namespace tinyforge::interp::kernels
