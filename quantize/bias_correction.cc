#include "quantize/bias_correction.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "prune/bias_correction.h"
#include "quantize/dequantize.h"

namespace tinyforge::quantize {
namespace {

bool IsLinearLayer(tflite::BuiltinOperator op) {
  return op == tflite::BuiltinOperator_CONV_2D || op == tflite::BuiltinOperator_DEPTHWISE_CONV_2D ||
         op == tflite::BuiltinOperator_FULLY_CONNECTED;
}

// The int8 weights of the quantized operator producing `output_name`.
const tflite::TensorT* Int8WeightsOf(const Model& quantized, const std::string& output_name) {
  for (const auto& op : quantized.subgraph(0).operators) {
    if (!IsLinearLayer(quantized.OpCode(*op)) || op->outputs.empty() || op->inputs.size() < 2 || op->inputs[1] < 0) {
      continue;
    }
    if (quantized.tensor(0, op->outputs[0]).name != output_name) continue;
    const tflite::TensorT& w = quantized.tensor(0, op->inputs[1]);
    return w.type == tflite::TensorType_INT8 && quantized.IsConstant(w) ? &w : nullptr;
  }
  return nullptr;
}

double LargestMagnitude(Span<const float> values) {
  double largest = 0;
  for (float v : values) largest = std::max(largest, std::fabs(static_cast<double>(v)));
  return largest;
}

}  // namespace

BiasCorrection CorrectBiases(const Model& float_model, const Model& quantized,
                             const std::vector<DatasetView>& calibration, int threads) {
  BiasCorrection result{float_model.Clone(), {}};
  // The float model as the int8 weights make it compute.
  Model as_int8 = float_model.Clone();
  std::vector<prune::WeightRef> layers;
  const auto& ops = float_model.subgraph(0).operators;
  for (size_t i = 0; i < ops.size(); ++i) {
    const tflite::OperatorT& op = *ops[i];
    const tflite::BuiltinOperator code = float_model.OpCode(op);
    if (!IsLinearLayer(code) || op.inputs.size() < 2 || op.inputs[1] < 0 || op.outputs.empty()) continue;
    const tflite::TensorT& w = float_model.tensor(0, op.inputs[1]);
    if (w.type != tflite::TensorType_FLOAT32 || !float_model.IsConstant(w)) continue;
    const tflite::TensorT* wq = Int8WeightsOf(quantized, float_model.tensor(0, op.outputs[0]).name);
    if (wq == nullptr) continue;
    const std::vector<float> real = DequantizedValues(quantized, *wq);
    const Span<float> target = as_int8.MutableConstantValues<float>(0, op.inputs[1]);
    if (real.size() != target.size()) continue;  // not the same weights
    std::copy(real.begin(), real.end(), target.begin());
    if (op.inputs.size() < 3 || op.inputs[2] < 0 || !float_model.IsConstant(float_model.tensor(0, op.inputs[2]))) {
      ++result.report.without_bias;
      continue;
    }
    layers.push_back({0, i, code, op.inputs[1]});
  }
  if (layers.empty()) return result;
  std::vector<prune::SkippedLayer> skipped;
  const std::vector<double> shifts = prune::CorrectBiases(float_model, as_int8, layers, calibration, threads, skipped);
  std::set<size_t> left_alone;  // layers prune's correction does not handle (it says why)
  for (const prune::SkippedLayer& s : skipped) left_alone.insert(s.op_index);
  for (size_t l = 0; l < layers.size(); ++l) {
    if (left_alone.count(layers[l].op_index) != 0) continue;
    const int bias = ops[layers[l].op_index]->inputs[2];
    const Span<const float> corrected = as_int8.ConstantValues<float>(as_int8.tensor(0, bias));
    const Span<float> out = result.model.MutableConstantValues<float>(0, bias);
    const double range = LargestMagnitude(Span<const float>(out.data(), out.size()));
    std::copy(corrected.begin(), corrected.end(), out.begin());
    ++result.report.layers;
    if (range > 0) result.report.largest_shift = std::max(result.report.largest_shift, shifts[l] / range);
  }
  return result;
}

}  // namespace tinyforge::quantize
