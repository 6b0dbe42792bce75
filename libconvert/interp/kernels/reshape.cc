// RESHAPE, SQUEEZE and EXPAND_DIMS change only the shape; the output shape is
// the one the model declares (as in TFLM), and the bytes are copied.
#include <cstring>

#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/model/model.h"

namespace tinyforge::interp::kernels {

EvalFn PrepareReshape(PrepareContext& ctx) {
  ctx.RequireCounts(1, 2, 1);  // the optional second input is the new shape
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  ctx.RequireType(out, in.type, "output");
  ctx.Require(in.count() == out.count(), "input shape " + ShapeString(in.shape.dims()) + " and output shape " +
                                             ShapeString(out.shape.dims()) + " hold different element counts");
  const uint8_t* src = in.data;
  uint8_t* dst = out.data;
  const size_t bytes = out.bytes;
  return [src, dst, bytes] {
    if (src != dst) std::memmove(dst, src, bytes);
  };
}

}  // namespace tinyforge::interp::kernels
