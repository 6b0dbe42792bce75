// ModelSummary as text for `tinyforge inspect`.
#include "libconvert/base/text_format.h"
#include "libconvert/model/dtype.h"
#include "libconvert/summary/model_summary.h"
#include "libconvert/tflm/ops.h"

namespace tinyforge {

namespace {

std::string QuantText(const QuantSummary& q) {
  if (q.num_scales == 0) return "";
  if (q.num_scales == 1) {
    return "scale " + FormatFloat(q.scale) + ", zero point " + std::to_string(q.zero_point);
  }
  return std::to_string(q.num_scales) + " scales (per channel, axis " +
         std::to_string(q.quantized_dimension) + ")";
}

std::string TensorsText(const std::vector<TensorSummary>& tensors, const char* title) {
  TextTable table({"tensor", "name", "type", "shape", "quantization"},
                  {true, false, false, false, false});
  for (const TensorSummary& t : tensors) {
    table.AddRow({std::to_string(t.index), t.name, TypeName(t.type), ShapeString(t.shape),
                  QuantText(t.quant)});
  }
  return std::string("  ") + title + ":\n" + table.Render("    ");
}

// Shapes of the operands, space separated; "-" marks an omitted input. When
// the constants (weights) of an LSTM-like op make the list long, they are
// summarized as a count.
std::string OperandShapes(const std::vector<TensorSummary>& operands, bool constants) {
  std::string text;
  size_t count = 0;
  for (const TensorSummary& t : operands) {
    if (t.index >= 0 && t.constant != constants) continue;
    if (t.index < 0 && !constants) continue;
    if (!text.empty()) text += " ";
    text += t.index < 0 ? "-" : ShapeString(t.shape);
    count += t.index < 0 ? 0 : 1;
  }
  if (constants && text.size() > 40) return std::to_string(count) + " tensors";
  return text;
}

std::string OptionsText(const std::vector<OpOption>& options) {
  std::string text;
  for (const OpOption& o : options) {
    if (!text.empty()) text += " ";
    text += o.key + "=" + o.value;
  }
  return text;
}

}  // namespace

std::string FormatSummary(const ModelSummary& s) {
  std::string out;
  out += "Model: " + s.source + "\n";
  out += "Description: " + (s.description.empty() ? std::string("(none)") : s.description) + "\n";
  out += "Schema version: " + std::to_string(s.schema_version) + "\n";
  out += "Subgraphs: " + std::to_string(s.subgraphs.size()) + "\n";

  for (const SubgraphSummary& g : s.subgraphs) {
    out += "\nSubgraph " + std::to_string(g.index);
    if (!g.name.empty()) out += " \"" + g.name + "\"";
    out += ": " + CountOf(static_cast<int64_t>(g.operators.size()), "operator") + ", " +
           CountOf(static_cast<int64_t>(g.num_tensors), "tensor") + ", " + Thousands(g.macs) +
           " MACs\n";
    out += TensorsText(g.inputs, "Inputs");
    out += TensorsText(g.outputs, "Outputs");
    out += "  Operators (weights are constant inputs; MACs per inference):\n";
    TextTable table({"#", "op", "ver", "inputs", "weights", "outputs", "options", "activation",
                     "MACs"},
                    {true, false, true, false, false, false, false, false, true});
    for (const OperatorSummary& op : g.operators) {
      const bool has_activation = op.fused_activation && *op.fused_activation != "NONE";
      table.AddRow({std::to_string(op.index), op.name, std::to_string(op.version),
                    OperandShapes(op.inputs, false), OperandShapes(op.inputs, true),
                    OperandShapes(op.outputs, false), OptionsText(op.options),
                    has_activation ? *op.fused_activation : "-",
                    op.macs ? Thousands(op.macs) : "-"});
    }
    out += table.Render("    ");
  }

  out += "\nTensors: " + std::to_string(s.num_tensors) + "\n";
  TextTable types({"type", "tensors", "constant", "parameters", "constant bytes"},
                  {false, true, true, true, true});
  for (const TypeStats& t : s.tensor_types) {
    types.AddRow({TypeName(t.type), std::to_string(t.tensors), std::to_string(t.constant_tensors),
                  Thousands(t.parameters), Thousands(t.constant_bytes)});
  }
  out += types.Render("  ");

  out += "\nTotals:\n";
  out += "  operators     " + std::to_string(s.num_operators) + "\n";
  out += "  parameters    " + Thousands(s.parameters) + "\n";
  out += "  weight bytes  " + Thousands(s.weight_bytes) + " (" + BinaryBytes(s.weight_bytes) + ")\n";
  out += "  MACs          " + Thousands(s.macs) + " (" + SiUnits(s.macs) + ")\n";

  out += "\nOperators used:";
  for (const OpUsage& u : s.op_usage) out += " " + u.name + " x" + std::to_string(u.count);
  out += "\n";

  if (!s.metadata.empty()) {
    out += "Metadata:";
    for (size_t i = 0; i < s.metadata.size(); ++i) {
      out += (i ? ", " : " ") + s.metadata[i].name + " (" + std::to_string(s.metadata[i].bytes) +
             " bytes)";
    }
    out += "\n";
  }
  for (const SignatureSummary& sig : s.signatures) {
    out += "Signature \"" + sig.key + "\" (subgraph " + std::to_string(sig.subgraph) + "): ";
    const auto maps = [](const std::vector<std::pair<std::string, uint32_t>>& m) {
      std::string text;
      for (const auto& [name, tensor] : m) {
        if (!text.empty()) text += ", ";
        text += name + " = tensor " + std::to_string(tensor);
      }
      return text;
    };
    out += "inputs " + maps(sig.inputs) + "; outputs " + maps(sig.outputs) + "\n";
  }

  if (s.TflmRunsIt()) {
    out += "TFLM: every operator has a kernel that takes its types; a MicroMutableOpResolver<" +
           std::to_string(s.op_usage.size()) + "> needs:";
    for (const OpUsage& u : s.op_usage) out += " " + *u.tflm_method + "()";
    out += "\n";
  } else {
    out += "TFLM (tflite-micro " + std::string(kTflmCommit.substr(0, 12)) +
           ") cannot run the model as it is:\n";
    if (!s.ops_without_tflm_kernel.empty()) {
      out += "  no kernel for";
      for (size_t i = 0; i < s.ops_without_tflm_kernel.size(); ++i) {
        out += (i ? ", " : " ") + s.ops_without_tflm_kernel[i];
      }
      out += "\n";
    }
    for (const std::string& problem : s.tflm_type_problems) out += "  " + problem + "\n";
  }
  return out;
}

}  // namespace tinyforge
