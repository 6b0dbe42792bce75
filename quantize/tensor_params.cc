#include "quantize/tensor_params.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "libconvert/base/error.h"
#include "libconvert/model/verify.h"
#include "quantize/recurrent_rules.h"

namespace tinyforge::quantize {
namespace {

// Disjoint sets of tensor indices that must share quantization parameters.
class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int Find(int x) {
    while (parent_[static_cast<size_t>(x)] != x) {
      parent_[static_cast<size_t>(x)] = parent_[static_cast<size_t>(parent_[static_cast<size_t>(x)])];
      x = parent_[static_cast<size_t>(x)];
    }
    return x;
  }
  void Union(int a, int b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[static_cast<size_t>(std::max(a, b))] = std::min(a, b);
  }

 private:
  std::vector<int> parent_;
};

}  // namespace

bool IsFloatActivation(const Model& model, int index) {
  if (index < 0) return false;
  const tflite::TensorT& t = model.tensor(0, index);
  return IsFloat(t) && !model.IsConstant(t);
}

TensorParams::TensorParams(const Model& model, const CalibrationTable& table,
                           const std::vector<std::optional<OpRule>>& rules, const std::vector<int>& producer,
                           bool int16)
    : model_(model), table_(table), rules_(rules), producer_(producer), int16_(int16) {
  GroupSharedParameters();
  ChooseStateParams();
}

void TensorParams::GroupSharedParameters() {
  const tflite::SubGraphT& g = model_.subgraph(0);
  UnionFind groups(g.tensors.size());
  for (size_t i = 0; i < g.operators.size(); ++i) {
    if (!rules_[i] || rules_[i]->output != OutputRule::kSameAsInputs) continue;
    const auto& op = *g.operators[i];
    std::vector<int> members;
    for (size_t p = 0; p < op.inputs.size(); ++p) {
      const auto& listed = rules_[i]->same_scale_inputs;
      const bool shares = listed.empty() || std::find(listed.begin(), listed.end(), static_cast<int>(p)) != listed.end();
      if (shares && op.inputs[p] >= 0 && IsFloat(tensor(op.inputs[p]))) members.push_back(op.inputs[p]);
    }
    for (int index : op.outputs) {
      if (index >= 0 && IsFloat(tensor(index))) members.push_back(index);
    }
    for (size_t m = 1; m < members.size(); ++m) groups.Union(members[0], members[m]);
  }
  group_.resize(g.tensors.size());
  for (size_t t = 0; t < g.tensors.size(); ++t) group_[t] = groups.Find(static_cast<int>(t));
}

QuantParams TensorParams::Params(int index) {
  const int root = group_[static_cast<size_t>(index)];
  if (const auto it = params_.find(root); it != params_.end()) return it->second;
  std::optional<QuantParams> fixed;
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  for (size_t t = 0; t < group_.size(); ++t) {
    if (group_[t] != root) continue;
    const int producer = producer_[t];
    if (producer >= 0 && rules_[static_cast<size_t>(producer)] &&
        rules_[static_cast<size_t>(producer)]->output == OutputRule::kFixed) {
      const QuantParams p = FixedOutputParams(rules_[static_cast<size_t>(producer)]->op, int16_);
      if (fixed && (fixed->scale != p.scale || fixed->zero_point != p.zero_point)) {
        throw Error(model_.source() + ": tensor " + std::to_string(t) + " " +
                        QuotedName(tensor(static_cast<int>(t)).name) +
                        " must share quantization with another tensor whose fixed parameters differ; "
                        "keep one of the operators float with --keep-float",
                    ErrorCode::kBadInput);
      }
      fixed = p;
    }
    const auto [t_lo, t_hi] = Range(static_cast<int>(t));
    lo = std::min(lo, t_lo);
    hi = std::max(hi, t_hi);
  }
  QuantParams p;
  if (fixed) {
    p = *fixed;
  } else if (int16_) {
    p = SymmetricParams(lo, hi, 32767);
  } else {
    p = AsymmetricParams(lo, hi, -128, 127);
  }
  params_[root] = p;
  return p;
}

void TensorParams::ChooseStateParams() {
  const tflite::SubGraphT& g = model_.subgraph(0);
  integer_state_.assign(g.tensors.size(), false);
  for (size_t i = 0; i < g.operators.size(); ++i) {
    if (!rules_[i] || !rules_[i]->recurrent) continue;
    const auto& op = *g.operators[i];
    for (const OperandRule& r : RecurrentOperandRules(rules_[i]->op)) {
      const int index = static_cast<size_t>(r.input) < op.inputs.size() ? op.inputs[static_cast<size_t>(r.input)] : -1;
      if (!IsFloatActivation(model_, index) || !tensor(index).is_variable) continue;
      integer_state_[static_cast<size_t>(index)] = true;
      const auto [lo, hi] = Range(index);
      if (const auto p = StateParams(r.quant, lo, hi)) state_params_[index] = *p;
    }
  }
}

std::pair<tflite::TensorType, QuantParams> TensorParams::IntegerVersion(int index) {
  const auto it = state_params_.find(index);
  if (it != state_params_.end()) return {tflite::TensorType_INT16, it->second};
  return {int16_ ? tflite::TensorType_INT16 : tflite::TensorType_INT8, Params(index)};
}

std::pair<float, float> TensorParams::Range(int index) const {
  const tflite::TensorT& t = tensor(index);
  if (!IsFloat(t)) return {0.0f, 0.0f};
  if (model_.IsConstant(t)) {
    const Span<const float> v = model_.ConstantValues<float>(t);
    if (v.size() == 0) return {0.0f, 0.0f};
    // Finite: QuantizeModel checked every float constant first.
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return {*lo, *hi};
  }
  const auto it = table_.ranges.find(index);
  if (it == table_.ranges.end()) {
    const auto& inputs = model_.subgraph(0).inputs;
    const bool computed = producer_[static_cast<size_t>(index)] >= 0 ||
                          std::find(inputs.begin(), inputs.end(), index) != inputs.end();
    throw Error(model_.source() + ": the calibration table has no range for tensor " + std::to_string(index) + " " +
                    QuotedName(t.name) +
                    (computed ? " (was the table made for this model?)"
                              : ": no operator computes it and it is not a model input, so no sample gives it values"),
                ErrorCode::kBadInput);
  }
  return {it->second.min, it->second.max};
}

}  // namespace tinyforge::quantize
