#include "libconvert/compare/layer_matching.h"

#include <map>

#include "libconvert/compare/metrics.h"

namespace tinyforge {
namespace {

bool IsPassthrough(tflite::BuiltinOperator op) {
  return op == tflite::BuiltinOperator_QUANTIZE || op == tflite::BuiltinOperator_DEQUANTIZE;
}

// The representable integer range of a quantized candidate type.
bool IntegerRange(tflite::TensorType type, double& qmin, double& qmax) {
  switch (type) {
    case tflite::TensorType_INT8: qmin = -128; qmax = 127; return true;
    case tflite::TensorType_UINT8: qmin = 0; qmax = 255; return true;
    case tflite::TensorType_INT16: qmin = -32768; qmax = 32767; return true;
    default: return false;
  }
}

}  // namespace

int64_t TensorElements(const Model& model, int index) {
  return ElementCount(model.tensor(0, index).shape);
}

size_t ReferenceSlot(LayerMatching& m, int ref) {
  int& slot = m.reference_tensor_slot[static_cast<size_t>(ref)];
  if (slot < 0) {
    slot = static_cast<int>(m.reference_slot_tensor.size());
    m.reference_slot_tensor.push_back(ref);
  }
  return static_cast<size_t>(slot);
}

LayerMatching MatchLayers(const Model& reference, const Model& candidate) {
  const tflite::SubGraphT& rg = reference.subgraph(0);
  const tflite::SubGraphT& cg = candidate.subgraph(0);
  LayerMatching m;
  m.reference_tensor_slot.assign(rg.tensors.size(), -1);
  m.candidate_tensor_layer.assign(cg.tensors.size(), -1);
  m.candidate_tensor_reference.assign(cg.tensors.size(), -1);

  // Reference tensors whose values a run produces: graph inputs and
  // operator outputs, by name.
  std::map<std::string, int> reference_by_name;
  for (int index : rg.inputs) reference_by_name.emplace(rg.tensors[static_cast<size_t>(index)]->name, index);
  // Operators other than QUANTIZE/DEQUANTIZE, in order: positional matching
  // pairs the k-th of each model when their op codes agree.
  std::vector<size_t> reference_compute_ops;
  for (size_t i = 0; i < rg.operators.size(); ++i) {
    const tflite::OperatorT& op = *rg.operators[i];
    for (int out : op.outputs) {
      if (out >= 0) reference_by_name.emplace(rg.tensors[static_cast<size_t>(out)]->name, out);
    }
    if (!IsPassthrough(reference.OpCode(op))) reference_compute_ops.push_back(i);
  }

  // Candidate tensor -> reference tensor with the same value, seeded with
  // the graph inputs by position.
  std::map<int, int> counterpart;
  for (size_t k = 0; k < cg.inputs.size() && k < rg.inputs.size(); ++k) {
    if (TensorElements(candidate, cg.inputs[k]) == TensorElements(reference, rg.inputs[k])) {
      counterpart[cg.inputs[k]] = rg.inputs[k];
    }
  }

  size_t compute_index = 0;
  for (size_t i = 0; i < cg.operators.size(); ++i) {
    const tflite::OperatorT& op = *cg.operators[i];
    const tflite::BuiltinOperator code = candidate.OpCode(op);
    const bool passthrough = IsPassthrough(code);
    const size_t position = compute_index;
    if (!passthrough) ++compute_index;
    for (size_t j = 0; j < op.outputs.size(); ++j) {
      const int out = op.outputs[j];
      if (out < 0) continue;
      const tflite::TensorT& t = candidate.tensor(0, out);
      const int64_t elements = ElementCount(t.shape);
      int ref = -1;
      std::string how;
      const auto by_name = reference_by_name.find(t.name);
      if (!t.name.empty() && by_name != reference_by_name.end() &&
          TensorElements(reference, by_name->second) == elements) {
        ref = by_name->second;
        how = "name";
      }
      if (ref < 0 && passthrough && !op.inputs.empty()) {
        const auto source = counterpart.find(op.inputs[0]);
        if (source != counterpart.end() && TensorElements(reference, source->second) == elements) {
          ref = source->second;
          how = "passthrough";
        }
      }
      if (ref < 0 && !passthrough && position < reference_compute_ops.size()) {
        const tflite::OperatorT& rop = *rg.operators[reference_compute_ops[position]];
        if (reference.OpCode(rop) == code && j < rop.outputs.size() && rop.outputs[j] >= 0 &&
            TensorElements(reference, rop.outputs[j]) == elements) {
          ref = rop.outputs[j];
          how = "position";
        }
      }
      if (ref < 0) {
        m.unmatched.push_back(candidate.OpName(op) + " '" + t.name + "'");
        continue;
      }
      counterpart[out] = ref;
      if (m.candidate_tensor_layer[static_cast<size_t>(out)] >= 0) continue;
      // A BOOL or INT64 tensor (a comparison's result, indices) has no real
      // values to measure an error on: not a layer.
      if (!HasRealValues(t.type) || !HasRealValues(reference.tensor(0, ref).type)) continue;

      LayerPlan plan;
      LayerComparison& info = plan.info;
      info.op_index = i;
      info.op_name = candidate.OpName(op);
      info.tensor = out;
      info.tensor_name = t.name;
      info.reference_tensor = ref;
      info.reference_tensor_name = reference.tensor(0, ref).name;
      info.matched_by = how;
      info.type = TypeShortName(t.type);
      if (t.quantization && !t.quantization->scale.empty()) {
        info.scale = t.quantization->scale[0];
        info.zero_point =
            t.quantization->zero_point.empty() ? 0 : static_cast<int32_t>(t.quantization->zero_point[0]);
      }
      double qmin = 0, qmax = 0;
      if (info.scale > 0 && IntegerRange(t.type, qmin, qmax)) {
        // One step of slack: a softmax's 1.0 against its fixed 255/256 top
        // is rounding, not clipping.
        plan.clip_lo = info.scale * (qmin - info.zero_point - 1.0);
        plan.clip_hi = info.scale * (qmax - info.zero_point + 1.0);
      } else {
        plan.clip_lo = 1;
        plan.clip_hi = 0;
      }
      plan.reference_slot = ReferenceSlot(m, ref);
      m.candidate_tensor_layer[static_cast<size_t>(out)] = static_cast<int>(m.layers.size());
      m.layers.push_back(std::move(plan));
    }
  }
  for (const auto& [tensor, ref] : counterpart) m.candidate_tensor_reference[static_cast<size_t>(tensor)] = ref;
  return m;
}

}  // namespace tinyforge
