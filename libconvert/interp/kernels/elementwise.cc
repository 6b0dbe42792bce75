// ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE with broadcasting:
// glue between the model and ref/elementwise.
#include "libconvert/interp/ref/elementwise.h"

#include <optional>

#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp::kernels {
namespace {

ref::ScaleZeroPoint Quant(const RuntimeTensor& t) { return {t.scale, t.zero_point}; }

// The checks every binary op shares; returns the broadcast plan.
ref::BroadcastPlan PrepareBinary(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& a = ctx.input(0);
  const RuntimeTensor& b = ctx.input(1);
  ctx.RequireType(b, a.type, "input 1");
  return ctx.Located([&] { return ref::MakeBroadcastPlan(a.shape, b.shape, ctx.output(0).shape); });
}

int FusedActivation(PrepareContext& ctx) {
  switch (ctx.model().OpCode(ctx.op())) {
    case tflite::BuiltinOperator_ADD: return ctx.options<tflite::AddOptionsT>().fused_activation_function;
    case tflite::BuiltinOperator_SUB: return ctx.options<tflite::SubOptionsT>().fused_activation_function;
    case tflite::BuiltinOperator_MUL: return ctx.options<tflite::MulOptionsT>().fused_activation_function;
    case tflite::BuiltinOperator_DIV: return ctx.options<tflite::DivOptionsT>().fused_activation_function;
    default: return tflite::ActivationFunctionType_NONE;
  }
}

// Add/Sub/Mul/Div: one Prepare per op, dispatching on the element type;
// float ones with a vector form (fast_float) take it when the context allows
// fast kernels and the inputs have the same shape.
template <typename FloatFn, typename Int32Fn, typename QuantFn>
EvalFn PrepareArithmetic(PrepareContext& ctx, FloatFn on_float, Int32Fn on_int32, QuantFn on_quant,
                         std::optional<fast::avx2::FloatBinaryOp> fast_float = {}) {
  const ref::BroadcastPlan plan = PrepareBinary(ctx);
  const RuntimeTensor& a = ctx.input(0);
  const RuntimeTensor& b = ctx.input(1);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, a.type, "output");
  const int act = FusedActivation(ctx);
  switch (a.type) {
    case tflite::TensorType_FLOAT32: {
      const ref::FloatRange range = ref::FloatActivationRange(act);
      const float *x = a.Data<float>(), *y = b.Data<float>();
      float* z = out.Data<float>();
      if (fast_float && ctx.allow_fast()) {
        if (EvalFn eval = fast::FloatBinary(plan, *fast_float, range, x, y, z, ctx.thread_pool())) {
          ctx.NoteFastKernel();
          return eval;
        }
      }
      return [=] { on_float(plan, range, x, y, z); };
    }
    case tflite::TensorType_INT32: {
      const int32_t *x = a.Data<int32_t>(), *y = b.Data<int32_t>();
      int32_t* z = out.Data<int32_t>();
      const ref::QuantizedRange range = ref::Int32ActivationRange(act);
      return [=] { on_int32(plan, range, x, y, z); };
    }
    default:
      return on_quant(ctx, plan, act);
  }
}

template <typename T, typename Params, typename Fn>
EvalFn QuantEval(PrepareContext& ctx, const ref::BroadcastPlan& plan, const Params& params, Fn fn) {
  const T* x = ctx.input(0).Data<T>();
  const T* y = ctx.input(1).Data<T>();
  T* z = ctx.output(0).Data<T>();
  return [=] { fn(plan, params, x, y, z); };
}

// An int8 operator, when the context allows fast kernels: `vectorized` (the
// operator's own fast kernel, if it has one for these params), else a table
// of the reference's results when the output is large enough; else the
// reference.
template <typename Params, typename Fn>
EvalFn Int8Eval(PrepareContext& ctx, const ref::BroadcastPlan& plan, const Params& params, Fn fn,
                EvalFn vectorized = {}) {
  if (ctx.allow_fast()) {
    if (vectorized) {
      ctx.NoteFastKernel();
      return vectorized;
    }
    const fast::Int8BinaryFn reference = [params, fn](const ref::BroadcastPlan& p, const int8_t* x, const int8_t* y,
                                                      int8_t* z) { fn(p, params, x, y, z); };
    if (EvalFn eval = fast::Int8BinaryByTable(plan, reference, ctx.input(0).Data<int8_t>(),
                                              ctx.input(1).Data<int8_t>(), ctx.output(0).Data<int8_t>())) {
      ctx.NoteFastKernel();
      return eval;
    }
  }
  return QuantEval<int8_t>(ctx, plan, params, fn);
}

