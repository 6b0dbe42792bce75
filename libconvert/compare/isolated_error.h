// The error each candidate operator adds by itself ("isolated"), as
// TensorFlow's QuantizationDebugger measures it: the operator is fed the
// reference model's own values of its inputs, converted to the candidate's
// input types (quantized with the candidate's input scale and zero point),
// runs alone with the candidate's kernel, and its (dequantized) output is
// compared with the reference's value of that output. Unlike the error of
// the full candidate run ("accumulated"), it does not carry what the
// operators before it got wrong. Internal to compare/.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "libconvert/compare/layer_matching.h"
#include "libconvert/compare/metrics.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model.h"

namespace tinyforge {

// One candidate operator that can run isolated.
struct IsolatedOp {
  size_t op_index = 0;
  std::vector<std::pair<int, size_t>> inputs;   // candidate tensor to write, reference slot to read
  std::vector<std::pair<int, size_t>> outputs;  // candidate output tensor, its layer (LayerMatching::layers)
};

// The operators of `candidate` that produce a matched layer and whose
// non-constant inputs all have a reference counterpart of the same size
// and a type values can be written into (float32, int8, uint8, int16,
// unquantized int32). Operators reading a variable tensor (recurrent state) are left
// out: their input is the state of the run, not a reference value. Adds the
// reference slots the inputs need to `matching`.
std::vector<IsolatedOp> PlanIsolatedOps(const Model& reference, const Model& candidate, LayerMatching& matching);

// Runs the planned operators one by one on one sample's reference values.
// One per worker thread.
class IsolatedRunner {
 public:
  // `kernels.fold_producers` is turned off.
  IsolatedRunner(const Model& candidate, const std::vector<IsolatedOp>& ops, interp::InterpreterOptions kernels);

  // Adds each planned output's error to layer_stats[its layer], given the
  // reference slots' values of one sample (LayerMatching::reference_slot_tensor).
  void Run(const std::vector<std::vector<float>>& reference_values, const std::vector<LayerPlan>& layers,
           std::vector<ErrorStats>& layer_stats);

 private:
  const std::vector<IsolatedOp>& ops_;
  std::unique_ptr<interp::Interpreter> interpreter_;
  std::vector<float> output_values_;
};

}  // namespace tinyforge
