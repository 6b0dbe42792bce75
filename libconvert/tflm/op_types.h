// Which operand types TensorFlow Lite Micro's kernels accept: the one table
// of those facts (op_types.cc). A kernel with a resolver method (ops.h) still
// refuses types it has no code for, in Prepare or in Eval: TFLM has an int8
// TRANSPOSE but no int32 one, and no hybrid kernels (float activations with
// int8 weights). `inspect` uses the table to say what TFLM cannot run.
//
// Facts from tensorflow/lite/micro/kernels/*.cc at tflite-micro 90b983c2
// (reference kernels): the type switches of each kernel's Prepare and Eval.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "libconvert/base/span.h"
#include "libconvert/model/model.h"
#include "libconvert/model/schema/tflite_generated.h"

namespace tinyforge {

// A set of tensor types, one bit per tflite::TensorType value.
using TflmTypeSet = uint32_t;
inline constexpr TflmTypeSet kTflmAnyType = ~TflmTypeSet{0};
// The loader keeps type numbers newer than our schema (inspect names them
// TYPE_<n>), so a file can hold any int8 here: a number with no bit is in no
// set but "any type" (found by fuzzing: -66 was shifted by).
inline constexpr TflmTypeSet TflmType(tflite::TensorType type) {
  return type >= 0 && type < 32 ? TflmTypeSet{1} << type : 0;
}

// One combination of operand types a kernel runs. An operator is supported
// when one of its op's rows matches: the type of input `data_input` is in
// `data_types`, input `other_input` (when the rule names one and the
// operator has it) is in `other_types`, and output 0 is in `output_types`.
struct TflmTypeRule {
  tflite::BuiltinOperator op;
  int data_input;            // the operand whose type selects the kernel's code
  TflmTypeSet data_types;
  int other_input;           // weights, indices, a condition ...; -1: none checked
  TflmTypeSet other_types;
  TflmTypeSet output_types;  // kTflmAnyType: not checked beyond the data type
};

// Every rule, grouped by operator in BuiltinOperator name order. Every
// builtin operator with a resolver method (TflmBuiltinOps) has at least one.
Span<const TflmTypeRule> TflmTypeRules();

// "FLOAT32", "INT8 or INT16", "any type" for a set.
std::string TflmTypeSetName(TflmTypeSet types);

// Why TFLM's kernel for operator `op` of subgraph `sg` refuses its operand
// types ("TRANSPOSE has no kernel for INT32 input (it takes FLOAT32, INT8 or
// INT16)"); nullopt when a rule matches, or when TFLM has no kernel for the
// operator at all (ops.h answers that).
std::optional<std::string> TflmTypeProblem(const Model& model, size_t sg,
                                           const tflite::OperatorT& op);

}  // namespace tinyforge
