#include "libconvert/tflm/op_types.h"

#include <algorithm>
#include <array>

#include "libconvert/model/dtype.h"

namespace tinyforge {
namespace {

using tflite::BuiltinOperator;

constexpr TflmTypeSet kF32 = TflmType(tflite::TensorType_FLOAT32);
constexpr TflmTypeSet kI32 = TflmType(tflite::TensorType_INT32);
constexpr TflmTypeSet kU8 = TflmType(tflite::TensorType_UINT8);
constexpr TflmTypeSet kI64 = TflmType(tflite::TensorType_INT64);
constexpr TflmTypeSet kBool = TflmType(tflite::TensorType_BOOL);
constexpr TflmTypeSet kI16 = TflmType(tflite::TensorType_INT16);
constexpr TflmTypeSet kI8 = TflmType(tflite::TensorType_INT8);
constexpr TflmTypeSet kU32 = TflmType(tflite::TensorType_UINT32);
constexpr TflmTypeSet kI4 = TflmType(tflite::TensorType_INT4);
constexpr TflmTypeSet kNotString = kTflmAnyType & ~TflmType(tflite::TensorType_STRING);
constexpr TflmTypeSet kAny = kTflmAnyType;

// A rule on the data operand alone (input 0 unless said), output unchecked.
constexpr TflmTypeRule In(BuiltinOperator op, TflmTypeSet types, int data_input = 0) {
  return {op, data_input, types, -1, kAny, kAny};
}
// Data operand and another operand (weights, indices, a condition).
constexpr TflmTypeRule With(BuiltinOperator op, int data_input, TflmTypeSet types, int other_input,
                            TflmTypeSet other_types) {
  return {op, data_input, types, other_input, other_types, kAny};
}
// Data operand and output 0 (type-converting kernels).
constexpr TflmTypeRule To(BuiltinOperator op, TflmTypeSet types, TflmTypeSet output_types,
                          int data_input = 0) {
  return {op, data_input, types, -1, kAny, output_types};
}

// Each kernel's accepted types at tflite-micro 90b983c2, read from the type
// checks of its Prepare and the type switch of its Eval (a type either
// rejects makes Invoke or AllocateTensors fail). Sorted by operator name.
constexpr TflmTypeRule kRules[] = {
    In(tflite::BuiltinOperator_ABS, kF32 | kI8 | kI16),                  // elementwise.cc IsAbsSupportedType
    In(tflite::BuiltinOperator_ADD, kF32 | kI32 | kI8 | kI16),           // add.cc AddEval
    In(tflite::BuiltinOperator_ADD_N, kF32 | kI8),                       // add_n.cc
    {tflite::BuiltinOperator_ARG_MAX, 0, kF32 | kI8, 1, kI32, kI32},     // arg_min_max.cc: int32 axis and output
    {tflite::BuiltinOperator_ARG_MIN, 0, kF32 | kI8, 1, kI32, kI32},
    In(tflite::BuiltinOperator_ASSIGN_VARIABLE, kAny),
    In(tflite::BuiltinOperator_AVERAGE_POOL_2D, kF32 | kI8 | kI16),      // pooling.cc AverageEval
    With(tflite::BuiltinOperator_BATCH_MATMUL, 0, kF32, 1, kF32),        // batch_matmul.cc: lhs, rhs and output alike
    With(tflite::BuiltinOperator_BATCH_MATMUL, 0, kI8, 1, kI8),
    With(tflite::BuiltinOperator_BATCH_MATMUL, 0, kI16, 1, kI16),
    In(tflite::BuiltinOperator_BATCH_TO_SPACE_ND, kF32 | kI8),
    In(tflite::BuiltinOperator_BROADCAST_ARGS, kI32 | kI64),
    In(tflite::BuiltinOperator_BROADCAST_TO, kNotString),
    In(tflite::BuiltinOperator_CALL_ONCE, kAny),
    To(tflite::BuiltinOperator_CAST, kI8 | kI16 | kI32 | kU32 | kF32 | kBool,  // cast.cc: any pair of these
       kI8 | kI16 | kI32 | kU32 | kF32),
    In(tflite::BuiltinOperator_CEIL, kF32),
    In(tflite::BuiltinOperator_CONCATENATION, kBool | kF32 | kI8 | kI16 | kI32 | kI64),
    With(tflite::BuiltinOperator_CONV_2D, 0, kF32, 1, kF32),             // conv_common.cc ConvPrepare
    With(tflite::BuiltinOperator_CONV_2D, 0, kI8, 1, kI4 | kI8),
    With(tflite::BuiltinOperator_CONV_2D, 0, kI16, 1, kI8),
    In(tflite::BuiltinOperator_COS, kF32),                               // elementwise.cc IsNumericSupportedType
    In(tflite::BuiltinOperator_CUMSUM, kF32 | kI8),
    With(tflite::BuiltinOperator_DEPTHWISE_CONV_2D, 0, kF32, 1, kF32),   // depthwise_conv.cc
    With(tflite::BuiltinOperator_DEPTHWISE_CONV_2D, 0, kI8, 1, kI4 | kI8),
    With(tflite::BuiltinOperator_DEPTHWISE_CONV_2D, 0, kI16, 1, kI8),
    In(tflite::BuiltinOperator_DEPTH_TO_SPACE, kF32 | kI8),
    To(tflite::BuiltinOperator_DEQUANTIZE, kI8 | kI16 | kU8, kF32),      // dequantize_common.cc
    In(tflite::BuiltinOperator_DIV, kF32 | kI32 | kI8),                  // div.cc DivEval
    In(tflite::BuiltinOperator_DYNAMIC_UPDATE_SLICE, kF32 | kI8 | kI16 | kI32),
    In(tflite::BuiltinOperator_ELU, kF32 | kI8),
    {tflite::BuiltinOperator_EMBEDDING_LOOKUP, 1, kF32, 0, kI32, kF32},  // embedding_lookup.cc: value, int32 ids
    {tflite::BuiltinOperator_EMBEDDING_LOOKUP, 1, kI8, 0, kI32, kF32 | kI8},
    In(tflite::BuiltinOperator_EQUAL, kBool | kF32 | kI32 | kI64 | kI8),  // comparisons.cc EqualEval
    In(tflite::BuiltinOperator_EXP, kF32),
    In(tflite::BuiltinOperator_EXPAND_DIMS, kF32 | kI16 | kI8),
    With(tflite::BuiltinOperator_FILL, 1, kF32 | kI32 | kI8, 0, kI8 | kI16 | kI32 | kI64),  // fill.cc: value, dims
    In(tflite::BuiltinOperator_FLOOR, kF32),
    In(tflite::BuiltinOperator_FLOOR_DIV, kF32),
    In(tflite::BuiltinOperator_FLOOR_MOD, kF32),
    With(tflite::BuiltinOperator_FULLY_CONNECTED, 0, kF32, 1, kF32),     // fully_connected.cc: no hybrid
    With(tflite::BuiltinOperator_FULLY_CONNECTED, 0, kI8, 1, kI4 | kI8),
    With(tflite::BuiltinOperator_FULLY_CONNECTED, 0, kI16, 1, kI8),
    With(tflite::BuiltinOperator_GATHER, 0, kF32 | kI8, 1, kI32),        // gather.cc: int32 positions
    With(tflite::BuiltinOperator_GATHER_ND, 0, kF32 | kI8, 1, kI32),     // gather_nd.cc: int32 indices
    In(tflite::BuiltinOperator_GREATER, kF32 | kI32 | kI64 | kI8 | kI16),
    In(tflite::BuiltinOperator_GREATER_EQUAL, kF32 | kI32 | kI64 | kI8),
    In(tflite::BuiltinOperator_HARD_SWISH, kF32 | kI8),
    In(tflite::BuiltinOperator_IF, kBool),                               // if.cc: the condition
    In(tflite::BuiltinOperator_L2_NORMALIZATION, kF32 | kI8),
    In(tflite::BuiltinOperator_L2_POOL_2D, kF32),
    In(tflite::BuiltinOperator_LEAKY_RELU, kF32 | kI8 | kI16),
    In(tflite::BuiltinOperator_LESS, kF32 | kI32 | kI64 | kI8),
    In(tflite::BuiltinOperator_LESS_EQUAL, kF32 | kI32 | kI64 | kI8),
    In(tflite::BuiltinOperator_LOG, kF32),
    In(tflite::BuiltinOperator_LOGICAL_AND, kBool),
    In(tflite::BuiltinOperator_LOGICAL_NOT, kBool),
    In(tflite::BuiltinOperator_LOGICAL_OR, kBool),
    In(tflite::BuiltinOperator_LOGISTIC, kF32 | kI8 | kI16),
    In(tflite::BuiltinOperator_LOG_SOFTMAX, kF32 | kI8),
    In(tflite::BuiltinOperator_MAXIMUM, kF32 | kI8 | kI16 | kI32 | kI64),
    In(tflite::BuiltinOperator_MAX_POOL_2D, kF32 | kI8 | kI16),
    In(tflite::BuiltinOperator_MEAN, kF32 | kI8 | kI16),                 // reduce_common.cc EvalMeanHelper
    In(tflite::BuiltinOperator_MINIMUM, kF32 | kI8 | kI16 | kI32 | kI64),
    In(tflite::BuiltinOperator_MIRROR_PAD, kF32 | kI8),
    In(tflite::BuiltinOperator_MUL, kF32 | kI8 | kI16 | kI32),
    In(tflite::BuiltinOperator_NEG, kF32),
    In(tflite::BuiltinOperator_NOT_EQUAL, kBool | kF32 | kI32 | kI64 | kI8),
    In(tflite::BuiltinOperator_PACK, kF32 | kI8 | kI16 | kI32 | kI64),
    In(tflite::BuiltinOperator_PAD, kF32 | kI8 | kI16 | kI32),
    In(tflite::BuiltinOperator_PADV2, kF32 | kI8 | kI16 | kI32),
    In(tflite::BuiltinOperator_PRELU, kF32 | kI8 | kI16),
    To(tflite::BuiltinOperator_QUANTIZE, kF32, kI8 | kI16),              // quantize_common.cc EvalQuantizeReference
    To(tflite::BuiltinOperator_QUANTIZE, kI32, kI8 | kI16),
    To(tflite::BuiltinOperator_QUANTIZE, kI16, kI8 | kI16 | kI32),
    To(tflite::BuiltinOperator_QUANTIZE, kI8, kI8 | kU8 | kI16 | kI32),
    To(tflite::BuiltinOperator_QUANTIZE, kU8, kI8),
    In(tflite::BuiltinOperator_READ_VARIABLE, kAny),
    In(tflite::BuiltinOperator_REDUCE_ALL, kBool),
    In(tflite::BuiltinOperator_REDUCE_MAX, kF32 | kI8),                  // reduce_common.cc EvalMinMaxHelper
    In(tflite::BuiltinOperator_REDUCE_MIN, kF32 | kI8),
    In(tflite::BuiltinOperator_RELU, kF32 | kI8 | kI16),
    In(tflite::BuiltinOperator_RELU6, kF32 | kI8 | kI16),
    In(tflite::BuiltinOperator_RESHAPE, kAny),
    In(tflite::BuiltinOperator_RESIZE_BILINEAR, kF32 | kI8),
    In(tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, kF32 | kI8 | kI16),
    In(tflite::BuiltinOperator_REVERSE_V2, kI32 | kF32 | kU8 | kI8 | kI16 | kI64 | kBool),
    In(tflite::BuiltinOperator_ROUND, kF32),
    In(tflite::BuiltinOperator_RSQRT, kF32 | kI8),                       // elementwise.cc IsRsqrtSupportedType
    With(tflite::BuiltinOperator_SELECT_V2, 1, kF32 | kI8 | kI16, 0, kBool),  // select.cc: bool condition
    To(tflite::BuiltinOperator_SHAPE, kAny, kI32),
    In(tflite::BuiltinOperator_SIN, kF32),
    In(tflite::BuiltinOperator_SLICE, kF32 | kI32 | kI8 | kI16 | kBool),
    To(tflite::BuiltinOperator_SOFTMAX, kF32, kF32),                     // softmax_common.cc CalculateSoftmaxParams
    To(tflite::BuiltinOperator_SOFTMAX, kI8, kI8 | kI16),
    To(tflite::BuiltinOperator_SOFTMAX, kI16, kI16),
    In(tflite::BuiltinOperator_SPACE_TO_BATCH_ND, kF32 | kI8),
    In(tflite::BuiltinOperator_SPACE_TO_DEPTH, kF32 | kI8),
    In(tflite::BuiltinOperator_SPLIT, kF32 | kI8 | kI16 | kI32, 1),      // split.cc: input 0 is the axis
    In(tflite::BuiltinOperator_SPLIT_V, kF32 | kI8 | kI16 | kI32),
    In(tflite::BuiltinOperator_SQRT, kF32),
    In(tflite::BuiltinOperator_SQUARE, kF32),
    In(tflite::BuiltinOperator_SQUARED_DIFFERENCE, kF32 | kI32 | kI8 | kI16),
    In(tflite::BuiltinOperator_SQUEEZE, kNotString),
    In(tflite::BuiltinOperator_STRIDED_SLICE, kF32 | kI8 | kI16 | kI32 | kBool),
    In(tflite::BuiltinOperator_SUB, kF32 | kI32 | kI8 | kI16),
    In(tflite::BuiltinOperator_SUM, kF32 | kI8 | kI16),
    With(tflite::BuiltinOperator_SVDF, 0, kF32, 1, kF32),                // svdf_common.cc PrepareSvdf
    With(tflite::BuiltinOperator_SVDF, 0, kI8, 1, kI8),
    In(tflite::BuiltinOperator_TANH, kF32 | kI8 | kI16),
    In(tflite::BuiltinOperator_TRANSPOSE, kF32 | kI8 | kI16),            // transpose.cc TransposeEval
    With(tflite::BuiltinOperator_TRANSPOSE_CONV, 2, kF32, 1, kF32),      // transpose_conv.cc: input is operand 2
    With(tflite::BuiltinOperator_TRANSPOSE_CONV, 2, kI8, 1, kI8),
    With(tflite::BuiltinOperator_TRANSPOSE_CONV, 2, kI16, 1, kI8),
    With(tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, 0, kF32, 1, kF32),  // input-to-input weights
    With(tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, 0, kI8, 1, kI8),
    With(tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, 0, kI16, 1, kI8),
    In(tflite::BuiltinOperator_UNPACK, kF32 | kI32 | kI16 | kI8),
    In(tflite::BuiltinOperator_VAR_HANDLE, kAny),
    In(tflite::BuiltinOperator_WHILE, kAny),
    In(tflite::BuiltinOperator_ZEROS_LIKE, kI64 | kI32 | kI8 | kF32),
};

// What the other operand is, for messages.
std::string OtherRole(BuiltinOperator op) {
  switch (op) {
    case tflite::BuiltinOperator_ARG_MAX:
    case tflite::BuiltinOperator_ARG_MIN:
      return "axis";
    case tflite::BuiltinOperator_BATCH_MATMUL:
      return "right operand";
    case tflite::BuiltinOperator_EMBEDDING_LOOKUP:
      return "ids";
    case tflite::BuiltinOperator_FILL:
      return "dims";
    case tflite::BuiltinOperator_GATHER:
    case tflite::BuiltinOperator_GATHER_ND:
      return "indices";
    case tflite::BuiltinOperator_SELECT_V2:
      return "condition";
    default:
      return "weights";
  }
}

const tflite::TensorT* Operand(const Model& model, size_t sg, const std::vector<int32_t>& list, int k) {
  if (k < 0 || static_cast<size_t>(k) >= list.size() || list[static_cast<size_t>(k)] < 0) return nullptr;
  return &model.tensor(sg, list[static_cast<size_t>(k)]);
}

bool Has(TflmTypeSet set, tflite::TensorType type) { return (set & TflmType(type)) != 0; }

// "INT8 input with INT4 or INT8 weights to INT16 output".
std::string Describe(const TflmTypeRule& rule, TflmTypeSet data, TflmTypeSet other, TflmTypeSet output) {
  std::string text = TflmTypeSetName(data) + " input";
  if (rule.other_input >= 0 && other != kAny) text += " with " + TflmTypeSetName(other) + " " + OtherRole(rule.op);
  if (output != kAny) text += " to " + TflmTypeSetName(output) + " output";
  return text;
}

}  // namespace

Span<const TflmTypeRule> TflmTypeRules() { return {kRules, std::size(kRules)}; }

std::string TflmTypeSetName(TflmTypeSet types) {
  if (types == kAny) return "any type";
  if (types == kNotString) return "any type but STRING";
  std::vector<std::string> names;
  for (int t = 0; t < 32; ++t) {
    if (types & (TflmTypeSet{1} << t)) names.push_back(TypeName(static_cast<tflite::TensorType>(t)));
  }
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  }
  return text;
}

