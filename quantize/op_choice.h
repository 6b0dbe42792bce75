// The first step of quantization: which operators of a float model become
// integer. An operator that touches a float tensor is quantized unless
// --keep-float names one of its outputs, TFLM has no integer kernel for it,
// tinyforge has no rule for it (op_rules.h), or its weights are not a float
// constant; each one left float gets a warning (an error under --strict).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "libconvert/model/model.h"
#include "quantize/op_rules.h"
#include "quantize/quantizer.h"

namespace tinyforge::quantize {

// Per operator of subgraph 0: its rule when it becomes integer, nullopt when
// it stays as it is. Appends one line to `warnings` per operator left float.
// Throws Error (kBadInput) for an invalid --keep-float pattern and, under
// options.strict, for the first operator that cannot be quantized.
std::vector<std::optional<OpRule>> ChooseQuantizedOps(const Model& model, const QuantizeOptions& options,
                                                      std::vector<std::string>& warnings);

// "operator 3 (CONV_2D) 'conv1'": how messages name an operator of subgraph
// 0 (by its first output's name).
std::string DescribeOperator(const Model& model, size_t op_index, const tflite::OperatorT& op);

}  // namespace tinyforge::quantize
