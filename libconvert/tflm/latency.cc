#include "libconvert/tflm/latency.h"

#include <algorithm>
#include <cmath>

#include "libconvert/model/dtype.h"
#include "libconvert/model/op_macs.h"

namespace tinyforge {
namespace {

// One row of latency_data.inc: 'I' the per-Invoke instructions (per_op),
// 'G' the generic coefficients, 'K' one kind's, 'F' a fitted model's check
// and 'H' a held-out one's (per_work = measured, per_element = estimate).
struct CostRow {
  char tag;
  std::string_view name;
  double a;
  double b;
  double c;
};

#define TFLM_COST(tag, name, a, b, c) {tag, name, a, b, c},
constexpr CostRow kCostRows[] = {
#include "libconvert/tflm/latency_data.inc"
};
#undef TFLM_COST

std::vector<CostModelCheck> BuildCostModelChecks() {
  std::vector<CostModelCheck> checks;
  for (const CostRow& row : kCostRows) {
    if (row.tag != 'F' && row.tag != 'H') continue;
    checks.push_back({row.name, static_cast<int64_t>(row.a), static_cast<int64_t>(row.b), row.tag == 'H'});
  }
  return checks;
}

const CostRow* FindCostRow(char tag, std::string_view name) {
  for (const CostRow& row : kCostRows) {
    if (row.tag == tag && row.name == name) return &row;
  }
  return nullptr;
}

bool IsPoolingOp(tflite::BuiltinOperator code) {
  return code == tflite::BuiltinOperator_AVERAGE_POOL_2D || code == tflite::BuiltinOperator_MAX_POOL_2D ||
         code == tflite::BuiltinOperator_L2_POOL_2D;
}

// TFLM's elementwise binary kernels take a much slower path (index
// arithmetic per element) when the two inputs' shapes differ: 30x on
// single_mul2_constant_input. Such operators are a kind of their own.
bool IsBroadcastingBinaryOp(tflite::BuiltinOperator code) {
  switch (code) {
    case tflite::BuiltinOperator_ADD:
    case tflite::BuiltinOperator_SUB:
    case tflite::BuiltinOperator_MUL:
    case tflite::BuiltinOperator_DIV:
    case tflite::BuiltinOperator_SQUARED_DIFFERENCE:
    case tflite::BuiltinOperator_MAXIMUM:
    case tflite::BuiltinOperator_MINIMUM:
    case tflite::BuiltinOperator_FLOOR_DIV:
    case tflite::BuiltinOperator_FLOOR_MOD:
    case tflite::BuiltinOperator_EQUAL:
    case tflite::BuiltinOperator_NOT_EQUAL:
    case tflite::BuiltinOperator_LESS:
    case tflite::BuiltinOperator_LESS_EQUAL:
    case tflite::BuiltinOperator_GREATER:
    case tflite::BuiltinOperator_GREATER_EQUAL:
    case tflite::BuiltinOperator_POW:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<OpCostFeatures> TflmOpCostFeatures(const Model& model) {
  std::vector<OpCostFeatures> features;
  for (size_t sg = 0; sg < model.num_subgraphs(); ++sg) {
    const tflite::SubGraphT& subgraph = model.subgraph(sg);
    for (const auto& op : subgraph.operators) {
      const tflite::BuiltinOperator code = model.OpCode(*op);
      OpCostFeatures f;
      f.work = static_cast<double>(CountMacs(model, sg, *op));
      std::string type = "none";
      for (int32_t index : op->inputs) {
        if (index < 0) continue;
        const tflite::TensorT& tensor = *subgraph.tensors.at(index);
        if (type == "none") type = TypeShortName(tensor.type);
        // A MAC operator's weights are in its MACs; every other operator
        // reads its constant inputs element by element like the others.
        if (f.work == 0 || !model.IsConstant(tensor)) f.elements += static_cast<double>(ElementCount(tensor.shape));
      }
      double out_elements = 0;
      for (int32_t index : op->outputs) {
        if (index >= 0) out_elements += static_cast<double>(ElementCount(subgraph.tensors.at(index)->shape));
      }
      f.elements += out_elements;
      f.kind = std::string(tflite::EnumNameBuiltinOperator(code)) + "/" + type;
      if (IsBroadcastingBinaryOp(code) && op->inputs.size() >= 2 && op->inputs[0] >= 0 && op->inputs[1] >= 0 &&
          subgraph.tensors.at(op->inputs[0])->shape != subgraph.tensors.at(op->inputs[1])->shape) {
        f.kind += "/broadcast";
      }
      if (IsPoolingOp(code)) {
        if (const auto* pool = op->builtin_options.AsPool2DOptions()) {
          f.work = out_elements * pool->filter_width * pool->filter_height;
        }
      }
      features.push_back(std::move(f));
    }
  }
  return features;
}

LatencyEstimate EstimateM4Instructions(const Model& model) {
  const CostRow* invoke = FindCostRow('I', "invoke");
  const CostRow* generic = FindCostRow('G', "generic");
  double total = invoke ? invoke->c : 0;
  LatencyEstimate estimate;
  for (const OpCostFeatures& f : TflmOpCostFeatures(model)) {
    const CostRow* row = FindCostRow('K', f.kind);
    if (!row) {
      row = generic;
      if (std::find(estimate.unfitted_kinds.begin(), estimate.unfitted_kinds.end(), f.kind) ==
          estimate.unfitted_kinds.end()) {
        estimate.unfitted_kinds.push_back(f.kind);
      }
    }
    if (row) total += std::max(0.0, OpCostInstructions(f, {row->a, row->b, row->c}));
  }
  estimate.instructions = static_cast<int64_t>(std::llround(total));
  return estimate;
}

Span<const CostModelCheck> CostModelChecks() {
  static const std::vector<CostModelCheck> checks = BuildCostModelChecks();
  return Span<const CostModelCheck>(checks.data(), checks.size());
}

double CostModelHeldOutMaxErrorPercent() {
  double worst = 0;
  for (const CostModelCheck& check : CostModelChecks()) {
    if (check.held_out) worst = std::max(worst, std::fabs(check.ErrorPercent()));
  }
  return worst;
}

int CostModelHeldOutCount() {
  int count = 0;
  for (const CostModelCheck& check : CostModelChecks()) count += check.held_out ? 1 : 0;
  return count;
}

}  // namespace tinyforge
