// The rewrite from a float model to a full-integer one.
//
// Every non-constant float tensor gets a home type (what its original index
// holds after the rewrite): the model's io type for model inputs and outputs,
// integer when its producer is quantized, float otherwise. Producers write in
// their own domain and consumers read in theirs; where they differ, a new
// tensor holds the other domain's version, made by a QUANTIZE or DEQUANTIZE
// placed right after the producer. Keeping the original index for the home
// version keeps model inputs, outputs and signature defs pointing at the
// tensors users see.
#include "quantize/quantizer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <regex>
#include <tuple>

#include "libconvert/base/error.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/interp/kernel.h"
#include "libconvert/model/rewrite.h"
#include "libconvert/model/verify.h"
#include "quantize/constant_tensors.h"
#include "quantize/op_rules.h"
#include "quantize/recurrent_rules.h"

namespace tinyforge::quantize {
namespace {

using tflite::TensorType;

enum Domain { kFloat = 0, kInt = 1, kUInt8 = 2 };
constexpr int kDomains = 3;

bool IsFloat(const tflite::TensorT& t) { return t.type == tflite::TensorType_FLOAT32; }

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

class Quantizer : private RecurrentContext {
 public:
  Quantizer(const Model& float_model, const CalibrationTable& table, const QuantizeOptions& options)
      : source_(float_model), table_(table), options_(options), model_(float_model.Clone()),
        g_(model_.subgraph(0)) {
    int16_ = options.activations == ActivationType::kInt16;
    int_type_ = int16_ ? tflite::TensorType_INT16 : tflite::TensorType_INT8;
    qmin_ = int16_ ? -32767 : -128;
    qmax_ = int16_ ? 32767 : 127;
  }

  QuantizeResult Run() {
    ChooseQuantizedOps();
    MapProducersAndConsumers();
    GroupSharedParameters();
    ChooseStateParams();
    ChooseHomes();
    RewriteOperators();
    SetHomeTypes();
    StripUnused(model_);
    VerifyModel(model_);
    CheckRuns();
    return {std::move(model_), std::move(warnings_)};
  }

 private:
  const tflite::TensorT& tensor(int index) const { return *g_.tensors[static_cast<size_t>(index)]; }
  std::string Describe(size_t op_index) const { return Describe(op_index, *g_.operators[op_index]); }
  // The same while RewriteOperators holds the operators outside g_.
  std::string Describe(size_t op_index, const tflite::OperatorT& op) const {
    std::string text = "operator " + std::to_string(op_index) + " (" + model_.OpName(op) + ")";
    if (!op.outputs.empty() && op.outputs[0] >= 0) text += " '" + tensor(op.outputs[0]).name + "'";
    return text;
  }
  bool IsActivation(int index) const {
    return index >= 0 && IsFloat(tensor(index)) && !model_.IsConstant(tensor(index));
  }

