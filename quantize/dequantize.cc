#include "quantize/dequantize.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "libconvert/data/npy.h"
#include "libconvert/model/ethos_u.h"
#include "libconvert/model/rewrite.h"
#include "libconvert/model/verify.h"
#include "quantize/quantizer.h"

namespace tinyforge::quantize {
namespace {

bool IsIntegerType(tflite::TensorType type) {
  switch (type) {
    case tflite::TensorType_INT8:
    case tflite::TensorType_UINT8:
    case tflite::TensorType_INT16:
    case tflite::TensorType_INT32:
    case tflite::TensorType_INT64:
    case tflite::TensorType_INT4:
      return true;
    default:
      return false;
  }
}

bool HasScales(const tflite::TensorT& t) { return t.quantization && !t.quantization->scale.empty(); }

std::string DequantizeTensorName(const Model& model, size_t sg, size_t t) {
  return model.source() + ": subgraph " + std::to_string(sg) + ", tensor " + std::to_string(t) + " (" +
         QuotedName(model.subgraph(sg).tensors[t]->name) + ")";
}

// Element `i` of integer constant data of `type`, widened.
int64_t IntegerElement(const uint8_t* data, tflite::TensorType type, size_t i) {
  switch (type) {
    case tflite::TensorType_INT8: {
      int8_t v;
      std::memcpy(&v, data + i, 1);
      return v;
    }
    case tflite::TensorType_UINT8:
      return data[i];
    case tflite::TensorType_INT16: {
      int16_t v;
      std::memcpy(&v, data + 2 * i, 2);
      return v;
    }
    case tflite::TensorType_INT32: {
      int32_t v;
      std::memcpy(&v, data + 4 * i, 4);
      return v;
    }
    default: {  // INT64
      int64_t v;
      std::memcpy(&v, data + 8 * i, 8);
      return v;
    }
  }
}

}  // namespace

std::vector<float> DequantizedValues(const Model& model, const tflite::TensorT& t) {
  const tflite::QuantizationParametersT& q = *t.quantization;
  const size_t count = static_cast<size_t>(ElementCount(t.shape));
  const size_t channels = q.scale.size();
  // Per channel along quantized_dimension; a 1-D tensor with as many scales
  // as elements is per element whatever axis it names (verify.cc accepts it).
  size_t inner = 1;
  if (channels > 1 && !(t.shape.size() == 1 && static_cast<size_t>(t.shape[0]) == channels)) {
    for (size_t d = static_cast<size_t>(q.quantized_dimension) + 1; d < t.shape.size(); ++d) {
      inner *= static_cast<size_t>(t.shape[d]);
    }
  }
  const uint8_t* data = model.ConstantBytes(t).data();
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t c = channels > 1 ? (i / inner) % channels : 0;
    const int64_t zero_point = q.zero_point.empty() ? 0 : q.zero_point[q.zero_point.size() > 1 ? c : 0];
    // As TFLM's DEQUANTIZE: the scale as a double times (q - zero point),
    // rounded to float once.
    values[i] = static_cast<float>(static_cast<double>(q.scale[c]) *
                                   static_cast<double>(IntegerElement(data, t.type, i) - zero_point));
  }
  return values;
}

namespace {

std::vector<float> HalfValues(const Model& model, const tflite::TensorT& t) {
  const Span<const uint8_t> bytes = model.ConstantBytes(t);
  std::vector<float> values(bytes.size() / 2);
  for (size_t i = 0; i < values.size(); ++i) {
    uint16_t bits;
    std::memcpy(&bits, bytes.data() + 2 * i, 2);
    values[i] = HalfToFloat(bits);
  }
  return values;
}

void MakeFloatConstant(Model& model, tflite::TensorT& t, const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(float));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  // A buffer of its own: the old one may be shared, and StripUnused drops it
  // when nothing else reads it.
  t.buffer = model.AddBuffer(std::move(bytes));
  t.type = tflite::TensorType_FLOAT32;
  t.quantization.reset();
}

