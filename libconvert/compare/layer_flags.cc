#include "libconvert/compare/layer_flags.h"

#include <cmath>
#include <cstdio>

namespace tinyforge {
namespace {

// More than this fraction of the reference's values outside the range the
// candidate can represent: the range, not the rounding, is what hurts.
constexpr double kFlagClippedFraction = 0.01;

// One line: the cheapest change first, keeping the layer float last.
std::string SuggestionFor(const Model& candidate, const LayerComparison& layer) {
  std::string s = "try ";
  if (layer.clipped_fraction() > kFlagClippedFraction) {
    s += "--method minmax or calibration data like the evaluation data (values fall outside the range), ";
  } else if (PerTensorFullyConnected(candidate, layer.op_index)) {
    s += "--per-channel-fc, ";
  } else {
    s += "--method mse, ";
  }
  if (layer.type == "int8") s += "--activations int16, ";
  return s + "or keep it float: --keep-float '" + ExactNameRegex(layer.tensor_name) + "'";
}

double SnrForRanking(const LayerComparison& l) {
  return l.has_isolated ? l.isolated.snr_db() : l.error.snr_db();
}

}  // namespace

void FlagLayer(const Model& candidate, double threshold_steps, LayerComparison& layer) {
  layer.unhealthy = false;
  layer.unhealthy_reason.clear();
  layer.suggestion.clear();
  const double steps = layer.isolated_rmse_steps();
  if (std::isnan(steps) || !(steps > threshold_steps)) return;
  char text[200];
  std::snprintf(text, sizeof text, "adds an RMSE of %.2f quantization steps by itself (flagged over %.2f)", steps,
                threshold_steps);
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
    return l.has_isolated ? l.isolated_rmse_steps() : l.rmse_steps();
  };
  const int ga = group(a);
  const int gb = group(b);
  if (ga != gb) return ga < gb;
  if (ga < 2 && steps(a) != steps(b)) return steps(a) > steps(b);
  if (ga == 2 && SnrForRanking(a) != SnrForRanking(b)) return SnrForRanking(a) < SnrForRanking(b);
  return a.op_index < b.op_index || (a.op_index == b.op_index && a.tensor < b.tensor);
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
