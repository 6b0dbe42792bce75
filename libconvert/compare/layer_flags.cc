#include "libconvert/compare/layer_flags.h"

#include <cmath>
#include <cstdio>

#include "libconvert/interp/kernel.h"

namespace tinyforge {
namespace {

// More than this fraction of the reference's values outside the range the
// candidate can represent: the range, not the rounding, is what hurts.
constexpr double kFlagClippedFraction = 0.01;

// One line: the cheapest change first, keeping the layer float last.
std::string SuggestionFor(const Model& candidate, const LayerComparison& layer) {
  // The options name layers as the float model (the reference) does.
  const std::string regex = ExactNameRegex(ReferenceName(layer));
  std::string s = "try ";
  if (layer.clipped_fraction() > kFlagClippedFraction) {
    s += "--method minmax or calibration data like the evaluation data (values fall outside the range), ";
  } else if (PerTensorFullyConnected(candidate, layer.op_index)) {
    s += "--per-channel-fc, ";
  } else {
    s += "--method mse, ";
  }
  if (Int16Possible(candidate, layer.op_index)) s += "--int16-layers '" + regex + "', ";
  return s + "or keep it float: --keep-float '" + regex + "'";
}

// An int16 tensor's step is 1/257 of an int8 tensor's for the same range
// (symmetric, 65,534 steps, against 255), while its layer's weights stay
// int8: held to the int8 threshold in its own steps, every int16 layer would
// be flagged. So int16 layers are judged, and ranked, in the steps an int8
// tensor of their range would have.
constexpr double kInt16StepsPerInt8Step = 65534.0 / 255.0;

double InInt8Steps(const LayerComparison& l, double steps) {
  return l.type == "int16" ? steps / kInt16StepsPerInt8Step : steps;
}

double SnrForRanking(const LayerComparison& l) {
  return l.has_isolated ? l.isolated.snr_db() : l.error.snr_db();
}

}  // namespace

void FlagLayer(const Model& candidate, double threshold_steps, LayerComparison& layer) {
  layer.unhealthy = false;
  layer.unhealthy_reason.clear();
  layer.suggestion.clear();
  const double steps = InInt8Steps(layer, layer.isolated_rmse_steps());
  if (std::isnan(steps) || !(steps > threshold_steps)) return;
  char text[200];
  std::snprintf(text, sizeof text, "adds an RMSE of %.2f %squantization steps by itself (flagged over %.2f)", steps,
                layer.type == "int16" ? "int8-equivalent " : "", threshold_steps);
  layer.unhealthy = true;
  layer.unhealthy_reason = text;
  if (layer.clipped_fraction() > kFlagClippedFraction) {
    std::snprintf(text, sizeof text, "; %.2f%% of reference values fall outside its range",
                  100.0 * layer.clipped_fraction());
    layer.unhealthy_reason += text;
  }
  layer.suggestion = SuggestionFor(candidate, layer);
}

bool RankedBefore(const LayerComparison& a, const LayerComparison& b) {
  const auto group = [](const LayerComparison& l) {
    if (!std::isnan(l.isolated_rmse_steps())) return 0;
    return std::isnan(l.rmse_steps()) ? 2 : 1;
  };
  const auto steps = [](const LayerComparison& l) {
    return InInt8Steps(l, l.has_isolated ? l.isolated_rmse_steps() : l.rmse_steps());
  };
  const int ga = group(a);
  const int gb = group(b);
  if (ga != gb) return ga < gb;
  if (ga < 2 && steps(a) != steps(b)) return steps(a) > steps(b);
  if (ga == 2 && SnrForRanking(a) != SnrForRanking(b)) return SnrForRanking(a) < SnrForRanking(b);
  return a.op_index < b.op_index || (a.op_index == b.op_index && a.tensor < b.tensor);
}

const std::string& ReferenceName(const LayerComparison& layer) {
  return layer.reference_tensor_name.empty() ? layer.tensor_name : layer.reference_tensor_name;
}

bool Int16Possible(const Model& candidate, size_t op_index) {
  const tflite::OperatorT& op = *candidate.subgraph(0).operators.at(op_index);
  if (op.outputs.empty() || op.outputs[0] < 0 || candidate.tensor(0, op.outputs[0]).type != tflite::TensorType_INT8) {
    return false;
  }
  return interp::FindKernel(candidate.OpCode(op), tflite::TensorType_INT16) != nullptr;
}

bool PerTensorFullyConnected(const Model& candidate, size_t op_index) {
  const tflite::OperatorT& op = *candidate.subgraph(0).operators.at(op_index);
  if (candidate.OpCode(op) != tflite::BuiltinOperator_FULLY_CONNECTED || op.inputs.size() < 2 || op.inputs[1] < 0) {
    return false;
  }
  const tflite::TensorT& weights = candidate.tensor(0, op.inputs[1]);
  return weights.quantization && weights.quantization->scale.size() == 1 && !weights.shape.empty() &&
         weights.shape[0] > 1;
}

std::string ExactNameRegex(const std::string& name) {
  std::string s = "^";
  for (char c : name) {
    if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) s += '\\';
    s += c;
  }
  return s + "$";
}

}  // namespace tinyforge
