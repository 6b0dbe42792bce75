#include "quantize/equalization.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "libconvert/model/op_options.h"

namespace tinyforge::quantize {
namespace {

constexpr int kEqualizationPasses = 4;

// How a layer's float weights hold its channels: output channel c of the
// layer's rows (conv [O,kh,kw,I], FC [O,I]: a contiguous row), or the last
// dim (depthwise [1,kh,kw,C] for both its input and its output channels).
struct LayerWeights {
  size_t op_index = 0;
  int weights = -1, bias = -1;
  bool depthwise = false;
  int64_t out_channels = 0, in_channels = 0;
};

std::optional<LayerWeights> Describe(const Model& m, size_t op_index) {
  const tflite::OperatorT& op = *m.subgraph(0).operators[op_index];
  const tflite::BuiltinOperator code = m.OpCode(op);
  if (code != tflite::BuiltinOperator_CONV_2D && code != tflite::BuiltinOperator_DEPTHWISE_CONV_2D &&
      code != tflite::BuiltinOperator_FULLY_CONNECTED) {
    return std::nullopt;
  }
  if (op.inputs.size() < 2 || op.inputs[0] < 0 || op.inputs[1] < 0 || op.outputs.size() != 1) return std::nullopt;
  const tflite::TensorT& w = m.tensor(0, op.inputs[1]);
  if (w.type != tflite::TensorType_FLOAT32 || !m.IsConstant(w) || w.shape.empty()) return std::nullopt;
  LayerWeights l;
  l.op_index = op_index;
  l.weights = op.inputs[1];
  if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
    const tflite::TensorT& b = m.tensor(0, op.inputs[2]);
    if (b.type != tflite::TensorType_FLOAT32 || !m.IsConstant(b)) return std::nullopt;
    l.bias = op.inputs[2];
  }
  l.depthwise = code == tflite::BuiltinOperator_DEPTHWISE_CONV_2D;
  l.in_channels = w.shape.back();
  l.out_channels = l.depthwise ? w.shape.back() : w.shape.front();
  if (l.depthwise) {
    const std::vector<int32_t>& in = m.tensor(0, op.inputs[0]).shape;
    if (in.empty() || in.back() != l.out_channels) return std::nullopt;  // a channel multiplier > 1
  }
  return l;
}

// Calls f(element, channel) for each weight of output channel dim (`output`
// true) or input channel dim of layer `l`.
template <typename F>
void ForEachChannelWeight(const LayerWeights& l, size_t count, bool output, F f) {
  const size_t channels = static_cast<size_t>(output ? l.out_channels : l.in_channels);
  const bool rows = output && !l.depthwise;
  const size_t row = count / channels;
  for (size_t e = 0; e < count; ++e) f(e, rows ? e / row : e % channels);
}

std::vector<double> ChannelRanges(const Model& m, const LayerWeights& l, bool output) {
  const Span<const float> w = m.ConstantValues<float>(m.tensor(0, l.weights));
  std::vector<double> r(static_cast<size_t>(output ? l.out_channels : l.in_channels), 0.0);
  ForEachChannelWeight(l, w.size(), output, [&](size_t e, size_t c) { r[c] = std::max(r[c], std::fabs(double{w[e]})); });
  return r;
}

void ScaleChannels(Model& m, const LayerWeights& l, bool output, const std::vector<double>& factor) {
  const Span<float> w = m.MutableConstantValues<float>(0, l.weights);
  ForEachChannelWeight(l, w.size(), output, [&](size_t e, size_t c) { w[e] = static_cast<float>(w[e] * factor[c]); });
  if (output && l.bias >= 0) {
    const Span<float> b = m.MutableConstantValues<float>(0, l.bias);
    for (size_t c = 0; c < b.size() && c < factor.size(); ++c) b[c] = static_cast<float>(b[c] * factor[c]);
  }
}

// The layer reading `first`'s output alone, when the pair can be equalized.
std::optional<LayerWeights> Partner(const Model& m, const LayerWeights& first, const std::vector<int>& uses) {
  const tflite::OperatorT& op = *m.subgraph(0).operators[first.op_index];
  const std::optional<tflite::ActivationFunctionType> act = FusedActivation(op);
  if (!act || (*act != tflite::ActivationFunctionType_NONE && *act != tflite::ActivationFunctionType_RELU)) {
    return std::nullopt;
  }
  const int out = op.outputs[0];
  if (uses[static_cast<size_t>(out)] != 2) return std::nullopt;  // written once, read once
  const auto& ops = m.subgraph(0).operators;
  for (size_t j = first.op_index + 1; j < ops.size(); ++j) {
    if (ops[j]->inputs.empty() || ops[j]->inputs[0] != out) continue;
    std::optional<LayerWeights> second = Describe(m, j);
    if (!second || second->weights == first.weights || second->in_channels != first.out_channels) return std::nullopt;
    return second;
  }
  return std::nullopt;
}

}  // namespace

Model EqualizeLayers(const Model& float_model, EqualizationReport* report) {
  Model m = float_model.Clone();
  const std::vector<int> uses = m.TensorUseCounts(0);
  std::vector<std::pair<LayerWeights, LayerWeights>> pairs;
  for (size_t i = 0; i < m.subgraph(0).operators.size(); ++i) {
    const std::optional<LayerWeights> first = Describe(m, i);
    if (!first) continue;
    if (const std::optional<LayerWeights> second = Partner(m, *first, uses)) pairs.emplace_back(*first, *second);
  }
  for (int pass = 0; pass < kEqualizationPasses; ++pass) {
    for (const auto& [first, second] : pairs) {
      const std::vector<double> r1 = ChannelRanges(m, first, /*output=*/true);
      const std::vector<double> r2 = ChannelRanges(m, second, /*output=*/false);
      std::vector<double> s(r1.size(), 1.0), inverse(r1.size(), 1.0);
      for (size_t c = 0; c < s.size(); ++c) {
        if (r1[c] > 0 && r2[c] > 0) s[c] = std::sqrt(r1[c] / r2[c]);
        inverse[c] = 1.0 / s[c];
      }
      ScaleChannels(m, first, /*output=*/true, inverse);
      ScaleChannels(m, second, /*output=*/false, s);
    }
  }
  if (report != nullptr) report->pairs = pairs.size();
  return m;
}

}  // namespace tinyforge::quantize
