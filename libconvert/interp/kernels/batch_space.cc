// BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND (float32, int8): glue between the
// model and ref/batch_space. Inputs: 0 data, 1 block shape, 2 crops
// (BATCH_TO_SPACE_ND) or paddings (SPACE_TO_BATCH_ND), both constant int32.
// Elements move without rescaling (as in TFLM, the output's quantization is
// not read).
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/ref/batch_space.h"

namespace tinyforge::interp::kernels {
namespace {

using PrepareParams = ref::BatchSpaceParams (*)(const ref::Shape&, const std::vector<int64_t>&,
                                                const std::vector<int64_t>&, const ref::Shape&);
using Move = void (*)(const ref::BatchSpaceParams&, size_t, const void*, void*);

EvalFn PrepareBatchSpace(PrepareContext& ctx, const char* edges_name, PrepareParams prepare, Move move) {
  ctx.RequireCounts(3, 3, 1);
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  ctx.Require(in.type == tflite::TensorType_FLOAT32 || in.type == tflite::TensorType_INT8,
              "input type must be FLOAT32 or INT8 (TFLM's kernel supports nothing else)");
  for (size_t i = 1; i <= 2; ++i) ctx.RequireType(ctx.input(i), tflite::TensorType_INT32, "input " + std::to_string(i));
  const std::vector<int64_t> block = ctx.ConstantInts(ctx.input(1), "the block shape (input 1)");
  const std::vector<int64_t> edges = ctx.ConstantInts(ctx.input(2), std::string("the ") + edges_name + " (input 2)");
  const ref::BatchSpaceParams params = ctx.Located([&] { return prepare(in.shape, block, edges, out.shape); });
  const size_t element_size = in.type == tflite::TensorType_FLOAT32 ? sizeof(float) : sizeof(int8_t);
  const void* x = in.data;
  void* y = out.data;
  return [=] { move(params, element_size, x, y); };
}

}  // namespace

EvalFn PrepareBatchToSpaceNd(PrepareContext& ctx) {
  return PrepareBatchSpace(ctx, "crops", ref::PrepareBatchToSpaceNd, ref::BatchToSpaceNd);
}

EvalFn PrepareSpaceToBatchNd(PrepareContext& ctx) {
  return PrepareBatchSpace(ctx, "paddings", ref::PrepareSpaceToBatchNd, ref::SpaceToBatchNd);
}

}  // namespace tinyforge::interp::kernels
