#include "libconvert/compare/isolated_error.h"

namespace tinyforge {
namespace {

// What WriteRealValues can write (a quantized int32 activation it cannot).
bool CanWriteRealValues(const tflite::TensorT& t) {
  switch (t.type) {
    case tflite::TensorType_FLOAT32:
    case tflite::TensorType_INT8:
    case tflite::TensorType_UINT8:
    case tflite::TensorType_INT16:
      return true;
    case tflite::TensorType_INT32:
      return !t.quantization || t.quantization->scale.empty();
    default:
      return false;
  }
}

}  // namespace

std::vector<IsolatedOp> PlanIsolatedOps(const Model& reference, const Model& candidate, LayerMatching& matching) {
  const tflite::SubGraphT& cg = candidate.subgraph(0);
  std::vector<IsolatedOp> ops;
  for (size_t o = 0; o < cg.operators.size(); ++o) {
    const tflite::OperatorT& op = *cg.operators[o];
    IsolatedOp plan;
    plan.op_index = o;
    for (int out : op.outputs) {
      const int layer = out >= 0 ? matching.candidate_tensor_layer[static_cast<size_t>(out)] : -1;
      // A layer belongs to the first operator that writes its tensor.
      if (layer >= 0 && matching.layers[static_cast<size_t>(layer)].info.op_index == o) {
        plan.outputs.emplace_back(out, static_cast<size_t>(layer));
      }
    }
    if (plan.outputs.empty()) continue;
    bool runnable = true;
    std::vector<std::pair<int, int>> inputs;  // candidate tensor, reference tensor
    for (int in : op.inputs) {
      if (in < 0) continue;
      const tflite::TensorT& t = candidate.tensor(0, in);
      if (t.is_variable) runnable = false;
      if (candidate.IsConstant(t) || !runnable) continue;
      const int ref = matching.candidate_tensor_reference[static_cast<size_t>(in)];
      runnable = ref >= 0 && CanWriteRealValues(t) &&
                 TensorElements(reference, ref) == TensorElements(candidate, in);
      if (runnable) inputs.emplace_back(in, ref);
    }
    if (!runnable) continue;
    for (const auto& [in, ref] : inputs) plan.inputs.emplace_back(in, ReferenceSlot(matching, ref));
    ops.push_back(std::move(plan));
  }
  return ops;
}

IsolatedRunner::IsolatedRunner(const Model& candidate, const std::vector<IsolatedOp>& ops,
                               interp::InterpreterOptions kernels)
    : ops_(ops) {
  kernels.fold_producers = false;
  kernels.share_memory = false;  // its callers write operators' inputs by hand
  interpreter_ = std::make_unique<interp::Interpreter>(candidate, kernels);
  interpreter_->Prepare();
}

void IsolatedRunner::Run(const std::vector<std::vector<float>>& reference_values,
                         const std::vector<LayerPlan>& layers, std::vector<ErrorStats>& layer_stats) {
  for (const IsolatedOp& op : ops_) {
    for (const auto& [tensor, slot] : op.inputs) {
      const std::vector<float>& values = reference_values[slot];
      WriteRealValues(values.data(), values.size(), interpreter_->mutable_tensor(tensor));
    }
    interpreter_->InvokeOperator(op.op_index);
    for (const auto& [tensor, layer] : op.outputs) {
      const std::vector<float>& expected = reference_values[layers[layer].reference_slot];
      RealValues(interpreter_->tensor(tensor), output_values_);
      layer_stats[layer].Add(expected.data(), output_values_.data(), expected.size());
    }
  }
}

}  // namespace tinyforge