EvalFn PrepareAddSub(PrepareContext& ctx, bool add) {
  return PrepareArithmetic(
      ctx,
      [add](const ref::BroadcastPlan& p, const ref::FloatRange& r, const float* x, const float* y, float* z) {
        add ? ref::Add(p, r, x, y, z) : ref::Sub(p, r, x, y, z);
      },
      [add](const ref::BroadcastPlan& p, const ref::QuantizedRange& r, const int32_t* x, const int32_t* y,
            int32_t* z) { add ? ref::Add(p, x, y, z) : ref::Sub(p, r, x, y, z); },
      [add](PrepareContext& c, const ref::BroadcastPlan& plan, int act) -> EvalFn {
        const auto q1 = Quant(c.input(0)), q2 = Quant(c.input(1)), qo = Quant(c.output(0));
        auto run = [add](const ref::BroadcastPlan& p, const ref::AddSubParams& params, auto x, auto y, auto z) {
          add ? ref::Add(p, params, x, y, z) : ref::Sub(p, params, x, y, z);
        };
        if (c.input(0).type == tflite::TensorType_INT8) {
          const auto params = c.Located([&] {
            return add ? ref::PrepareAddQuantized<int8_t>(q1, q2, qo, act) : ref::PrepareSubQuantized<int8_t>(q1, q2, qo, act);
          });
          return Int8Eval(c, plan, params, run,
                          fast::Int8AddSub(plan, params, !add, c.input(0).Data<int8_t>(), c.input(1).Data<int8_t>(),
                                           c.output(0).Data<int8_t>(), c.thread_pool()));
        }
        const auto params = c.Located([&] {
          return add ? ref::PrepareAddQuantized<int16_t>(q1, q2, qo, act) : ref::PrepareSubQuantized<int16_t>(q1, q2, qo, act);
        });
        return QuantEval<int16_t>(c, plan, params, run);
      },
      add ? fast::avx2::FloatBinaryOp::kAdd : fast::avx2::FloatBinaryOp::kSub);
}

}  // namespace

EvalFn PrepareAdd(PrepareContext& ctx) { return PrepareAddSub(ctx, true); }
EvalFn PrepareSub(PrepareContext& ctx) { return PrepareAddSub(ctx, false); }

EvalFn PrepareMul(PrepareContext& ctx) {
  return PrepareArithmetic(
      ctx,
      [](const ref::BroadcastPlan& p, const ref::FloatRange& r, const float* x, const float* y, float* z) {
        ref::Mul(p, r, x, y, z);
      },
      [](const ref::BroadcastPlan& p, const ref::QuantizedRange& r, const int32_t* x, const int32_t* y,
         int32_t* z) { ref::Mul(p, r, x, y, z); },
      [](PrepareContext& c, const ref::BroadcastPlan& plan, int act) -> EvalFn {
        const auto q1 = Quant(c.input(0)), q2 = Quant(c.input(1)), qo = Quant(c.output(0));
        auto run = [](const ref::BroadcastPlan& p, const ref::MulParams& params, auto x, auto y, auto z) {
          ref::Mul(p, params, x, y, z);
        };
        if (c.input(0).type == tflite::TensorType_INT8) {
          return Int8Eval(c, plan, c.Located([&] { return ref::PrepareMulQuantized<int8_t>(q1, q2, qo, act); }), run);
        }
        return QuantEval<int16_t>(c, plan, c.Located([&] { return ref::PrepareMulQuantized<int16_t>(q1, q2, qo, act); }), run);
      },
      fast::avx2::FloatBinaryOp::kMul);
}

