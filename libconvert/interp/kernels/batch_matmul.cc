// BATCH_MATMUL: glue between the model and ref/batch_matmul.
#include "libconvert/interp/ref/batch_matmul.h"

#include <type_traits>

#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/kernels/element_type.h"
#include "libconvert/interp/kernels/kernels.h"

namespace tinyforge::interp::kernels {

EvalFn PrepareBatchMatMul(PrepareContext& ctx) {
  ctx.RequireCounts(2, 2, 1);
  const RuntimeTensor& lhs = ctx.input(0);
  const RuntimeTensor& rhs = ctx.input(1);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(rhs, lhs.type, "input 1");
  ctx.RequireType(out, lhs.type, "output");
  const auto& options = ctx.options<tflite::BatchMatMulOptionsT>();
  const ref::BatchMatMulParams params = ctx.Located(
      [&] { return ref::PrepareBatchMatMul(lhs.shape, rhs.shape, options.adj_x, options.adj_y, out.shape); });
  switch (lhs.type) {
    case tflite::TensorType_FLOAT32: {
      const float* a = lhs.Data<float>();
      const float* b = rhs.Data<float>();
      float* c = out.Data<float>();
      if (ctx.allow_fast()) {
        if (EvalFn eval = fast::BatchMatMulFloat(params, a, b, c)) {
          ctx.NoteFastKernel();
          return eval;
        }
      }
      return [=] { ref::BatchMatMul(params, a, b, c); };
    }
    case tflite::TensorType_INT8:
    case tflite::TensorType_INT16: {
      for (const RuntimeTensor* t : {&lhs, &rhs, static_cast<const RuntimeTensor*>(&out)}) {
        ctx.Require(t->quantized(), "integer BATCH_MATMUL needs quantized operands");
      }
      const bool int8 = lhs.type == tflite::TensorType_INT8;
      const ref::QuantizedBatchMatMulParams quant = ctx.Located([&] {
        return int8 ? ref::PrepareQuantizedBatchMatMulInt8(lhs.scale, lhs.zero_point, rhs.scale, rhs.zero_point,
                                                            out.scale, out.zero_point)
                    : ref::PrepareQuantizedBatchMatMulInt16(lhs.scale, lhs.zero_point, rhs.scale, rhs.zero_point,
                                                             out.scale, out.zero_point);
      });
      return DispatchType<int8_t, int16_t>(ctx, lhs.type, "BATCH_MATMUL input", [&](auto zero) -> EvalFn {
        using T = decltype(zero);
        const T* a = lhs.Data<T>();
        const T* b = rhs.Data<T>();
        T* c = out.Data<T>();
        if constexpr (std::is_same_v<T, int8_t>) {
          if (ctx.allow_fast()) {
            if (EvalFn eval = fast::BatchMatMulInt8(params, quant, a, b, c)) {
              ctx.NoteFastKernel();
              return eval;
            }
          }
        }
        return [=] { ref::BatchMatMul(params, quant, a, b, c); };
      });
    }
    default:
      ctx.Fail("BATCH_MATMUL input of type " + TypeName(lhs.type) + " is not supported");
  }
}

}  // namespace tinyforge::interp::kernels
