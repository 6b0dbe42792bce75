#include "quantize/op_rules.h"

#include <algorithm>
#include <cstdio>

#include "libconvert/base/error.h"

namespace tinyforge::quantize {
namespace {

using Op = tflite::BuiltinOperator;

std::vector<OpRule> BuildRules() {
  std::vector<OpRule> rules;
  auto calibrated = [&](Op op) { rules.push_back({op, -1, -1, -1, OutputRule::kCalibrated, {}}); };
  auto same = [&](Op op, std::vector<int> inputs) {
    rules.push_back({op, -1, -1, -1, OutputRule::kSameAsInputs, std::move(inputs)});
  };
  auto fixed = [&](Op op) { rules.push_back({op, -1, -1, -1, OutputRule::kFixed, {}}); };

  // Weighted ops. Axes follow the filter layouts: CONV_2D OHWI (axis 0),
  // DEPTHWISE_CONV_2D 1HWO (axis 3), TRANSPOSE_CONV OHWI with the weights
  // second and the bias fourth. FULLY_CONNECTED's axis is chosen by the
  // quantizer (per tensor unless asked).
  rules.push_back({tflite::BuiltinOperator_CONV_2D, 1, 0, 2, OutputRule::kCalibrated, {}});
  rules.push_back({tflite::BuiltinOperator_DEPTHWISE_CONV_2D, 1, 3, 2, OutputRule::kCalibrated, {}});
  rules.push_back({tflite::BuiltinOperator_TRANSPOSE_CONV, 1, 0, 3, OutputRule::kCalibrated, {}});
  rules.push_back({tflite::BuiltinOperator_FULLY_CONNECTED, 1, -1, 2, OutputRule::kCalibrated, {}});
  // PRELU's alpha: int8 symmetric per tensor like weights (TFLM's int16
  // PRELU also takes int8 alpha).
  rules.push_back({tflite::BuiltinOperator_PRELU, 1, -1, -1, OutputRule::kCalibrated, {}});

  // Recurrent operators: the LSTM's hidden state (input 18) is written into
  // its output, so the two share parameters; SVDF's output is calibrated.
  rules.push_back({tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, -1, -1, -1, OutputRule::kSameAsInputs, {18}, true});
  rules.push_back({tflite::BuiltinOperator_SVDF, -1, -1, -1, OutputRule::kCalibrated, {}, true});

  for (Op op : {tflite::BuiltinOperator_ADD, tflite::BuiltinOperator_SUB, tflite::BuiltinOperator_MUL,
                tflite::BuiltinOperator_DIV,
                tflite::BuiltinOperator_SQUARED_DIFFERENCE, tflite::BuiltinOperator_RELU,
                tflite::BuiltinOperator_RELU6, tflite::BuiltinOperator_LEAKY_RELU,
                tflite::BuiltinOperator_HARD_SWISH, tflite::BuiltinOperator_MEAN, tflite::BuiltinOperator_SUM,
                tflite::BuiltinOperator_RSQRT, tflite::BuiltinOperator_ABS, tflite::BuiltinOperator_BATCH_MATMUL,
                tflite::BuiltinOperator_EQUAL, tflite::BuiltinOperator_NOT_EQUAL, tflite::BuiltinOperator_LESS,
                tflite::BuiltinOperator_LESS_EQUAL, tflite::BuiltinOperator_GREATER,
                tflite::BuiltinOperator_GREATER_EQUAL, tflite::BuiltinOperator_ARG_MAX,
                tflite::BuiltinOperator_ARG_MIN, tflite::BuiltinOperator_GELU}) {
    calibrated(op);
  }

  for (Op op : {tflite::BuiltinOperator_SOFTMAX, tflite::BuiltinOperator_LOGISTIC, tflite::BuiltinOperator_TANH,
                tflite::BuiltinOperator_L2_NORMALIZATION, tflite::BuiltinOperator_LOG_SOFTMAX}) {
    fixed(op);
  }

  // The spec's same-scale ops: their integer kernels move or compare values
  // without rescaling, so input and output must mean the same thing.
  for (Op op : {tflite::BuiltinOperator_AVERAGE_POOL_2D, tflite::BuiltinOperator_MAX_POOL_2D,
                tflite::BuiltinOperator_RESHAPE, tflite::BuiltinOperator_SQUEEZE,
                tflite::BuiltinOperator_EXPAND_DIMS, tflite::BuiltinOperator_PAD,
                tflite::BuiltinOperator_MIRROR_PAD, tflite::BuiltinOperator_TRANSPOSE,
                tflite::BuiltinOperator_GATHER, tflite::BuiltinOperator_GATHER_ND, tflite::BuiltinOperator_SLICE,
                tflite::BuiltinOperator_STRIDED_SLICE, tflite::BuiltinOperator_SPLIT_V,
                tflite::BuiltinOperator_UNPACK, tflite::BuiltinOperator_RESIZE_BILINEAR,
                tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, tflite::BuiltinOperator_SPACE_TO_DEPTH,
                tflite::BuiltinOperator_DEPTH_TO_SPACE, tflite::BuiltinOperator_BATCH_TO_SPACE_ND,
                tflite::BuiltinOperator_SPACE_TO_BATCH_ND, tflite::BuiltinOperator_REDUCE_MAX,
                tflite::BuiltinOperator_REDUCE_MIN, tflite::BuiltinOperator_BROADCAST_TO}) {
    same(op, {0});
  }
  same(tflite::BuiltinOperator_SPLIT, {1});        // input 0 is the axis
  same(tflite::BuiltinOperator_PADV2, {0, 2});     // the pad value means what the input means
  same(tflite::BuiltinOperator_SELECT_V2, {1, 2});  // input 0 is the condition
  same(tflite::BuiltinOperator_CONCATENATION, {});
  same(tflite::BuiltinOperator_PACK, {});
  same(tflite::BuiltinOperator_MAXIMUM, {});
  same(tflite::BuiltinOperator_MINIMUM, {});
  return rules;
}

}  // namespace

std::optional<OpRule> FindOpRule(tflite::BuiltinOperator op) {
  static const std::vector<OpRule> rules = BuildRules();
  const auto it = std::find_if(rules.begin(), rules.end(), [&](const OpRule& r) { return r.op == op; });
  if (it == rules.end()) return std::nullopt;
  return *it;
}

std::string_view WhyNoRule(tflite::BuiltinOperator op) {
  switch (op) {
    case tflite::BuiltinOperator_QUANTIZE:
    case tflite::BuiltinOperator_DEQUANTIZE:
      return "converts between float and integer itself; the quantizer places these";
    case tflite::BuiltinOperator_CAST:
      return "changes the type by definition; kept as it is";
    case tflite::BuiltinOperator_SHAPE:
      return "outputs the input's shape as integers; nothing to quantize";
    case tflite::BuiltinOperator_SQRT:
    case tflite::BuiltinOperator_NEG:
    case tflite::BuiltinOperator_EXP:
    case tflite::BuiltinOperator_LOG:
      return "TFLM's kernel is float only";
    default:
      return "";
  }
}

std::string DescribeRule(const OpRule& rule) {
  if (rule.op == tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM) {
    return "int8 weights per tensor; int32 gate biases; int16 power-of-two cell state; hidden state shares the "
           "output's parameters";
  }
  if (rule.op == tflite::BuiltinOperator_SVDF) {
    return "int8 feature weights; int16 time weights and state; int32 bias; calibrated output";
  }
  std::string text;
  if (rule.weight_input >= 0) {
    text = "weights input " + std::to_string(rule.weight_input) +
           (rule.weight_axis >= 0 ? ", per channel on axis " + std::to_string(rule.weight_axis) : ", per tensor");
    if (rule.bias_input >= 0) text += "; bias input " + std::to_string(rule.bias_input);
    text += "; ";
  }
  switch (rule.output) {
    case OutputRule::kCalibrated:
      return text + "calibrated output";
    case OutputRule::kFixed: {
      const QuantParams q = FixedOutputParams(rule.op, false);
      char scale[32];
      std::snprintf(scale, sizeof(scale), "%g", q.scale);
      return text + "fixed output (scale " + scale + ", zero point " + std::to_string(q.zero_point) + ")";
    }
    case OutputRule::kSameAsInputs: {
      if (rule.same_scale_inputs.empty()) return text + "same scale as every input";
      std::string inputs;
      for (const int i : rule.same_scale_inputs) inputs += (inputs.empty() ? "" : ", ") + std::to_string(i);
      return text + "same scale as input" + (rule.same_scale_inputs.size() > 1 ? "s " : " ") + inputs;
    }
  }
  return text;
}

QuantParams FixedOutputParams(tflite::BuiltinOperator op, bool int16) {
  if (int16) {
    switch (op) {
      case tflite::BuiltinOperator_SOFTMAX:
      case tflite::BuiltinOperator_LOGISTIC:
      case tflite::BuiltinOperator_TANH:
        return {1.0f / 32768.0f, 0};
      default:
        break;
    }
  } else {
    switch (op) {
      case tflite::BuiltinOperator_SOFTMAX:
      case tflite::BuiltinOperator_LOGISTIC:
        return {1.0f / 256.0f, -128};
      case tflite::BuiltinOperator_TANH:
      case tflite::BuiltinOperator_L2_NORMALIZATION:
        return {1.0f / 128.0f, 0};
      case tflite::BuiltinOperator_LOG_SOFTMAX:
        return {16.0f / 256.0f, 127};
      default:
        break;
    }
  }
  throw Error(std::string("no fixed ") + (int16 ? "int16" : "int8") + " output parameters for " +
                  tflite::EnumNameBuiltinOperator(op),
              ErrorCode::kInternal);
}

}  // namespace tinyforge::quantize