std::optional<std::string> TflmTypeProblem(const Model& model, size_t sg, const tflite::OperatorT& op) {
  const BuiltinOperator code = model.OpCode(op);
  std::vector<const TflmTypeRule*> rules;
  for (const TflmTypeRule& rule : kRules) {
    if (rule.op == code) rules.push_back(&rule);
  }
  if (rules.empty()) return std::nullopt;
  const tflite::TensorT* output = Operand(model, sg, op.outputs, 0);
  for (const TflmTypeRule* rule : rules) {
    const tflite::TensorT* data = Operand(model, sg, op.inputs, rule->data_input);
    const tflite::TensorT* other = Operand(model, sg, op.inputs, rule->other_input);
    if (data != nullptr && !Has(rule->data_types, data->type)) continue;
    if (other != nullptr && rule->other_input >= 0 && !Has(rule->other_types, other->type)) continue;
    if (output != nullptr && !Has(rule->output_types, output->type)) continue;
    return std::nullopt;
  }
  // No rule matches: say what the operator has and what the kernel takes.
  const TflmTypeRule& first = *rules.front();
  const tflite::TensorT* data = Operand(model, sg, op.inputs, first.data_input);
  const tflite::TensorT* other = Operand(model, sg, op.inputs, first.other_input);
  const bool checks_other = std::any_of(rules.begin(), rules.end(), [](const TflmTypeRule* r) {
    return r->other_input >= 0 && r->other_types != kAny;
  });
  const bool checks_output = std::any_of(rules.begin(), rules.end(),
                                         [](const TflmTypeRule* r) { return r->output_types != kAny; });
  const TflmTypeSet has_other = checks_other && other ? TflmType(other->type) : kAny;
  const TflmTypeSet has_output = checks_output && output ? TflmType(output->type) : kAny;
  std::string takes;
  for (size_t i = 0; i < rules.size(); ++i) {
    takes += (i == 0 ? "" : "; ") +
             Describe(*rules[i], rules[i]->data_types, rules[i]->other_types, rules[i]->output_types);
  }
  return "TFLM's " + model.OpName(op) + " kernel takes " + takes + "; not " +
         Describe(first, data ? TflmType(data->type) : kAny, has_other, has_output);
}

}  // namespace tinyforge
