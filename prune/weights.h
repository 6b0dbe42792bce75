// Which weight tensors of a model may be pruned, and typed access to them in
// real units. See pruner.h for the eligibility rules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/model/model.h"
#include "prune/pruner.h"

namespace tinyforge::prune {

// A constant weight operand: the tensor and the first operator reading it.
struct WeightRef {
  size_t subgraph = 0;
  size_t op_index = 0;
  tflite::BuiltinOperator op = tflite::BuiltinOperator_CONV_2D;
  int tensor = -1;
};

struct WeightScan {
  std::vector<WeightRef> eligible;     // in operator order, each tensor once
  std::vector<SkippedLayer> skipped;   // stage "eligibility"
};

// Every weight operand of a prunable operator, eligible or skipped with the
// reason (not constant, type, nonzero zero point, fewer than `min_params`
// elements).
WeightScan FindPrunableWeights(const Model& model, int64_t min_params);

// Whether `op` is one whose weights pruning considers.
bool IsPrunableOp(tflite::BuiltinOperator op);

// The real values of a FLOAT32 or INT8 constant: int8 dequantized with its
// per-tensor or per-channel scale (zero points are 0 for eligible tensors).
std::vector<float> RealWeights(const Model& model, const tflite::TensorT& tensor);

// Number of elements that are exactly zero.
int64_t CountZeros(const Model& model, const tflite::TensorT& tensor);

// Sets the given flat elements of a FLOAT32 or INT8 constant to 0 (the
// tensor's buffer is made private to it first, see Model).
void ZeroWeights(Model& model, size_t subgraph, int tensor, const std::vector<int64_t>& elements);

// A LayerReport with the "before" fields filled from `ref`.
LayerReport DescribeWeight(const Model& model, const WeightRef& ref);

// The report's "after" fields from the pruned model's tensor (same subgraph
// and tensor index as before).
void DescribeAfter(const Model& model, LayerReport& layer);

}  // namespace tinyforge::prune
