#include "prune/weights.h"

#include <cmath>
#include <set>

#include "libconvert/model/dtype.h"
#include "libconvert/base/error.h"

namespace tinyforge::prune {
namespace {

// The operand indices holding weights of a prunable operator.
std::vector<size_t> WeightOperands(tflite::BuiltinOperator op) {
  if (op == tflite::BuiltinOperator_BATCH_MATMUL) return {0, 1};
  return {1};
}

// Empty when eligible, else why not.
std::string Ineligibility(const Model& model, const tflite::TensorT& t, int64_t min_params) {
  if (!model.IsConstant(t)) return "not a constant";
  if (t.type != tflite::TensorType_FLOAT32 && t.type != tflite::TensorType_INT8) {
    return "type " + TypeName(t.type) + " (FLOAT32 and INT8 are pruned)";
  }
  if (t.sparsity) return "already stored sparse";
  if (t.type == tflite::TensorType_INT8) {
    if (!t.quantization || t.quantization->scale.empty()) return "INT8 without quantization scales";
    for (int64_t zp : t.quantization->zero_point) {
      if (zp != 0) return "INT8 with a nonzero zero point (0 would not be the real value 0)";
    }
  }
  const int64_t n = ElementCount(t.shape);
  if (n < min_params) {
    return std::to_string(n) + " elements, fewer than --min-params " + std::to_string(min_params);
  }
  return {};
}

}  // namespace

bool IsPrunableOp(tflite::BuiltinOperator op) {
  switch (op) {
    case tflite::BuiltinOperator_CONV_2D:
    case tflite::BuiltinOperator_DEPTHWISE_CONV_2D:
    case tflite::BuiltinOperator_FULLY_CONNECTED:
    case tflite::BuiltinOperator_TRANSPOSE_CONV:
    case tflite::BuiltinOperator_BATCH_MATMUL:
      return true;
    default:
      return false;
  }
}

WeightScan FindPrunableWeights(const Model& model, int64_t min_params) {
  WeightScan scan;
  for (size_t sg = 0; sg < model.num_subgraphs(); ++sg) {
    const auto& g = model.subgraph(sg);
    std::set<int> seen;
    for (size_t o = 0; o < g.operators.size(); ++o) {
      const tflite::OperatorT& op = *g.operators[o];
      const tflite::BuiltinOperator code = model.OpCode(op);
      if (!IsPrunableOp(code)) continue;
      for (size_t k : WeightOperands(code)) {
        if (k >= op.inputs.size() || op.inputs[k] < 0) continue;
        const int index = op.inputs[k];
        const tflite::TensorT& t = model.tensor(sg, index);
        // BATCH_MATMUL operands are usually activations: only constants are weights.
        if (code == tflite::BuiltinOperator_BATCH_MATMUL && !model.IsConstant(t)) continue;
        if (!seen.insert(index).second) continue;
        const std::string why = Ineligibility(model, t, min_params);
        if (why.empty()) {
          scan.eligible.push_back({sg, o, code, index});
        } else {
          scan.skipped.push_back({sg, o, model.OpName(op), t.name, "eligibility", why});
        }
      }
    }
  }
  return scan;
}

std::vector<float> RealWeights(const Model& model, const tflite::TensorT& t) {
  if (t.type == tflite::TensorType_FLOAT32) {
    const Span<const float> v = model.ConstantValues<float>(t);
    return std::vector<float>(v.begin(), v.end());
  }
  const Span<const int8_t> q = model.ConstantValues<int8_t>(t);
  std::vector<float> out(q.size());
  const auto& quant = *t.quantization;
  if (quant.scale.size() <= 1) {
    const float scale = quant.scale.empty() ? 1.0f : quant.scale[0];
    for (size_t i = 0; i < q.size(); ++i) out[i] = scale * static_cast<float>(q[i]);
    return out;
  }
  // Per channel: element i's channel is its index along quantized_dimension.
  const size_t axis = static_cast<size_t>(quant.quantized_dimension);
  int64_t inner = 1;
  for (size_t d = axis + 1; d < t.shape.size(); ++d) inner *= t.shape[d];
  const int64_t channels = t.shape.at(axis);
  for (size_t i = 0; i < q.size(); ++i) {
    const auto c = static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels);
    out[i] = quant.scale.at(c) * static_cast<float>(q[i]);
  }
  return out;
}

int64_t CountZeros(const Model& model, const tflite::TensorT& t) {
  int64_t zeros = 0;
  if (t.type == tflite::TensorType_FLOAT32) {
    for (float v : model.ConstantValues<float>(t)) zeros += v == 0.0f ? 1 : 0;
  } else if (t.type == tflite::TensorType_INT8) {
    for (int8_t v : model.ConstantValues<int8_t>(t)) zeros += v == 0 ? 1 : 0;
  }
  return zeros;
}

void ZeroWeights(Model& model, size_t sg, int tensor, const std::vector<int64_t>& elements) {
  if (elements.empty()) return;
  const tflite::TensorType type = model.tensor(sg, tensor).type;
  if (type == tflite::TensorType_FLOAT32) {
    Span<float> v = model.MutableConstantValues<float>(sg, tensor);
    for (int64_t i : elements) v[static_cast<size_t>(i)] = 0.0f;
  } else if (type == tflite::TensorType_INT8) {
    Span<int8_t> v = model.MutableConstantValues<int8_t>(sg, tensor);
    for (int64_t i : elements) v[static_cast<size_t>(i)] = 0;
  } else {
    throw Error(model.source() + ": cannot prune tensor of type " + TypeName(type), ErrorCode::kInternal);
  }
}

LayerReport DescribeWeight(const Model& model, const WeightRef& ref) {
  const tflite::TensorT& t = model.tensor(ref.subgraph, ref.tensor);
  LayerReport layer;
  layer.subgraph = ref.subgraph;
  layer.op_index = ref.op_index;
  layer.op = model.OpName(*model.subgraph(ref.subgraph).operators[ref.op_index]);
  layer.tensor = ref.tensor;
  layer.name = t.name;
  layer.type = TypeName(t.type);
  layer.shape_before = t.shape;
  layer.elements_before = ElementCount(t.shape);
  layer.zeros_before = CountZeros(model, t);
  layer.bytes_before = static_cast<int64_t>(model.ConstantBytes(t).size());
  layer.target_sparsity = std::nan("");
  DescribeAfter(model, layer);
  return layer;
}

void DescribeAfter(const Model& model, LayerReport& layer) {
  const tflite::TensorT& t = model.tensor(layer.subgraph, layer.tensor);
  layer.shape_after = t.shape;
  layer.elements_after = ElementCount(t.shape);
  layer.zeros_after = CountZeros(model, t);
  layer.bytes_after = static_cast<int64_t>(model.ConstantBytes(t).size());
}

}  // namespace tinyforge::prune
