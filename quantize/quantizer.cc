// The rewrite from a float model to a full-integer one, in steps: which
// operators become integer (op_choice.h), the parameters of every float
// tensor's integer version (tensor_params.h), then here each tensor's
// domains and the new operator list.
//
// Every non-constant float tensor gets a home type (what its original index
// holds after the rewrite): the model's io type for model inputs and outputs,
// integer when its producer is quantized, float otherwise. Producers write in
// their own domain and consumers read in theirs; where they differ, a new
// tensor holds the other domain's version, made by a QUANTIZE or DEQUANTIZE
// placed right after the producer. The integer domain is the activation
// type; operators --int16-layers names work in a fourth, int16 inside an
// int8 model, reached by QUANTIZE's int8 <-> int16 requantization. Keeping
// the original index for the home version keeps model inputs, outputs and
// signature defs pointing at the tensors users see.
#include "quantize/quantizer.h"

#include <array>
#include <cmath>
#include <optional>
#include <tuple>

#include "libconvert/base/error.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/interp/kernel.h"
#include "libconvert/interp/ref/quant_math.h"
#include "libconvert/model/rewrite.h"
#include "libconvert/model/verify.h"
#include "quantize/constant_tensors.h"
#include "quantize/op_choice.h"
#include "quantize/recurrent_rules.h"
#include "quantize/tensor_params.h"

namespace tinyforge::quantize {
namespace {

using tflite::TensorType;

// kInt: the activation type; kWide: int16 for the --int16-layers operators
// of an int8 model.
enum Domain { kFloat = 0, kInt = 1, kUInt8 = 2, kWide = 3 };
constexpr int kDomains = 4;

class Quantizer : private RecurrentContext {
 public:
  Quantizer(const Model& float_model, const CalibrationTable& table, const QuantizeOptions& options)
      : source_(float_model), table_(table), options_(options), model_(float_model.Clone()),
        g_(model_.subgraph(0)) {
    int16_ = options.activations == ActivationType::kInt16;
  }

  QuantizeResult Run() {
    rules_ = ChooseQuantizedOps(model_, options_, warnings_);
    MapProducersAndConsumers();
    params_.emplace(model_, table_, rules_, producer_, int16_);
    if (!int16_) wide_params_.emplace(model_, table_, rules_, producer_, /*int16=*/true);
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
    return DescribeOperator(model_, op_index, op);
  }
  bool IsActivation(int index) const { return IsFloatActivation(model_, index); }

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

  // Where operator `op_index` reads its value inputs and writes its outputs.
  Domain OpDomain(size_t op_index) const {
    if (!Quantized(op_index)) return kFloat;
    return rules_[op_index]->int16 && !int16_ ? kWide : kInt;
  }
  TensorParams& ParamsOf(Domain domain) { return domain == kWide ? *wide_params_ : *params_; }

