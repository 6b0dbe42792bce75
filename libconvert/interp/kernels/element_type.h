// Type dispatch for the glue of the issue-4 kernels: calls body(T{}) for the
// C++ type T among Ts whose TensorType is `type`, or fails Prepare naming the
// operator and the type.
#pragma once

#include <string>

#include "libconvert/model/dtype.h"
#include "libconvert/interp/kernel.h"

namespace tinyforge::interp::kernels {

template <typename... Ts, typename Body>
EvalFn DispatchType(PrepareContext& ctx, tflite::TensorType type, const std::string& what, Body&& body) {
  EvalFn result;
  bool found = false;
  auto try_one = [&](auto zero) {
    using T = decltype(zero);
    if (!found && TensorTypeOf<T>() == type) {
      found = true;
      result = body(zero);
    }
  };
  (try_one(Ts{}), ...);
  if (!found) ctx.Fail(what + " of type " + TypeName(type) + " is not supported");
  return result;
}

// The element count of t as the pure kernels take it.
inline int64_t Count(const RuntimeTensor& t) { return t.shape.FlatSize(); }

}  // namespace tinyforge::interp::kernels
