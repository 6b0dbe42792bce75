#include "libconvert/summary/model_summary.h"

#include <map>

#include "libconvert/base/checked_math.h"
#include "libconvert/model/op_macs.h"
#include "libconvert/tflm/op_types.h"
#include "libconvert/tflm/ops.h"

namespace tinyforge {
namespace {

// total + macs; an Error naming the model when the sum does not fit int64
// (shapes in a hostile file can claim that much work).
int64_t AddMacs(const Model& model, int64_t total, int64_t macs) {
  const std::optional<int64_t> sum = CheckedAdd(total, macs);
  if (!sum) throw Error(model.source() + ": the model's multiply-accumulate count overflows 64 bits");
  return *sum;
}

QuantSummary SummarizeQuant(const tflite::TensorT& t) {
  QuantSummary q;
  if (!t.quantization) return q;
  const tflite::QuantizationParametersT& p = *t.quantization;
  q.num_scales = p.scale.size();
  q.quantized_dimension = p.quantized_dimension;
  if (q.num_scales == 1) {
    q.scale = p.scale[0];
    q.zero_point = p.zero_point.empty() ? 0 : p.zero_point[0];
  }
  return q;
}

TensorSummary SummarizeTensor(const Model& model, size_t sg, int index) {
  TensorSummary s;
  s.index = index;
  if (index < 0) return s;  // an omitted optional operand
  const tflite::TensorT& t = model.tensor(sg, index);
  s.name = t.name;
  s.type = t.type;
  s.shape = t.shape;
  s.constant = model.IsConstant(t);
  s.quant = SummarizeQuant(t);
  return s;
}

OperatorSummary SummarizeOperator(const Model& model, size_t sg, size_t index) {
  const tflite::OperatorT& op = *model.subgraph(sg).operators[index];
  OperatorSummary s;
  s.index = index;
  s.name = model.OpName(op);
  s.code = model.OpCode(op);
  s.version = model.OpVersion(op);
  for (const int32_t t : op.inputs) s.inputs.push_back(SummarizeTensor(model, sg, t));
  for (const int32_t t : op.outputs) s.outputs.push_back(SummarizeTensor(model, sg, t));
  s.options = KeyOptions(model, sg, op);
  if (const auto act = FusedActivation(op)) s.fused_activation = ActivationName(*act);
  s.macs = CountMacs(model, sg, op);
  if (const auto method = TflmResolverMethod(model, op)) {
    s.tflm_method = std::string(*method);
    s.tflm_type_problem = TflmTypeProblem(model, sg, op);
  }
  return s;
}

}  // namespace

ModelSummary Summarize(const Model& model) {
  const tflite::ModelT& m = model.raw();
  ModelSummary s;
  s.source = model.source();
  s.description = m.description;
  s.schema_version = m.version;

  std::map<tflite::TensorType, TypeStats> types;
  std::map<std::string, OpUsage> usage;
  std::vector<bool> buffer_counted(m.buffers.size(), false);

  for (size_t sg = 0; sg < model.num_subgraphs(); ++sg) {
    const tflite::SubGraphT& graph = model.subgraph(sg);
    SubgraphSummary g;
    g.index = sg;
    g.name = graph.name;
    g.num_tensors = graph.tensors.size();
    for (const int32_t t : graph.inputs) g.inputs.push_back(SummarizeTensor(model, sg, t));
    for (const int32_t t : graph.outputs) g.outputs.push_back(SummarizeTensor(model, sg, t));

    for (const auto& t : graph.tensors) {
      TypeStats& stats = types[t->type];
      stats.type = t->type;
      ++stats.tensors;
      if (!model.IsConstant(*t)) continue;
      ++stats.constant_tensors;
      if (buffer_counted[t->buffer]) continue;
      buffer_counted[t->buffer] = true;
      // A constant's shape is static (verification checked its byte size).
      stats.parameters += ElementCount(t->shape);
      stats.constant_bytes += static_cast<int64_t>(model.ConstantBytes(*t).size());
    }

    for (size_t i = 0; i < graph.operators.size(); ++i) {
      OperatorSummary op = SummarizeOperator(model, sg, i);
      g.macs = AddMacs(model, g.macs, op.macs);
      if (op.tflm_type_problem) {
        s.tflm_type_problems.push_back(model.OpLocation(sg, i) + ": " + *op.tflm_type_problem);
      }
      OpUsage& u = usage[op.name];
      u.name = op.name;
      ++u.count;
      u.tflm_method = op.tflm_method;
      g.operators.push_back(std::move(op));
    }
    s.num_tensors += static_cast<int64_t>(g.num_tensors);
    s.num_operators += static_cast<int64_t>(g.operators.size());
    s.macs = AddMacs(model, s.macs, g.macs);
    s.subgraphs.push_back(std::move(g));
  }

  for (const auto& [type, stats] : types) {
    s.parameters += stats.parameters;
    s.weight_bytes += stats.constant_bytes;
    s.tensor_types.push_back(stats);
  }
  for (const auto& [name, u] : usage) {
    if (!u.tflm_method) s.ops_without_tflm_kernel.push_back(name);
    s.op_usage.push_back(u);
  }

  for (const auto& md : m.metadata) {
    MetadataSummary ms;
    ms.name = md->name;
    if (md->buffer < m.buffers.size()) {
      ms.bytes = static_cast<int64_t>(m.buffers[md->buffer]->data.size());
    }
    s.metadata.push_back(std::move(ms));
  }
  for (const auto& def : m.signature_defs) {
    SignatureSummary sig;
    sig.key = def->signature_key;
    sig.subgraph = def->subgraph_index;
    for (const auto& t : def->inputs) sig.inputs.emplace_back(t->name, t->tensor_index);
    for (const auto& t : def->outputs) sig.outputs.emplace_back(t->name, t->tensor_index);
    s.signatures.push_back(std::move(sig));
  }
  return s;
}

}  // namespace tinyforge
