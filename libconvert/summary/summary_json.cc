// ModelSummary as JSON (the schema is in model_summary.h).
#include "libconvert/model/dtype.h"
#include "libconvert/summary/model_summary.h"

namespace tinyforge {
namespace {

using Json = nlohmann::ordered_json;

Json TensorJson(const TensorSummary& t) {
  if (t.index < 0) return nullptr;
  Json j;
  j["index"] = t.index;
  j["name"] = t.name;
  j["type"] = TypeName(t.type);
  j["shape"] = t.shape;
  j["constant"] = t.constant;
  if (t.quant.num_scales == 0) {
    j["quantization"] = nullptr;
  } else {
    Json q;
    q["num_scales"] = t.quant.num_scales;
    const bool per_tensor = t.quant.num_scales == 1;
    q["scale"] = per_tensor ? Json(static_cast<double>(t.quant.scale)) : Json(nullptr);
    q["zero_point"] = per_tensor ? Json(t.quant.zero_point) : Json(nullptr);
    q["quantized_dimension"] = t.quant.quantized_dimension;
    j["quantization"] = std::move(q);
  }
  return j;
}

Json TensorListJson(const std::vector<TensorSummary>& tensors) {
  Json list = Json::array();
  for (const TensorSummary& t : tensors) list.push_back(TensorJson(t));
  return list;
}

Json OptionalString(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

Json TensorMapJson(const std::vector<std::pair<std::string, uint32_t>>& maps) {
  Json list = Json::array();
  for (const auto& [name, tensor] : maps) {
    Json j;
    j["name"] = name;
    j["tensor"] = tensor;
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace

nlohmann::ordered_json ToJson(const ModelSummary& s) {
  Json j;
  j["schema"] = kInspectSchema;
  j["source"] = s.source;
  j["description"] = s.description;
  j["schema_version"] = s.schema_version;

  Json& totals = j["totals"];
  totals["subgraphs"] = s.subgraphs.size();
  totals["operators"] = s.num_operators;
  totals["tensors"] = s.num_tensors;
  totals["parameters"] = s.parameters;
  totals["weight_bytes"] = s.weight_bytes;
  totals["macs"] = s.macs;

  Json& subgraphs = j["subgraphs"] = Json::array();
  for (const SubgraphSummary& g : s.subgraphs) {
    Json gj;
    gj["index"] = g.index;
    gj["name"] = g.name;
    gj["num_tensors"] = g.num_tensors;
    gj["macs"] = g.macs;
    gj["inputs"] = TensorListJson(g.inputs);
    gj["outputs"] = TensorListJson(g.outputs);
    Json& ops = gj["operators"] = Json::array();
    for (const OperatorSummary& op : g.operators) {
      Json oj;
      oj["index"] = op.index;
      oj["op"] = op.name;
      oj["version"] = op.version;
      oj["inputs"] = TensorListJson(op.inputs);
      oj["outputs"] = TensorListJson(op.outputs);
      Json& options = oj["options"] = Json::object();
      for (const OpOption& option : op.options) options[option.key] = option.value;
      oj["fused_activation"] = OptionalString(op.fused_activation);
      oj["macs"] = op.macs;
      oj["tflm_method"] = OptionalString(op.tflm_method);
      oj["tflm_type_problem"] = OptionalString(op.tflm_type_problem);
      ops.push_back(std::move(oj));
    }
    subgraphs.push_back(std::move(gj));
  }

  Json& types = j["tensor_types"] = Json::array();
  for (const TypeStats& t : s.tensor_types) {
    Json tj;
    tj["type"] = TypeName(t.type);
    tj["tensors"] = t.tensors;
    tj["constant_tensors"] = t.constant_tensors;
    tj["parameters"] = t.parameters;
    tj["constant_bytes"] = t.constant_bytes;
    types.push_back(std::move(tj));
  }

  Json& usage = j["operator_usage"] = Json::array();
  for (const OpUsage& u : s.op_usage) {
    Json uj;
    uj["op"] = u.name;
    uj["count"] = u.count;
    uj["tflm_method"] = OptionalString(u.tflm_method);
    usage.push_back(std::move(uj));
  }
  j["tflm_missing"] = s.ops_without_tflm_kernel;
  j["tflm_type_problems"] = s.tflm_type_problems;
  j["tflm_runs"] = s.TflmRunsIt();

  Json& metadata = j["metadata"] = Json::array();
  for (const MetadataSummary& md : s.metadata) {
    Json mj;
    mj["name"] = md.name;
    mj["bytes"] = md.bytes;
    metadata.push_back(std::move(mj));
  }

  Json& signatures = j["signatures"] = Json::array();
  for (const SignatureSummary& sig : s.signatures) {
    Json sj;
    sj["key"] = sig.key;
    sj["subgraph"] = sig.subgraph;
    sj["inputs"] = TensorMapJson(sig.inputs);
    sj["outputs"] = TensorMapJson(sig.outputs);
    signatures.push_back(std::move(sj));
  }
  return j;
}

}  // namespace tinyforge