EvalFn PrepareDiv(PrepareContext& ctx) {
  const ref::BroadcastPlan plan = PrepareBinary(ctx);
  const RuntimeTensor& a = ctx.input(0);
  ctx.RequireType(ctx.output(0), a.type, "output");
  if (a.type == tflite::TensorType_INT8) {
    const auto params = ctx.Located([&] {
      return ref::PrepareDivInt8(Quant(a), Quant(ctx.input(1)), Quant(ctx.output(0)), FusedActivation(ctx));
    });
    return QuantEval<int8_t>(ctx, plan, params, [](const ref::BroadcastPlan& p, const ref::DivParams& params,
                                                   const int8_t* x, const int8_t* y, int8_t* z) {
      ref::Div(p, params, x, y, z);
    });
  }
  ctx.RequireType(a, tflite::TensorType_FLOAT32, "input 0 (FLOAT32 or INT8)");
  const ref::FloatRange range = ref::FloatActivationRange(FusedActivation(ctx));
  const float *x = a.Data<float>(), *y = ctx.input(1).Data<float>();
  float* z = ctx.output(0).Data<float>();
  return [=] { ref::Div(plan, range, x, y, z); };
}

namespace {
template <typename T>
EvalFn MaxMinTyped(PrepareContext& ctx, const ref::BroadcastPlan& plan, bool maximum) {
  const T* x = ctx.input(0).Data<T>();
  const T* y = ctx.input(1).Data<T>();
  T* z = ctx.output(0).Data<T>();
  if (maximum) return [=] { ref::Maximum(plan, x, y, z); };
  return [=] { ref::Minimum(plan, x, y, z); };
}

EvalFn PrepareMaxMin(PrepareContext& ctx, bool maximum) {
  const ref::BroadcastPlan plan = PrepareBinary(ctx);
  const RuntimeTensor& a = ctx.input(0);
  ctx.RequireType(ctx.output(0), a.type, "output");
  switch (a.type) {
    case tflite::TensorType_FLOAT32: return MaxMinTyped<float>(ctx, plan, maximum);
    case tflite::TensorType_INT8: return MaxMinTyped<int8_t>(ctx, plan, maximum);
    case tflite::TensorType_INT16: return MaxMinTyped<int16_t>(ctx, plan, maximum);
    case tflite::TensorType_INT32: return MaxMinTyped<int32_t>(ctx, plan, maximum);
    default: return MaxMinTyped<int64_t>(ctx, plan, maximum);
  }
}
}  // namespace

EvalFn PrepareMaximum(PrepareContext& ctx) { return PrepareMaxMin(ctx, true); }
EvalFn PrepareMinimum(PrepareContext& ctx) { return PrepareMaxMin(ctx, false); }

EvalFn PrepareSquaredDifference(PrepareContext& ctx) {
  const ref::BroadcastPlan plan = PrepareBinary(ctx);
  const RuntimeTensor& a = ctx.input(0);
  ctx.RequireType(ctx.output(0), a.type, "output");
  auto run = [](const ref::BroadcastPlan& p, const ref::SquaredDifferenceParams& params, auto x, auto y, auto z) {
    ref::SquaredDifference(p, params, x, y, z);
  };
  switch (a.type) {
    case tflite::TensorType_FLOAT32: {
      const float *x = a.Data<float>(), *y = ctx.input(1).Data<float>();
      float* z = ctx.output(0).Data<float>();
      return [=] { ref::SquaredDifference(plan, x, y, z); };
    }
    case tflite::TensorType_INT32: {
      const int32_t *x = a.Data<int32_t>(), *y = ctx.input(1).Data<int32_t>();
      int32_t* z = ctx.output(0).Data<int32_t>();
      return [=] { ref::SquaredDifference(plan, x, y, z); };
    }
    case tflite::TensorType_INT8:
      return Int8Eval(ctx, plan, ctx.Located([&] {
        return ref::PrepareSquaredDifferenceQuantized<int8_t>(Quant(a), Quant(ctx.input(1)), Quant(ctx.output(0)));
      }), run);
    default:
      return QuantEval<int16_t>(ctx, plan, ctx.Located([&] {
        return ref::PrepareSquaredDifferenceQuantized<int16_t>(Quant(a), Quant(ctx.input(1)), Quant(ctx.output(0)));
      }), run);
  }
}

}  // namespace tinyforge::interp::kernels
