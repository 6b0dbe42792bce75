// Operators that move elements without arithmetic: PAD, PADV2, MIRROR_PAD,
// TRANSPOSE, CONCATENATION. Glue between the model and ref/pad, ref/transpose
// and ref/concatenation.
#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/ref/concatenation.h"
#include "libconvert/interp/ref/pad.h"
#include "libconvert/interp/ref/transpose.h"

namespace tinyforge::interp::kernels {
namespace {

std::vector<int32_t> ToInt32(const std::vector<int64_t>& v) { return {v.begin(), v.end()}; }

// Calls body.template operator()<T>() for the element type of `type`.
template <typename Body>
EvalFn DispatchElementType(PrepareContext& ctx, tflite::TensorType type, Body&& body) {
  switch (type) {
    case tflite::TensorType_FLOAT32: return body(float{});
    case tflite::TensorType_INT8: return body(int8_t{});
    case tflite::TensorType_UINT8: return body(uint8_t{});
    case tflite::TensorType_INT16: return body(int16_t{});
    case tflite::TensorType_INT32: return body(int32_t{});
    case tflite::TensorType_INT64: return body(int64_t{});
    case tflite::TensorType_BOOL: return body(bool{});
    default: ctx.Fail("unsupported element type");
  }
}

}  // namespace

EvalFn PreparePad(PrepareContext& ctx) {
  ctx.RequireCounts(2, 3, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  const auto paddings = ToInt32(ctx.ConstantInts(ctx.input(1), "the paddings input"));
  const ref::PadParams params = ctx.Located([&] { return ref::PreparePad(in.shape, paddings, out.shape); });
  const RuntimeTensor* constant = ctx.optional_input(2);  // PADV2's pad value
  if (constant) {
    ctx.RequireType(*constant, in.type, "the constant value input");
    ctx.Require(constant->count() == 1, "the constant value input must hold one element");
    if (in.type == tflite::TensorType_INT8) {
      ctx.Located([&] {
        ref::CheckInt8PadConstantQuantization(constant->scale, constant->zero_point, out.scale, out.zero_point);
        return 0;
      });
    }
  }
  return DispatchElementType(ctx, in.type, [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, int8_t> || std::is_same_v<T, int16_t> ||
                  std::is_same_v<T, int32_t>) {
      T pad_value{};
      if (std::is_same_v<T, int8_t>) pad_value = static_cast<T>(ref::Int8DefaultPadValue(out.zero_point));
      if (std::is_same_v<T, int16_t>) pad_value = static_cast<T>(out.zero_point);
      const T* pad_source = constant ? constant->Data<T>() : nullptr;
      const T* x = in.Data<T>();
      T* y = out.Data<T>();
      return [=] { ref::Pad(params, x, pad_source ? *pad_source : pad_value, y); };
    }
    ctx.Fail("PAD has no kernel for this element type");
  });
}

EvalFn PrepareMirrorPad(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  const auto paddings = ctx.ConstantInts(ctx.input(1), "the paddings input");
  const auto mode = ctx.options<tflite::MirrorPadOptionsT>().mode == tflite::MirrorPadMode_SYMMETRIC
                        ? ref::MirrorPadMode::kSymmetric
                        : ref::MirrorPadMode::kReflect;
  const ref::MirrorPadParams params =
      ctx.Located([&] { return ref::PrepareMirrorPad(in.shape, paddings, mode, out.shape); });
  return DispatchElementType(ctx, in.type, [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, int8_t>) {
      const T* x = in.Data<T>();
      T* y = out.Data<T>();
      return [=] { ref::MirrorPad(params, x, y); };
    }
    ctx.Fail("MIRROR_PAD has no kernel for this element type");
  });
}

EvalFn PrepareTranspose(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  const auto perm = ToInt32(ctx.ConstantInts(ctx.input(1), "the permutation input"));
  const ref::TransposeParams params = ctx.Located([&] { return ref::PrepareTranspose(in.shape, perm, out.shape); });
  return DispatchElementType(ctx, in.type, [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    const T* x = in.Data<T>();
    T* y = out.Data<T>();
    if (ctx.allow_fast()) {
      if (EvalFn fast = fast::Transpose(params, static_cast<int>(sizeof(T)), x, y)) {
        ctx.NoteFastKernel();
        return fast;
      }
    }
    return [=] { ref::Transpose(params, x, y); };
  });
}

EvalFn PrepareConcatenation(PrepareContext& ctx) {
  ctx.Require(ctx.num_inputs() >= 1 && ctx.num_outputs() == 1, "needs at least one input and one output");
  const auto& options = ctx.options<tflite::ConcatenationOptionsT>();
  ctx.Require(options.fused_activation_function == tflite::ActivationFunctionType_NONE,
              "a fused activation on CONCATENATION is not supported (TFLM rejects it too)");
  RuntimeTensor& out = ctx.output(0);
  std::vector<ref::Shape> shapes;
  std::vector<const RuntimeTensor*> inputs;
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const RuntimeTensor& t = ctx.input(i);
    ctx.RequireType(t, out.type, "input " + std::to_string(i));
    shapes.push_back(t.shape);
    inputs.push_back(&t);
    scales.push_back(t.scale);
    zero_points.push_back(t.zero_point);
  }
  const ref::ConcatenationParams params =
      ctx.Located([&] { return ref::PrepareConcatenation(shapes, options.axis, out.shape); });
  if (out.type == tflite::TensorType_INT8) {
    ctx.Located([&] {
      ref::CheckConcatenationInt8Quantization(scales, zero_points, out.scale, out.zero_point);
      return 0;
    });
  } else if (out.type == tflite::TensorType_INT16) {
    ctx.Located([&] {
      ref::CheckConcatenationInt16Quantization(zero_points, out.zero_point);
      return 0;
    });
  }
  return DispatchElementType(ctx, out.type, [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    std::vector<const T*> pointers;
    for (const RuntimeTensor* t : inputs) pointers.push_back(t->Data<T>());
    T* y = out.Data<T>();
    return [=] { ref::Concatenation(params, pointers.data(), y); };
  });
}

}  // namespace tinyforge::interp::kernels
