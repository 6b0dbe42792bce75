// What quantization does to each operator's tensors: which input holds the
// weights (and along which axis they get per-channel scales), which holds
// the bias, which inputs share their scale and zero point with the outputs,
// and which outputs have fixed parameters. One table, from the TFLite
// quantization spec (../shared/docs/design.md); whether TFLM has an integer
// kernel for the op is the interpreter's kernel table's business.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libconvert/model/schema/tflite_generated.h"
#include "quantize/quant_params.h"

namespace tinyforge::quantize {

// A float32 tensor: what quantization turns into integers.
inline bool IsFloat(const tflite::TensorT& t) { return t.type == tflite::TensorType_FLOAT32; }

enum class OutputRule {
  kCalibrated,    // the output's own calibrated range
  kFixed,         // spec-fixed parameters (FixedOutputParams)
  kSameAsInputs,  // the inputs in `same_scale_inputs` and every output share parameters
};

struct OpRule {
  tflite::BuiltinOperator op;
  int weight_input = -1;  // constant int8 symmetric weights, or -1
  int weight_axis = -1;   // per-channel axis of the weights; -1 = per tensor
  int bias_input = -1;    // int32 (int64 in 16x8 mode) bias, or -1
  OutputRule output = OutputRule::kCalibrated;
  std::vector<int> same_scale_inputs;  // for kSameAsInputs; empty = every float input
  // Recurrent operators (LSTM, SVDF): every operand has its own rule
  // (quantize/recurrent_rules.h) instead of weight_input and bias_input.
  bool recurrent = false;
  // Set per operator by ChooseQuantizedOps, not by the table: this operator
  // runs with int16 activations (16x8) inside an int8 model.
  bool int16 = false;
};

// The rule for `op`, or nullopt when the quantizer does not know the op
// (it then stays float, with a warning).
std::optional<OpRule> FindOpRule(tflite::BuiltinOperator op);

// Why an operator the interpreter runs has no rule and stays as it is when a
// model is quantized (empty for operators with a rule, and for operators
// the interpreter has no kernel for).
std::string_view WhyNoRule(tflite::BuiltinOperator op);

// The rule in a few words for tables: "weights input 1, per channel on axis
// 0; bias input 2", "same scale as inputs 0", "fixed output", "calibrated".
std::string DescribeRule(const OpRule& rule);

// The fixed output parameters of SOFTMAX, LOGISTIC, TANH, L2_NORMALIZATION
// and LOG_SOFTMAX for int8 (int16 = false) or int16 activations.
QuantParams FixedOutputParams(tflite::BuiltinOperator op, bool int16);

}  // namespace tinyforge::quantize
