// PRELU: glue between the model and ref/prelu. Inputs: 0 data, 1 alpha
// (broadcast against the data; TFLM's kernel handles up to 4-D). Float32;
// int8 data with int8 alpha; int16 data with int8 alpha.
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/ref/prelu.h"
#include "libconvert/model/dtype.h"

namespace tinyforge::interp::kernels {

EvalFn PreparePrelu(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& alpha = ctx.input(1);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  for (const RuntimeTensor* t : {&in, &alpha, static_cast<const RuntimeTensor*>(&out)}) {
    ctx.Require(t->shape.rank() <= 4, "tensor " + ref::ShapeToString(t->shape) +
                                          " has more than 4 dimensions (TFLM's PRELU supports up to 4)");
  }
  const ref::BroadcastPlan plan = ctx.Located([&] { return ref::MakeBroadcastPlan(in.shape, alpha.shape, out.shape); });
  if (in.type == tflite::TensorType_FLOAT32) {
    ctx.RequireType(alpha, tflite::TensorType_FLOAT32, "alpha");
    const float *x = in.Data<float>(), *a = alpha.Data<float>();
    float* y = out.Data<float>();
    return [=] { ref::PreluFloat(plan, x, a, y); };
  }
  ctx.Require(in.type == tflite::TensorType_INT8 || in.type == tflite::TensorType_INT16,
              "input type " + TypeName(in.type) + " is not supported (FLOAT32, INT8 or INT16)");
  ctx.RequireType(alpha, tflite::TensorType_INT8, "alpha");
  for (const RuntimeTensor* t : {&in, &alpha, static_cast<const RuntimeTensor*>(&out)}) {
    ctx.Require(t->quantized(), "the quantized operands need quantization parameters");
  }
  const auto params = ctx.Located([&] {
    return ref::PreparePreluQuantized(in.scale, in.zero_point, alpha.scale, alpha.zero_point, out.scale,
                                      out.zero_point);
  });
  const int8_t* a = alpha.Data<int8_t>();
  if (in.type == tflite::TensorType_INT8) {
    const int8_t* x = in.Data<int8_t>();
    int8_t* y = out.Data<int8_t>();
    return [=] { ref::PreluInt8(plan, params, x, a, y); };
  }
  const int16_t* x = in.Data<int16_t>();
  int16_t* y = out.Data<int16_t>();
  return [=] { ref::PreluInt16(plan, params, x, a, y); };
}

}  // namespace tinyforge::interp::kernels
