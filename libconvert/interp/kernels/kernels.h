// Prepare functions of every kernel, one per (operator, input type family).
// kernel_table.cc maps (op, type) to these; nothing registers itself.
#pragma once

#include "libconvert/interp/kernel.h"

namespace tinyforge::interp::kernels {

// reshape.cc: RESHAPE, SQUEEZE, EXPAND_DIMS (a byte copy; shapes come from
// the model).
EvalFn PrepareReshape(PrepareContext& ctx);

}  // namespace tinyforge::interp::kernels
