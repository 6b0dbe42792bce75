// The work one inference takes, counted from shapes and options before
// anything runs, and checked against the work budget (base/work_budget.h)
// at the end of Interpreter::Prepare.
//
// An operator's count bounds what its kernels do, to a small factor:
//   every element of every operand times the operand's rank (read or
//   written once, an index step per dimension), plus
//   its multiply-accumulates (model/op_macs.h), plus, for the pools,
//   outputs * window (the window clipped to the input, as the kernels clip it).
// The kernels keep to it: a loop whose trip count comes from options or
// from the number of operands rather than from sizes is bounded in the
// kernel itself (SPLIT skips empty parts, the fast convs fall back to the
// reference when their padded copy would dwarf the input).
// Operators whose work is linear in their operands are bounded by the memory
// budget alone; the MACs and the windows are what a hostile model can make
// superlinear.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "libconvert/model/model.h"

namespace tinyforge::interp {

// Operations of one inference of `op` (subgraph `sg`); nullopt when the
// count does not fit int64. The operator's shapes must have passed Prepare.
std::optional<int64_t> OperatorWork(const Model& model, size_t sg, const tflite::OperatorT& op);

// Throws Error (kBadInput) when the operators of subgraph `sg` that run
// (runs[o]) take more operations together than WorkBudget(), naming the
// costliest one.
void CheckWorkBudget(const Model& model, size_t sg, const std::vector<bool>& runs);

}  // namespace tinyforge::interp