  // Input positions of a quantized op that hold activation-like values (not
  // the weights or the bias).
  bool IsValueInput(const OpRule& rule, size_t position) const {
    return static_cast<int>(position) != rule.weight_input && static_cast<int>(position) != rule.bias_input;
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
    needed_.assign(n, {false, false, false, false});
    for (size_t t = 0; t < n; ++t) {
      if (!IsActivation(static_cast<int>(t))) continue;
      const int producer = producer_[t];
      // A state tensor of a quantized recurrent op is read and written by it
      // alone: it becomes integer in place.
      const Domain written = params_->IsIntegerState(static_cast<int>(t)) ? kInt
                             : producer >= 0                             ? OpDomain(static_cast<size_t>(producer))
                                                                         : kFloat;
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
          needed_[static_cast<size_t>(index)][OpDomain(i)] = true;
        } else {
          throw Error(source_.source() + ": " + Describe(i) + ": input " + std::to_string(p) +
                          " (weights or bias) is not constant",
                      ErrorCode::kBadInput);
        }
      }
    }
    // A uint8 version is made from the int8 one (TFLM's QUANTIZE converts
    // int8 <-> uint8 but not float -> uint8), and an int16 one from a uint8
    // one through int8 likewise.
    for (size_t t = 0; t < n; ++t) {
      if (needed_[t][kUInt8] && produced_in_[t] != kUInt8) needed_[t][kInt] = true;
      if (needed_[t][kWide] && produced_in_[t] == kUInt8) needed_[t][kInt] = true;
    }
    // The version of each domain: the home keeps the original index.
    version_.assign(n, {-1, -1, -1, -1});
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
    static const char* const kSuffix[] = {"_float", nullptr, "_uint8", "_int16"};
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
    if (domain == kInt || domain == kWide) {
      const auto [type, p] = ParamsOf(domain).IntegerVersion(original);
      t.type = type;
      t.quantization = MakeQuantization({p.scale}, {p.zero_point}, 0);
    } else {
      const QuantParams p = params_->Params(original);
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
      const Domain written = OpDomain(i);
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
  // from the one its producer writes: directly, except uint8, which only
  // int8 converts to, and int16 from uint8, which goes through int8 (the
  // int8 version comes first, being a source for both).
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
    for (const Domain to : {kInt, kFloat, kWide, kUInt8}) {
      if (to == from || v[to] < 0) continue;
      const bool through_int8 = to == kUInt8 || (to == kWide && from == kUInt8);
      convert(through_int8 ? kInt : from, to);
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
    const Domain domain = OpDomain(op_index);
    const bool int16 = int16_ || domain == kWide;
    std::vector<float> weight_scales;
    for (size_t p = 0; p < op.inputs.size(); ++p) {
      int& index = op.inputs[p];
      if (index < 0 || !IsFloat(tensor(index))) continue;
      if (static_cast<int>(p) == rule.weight_input) {
        index = AddWeights(model_, index, rule.weight_axis, weight_scales);
      } else if (static_cast<int>(p) == rule.bias_input) {
        continue;  // after the weights, below
      } else if (model_.IsConstant(tensor(index))) {
        index = AddConstantValues(model_, index, ParamsOf(domain).Params(index),
                                  int16 ? tflite::TensorType_INT16 : tflite::TensorType_INT8);
      } else {
        index = version_[static_cast<size_t>(index)][domain];
      }
    }
    if (rule.bias_input >= 0 && static_cast<size_t>(rule.bias_input) < op.inputs.size()) {
      int& bias = op.inputs[static_cast<size_t>(rule.bias_input)];
      if (bias >= 0 && IsFloat(tensor(bias))) {
        const size_t activation_input = interp::KernelKeyInput(rule.op);
        bias = AddBias(model_, bias, ParamsOf(domain).Params(original_inputs.at(activation_input)).scale,
                       weight_scales, int16, source_.source() + ": " + Describe(op_index, op));
      }
    }
  }

  // RecurrentContext, for RewriteRecurrentOperands.
  Model& model() override { return model_; }
  int IntegerOperand(int index, TensorType& type, QuantParams& params) override {
    std::tie(type, params) = params_->IntegerVersion(index);
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
  // not, the quantizer has a bug, unless the scales it was given (a range
  // from the calibration table far wider or narrower than its neighbours')
  // have ratios no fixed-point multiplier holds.
  void CheckRuns() {
    try {
      interp::Interpreter interpreter(model_);
      interpreter.Prepare();
    } catch (const Error& e) {
      if (std::string(e.what()).find(ref::kScaleRatioError) != std::string::npos) {
        throw Error(source_.source() + ": the calibration ranges and weights give scales TFLM cannot rescale "
                        "between (" + e.what() + "); recalibrate on representative data, or keep that operator "
                        "float with --keep-float",
                    ErrorCode::kBadInput);
      }
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

  std::vector<std::optional<OpRule>> rules_;  // per op: set when quantized
  std::vector<std::string> warnings_;
  std::vector<int> producer_;
  std::vector<bool> is_model_input_, is_model_output_;
  std::optional<TensorParams> params_;        // after MapProducersAndConsumers
  std::optional<TensorParams> wide_params_;   // int16 versions in an int8 model
  std::string rewriting_;                     // the recurrent op RewriteRecurrentOperands works on
  std::vector<Domain> home_, produced_in_;
  std::vector<std::array<bool, kDomains>> needed_;
  std::vector<std::array<int, kDomains>> version_;
};

}  // namespace

namespace {

// Every float constant must be finite: a NaN or infinite weight has no int8
// value (its scale would be infinite or NaN), so it is the file's problem.
void CheckFiniteConstants(const Model& model) {
  const auto& tensors = model.subgraph(0).tensors;
  for (size_t t = 0; t < tensors.size(); ++t) {
    if (tensors[t]->type != tflite::TensorType_FLOAT32 || !model.IsConstant(*tensors[t])) continue;
    const Span<const float> values = model.ConstantValues<float>(*tensors[t]);
    for (size_t i = 0; i < values.size(); ++i) {
      if (std::isfinite(values[i])) continue;
      throw Error(model.source() + ": subgraph 0, tensor " + std::to_string(t) + " (" + QuotedName(tensors[t]->name) +
                  "): element " + std::to_string(i) + " is " + std::to_string(values[i]) +
                  "; only finite float constants can be quantized");
    }
  }
}

}  // namespace

void CheckHasFloatActivations(const Model& model) {
  if (model.num_subgraphs() == 0) return;  // the subgraph count check below names the problem
  const tflite::SubGraphT& g = model.subgraph(0);
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    if (IsFloatActivation(model, static_cast<int>(t))) return;
  }
  throw Error(model.source() + ": has no float activations: it is already integer, so there is nothing to quantize "
                  "(quantize takes the float model it was made from)",
              ErrorCode::kBadInput);
}

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
  CheckHasFloatActivations(float_model);
  CheckFiniteConstants(float_model);
  return Quantizer(float_model, table, options).Run();
}

}  // namespace tinyforge::quantize
