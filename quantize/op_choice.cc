#include "quantize/op_choice.h"

#include <regex>

#include "libconvert/base/error.h"
#include "libconvert/interp/kernel.h"
#include "libconvert/model/verify.h"
#include "quantize/recurrent_rules.h"

namespace tinyforge::quantize {
namespace {

std::vector<std::regex> CompilePatterns(const std::vector<std::string>& patterns, const char* flag) {
  std::vector<std::regex> compiled;
  for (const std::string& pattern : patterns) {
    try {
      compiled.emplace_back(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw Error(std::string(flag) + " '" + pattern + "': not a valid regular expression (" + e.what() + ")",
                  ErrorCode::kBadInput);
    }
  }
  return compiled;
}

// True when an output tensor name of `op` matches one of `patterns`.
bool OutputMatches(const Model& model, const tflite::OperatorT& op, const std::vector<std::regex>& patterns) {
  for (int index : op.outputs) {
    for (const std::regex& re : patterns) {
      if (index >= 0 && std::regex_search(model.tensor(0, index).name, re)) return true;
    }
  }
  return false;
}

// Why `op` cannot be quantized; "" when it can.
std::string WhyNotQuantizable(const Model& model, const tflite::OperatorT& op, tflite::TensorType int_type) {
  const auto& tensors = model.subgraph(0).tensors;
  const auto tensor = [&](int index) -> const tflite::TensorT& { return *tensors[static_cast<size_t>(index)]; };
  const tflite::BuiltinOperator code = model.OpCode(op);
  const std::string kind = int_type == tflite::TensorType_INT16 ? "int16" : "int8";
  // The interpreter's kernel table mirrors TFLM's integer kernels (a gap in
  // it is a gap in TFLM); it is keyed by the type of the data input as it
  // will be after the rewrite.
  const int key_tensor = interp::KernelKeyTensor(model, op);
  const tflite::TensorType key =
      key_tensor >= 0 && !IsFloat(tensor(key_tensor)) ? tensor(key_tensor).type : int_type;
  if (interp::FindKernel(code, key) == nullptr) return "TFLM has no " + kind + " kernel for " + model.OpName(op);
  const std::optional<OpRule> rule = FindOpRule(code);
  if (!rule) return "tinyforge cannot quantize " + model.OpName(op) + " yet";
  auto float_constant = [&](int position) {
    const int t = static_cast<size_t>(position) < op.inputs.size() ? op.inputs[static_cast<size_t>(position)] : -1;
    return t >= 0 && IsFloat(tensor(t)) && model.IsConstant(tensor(t));
  };
  if (rule->weight_input >= 0 && !float_constant(rule->weight_input)) return "its weights are not a float constant";
  if (rule->recurrent) return WhyRecurrentNotQuantizable(code, op, float_constant);
  return "";
}

// Whether an operator --int16-layers names can run 16x8: TFLM has an int16
// kernel for it and it is not recurrent (an LSTM's or SVDF's operands have
// formats of their own in each mode). Otherwise it stays int8, with a
// warning (an error under --strict).
bool ChooseInt16(const Model& model, size_t op_index, const tflite::OperatorT& op, const OpRule& rule, bool strict,
                 std::vector<std::string>& warnings) {
  std::string reason = rule.recurrent ? "int16 per layer is not supported for recurrent operators (use "
                                        "--activations int16 for the whole model)"
                                      : WhyNotQuantizable(model, op, tflite::TensorType_INT16);
  if (reason.empty()) return true;
  if (strict) {
    throw Error(model.source() + ": " + DescribeOperator(model, op_index, op) + " cannot have int16 activations: " +
                    reason + " (drop --strict to keep it int8)",
                ErrorCode::kBadInput);
  }
  warnings.push_back(DescribeOperator(model, op_index, op) + " stays int8 (--int16-layers): " + reason);
  return false;
}

}  // namespace

std::string DescribeOperator(const Model& model, size_t op_index, const tflite::OperatorT& op) {
  std::string text = "operator " + std::to_string(op_index) + " (" + model.OpName(op) + ")";
  if (!op.outputs.empty() && op.outputs[0] >= 0) {
    text += " " + QuotedName(model.tensor(0, op.outputs[0]).name);
  }
  return text;
}

std::vector<std::optional<OpRule>> ChooseQuantizedOps(const Model& model, const QuantizeOptions& options,
                                                      std::vector<std::string>& warnings) {
  const std::vector<std::regex> keep = CompilePatterns(options.keep_float, "--keep-float");
  const std::vector<std::regex> per_channel_fc = CompilePatterns(options.per_channel_fc_layers, "per_channel_fc");
  const std::vector<std::regex> int16_layers = CompilePatterns(options.int16_layers, "--int16-layers");
  const tflite::TensorType int_type =
      options.activations == ActivationType::kInt16 ? tflite::TensorType_INT16 : tflite::TensorType_INT8;
  const tflite::SubGraphT& g = model.subgraph(0);
  std::vector<std::optional<OpRule>> rules(g.operators.size());
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const tflite::OperatorT& op = *g.operators[i];
    bool touches_float = false;
    for (const std::vector<int32_t>* list : {&op.inputs, &op.outputs}) {
      for (int index : *list) touches_float = touches_float || (index >= 0 && IsFloat(model.tensor(0, index)));
    }
    if (!touches_float) continue;  // nothing to quantize
    if (OutputMatches(model, op, keep)) {
      warnings.push_back(DescribeOperator(model, i, op) + " stays float (--keep-float)");
      continue;
    }
    const std::string reason = WhyNotQuantizable(model, op, int_type);
    if (!reason.empty()) {
      if (options.strict) {
        throw Error(model.source() + ": " + DescribeOperator(model, i, op) + " cannot be quantized: " + reason +
                        " (drop --strict to keep it float between DEQUANTIZE and QUANTIZE)",
                    ErrorCode::kBadInput);
      }
      warnings.push_back(DescribeOperator(model, i, op) + " stays float: " + reason);
      continue;
    }
    rules[i] = FindOpRule(model.OpCode(op));
    if (int_type == tflite::TensorType_INT8 && OutputMatches(model, op, int16_layers)) {
      rules[i]->int16 = ChooseInt16(model, i, op, *rules[i], options.strict, warnings);
    }
    // FULLY_CONNECTED's weights are per tensor (TensorFlow's default) unless
    // asked for per channel, for every layer or for the matching ones.
    if (rules[i]->op == tflite::BuiltinOperator_FULLY_CONNECTED &&
        (options.per_channel_fc || OutputMatches(model, op, per_channel_fc))) {
      rules[i]->weight_axis = 0;
    }
  }
  return rules;
}

}  // namespace tinyforge::quantize
