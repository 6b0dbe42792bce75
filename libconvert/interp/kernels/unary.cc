// SQRT, RSQRT, ABS, NEG, EXP, LOG, GELU and CAST: glue between the model and
// ref/unary.
#include "libconvert/interp/ref/unary.h"

#include "libconvert/interp/kernels/element_type.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp::kernels {
namespace {

using FloatUnary = void (*)(int64_t, const float*, float*);

// Shape and type checks shared by the unary operators.
void RequireUnary(PrepareContext& ctx) {
  ctx.RequireCounts(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  ctx.Require(in.shape == out.shape, "input and output shapes differ");
}

EvalFn FloatEval(PrepareContext& ctx, FloatUnary fn, const char* op) {
  RequireUnary(ctx);
  ctx.RequireType(ctx.input(0), tflite::TensorType_FLOAT32, std::string(op) + " input");
  const int64_t n = Count(ctx.input(0));
  const float* x = ctx.input(0).Data<float>();
  float* y = ctx.output(0).Data<float>();
  return [=] { fn(n, x, y); };
}

// int8 / int16 quantization of one tensor, required by the quantized kernels.
void RequireQuantized(PrepareContext& ctx, const RuntimeTensor& t, const char* role) {
  ctx.Require(t.quantized(), std::string(role) + " must be quantized");
}

}  // namespace

EvalFn PrepareSqrt(PrepareContext& ctx) { return FloatEval(ctx, ref::Sqrt, "SQRT"); }
EvalFn PrepareNeg(PrepareContext& ctx) { return FloatEval(ctx, ref::Neg, "NEG"); }
EvalFn PrepareExp(PrepareContext& ctx) { return FloatEval(ctx, ref::Exp, "EXP"); }
EvalFn PrepareLog(PrepareContext& ctx) { return FloatEval(ctx, ref::Log, "LOG"); }

EvalFn PrepareGelu(PrepareContext& ctx) {
  RequireUnary(ctx);
  ctx.RequireType(ctx.input(0), tflite::TensorType_FLOAT32, "GELU input");
  const bool approximate = ctx.options<tflite::GeluOptionsT>().approximate;
  const int64_t n = Count(ctx.input(0));
  const float* x = ctx.input(0).Data<float>();
  float* y = ctx.output(0).Data<float>();
  return [=] { ref::Gelu(n, approximate, x, y); };
}

EvalFn PrepareRsqrt(PrepareContext& ctx) {
  RequireUnary(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (in.type == tflite::TensorType_FLOAT32) return FloatEval(ctx, ref::Rsqrt, "RSQRT");
  ctx.RequireType(in, tflite::TensorType_INT8, "RSQRT input");
  RequireQuantized(ctx, in, "the input");
  RequireQuantized(ctx, out, "the output");
  const ref::QuantizedRsqrtParams params =
      ref::PrepareQuantizedRsqrt(in.scale, in.zero_point, out.scale, out.zero_point);
  const int64_t n = Count(in);
  const int8_t* x = in.Data<int8_t>();
  int8_t* y = out.Data<int8_t>();
  return [=] { ref::Rsqrt(params, n, x, y); };
}

EvalFn PrepareAbs(PrepareContext& ctx) {
  RequireUnary(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  const int64_t n = Count(in);
  if (in.type == tflite::TensorType_FLOAT32) return FloatEval(ctx, ref::Abs, "ABS");
  if (in.type == tflite::TensorType_INT16 && !in.quantized()) {
    const int16_t* x = in.Data<int16_t>();
    int16_t* y = out.Data<int16_t>();
    return [=] { ref::Abs(n, x, y); };
  }
  RequireQuantized(ctx, in, "the input");
  RequireQuantized(ctx, out, "the output");
  if (in.type == tflite::TensorType_INT16) {
    ctx.Require(in.zero_point == 0 && out.zero_point == 0, "int16 ABS needs zero points of 0");
  }
  const ref::QuantizedAbsParams params = ref::PrepareQuantizedAbs(in.scale, in.zero_point, out.scale, out.zero_point);
  return DispatchType<int8_t, int16_t>(ctx, in.type, "ABS input", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    const T* x = in.Data<T>();
    T* y = out.Data<T>();
    return [=] { ref::Abs(params, n, x, y); };
  });
}

EvalFn PrepareCast(PrepareContext& ctx) {
  ctx.RequireCounts(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.Require(in.shape.FlatSize() == out.shape.FlatSize(), "input and output sizes differ");
  const int64_t n = Count(in);
  return DispatchType<int8_t, int16_t, int32_t, uint32_t, float, bool>(
      ctx, in.type, "CAST input", [&](auto from_zero) -> EvalFn {
        using From = decltype(from_zero);
        return DispatchType<int8_t, int16_t, int32_t, uint32_t, float>(
            ctx, out.type, "CAST output", [&](auto to_zero) -> EvalFn {
              using To = decltype(to_zero);
              const From* x = in.Data<From>();
              To* y = out.Data<To>();
              return [=] { ref::Cast(n, x, y); };
            });
      });
}

}  // namespace tinyforge::interp::kernels
