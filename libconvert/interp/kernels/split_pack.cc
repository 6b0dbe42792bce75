// SPLIT, SPLIT_V, UNPACK and PACK: glue between the model and
// ref/split_pack.
#include "libconvert/interp/ref/split_pack.h"

#include "libconvert/interp/kernels/element_type.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp::kernels {
namespace {

// One input split into every output of the operator.
template <typename... Ts>
EvalFn SplitEval(PrepareContext& ctx, const RuntimeTensor& in, const ref::AxisParts& parts, const char* op) {
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    ctx.RequireType(ctx.output(i), in.type, "output " + std::to_string(i));
  }
  return DispatchType<Ts...>(ctx, in.type, std::string(op) + " input", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    std::vector<T*> outputs;
    for (size_t i = 0; i < ctx.num_outputs(); ++i) outputs.push_back(ctx.output(i).Data<T>());
    const T* x = in.Data<T>();
    return [=] { ref::SplitParts(parts, x, outputs.data()); };
  });
}

std::vector<ref::Shape> OutputShapes(PrepareContext& ctx) {
  std::vector<ref::Shape> shapes;
  for (size_t i = 0; i < ctx.num_outputs(); ++i) shapes.push_back(ctx.output(i).shape);
  return shapes;
}

int ConstantAxis(PrepareContext& ctx, const RuntimeTensor& t) {
  const auto values = ctx.ConstantInts(t, "the axis input");
  ctx.Require(values.size() == 1, "the axis input must hold one value");
  return static_cast<int>(values[0]);
}

}  // namespace

EvalFn PrepareSplit(PrepareContext& ctx) {
  ctx.Require(ctx.num_inputs() == 2 && ctx.num_outputs() >= 1, "needs 2 inputs and at least one output");
  const int axis = ConstantAxis(ctx, ctx.input(0));  // input 0 is the axis
  const RuntimeTensor& in = ctx.input(1);
  const ref::AxisParts parts = ctx.Located([&] { return ref::PrepareSplit(in.shape, axis, OutputShapes(ctx)); });
  return SplitEval<float, int8_t, int16_t, int32_t>(ctx, in, parts, "SPLIT");
}

EvalFn PrepareSplitV(PrepareContext& ctx) {
  ctx.Require(ctx.num_inputs() == 3 && ctx.num_outputs() >= 1, "needs 3 inputs and at least one output");
  const RuntimeTensor& in = ctx.input(0);
  const int axis = ConstantAxis(ctx, ctx.input(2));
  // The outputs' shapes carry the split sizes (a -1 in size_splits was
  // resolved when the model was converted).
  const ref::AxisParts parts = ctx.Located([&] { return ref::PrepareSplit(in.shape, axis, OutputShapes(ctx)); });
  return SplitEval<float, int8_t, int16_t, int32_t>(ctx, in, parts, "SPLIT_V");
}

EvalFn PrepareUnpack(PrepareContext& ctx) {
  ctx.Require(ctx.num_inputs() == 1 && ctx.num_outputs() >= 1, "needs 1 input and at least one output");
  const RuntimeTensor& in = ctx.input(0);
  const auto& options = ctx.options<tflite::UnpackOptionsT>();
  ctx.Require(options.num == static_cast<int>(ctx.num_outputs()), "the num option differs from the output count");
  const ref::AxisParts parts =
      ctx.Located([&] { return ref::PrepareUnpack(in.shape, options.axis, OutputShapes(ctx)); });
  return SplitEval<float, int8_t, int16_t, int32_t>(ctx, in, parts, "UNPACK");
}

EvalFn PreparePack(PrepareContext& ctx) {
  ctx.Require(ctx.num_inputs() >= 1 && ctx.num_outputs() == 1, "needs at least one input and one output");
  RuntimeTensor& out = ctx.output(0);
  const auto& options = ctx.options<tflite::PackOptionsT>();
  ctx.Require(options.values_count == static_cast<int>(ctx.num_inputs()),
              "the values_count option differs from the input count");
  std::vector<ref::Shape> shapes;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    ctx.RequireType(ctx.input(i), out.type, "input " + std::to_string(i));
    shapes.push_back(ctx.input(i).shape);
  }
  const ref::AxisParts parts = ctx.Located([&] { return ref::PreparePack(shapes, options.axis, out.shape); });
  return DispatchType<float, int8_t, int16_t, int32_t, int64_t>(ctx, out.type, "PACK output", [&](auto zero) -> EvalFn {
    using T = decltype(zero);
    std::vector<const T*> inputs;
    for (size_t i = 0; i < ctx.num_inputs(); ++i) inputs.push_back(ctx.input(i).Data<T>());
    T* y = out.Data<T>();
    return [=] { ref::JoinParts(parts, inputs.data(), y); };
  });
}

}  // namespace tinyforge::interp::kernels