  // --- which operators become integer --------------------------------------
  void ChooseQuantizedOps() {
    std::vector<std::regex> keep;
    for (const std::string& pattern : options_.keep_float) {
      try {
        keep.emplace_back(pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        throw Error("--keep-float '" + pattern + "': not a valid regular expression (" + e.what() + ")",
                    ErrorCode::kBadInput);
      }
    }
    rules_.resize(g_.operators.size());
    for (size_t i = 0; i < g_.operators.size(); ++i) {
      const auto& op = *g_.operators[i];
      bool touches_float = false;
      for (int index : op.inputs) touches_float = touches_float || (index >= 0 && IsFloat(tensor(index)));
      for (int index : op.outputs) touches_float = touches_float || (index >= 0 && IsFloat(tensor(index)));
      if (!touches_float) continue;  // nothing to quantize

      bool kept = false;
      for (int index : op.outputs) {
        for (const std::regex& re : keep) kept = kept || (index >= 0 && std::regex_search(tensor(index).name, re));
      }
      if (kept) {
        warnings_.push_back(Describe(i) + " stays float (--keep-float)");
        continue;
      }
      const std::string reason = WhyNotQuantizable(op);
      if (!reason.empty()) {
        if (options_.strict) {
          throw Error(source_.source() + ": " + Describe(i) + " cannot be quantized: " + reason +
                          " (drop --strict to keep it float between DEQUANTIZE and QUANTIZE)",
                      ErrorCode::kBadInput);
        }
        warnings_.push_back(Describe(i) + " stays float: " + reason);
        continue;
      }
      rules_[i] = FindOpRule(model_.OpCode(op));
    }
  }

  std::string WhyNotQuantizable(const tflite::OperatorT& op) const {
    const tflite::BuiltinOperator code = model_.OpCode(op);
    const std::string kind = int16_ ? "int16" : "int8";
    // The interpreter's kernel table mirrors TFLM's integer kernels; it is
    // keyed by the type of the data input as it will be after the rewrite.
    const int key_tensor = interp::KernelKeyTensor(model_, op);
    const TensorType key = key_tensor >= 0 && !IsFloat(tensor(key_tensor)) ? tensor(key_tensor).type : int_type_;
    if (interp::FindKernel(code, key) == nullptr) {
      // The kernel table mirrors TFLM's integer kernels: a gap in it is a gap
      // in TFLM.
      return "TFLM has no " + kind + " kernel for " + model_.OpName(op);
    }
    const std::optional<OpRule> rule = FindOpRule(code);
    if (!rule) return "tinyforge cannot quantize " + model_.OpName(op) + " yet";
    auto float_constant = [&](int position) {
      const int t = static_cast<size_t>(position) < op.inputs.size() ? op.inputs[static_cast<size_t>(position)] : -1;
      return t >= 0 && IsFloat(tensor(t)) && model_.IsConstant(tensor(t));
    };
    if (rule->weight_input >= 0 && !float_constant(rule->weight_input)) return "its weights are not a float constant";
    if (rule->recurrent) return WhyRecurrentNotQuantizable(code, op, float_constant);
    return "";
  }

  // --- graph structure -----------------------------------------------------
  void MapProducersAndConsumers() {
    producer_.assign(g_.tensors.size(), -1);
    for (size_t i = 0; i < g_.operators.size(); ++i) {
      for (int index : g_.operators[i]->outputs) {
        if (index >= 0) producer_[static_cast<size_t>(index)] = static_cast<int>(i);
      }
    }
    is_model_input_.assign(g_.tensors.size(), false);
    is_model_output_.assign(g_.tensors.size(), false);
    for (int index : g_.inputs) is_model_input_[static_cast<size_t>(index)] = true;
    for (int index : g_.outputs) is_model_output_[static_cast<size_t>(index)] = true;
  }

  bool Quantized(size_t op_index) const { return rules_[op_index].has_value(); }

  // Input positions of a quantized op that hold activation-like values (not
  // the weights or the bias).
  bool IsValueInput(const OpRule& rule, size_t position) const {
    return static_cast<int>(position) != rule.weight_input && static_cast<int>(position) != rule.bias_input;
  }

  // --- parameters ------------------------------------------------------------
  void GroupSharedParameters() {
    UnionFind groups(g_.tensors.size());
    for (size_t i = 0; i < g_.operators.size(); ++i) {
      if (!Quantized(i) || rules_[i]->output != OutputRule::kSameAsInputs) continue;
      const auto& op = *g_.operators[i];
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
    group_.resize(g_.tensors.size());
    for (size_t t = 0; t < g_.tensors.size(); ++t) group_[t] = groups.Find(static_cast<int>(t));
  }

  // The parameters of a float tensor's integer version, computed once per
  // group: fixed by the producing op, or from the union of the members'
  // ranges (calibrated for activations, the values for constants).
  QuantParams Params(int index) {
    const int root = group_[static_cast<size_t>(index)];
    if (const auto it = params_.find(root); it != params_.end()) return it->second;
    std::optional<QuantParams> fixed;
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    // Only the original tensors: the rewrite appends new ones as it goes.
    for (size_t t = 0; t < group_.size(); ++t) {
      if (group_[t] != root) continue;
      const int producer = producer_[t];
      if (producer >= 0 && Quantized(static_cast<size_t>(producer)) &&
          rules_[static_cast<size_t>(producer)]->output == OutputRule::kFixed) {
        const QuantParams p = FixedOutputParams(rules_[static_cast<size_t>(producer)]->op, int16_);
        if (fixed && (fixed->scale != p.scale || fixed->zero_point != p.zero_point)) {
          throw Error(source_.source() + ": tensor " + std::to_string(t) + " '" + tensor(static_cast<int>(t)).name +
                          "' must share quantization with another tensor whose fixed parameters differ; "
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
      p = SymmetricParams(lo, hi, qmax_);
    } else {
      p = AsymmetricParams(lo, hi, qmin_, qmax_);
    }
    params_[root] = p;
    return p;
  }

  // The state tensors of quantized recurrent ops that have formats of their
  // own (an LSTM's int16 power-of-two cell state, SVDF's int16 state), and
  // every state tensor that becomes integer with its op.
  void ChooseStateParams() {
    integer_state_.assign(g_.tensors.size(), false);
    for (size_t i = 0; i < g_.operators.size(); ++i) {
      if (!Quantized(i) || !rules_[i]->recurrent) continue;
      const auto& op = *g_.operators[i];
      for (const OperandRule& r : RecurrentOperandRules(rules_[i]->op)) {
        const int index = static_cast<size_t>(r.input) < op.inputs.size() ? op.inputs[static_cast<size_t>(r.input)] : -1;
        if (index < 0 || !IsActivation(index) || !tensor(index).is_variable) continue;
        integer_state_[static_cast<size_t>(index)] = true;
        const auto [lo, hi] = Range(index);
        if (const auto p = StateParams(r.quant, lo, hi)) state_params_[index] = *p;
      }
    }
  }

  // The type and parameters of a float tensor's integer version.
  std::pair<TensorType, QuantParams> IntegerVersion(int index) {
    const auto it = state_params_.find(index);
    if (it != state_params_.end()) return {tflite::TensorType_INT16, it->second};
    return {int_type_, Params(index)};
  }

  std::pair<float, float> Range(int index) const {
    const tflite::TensorT& t = tensor(index);
    if (!IsFloat(t)) return {0.0f, 0.0f};
    if (model_.IsConstant(t)) {
      const Span<const float> v = model_.ConstantValues<float>(t);
      if (v.size() == 0) return {0.0f, 0.0f};
      const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
      if (!std::isfinite(*lo) || !std::isfinite(*hi)) {
        throw Error(source_.source() + ": constant tensor " + std::to_string(index) + " '" + t.name +
                        "' holds NaN or infinity and cannot be quantized",
                    ErrorCode::kBadInput);
      }
      return {*lo, *hi};
    }
    const auto it = table_.ranges.find(index);
    if (it == table_.ranges.end()) {
      throw Error(source_.source() + ": the calibration table has no range for tensor " + std::to_string(index) +
                      " '" + t.name + "' (was the table made for this model?)",
                  ErrorCode::kBadInput);
    }
    return {it->second.min, it->second.max};
  }

  // --- domains ----------------------------------------------------------------
  Domain IoDomain() const {
    switch (options_.io) {
      case IoType::kFloat: return kFloat;
      case IoType::kInt8: return kInt;
      case IoType::kUInt8: return kUInt8;
    }
    return kFloat;
  }

  void ChooseHomes() {
    const size_t n = g_.tensors.size();
    home_.assign(n, kFloat);
    produced_in_.assign(n, kFloat);
    needed_.assign(n, {false, false, false});
    for (size_t t = 0; t < n; ++t) {
      if (!IsActivation(static_cast<int>(t))) continue;
      const int producer = producer_[t];
      // A state tensor of a quantized recurrent op is read and written by it
      // alone: it becomes integer in place.
      const Domain written =
          (producer >= 0 && Quantized(static_cast<size_t>(producer))) || integer_state_[t] ? kInt : kFloat;
      home_[t] = (is_model_input_[t] || is_model_output_[t]) ? IoDomain() : written;
      produced_in_[t] = is_model_input_[t] ? home_[t] : written;
      needed_[t][home_[t]] = true;
      needed_[t][produced_in_[t]] = true;
    }
    for (size_t i = 0; i < g_.operators.size(); ++i) {
      const auto& op = *g_.operators[i];
      for (size_t p = 0; p < op.inputs.size(); ++p) {
        const int index = op.inputs[p];
        if (!IsActivation(index)) continue;
        if (!Quantized(i)) {
          needed_[static_cast<size_t>(index)][kFloat] = true;
        } else if (IsValueInput(*rules_[i], p)) {
          needed_[static_cast<size_t>(index)][kInt] = true;
        } else {
          throw Error(source_.source() + ": " + Describe(i) + ": input " + std::to_string(p) +
                          " (weights or bias) is not constant",
                      ErrorCode::kBadInput);
        }
      }
    }
    // A uint8 version is made from the int8 one (TFLM's QUANTIZE converts
    // int8 <-> uint8 but not float -> uint8).
    for (size_t t = 0; t < n; ++t) {
      if (needed_[t][kUInt8] && produced_in_[t] != kUInt8) needed_[t][kInt] = true;
    }
    // The version of each domain: the home keeps the original index.
    version_.assign(n, {-1, -1, -1});
    for (size_t t = 0; t < n; ++t) {
      if (!IsActivation(static_cast<int>(t))) continue;
      for (int d = 0; d < kDomains; ++d) {
        if (!needed_[t][static_cast<size_t>(d)]) continue;
        version_[t][static_cast<size_t>(d)] =
            d == home_[t] ? static_cast<int>(t) : AddVersion(static_cast<int>(t), static_cast<Domain>(d));
      }
    }
  }

  int AddVersion(int index, Domain domain) {
    const tflite::TensorT& original = tensor(index);
    auto t = std::make_unique<tflite::TensorT>();
    t->shape = original.shape;
    t->shape_signature = original.shape_signature;
    t->has_rank = original.has_rank;
    static const char* const kSuffix[] = {"_float", nullptr, "_uint8"};
    t->name = original.name + (domain == kInt ? (int16_ ? "_int16" : "_int8") : kSuffix[domain]);
    SetDomainType(*t, index, domain);
    return model_.AddTensor(0, std::move(t));
  }

  void SetDomainType(tflite::TensorT& t, int original, Domain domain) {
    if (domain == kFloat) {
      t.type = tflite::TensorType_FLOAT32;
      t.quantization.reset();
      return;
    }
    if (domain == kInt) {
      const auto [type, p] = IntegerVersion(original);
      t.type = type;
      t.quantization = MakeQuantization({p.scale}, {p.zero_point}, 0);
    } else {
      const QuantParams p = Params(original);
      t.type = tflite::TensorType_UINT8;
      t.quantization = MakeQuantization({p.scale}, {p.zero_point + 128}, 0);
    }
  }

  // --- the new operator list ---------------------------------------------------
  void RewriteOperators() {
    std::vector<std::unique_ptr<tflite::OperatorT>> ops;
    for (int index : g_.inputs) {
      if (IsActivation(index)) AddConversions(index, ops);
    }
    std::vector<std::unique_ptr<tflite::OperatorT>> original = std::move(g_.operators);
    g_.operators.clear();
    for (size_t i = 0; i < original.size(); ++i) {
      tflite::OperatorT& op = *original[i];
      if (Quantized(i)) {
        RewriteQuantizedInputs(i, op);
      } else {
        for (int& index : op.inputs) {
          if (IsActivation(index)) index = version_[static_cast<size_t>(index)][kFloat];
        }
      }
      const Domain written = Quantized(i) ? kInt : kFloat;
      std::vector<int> produced;
      for (int& index : op.outputs) {
        if (!IsActivation(index)) continue;
        produced.push_back(index);
        index = version_[static_cast<size_t>(index)][written];
      }
      ops.push_back(std::move(original[i]));
      for (int index : produced) AddConversions(index, ops);
    }
    g_.operators = std::move(ops);
  }

  // QUANTIZE/DEQUANTIZE ops making every other needed version of `index`
  // from the one its producer writes.
  void AddConversions(int index, std::vector<std::unique_ptr<tflite::OperatorT>>& ops) {
    const auto& v = version_[static_cast<size_t>(index)];
    const Domain from = produced_in_[static_cast<size_t>(index)];
    auto convert = [&](Domain a, Domain b) {
      auto op = std::make_unique<tflite::OperatorT>();
      const bool to_float = b == kFloat;
      op->opcode_index = model_.OperatorCodeIndex(
          to_float ? tflite::BuiltinOperator_DEQUANTIZE : tflite::BuiltinOperator_QUANTIZE);
      op->inputs = {v[a]};
      op->outputs = {v[b]};
      ops.push_back(std::move(op));
    };
    if (from == kUInt8) {
      if (v[kInt] >= 0) convert(kUInt8, kInt);
      if (v[kFloat] >= 0) convert(kUInt8, kFloat);
    } else if (from == kInt) {
      if (v[kFloat] >= 0) convert(kInt, kFloat);
      if (v[kUInt8] >= 0) convert(kInt, kUInt8);
    } else {
      if (v[kInt] >= 0) convert(kFloat, kInt);
      if (v[kUInt8] >= 0) convert(kInt, kUInt8);
    }
  }

  void RewriteQuantizedInputs(size_t op_index, tflite::OperatorT& op) {
    const OpRule& rule = *rules_[op_index];
    if (rule.recurrent) {
      rewriting_ = source_.source() + ": " + Describe(op_index, op);
      RewriteRecurrentOperands(rule.op, op, *this);
      return;
    }
    const std::vector<int> original_inputs = op.inputs;
    std::vector<float> weight_scales;
    for (size_t p = 0; p < op.inputs.size(); ++p) {
      int& index = op.inputs[p];
      if (index < 0 || !IsFloat(tensor(index))) continue;
      if (static_cast<int>(p) == rule.weight_input) {
        const bool fc = rule.op == tflite::BuiltinOperator_FULLY_CONNECTED;
        const int axis = fc ? (options_.per_channel_fc ? 0 : -1) : rule.weight_axis;
        index = AddWeights(model_, index, axis, weight_scales);
      } else if (static_cast<int>(p) == rule.bias_input) {
        continue;  // after the weights, below
      } else if (model_.IsConstant(tensor(index))) {
        index = AddConstantValues(model_, index, Params(index), int_type_);
      } else {
        index = version_[static_cast<size_t>(index)][kInt];
      }
    }
    if (rule.bias_input >= 0 && static_cast<size_t>(rule.bias_input) < op.inputs.size()) {
      int& bias = op.inputs[static_cast<size_t>(rule.bias_input)];
      if (bias >= 0 && IsFloat(tensor(bias))) {
        const size_t activation_input = interp::KernelKeyInput(rule.op);
        bias = AddBias(model_, bias, Params(original_inputs.at(activation_input)).scale, weight_scales, int16_,
                       source_.source() + ": " + Describe(op_index, op));
      }
    }
  }

  // RecurrentContext, for RewriteRecurrentOperands.
  Model& model() override { return model_; }
  int IntegerOperand(int index, TensorType& type, QuantParams& params) override {
    std::tie(type, params) = IntegerVersion(index);
    return version_[static_cast<size_t>(index)][kInt];
  }
  int Bias(int index, float input_scale, float weight_scale) override {
    return AddBias(model_, index, input_scale, {weight_scale}, int16_, rewriting_);
  }

  void SetHomeTypes() {
    for (size_t t = 0; t < home_.size(); ++t) {
      if (IsActivation(static_cast<int>(t)) && home_[t] != kFloat) {
        SetDomainType(*g_.tensors[t], static_cast<int>(t), home_[t]);
      }
    }
  }

  // The rewrite must give a model the interpreter (and so TFLM) accepts; if
  // not, the quantizer has a bug.
  void CheckRuns() {
    try {
      interp::Interpreter interpreter(model_);
      interpreter.Prepare();
    } catch (const Error& e) {
      throw Error(std::string("quantizing produced a model the interpreter rejects (a tinyforge bug): ") + e.what(),
                  ErrorCode::kInternal);
    }
  }

  const Model& source_;
  const CalibrationTable& table_;
  const QuantizeOptions& options_;
  Model model_;
  tflite::SubGraphT& g_;
  bool int16_ = false;
  TensorType int_type_ = tflite::TensorType_INT8;
  int32_t qmin_ = -128, qmax_ = 127;

  std::vector<std::optional<OpRule>> rules_;  // per op: set when quantized
  std::vector<std::string> warnings_;
  std::vector<int> producer_;
  std::vector<bool> is_model_input_, is_model_output_;
  std::vector<int> group_;
  std::map<int, QuantParams> params_;
  std::vector<bool> integer_state_;           // per tensor: a state that becomes integer with its op
  std::map<int, QuantParams> state_params_;   // int16 states with formats of their own
  std::string rewriting_;                     // the recurrent op RewriteRecurrentOperands works on
  std::vector<Domain> home_, produced_in_;
  std::vector<std::array<bool, kDomains>> needed_;
  std::vector<std::array<int, kDomains>> version_;
};

}  // namespace

QuantizeResult QuantizeModel(const Model& float_model, const CalibrationTable& table, const QuantizeOptions& options) {
  if (float_model.num_subgraphs() != 1) {
    throw Error(float_model.source() + ": has " + std::to_string(float_model.num_subgraphs()) +
                    " subgraphs; tinyforge quantizes single-subgraph models only",
                ErrorCode::kBadInput);
  }
  if (options.io == IoType::kUInt8 && options.activations == ActivationType::kInt16) {
    throw Error("--io uint8 needs int8 activations (with --activations int16, use --io int8 for int16 inputs and "
                "outputs, or --io float)",
                ErrorCode::kBadInput);
  }
  return Quantizer(float_model, table, options).Run();
}

}  // namespace tinyforge::quantize
