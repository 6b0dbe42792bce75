// SOFTMAX, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH, QUANTIZE and
// DEQUANTIZE: one input, one output of the same shape. Glue between the
// model and ref/softmax, ref/activations and ref/quantize.
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/ref/activations.h"
#include "libconvert/interp/ref/quantize.h"
#include "libconvert/interp/ref/softmax.h"

namespace tinyforge::interp::kernels {
namespace {

// Checks the element counts and returns Eval calling fn(params, shape, in, out).
template <typename In, typename Out, typename Params, typename Fn>
EvalFn Unary(PrepareContext& ctx, const Params& params, Fn fn) {
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  ctx.Require(in.count() == out.count(), "input " + ShapeString(in.shape.dims()) + " and output " +
                                             ShapeString(out.shape.dims()) + " differ in size");
  const ref::Shape shape = in.shape;
  const In* x = in.Data<In>();
  Out* y = out.Data<Out>();
  return [=] { fn(params, shape, x, y); };
}

// The same for kernels without parameters.
template <typename T, typename Fn>
EvalFn UnaryPlain(PrepareContext& ctx, Fn fn) {
  return Unary<T, T>(ctx, 0, [fn](int, const ref::Shape& s, const T* x, T* y) { fn(s, x, y); });
}

const RuntimeTensor& CheckedUnary(PrepareContext& ctx, bool same_type = true) {
  ctx.RequireCounts(1, 1, 1);
  if (same_type) ctx.RequireType(ctx.output(0), ctx.input(0).type, "output");
  return ctx.input(0);
}

}  // namespace

EvalFn PrepareSoftmax(PrepareContext& ctx) {
  const RuntimeTensor& in = CheckedUnary(ctx, false);
  const RuntimeTensor& out = ctx.output(0);
  const float beta = ctx.options<tflite::SoftmaxOptionsT>().beta;
  if (in.type == tflite::TensorType_FLOAT32) {
    ctx.RequireType(out, tflite::TensorType_FLOAT32, "output");
    return Unary<float, float>(ctx, ref::PrepareSoftmaxFloat(beta), ref::SoftmaxFloat);
  }
  if (in.type == tflite::TensorType_INT8 && out.type == tflite::TensorType_INT16) {
    const auto params = ctx.Located([&] { return ref::PrepareSoftmaxInt8ToInt16(beta, in.scale, out.scale, out.zero_point); });
    return Unary<int8_t, int16_t>(ctx, params, ref::SoftmaxInt8ToInt16);
  }
  if (in.type == tflite::TensorType_INT8) {
    ctx.RequireType(out, tflite::TensorType_INT8, "output");
    const auto params = ctx.Located([&] { return ref::PrepareSoftmaxInt8(beta, in.scale, out.scale, out.zero_point); });
    return Unary<int8_t, int8_t>(ctx, params, ref::SoftmaxInt8);
  }
  ctx.RequireType(out, tflite::TensorType_INT16, "output");
  const auto params = ctx.Located(
      [&] { return ref::PrepareSoftmaxInt16(beta, in.scale, in.zero_point, out.scale, out.zero_point); });
  return Unary<int16_t, int16_t>(ctx, params, ref::SoftmaxInt16);
}

EvalFn PrepareLogistic(PrepareContext& ctx) {
  const RuntimeTensor& in = CheckedUnary(ctx);
  const RuntimeTensor& out = ctx.output(0);
  switch (in.type) {
    case tflite::TensorType_FLOAT32: return UnaryPlain<float>(ctx, ref::LogisticFloat);
    case tflite::TensorType_INT8:
      return Unary<int8_t, int8_t>(ctx, ctx.Located([&] {
        return ref::PrepareLogisticInt8(in.scale, in.zero_point, out.scale, out.zero_point);
      }), ref::LogisticInt8);
    default:
      return Unary<int16_t, int16_t>(ctx, ctx.Located([&] {
        return ref::PrepareLogisticInt16(in.scale, in.zero_point, out.scale, out.zero_point);
      }), ref::LogisticInt16);
  }
}

EvalFn PrepareTanh(PrepareContext& ctx) {
  const RuntimeTensor& in = CheckedUnary(ctx);
  const RuntimeTensor& out = ctx.output(0);
  switch (in.type) {
    case tflite::TensorType_FLOAT32: return UnaryPlain<float>(ctx, ref::TanhFloat);
    case tflite::TensorType_INT8:
      return Unary<int8_t, int8_t>(ctx, ctx.Located([&] {
        return ref::PrepareTanhInt8(in.scale, in.zero_point, out.scale, out.zero_point);
      }), ref::TanhInt8);
    default:
      return Unary<int16_t, int16_t>(ctx, ctx.Located([&] {
        return ref::PrepareTanhInt16(in.scale, in.zero_point, out.scale, out.zero_point);
      }), ref::TanhInt16);
  }
}

EvalFn PrepareRelu(PrepareContext& ctx) {
  const RuntimeTensor& in = CheckedUnary(ctx);
  const RuntimeTensor& out = ctx.output(0);
  switch (in.type) {
    case tflite::TensorType_FLOAT32: return UnaryPlain<float>(ctx, ref::ReluFloat);
    case tflite::TensorType_INT8:
      return Unary<int8_t, int8_t>(ctx, ctx.Located([&] {
        return ref::PrepareReluInt8(in.scale, in.zero_point, out.scale, out.zero_point);
      }), ref::ReluInt8);
    default:
      return Unary<int16_t, int16_t>(ctx, ctx.Located([&] {
        return ref::PrepareReluInt16(in.scale, in.zero_point, out.scale, out.zero_point);
      }), ref::ReluInt16);
  }
}

EvalFn PrepareRelu6(PrepareContext& ctx) {
  const RuntimeTensor& in = CheckedUnary(ctx);
  switch (in.type) {
    case tflite::TensorType_FLOAT32: return UnaryPlain<float>(ctx, ref::Relu6Float);
    case tflite::TensorType_INT8:
      return Unary<int8_t, int8_t>(ctx, ctx.Located([&] { return ref::PrepareRelu6Int8(in.scale, in.zero_point); }),
                                   ref::Relu6Int8);
    default:
      return Unary<int16_t, int16_t>(ctx, ctx.Located([&] { return ref::PrepareRelu6Int16(in.scale, in.zero_point); }),
                                     ref::Relu6Int16);
  }
}

EvalFn PrepareLeakyRelu(PrepareContext& ctx) {
  const RuntimeTensor& in = CheckedUnary(ctx);
  const RuntimeTensor& out = ctx.output(0);
  const float alpha = ctx.options<tflite::LeakyReluOptionsT>().alpha;
  switch (in.type) {
    case tflite::TensorType_FLOAT32:
      return Unary<float, float>(ctx, ref::PrepareLeakyReluFloat(alpha), ref::LeakyReluFloat);
    case tflite::TensorType_INT8:
      return Unary<int8_t, int8_t>(ctx, ctx.Located([&] {
        return ref::PrepareLeakyReluInt8(alpha, in.scale, in.zero_point, out.scale, out.zero_point);
      }), ref::LeakyReluInt8);
    default:
      return Unary<int16_t, int16_t>(ctx, ctx.Located([&] {
        return ref::PrepareLeakyReluInt16(alpha, in.scale, in.zero_point, out.scale, out.zero_point);
      }), ref::LeakyReluInt16);
  }
}

EvalFn PrepareHardSwish(PrepareContext& ctx) {
  const RuntimeTensor& in = CheckedUnary(ctx);
  const RuntimeTensor& out = ctx.output(0);
  if (in.type == tflite::TensorType_FLOAT32) return UnaryPlain<float>(ctx, ref::HardSwishFloat);
  return Unary<int8_t, int8_t>(ctx, ctx.Located([&] {
    return ref::PrepareHardSwishInt8(in.scale, in.zero_point, out.scale, out.zero_point);
  }), ref::HardSwishInt8);
}

EvalFn PrepareQuantize(PrepareContext& ctx) {
  const RuntimeTensor& in = CheckedUnary(ctx, false);
  const RuntimeTensor& out = ctx.output(0);
  using T = tflite::TensorType;
  if (in.type == T::TensorType_FLOAT32) {
    const auto params = ctx.Located([&] { return ref::PrepareQuantizeFromFloat(out.scale, out.zero_point); });
    if (out.type == T::TensorType_INT8) return Unary<float, int8_t>(ctx, params, ref::QuantizeFloatToInt8);
    if (out.type == T::TensorType_INT16) return Unary<float, int16_t>(ctx, params, ref::QuantizeFloatToInt16);
    ctx.Fail("QUANTIZE from FLOAT32 to " + TypeName(out.type) + " is not supported (INT8 or INT16)");
  }
  const auto params =
      ctx.Located([&] { return ref::PrepareRequantize(in.scale, in.zero_point, out.scale, out.zero_point); });
  auto pair = [&](T from, T to) { return in.type == from && out.type == to; };
  if (pair(T::TensorType_INT8, T::TensorType_INT8)) return Unary<int8_t, int8_t>(ctx, params, ref::Requantize<int8_t, int8_t>);
  if (pair(T::TensorType_INT8, T::TensorType_UINT8)) return Unary<int8_t, uint8_t>(ctx, params, ref::Requantize<int8_t, uint8_t>);
  if (pair(T::TensorType_INT8, T::TensorType_INT16)) return Unary<int8_t, int16_t>(ctx, params, ref::Requantize<int8_t, int16_t>);
  if (pair(T::TensorType_INT8, T::TensorType_INT32)) return Unary<int8_t, int32_t>(ctx, params, ref::Requantize<int8_t, int32_t>);
  if (pair(T::TensorType_UINT8, T::TensorType_INT8)) return Unary<uint8_t, int8_t>(ctx, params, ref::Requantize<uint8_t, int8_t>);
  if (pair(T::TensorType_INT16, T::TensorType_INT8)) return Unary<int16_t, int8_t>(ctx, params, ref::Requantize<int16_t, int8_t>);
  if (pair(T::TensorType_INT16, T::TensorType_INT16)) return Unary<int16_t, int16_t>(ctx, params, ref::Requantize<int16_t, int16_t>);
  if (pair(T::TensorType_INT16, T::TensorType_INT32)) return Unary<int16_t, int32_t>(ctx, params, ref::Requantize<int16_t, int32_t>);
  if (pair(T::TensorType_INT32, T::TensorType_INT8)) return Unary<int32_t, int8_t>(ctx, params, ref::Requantize<int32_t, int8_t>);
  if (pair(T::TensorType_INT32, T::TensorType_INT16)) return Unary<int32_t, int16_t>(ctx, params, ref::Requantize<int32_t, int16_t>);
  ctx.Fail("QUANTIZE from " + TypeName(in.type) + " to " + TypeName(out.type) + " has no TFLM kernel");
}

EvalFn PrepareDequantize(PrepareContext& ctx) {
  const RuntimeTensor& in = CheckedUnary(ctx, false);
  ctx.RequireType(ctx.output(0), tflite::TensorType_FLOAT32, "output");
  // TFLM fills a tensor's legacy per-tensor params from the first scale and
  // zero point, so its DEQUANTIZE applies channel 0's scale to a per-channel
  // tensor too (mnist_quantized's golden shows it). RuntimeTensor::scale is
  // that same first entry, which reproduces TFLM's bits.
  const auto params = ctx.Located([&] { return ref::PrepareDequantize(in.scale, in.zero_point); });
  auto run = [](const ref::DequantizeParams& p, const ref::Shape& s, auto x, float* y) { ref::Dequantize(p, s, x, y); };
  switch (in.type) {
    case tflite::TensorType_INT8: return Unary<int8_t, float>(ctx, params, run);
    case tflite::TensorType_INT16: return Unary<int16_t, float>(ctx, params, run);
    default: return Unary<uint8_t, float>(ctx, params, run);
  }
}

}  // namespace tinyforge::interp::kernels
