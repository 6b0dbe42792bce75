#include "libconvert/model/op_macs.h"

#include <algorithm>
#include <array>
#include <initializer_list>

#include "libconvert/base/checked_math.h"

namespace tinyforge {
namespace {

using Shape = std::vector<int32_t>;

// The operands of one operator, as the formulas read them.
class Operands {
 public:
  Operands(const Model& model, size_t sg, const tflite::OperatorT& op) : model_(model), sg_(sg), op_(op) {}
  const Shape* in(size_t i) const { return Get(op_.inputs, i); }
  const Shape* out(size_t i) const { return Get(op_.outputs, i); }
  const tflite::OperatorT& op() const { return op_; }

 private:
  const Shape* Get(const std::vector<int32_t>& operands, size_t i) const {
    if (i >= operands.size() || operands[i] < 0) return nullptr;
    return &model_.tensor(sg_, operands[i]).shape;
  }
  const Model& model_;
  size_t sg_;
  const tflite::OperatorT& op_;
};

// A count of one operator: nullopt when it overflows int64; 0 when a shape
// it needs is missing or unknown (a negative dim), so the MACs of such an
// operator are reported as 0, not guessed.
using Count = std::optional<int64_t>;

bool Known(const Shape* shape) {
  return shape != nullptr && std::none_of(shape->begin(), shape->end(), [](int32_t d) { return d < 0; });
}

// elements(shape) * factors.
Count Product(const Shape* shape, std::initializer_list<int64_t> factors) {
  if (!Known(shape)) return 0;
  Count p = CheckedProduct(*shape);
  for (const int64_t f : factors) {
    if (f < 0) return 0;
    if (p) p = CheckedMul(*p, f);
  }
  return p;
}

bool Is4D(const Shape* s) { return s != nullptr && s->size() == 4; }

// Sum of the elements of the listed inputs (absent or unknown ones count 0).
Count WeightElements(const Operands& o, std::initializer_list<size_t> inputs) {
  Count sum = 0;
  for (const size_t i : inputs) sum = CheckedSum(sum, Product(o.in(i), {}));
  return sum;
}

Count Conv2D(const Operands& o) {
  const Shape* filter = o.in(1);  // [out_c, kh, kw, in_c / groups]
  return Is4D(filter) ? Product(o.out(0), {(*filter)[1], (*filter)[2], (*filter)[3]}) : 0;
}

Count DepthwiseConv2D(const Operands& o) {
  const Shape* filter = o.in(1);  // [1, kh, kw, out_c]
  return Is4D(filter) ? Product(o.out(0), {(*filter)[1], (*filter)[2]}) : 0;
}

Count FullyConnected(const Operands& o) {
  const Shape* weights = o.in(1);  // [out, in]
  return weights && !weights->empty() ? Product(o.out(0), {weights->back()}) : 0;
}

Count TransposeConv(const Operands& o) {
  const Shape* filter = o.in(1);  // [out_c, kh, kw, in_c]; input 2 is the data
  return Is4D(filter) ? Product(o.in(2), {(*filter)[0], (*filter)[1], (*filter)[2]}) : 0;
}

Count BatchMatMul(const Operands& o) {
  const Shape* lhs = o.in(0);
  if (lhs == nullptr || lhs->size() < 2) return 0;
  const auto* options = o.op().builtin_options.AsBatchMatMulOptions();
  const bool adj_x = options != nullptr && options->adj_x;
  return Product(o.out(0), {(*lhs)[lhs->size() - (adj_x ? 2 : 1)]});
}

Count SequenceLstm(const Operands& o) {
  const Shape* input = o.in(0);  // [batch, time, n_input] or time major
  if (!Known(input) || input->empty()) return 0;
  // The steps from the dims, not elements / n_input: an input size of 0
  // still runs every step's recurrent products.
  const Count steps = CheckedProduct(std::vector<int32_t>(input->begin(), input->end() - 1));
  // Inputs 1-4: input-to-gate weights, 5-8: recurrent weights, 16: projection.
  const Count weights = WeightElements(o, {1, 2, 3, 4, 5, 6, 7, 8, 16});
  return steps && weights ? CheckedMul(*steps, *weights) : std::nullopt;
}

Count Svdf(const Operands& o) {
  const Shape* input = o.in(0);  // [batch, input_size]
  if (input == nullptr || input->size() != 2 || (*input)[0] < 0) return 0;
  const Count weights = WeightElements(o, {1, 2});  // weights_feature, weights_time
  return weights ? CheckedMul((*input)[0], *weights) : std::nullopt;
}

struct MacRule {
  tflite::BuiltinOperator op;
  std::string_view formula;
  Count (*count)(const Operands&);
};

constexpr std::array<MacRule, 7> kMacRules = {{
    {tflite::BuiltinOperator_CONV_2D, "out_elements * kh * kw * in_c/groups", Conv2D},
    {tflite::BuiltinOperator_DEPTHWISE_CONV_2D, "out_elements * kh * kw", DepthwiseConv2D},
    {tflite::BuiltinOperator_FULLY_CONNECTED, "out_elements * in", FullyConnected},
    {tflite::BuiltinOperator_TRANSPOSE_CONV, "in_elements * kh * kw * out_c", TransposeConv},
    {tflite::BuiltinOperator_BATCH_MATMUL, "out_elements * k", BatchMatMul},
    {tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, "steps * gate and projection weights", SequenceLstm},
    {tflite::BuiltinOperator_SVDF, "batch * (feature + time weights)", Svdf},
}};

const MacRule* FindRule(tflite::BuiltinOperator op) {
  const auto it = std::find_if(kMacRules.begin(), kMacRules.end(), [op](const MacRule& r) { return r.op == op; });
  return it == kMacRules.end() ? nullptr : &*it;
}

}  // namespace

std::optional<int64_t> CheckedMacs(const Model& model, size_t sg, const tflite::OperatorT& op) {
  const MacRule* rule = FindRule(model.OpCode(op));
  return rule ? rule->count(Operands(model, sg, op)) : 0;
}

int64_t CountMacs(const Model& model, size_t sg, const tflite::OperatorT& op) {
  return CheckedMacs(model, sg, op).value_or(0);
}

std::optional<std::string_view> MacFormula(tflite::BuiltinOperator op) {
  const MacRule* rule = FindRule(op);
  if (!rule) return std::nullopt;
  return rule->formula;
}

}  // namespace tinyforge
