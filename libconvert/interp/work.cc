#include "libconvert/interp/work.h"

#include <algorithm>

#include "libconvert/base/checked_math.h"
#include "libconvert/base/error.h"
#include "libconvert/base/text_format.h"
#include "libconvert/base/work_budget.h"
#include "libconvert/model/op_macs.h"

namespace tinyforge::interp {
namespace {

using Count = std::optional<int64_t>;

// An operand's elements times its rank: the reference kernels that walk
// indices (reductions, MIRROR_PAD, broadcasting) spend a step per dimension
// on each element, and nothing else bounds a rank.
Count OperandSteps(const Model& model, size_t sg, int tensor) {
  if (tensor < 0) return 0;
  const std::vector<int32_t>& shape = model.tensor(sg, tensor).shape;
  const Count elements = CheckedProduct(shape);
  return elements ? CheckedMul(*elements, std::max<int64_t>(1, static_cast<int64_t>(shape.size()))) : std::nullopt;
}

// Output elements times the window each one reads: the pools' kernels clip
// a window to the input, so a window larger than the image costs the image.
Count PoolWindows(const Model& model, size_t sg, const tflite::OperatorT& op) {
  const auto* options = op.builtin_options.AsPool2DOptions();
  if (options == nullptr || op.inputs.empty() || op.outputs.empty() || op.inputs[0] < 0) return 0;
  const std::vector<int32_t>& in = model.tensor(sg, op.inputs[0]).shape;  // [n, h, w, c]
  if (in.size() != 4) return 0;
  const int64_t window = int64_t{std::clamp(options->filter_height, 0, in[1])} *
                         std::clamp(options->filter_width, 0, in[2]);
  const Count outputs = CheckedProduct(model.tensor(sg, op.outputs[0]).shape);
  return outputs ? CheckedMul(*outputs, window) : std::nullopt;
}

}  // namespace

std::optional<int64_t> OperatorWork(const Model& model, size_t sg, const tflite::OperatorT& op) {
  Count work = CheckedMacs(model, sg, op);
  const tflite::BuiltinOperator code = model.OpCode(op);
  if (code == tflite::BuiltinOperator_AVERAGE_POOL_2D || code == tflite::BuiltinOperator_MAX_POOL_2D) {
    work = CheckedSum(work, PoolWindows(model, sg, op));
  }
  for (const int t : op.inputs) work = CheckedSum(work, OperandSteps(model, sg, t));
  for (const int t : op.outputs) work = CheckedSum(work, OperandSteps(model, sg, t));
  return work;
}

void CheckWorkBudget(const Model& model, size_t sg, const std::vector<bool>& runs) {
  const auto& operators = model.subgraph(sg).operators;
  Count total = 0;
  size_t costliest = 0;
  Count most = 0;  // nullopt: an operator whose own count overflows
  for (size_t o = 0; o < operators.size(); ++o) {
    if (!runs[o]) continue;
    const Count work = OperatorWork(model, sg, *operators[o]);
    if (most && (!work || *work > *most)) {
      costliest = o;
      most = work;
    }
    total = CheckedSum(total, work);
  }
  if (total && *total <= WorkBudget()) return;
  // Exact figures: rounded ones could read "100 G, over the budget of 100 G".
  const auto amount = [](Count n) {
    return n ? Thousands(*n) + " operations" : std::string("more operations than tinyforge can count");
  };
  throw Error(model.source() + ": one inference of subgraph " + std::to_string(sg) + " takes " + amount(total) +
              " (multiply-accumulates, pooling-window reads and operand elements times their rank; the most, " +
              amount(most) + ", in " + model.OpLocation(sg, costliest) + "), over the work budget of " +
              Thousands(WorkBudget()) + " (raise it with --max-work)");
}

}  // namespace tinyforge::interp