// Makes every quantized (or float16) tensor of subgraph `sg` float32.
void RetypeTensors(Model& model, size_t sg, DequantizeReport& report) {
  auto& tensors = model.subgraph(sg).tensors;
  for (size_t i = 0; i < tensors.size(); ++i) {
    tflite::TensorT& t = *tensors[i];
    const bool constant = model.IsConstant(t) && !t.is_variable;
    if (constant && t.type == tflite::TensorType_FLOAT16) {
      MakeFloatConstant(model, t, HalfValues(model, t));
      ++report.weights;
      continue;
    }
    if (!HasScales(t) || !IsIntegerType(t.type)) continue;
    if (t.type == tflite::TensorType_INT4) {
      throw Error(DequantizeTensorName(model, sg, i) +
                  ": int4 tensors cannot be dequantized yet; give quantize the float model");
    }
    if (constant) {
      report.int8_weights += t.type == tflite::TensorType_INT8 ? 1 : 0;
      MakeFloatConstant(model, t, DequantizedValues(model, t));
      ++report.weights;
    } else {
      t.type = tflite::TensorType_FLOAT32;
      t.quantization.reset();
      ++report.activations;
    }
  }
}

void ReplaceInputs(tflite::SubGraphT& g, int from, int to) {
  for (auto& op : g.operators) std::replace(op->inputs.begin(), op->inputs.end(), from, to);
}

bool Contains(const std::vector<int32_t>& list, int t) { return std::find(list.begin(), list.end(), t) != list.end(); }

// Removes QUANTIZE and DEQUANTIZE operators of subgraph `sg` that now map
// float32 to float32 (after RetypeTensors, all of them).
void RemoveIdentities(Model& model, size_t sg, DequantizeReport& report) {
  tflite::SubGraphT& g = model.subgraph(sg);
  for (size_t o = 0; o < g.operators.size();) {
    const tflite::OperatorT& op = *g.operators[o];
    const tflite::BuiltinOperator code = model.OpCode(op);
    const bool identity = (code == tflite::BuiltinOperator_QUANTIZE || code == tflite::BuiltinOperator_DEQUANTIZE) &&
                          op.inputs.size() == 1 && op.outputs.size() == 1 && op.inputs[0] >= 0 &&
                          model.tensor(sg, op.inputs[0]).type == tflite::TensorType_FLOAT32 &&
                          model.tensor(sg, op.outputs[0]).type == tflite::TensorType_FLOAT32;
    if (!identity) {
      ++o;
      continue;
    }
    const int in = op.inputs[0];
    const int out = op.outputs[0];
    if (!Contains(g.outputs, out)) {
      ReplaceInputs(g, out, in);
    } else {
      // The output stays the subgraph's (its name and signature): the
      // input's producer writes it instead.
      auto producer = std::find_if(g.operators.begin(), g.operators.end(),
                                   [in](const auto& p) { return Contains(p->outputs, in); });
      if (producer == g.operators.end() || Contains(g.outputs, in) || Contains(g.inputs, in)) {
        throw Error(model.source() + ": " + model.OpLocation(sg, o) +
                    " passes a subgraph input or a constant straight to a subgraph output; it cannot be made float");
      }
      std::replace((*producer)->outputs.begin(), (*producer)->outputs.end(), in, out);
      ReplaceInputs(g, in, out);
    }
    g.operators.erase(g.operators.begin() + static_cast<std::ptrdiff_t>(o));
    ++report.operators_removed;
  }
}

}  // namespace

std::string DequantizeReport::Summary() const {
  if (!changed()) return "";
  std::string line = int8_weights > 0 ? "weights were int8 (weight-only)" : "weights were quantized (weight-only)";
  if (weights == 0) line = "the model was partly quantized";
  if (activations > 0) {
    line += " and " + std::to_string(activations) + " activation tensor" + (activations == 1 ? "" : "s") +
            " were integer";
  }
  line += ": dequantized and re-quantized";
  if (operators_removed > 0) {
    line += " (" + std::to_string(weights) + " constant" + (weights == 1 ? "" : "s") + " made float, " +
            std::to_string(operators_removed) + " QUANTIZE/DEQUANTIZE operator" + (operators_removed == 1 ? "" : "s") +
            " removed)";
  }
  return line;
}

DequantizeReport DequantizeToFloat(Model& model) {
  DequantizeReport report;
  for (size_t sg = 0; sg < model.num_subgraphs(); ++sg) {
    RetypeTensors(model, sg, report);
    RemoveIdentities(model, sg, report);
  }
  if (report.changed()) StripUnused(model);
  return report;
}

FloatModel FloatModelToQuantize(const Model& model) {
  RefuseEthosUOperators(model);
  CheckHasFloatActivations(model);
  FloatModel result{model.Clone(), {}};
  result.dequantized = DequantizeToFloat(result.model);
  if (result.dequantized.changed()) VerifyModel(result.model);
  return result;
}

}  // namespace tinyforge::quantize
