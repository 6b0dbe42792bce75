#include "prune/channels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>

#include "libconvert/model/dtype.h"
#include "libconvert/base/error.h"
#include "libconvert/model/verify.h"
#include "prune/bias_correction.h"
#include "prune/constant_edits.h"
#include "prune/magnitude.h"

namespace tinyforge::prune {
namespace {

using Op = tflite::BuiltinOperator;

// An operator on the path from a pruned layer to its readers. Channels are
// the innermost index of every tensor on the path, with period C, so channel
// of flat element f is f % C.
struct PathStep {
  enum Kind { kPassThrough, kDepthwise, kReshape, kReader } kind = kPassThrough;
  size_t op_index = 0;
  std::vector<double> value;  // kReader: assumed real value of each removed channel at its input
};

// One layer to prune: what it removes and everything that must follow.
struct Plan {
  WeightRef producer;
  int32_t channels = 0;               // C, output channels before
  std::vector<bool> keep;             // per channel
  std::vector<PathStep> steps;        // in path order (a step's input precedes it)
};

bool IsPassThrough(Op op) {
  switch (op) {
    case tflite::BuiltinOperator_AVERAGE_POOL_2D:
    case tflite::BuiltinOperator_MAX_POOL_2D:
    case tflite::BuiltinOperator_RELU:
    case tflite::BuiltinOperator_RELU6:
    case tflite::BuiltinOperator_RELU_N1_TO_1:
    case tflite::BuiltinOperator_LOGISTIC:
    case tflite::BuiltinOperator_TANH:
      return true;
    default:
      return false;
  }
}

double ApplyActivation(tflite::ActivationFunctionType a, double v) {
  switch (a) {
    case tflite::ActivationFunctionType_RELU: return std::max(0.0, v);
    case tflite::ActivationFunctionType_RELU6: return std::clamp(v, 0.0, 6.0);
    case tflite::ActivationFunctionType_RELU_N1_TO_1: return std::clamp(v, -1.0, 1.0);
    case tflite::ActivationFunctionType_TANH: return std::tanh(v);
    default: return v;
  }
}

// What a pass-through op does to a constant value.
double ApplyUnary(Op op, double v) {
  switch (op) {
    case tflite::BuiltinOperator_RELU: return std::max(0.0, v);
    case tflite::BuiltinOperator_RELU6: return std::clamp(v, 0.0, 6.0);
    case tflite::BuiltinOperator_RELU_N1_TO_1: return std::clamp(v, -1.0, 1.0);
    case tflite::BuiltinOperator_LOGISTIC: return 1.0 / (1.0 + std::exp(-v));
    case tflite::BuiltinOperator_TANH: return std::tanh(v);
    default: return v;  // pooling a constant gives the constant
  }
}

tflite::ActivationFunctionType FusedActivation(const tflite::OperatorT& op) {
  if (const auto* o = op.builtin_options.AsConv2DOptions()) return o->fused_activation_function;
  if (const auto* o = op.builtin_options.AsDepthwiseConv2DOptions()) return o->fused_activation_function;
  if (const auto* o = op.builtin_options.AsFullyConnectedOptions()) return o->fused_activation_function;
  return tflite::ActivationFunctionType_NONE;
}

// Real bias values of an operator (input 2), zeros when it has none.
std::vector<double> RealBias(const Model& m, size_t sg, const tflite::OperatorT& op, int32_t channels) {
  std::vector<double> out(static_cast<size_t>(channels), 0.0);
  if (op.inputs.size() < 3 || op.inputs[2] < 0) return out;
  const tflite::TensorT& b = m.tensor(sg, op.inputs[2]);
  if (!m.IsConstant(b)) return out;
  if (b.type == tflite::TensorType_FLOAT32) {
    const Span<const float> v = m.ConstantValues<float>(b);
    for (size_t c = 0; c < out.size() && c < v.size(); ++c) out[c] = v[c];
  } else if (b.type == tflite::TensorType_INT32 && b.quantization && !b.quantization->scale.empty()) {
    const Span<const int32_t> v = m.ConstantValues<int32_t>(b);
    const auto& s = b.quantization->scale;
    for (size_t c = 0; c < out.size() && c < v.size(); ++c) out[c] = v[c] * static_cast<double>(s.size() > 1 ? s[c] : s[0]);
  }
  return out;
}

// Clamps a real value to what an int8 tensor can hold.
double ClampToTensor(const tflite::TensorT& t, double v) {
  if (t.type != tflite::TensorType_INT8 || !t.quantization || t.quantization->scale.empty()) return v;
  const double s = t.quantization->scale[0];
  const double zp = t.quantization->zero_point.empty() ? 0.0 : static_cast<double>(t.quantization->zero_point[0]);
  return std::clamp(std::round(v / s + zp), -128.0, 127.0) * s - zp * s;
}

std::vector<size_t> Readers(const tflite::SubGraphT& g, int tensor, std::vector<size_t>* operand) {
  std::vector<size_t> ops;
  for (size_t o = 0; o < g.operators.size(); ++o) {
    const auto& in = g.operators[o]->inputs;
    for (size_t k = 0; k < in.size(); ++k) {
      if (in[k] == tensor) {
        ops.push_back(o);
        operand->push_back(k);
      }
    }
  }
  return ops;
}

// Follows tensor `t` (channels innermost, period plan.channels) to every
// reader; appends the steps and updates the assumed values of removed
// channels. Returns why it cannot be sliced, or "".
std::string Follow(const Model& m, size_t sg, int t, Plan& plan, const std::vector<double>& values) {
  const tflite::SubGraphT& g = m.subgraph(sg);
  const int32_t c = plan.channels;
  const tflite::TensorT& tensor = m.tensor(sg, t);
  if (std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end()) {
    return "its channels reach model output " + QuotedName(tensor.name);
  }
  if (tensor.shape.empty() || tensor.shape.back() % c != 0) {
    return "tensor " + QuotedName(tensor.name) + " " + ShapeString(tensor.shape) + " does not keep channels innermost";
  }
  std::vector<size_t> operand;
  const std::vector<size_t> readers = Readers(g, t, &operand);
  for (size_t r = 0; r < readers.size(); ++r) {
    const size_t o = readers[r];
    const tflite::OperatorT& op = *g.operators[o];
    const Op code = m.OpCode(op);
    const std::string where = m.OpName(op) + " (operator " + std::to_string(o) + ")";
    if (code == tflite::BuiltinOperator_RESHAPE) {
      if (operand[r] != 0) return "the tensor is the shape operand of " + where;
    } else if (operand[r] != 0) {
      return "read as operand " + std::to_string(operand[r]) + " of " + where;
    }
    if (code == tflite::BuiltinOperator_CONV_2D || code == tflite::BuiltinOperator_FULLY_CONNECTED) {
      if (op.inputs.size() < 2 || op.inputs[1] < 0) return where + " has no weights";
      const tflite::TensorT& w = m.tensor(sg, op.inputs[1]);
      if (!m.IsConstant(w) || (w.type != tflite::TensorType_FLOAT32 && w.type != tflite::TensorType_INT8)) {
        return where + " has no FLOAT32/INT8 constant weights";
      }
      if (code == tflite::BuiltinOperator_CONV_2D && (w.shape.size() != 4 || w.shape[3] != c)) {
        return where + " is a grouped convolution";
      }
      if (code == tflite::BuiltinOperator_FULLY_CONNECTED && (w.shape.size() != 2 || w.shape[1] % c != 0)) {
        return where + " weights " + ShapeString(w.shape) + " do not hold whole channels";
      }
      plan.steps.push_back({PathStep::kReader, o, values});
      continue;
    }
    if (code == tflite::BuiltinOperator_DEPTHWISE_CONV_2D) {
      const tflite::TensorT& w = m.tensor(sg, op.inputs.at(1));
      if (w.shape.size() != 4 || w.shape[3] != c || !m.IsConstant(w)) {
        return where + " has a depth multiplier other than 1 or no constant filter";
      }
      // Removed channel value through the depthwise filter (all taps) and bias.
      const std::vector<float> wr = RealWeights(m, w);
      const std::vector<double> bias = RealBias(m, sg, op, c);
      std::vector<double> next(values.size());
      const size_t taps = wr.size() / static_cast<size_t>(c);
      for (size_t k = 0; k < values.size(); ++k) {
        double sum = 0;
        for (size_t tap = 0; tap < taps; ++tap) sum += wr[tap * static_cast<size_t>(c) + k];
        next[k] = ClampToTensor(m.tensor(sg, op.outputs[0]), ApplyActivation(FusedActivation(op), values[k] * sum + bias[k]));
      }
      plan.steps.push_back({PathStep::kDepthwise, o, {}});
      const std::string why = Follow(m, sg, op.outputs.at(0), plan, next);
      if (!why.empty()) return why;
      continue;
    }
    if (IsPassThrough(code) || code == tflite::BuiltinOperator_RESHAPE) {
      if (code == tflite::BuiltinOperator_RESHAPE) {
        const tflite::TensorT& out = m.tensor(sg, op.outputs.at(0));
        if (out.shape.empty() || out.shape.back() % c != 0) {
          return where + " to " + ShapeString(out.shape) + " splits channels apart";
        }
        if (op.inputs.size() > 1 && op.inputs[1] >= 0 && !m.IsConstant(m.tensor(sg, op.inputs[1]))) {
          return where + " has a computed shape";
        }
      }
      std::vector<double> next(values);
      for (double& v : next) v = ClampToTensor(m.tensor(sg, op.outputs.at(0)), ApplyUnary(code, v));
      plan.steps.push_back({code == tflite::BuiltinOperator_RESHAPE ? PathStep::kReshape : PathStep::kPassThrough, o, {}});
      const std::string why = Follow(m, sg, op.outputs.at(0), plan, next);
      if (!why.empty()) return why;
      continue;
    }
    return "its output feeds " + where + ", which cannot be sliced along channels";
  }
  if (readers.empty()) return "its output is read by no operator";
  return {};
}

// --- applying ---------------------------------------------------------------

// The input-channel axis of a reader's weights and its length.
size_t ReaderAxis(Op code) { return code == tflite::BuiltinOperator_CONV_2D ? 3 : 1; }

// A reader's bias change for the removed channels of `plan`: sum over
// removed input columns j of W * value, the value being the measured mean
// input of column j when `means` has one, else the assumed constant.
std::vector<double> Compensation(const Model& m, size_t sg, const Plan& plan, const PathStep& reader,
                                 const std::vector<double>& means) {
  const tflite::OperatorT& op = *m.subgraph(sg).operators[reader.op_index];
  const tflite::TensorT& w = m.tensor(sg, op.inputs[1]);
  const std::vector<float> wr = RealWeights(m, w);
  const auto out_c = static_cast<size_t>(w.shape[0]);
  const size_t row = wr.size() / out_c;
  const auto c = static_cast<size_t>(plan.channels);
  std::vector<double> delta(out_c, 0.0);
  for (size_t o = 0; o < out_c; ++o) {
    for (size_t j = 0; j < row; ++j) {
      const size_t ch = j % c;  // both [out, kh, kw, in] and [out, in] keep channels innermost
      if (!plan.keep[ch]) delta[o] += static_cast<double>(wr[o * row + j]) * (means.size() == row ? means[j] : reader.value[ch]);
    }
  }
  return delta;
}

}  // namespace

std::vector<ChannelChange> PruneChannels(Model& model, const std::vector<WeightRef>& candidates, double fraction,
                                         std::vector<SkippedLayer>& skipped,
                                         const std::vector<DatasetView>& calibration, int threads) {
  // 1. Decide on the model as it is.
  std::vector<Plan> plans;
  for (const WeightRef& ref : candidates) {
    const tflite::OperatorT& op = *model.subgraph(ref.subgraph).operators[ref.op_index];
    const tflite::TensorT& w = model.tensor(ref.subgraph, ref.tensor);
    auto skip = [&](const std::string& why) {
      skipped.push_back({ref.subgraph, ref.op_index, model.OpName(op), w.name, "channels", why});
    };
    if (ref.op != tflite::BuiltinOperator_CONV_2D && ref.op != tflite::BuiltinOperator_FULLY_CONNECTED) {
      skip("channel pruning handles CONV_2D and FULLY_CONNECTED");
      continue;
    }
    if (ref.op == tflite::BuiltinOperator_CONV_2D &&
        (w.shape.size() != 4 || model.tensor(ref.subgraph, op.inputs[0]).shape.back() != w.shape[3])) {
      skip("grouped convolution");
      continue;
    }
    Plan plan;
    plan.producer = ref;
    plan.channels = w.shape[0];
    const int64_t remove = std::min<int64_t>(TargetCount(fraction, plan.channels), plan.channels - 1);
    if (remove <= 0) {
      skip(std::to_string(plan.channels) + " output channels: round(F x " + std::to_string(plan.channels) +
           ") removes none");
      continue;
    }
    // Rank channels by the L2 norm of their weights (real values).
    const std::vector<float> real = RealWeights(model, w);
    Tiling rows;
    rows.rows = plan.channels;
    rows.cols = static_cast<int64_t>(real.size()) / plan.channels;
    rows.block = {1, static_cast<int>(rows.cols)};
    const std::vector<double> norms = TileNorms(real, rows);
    std::vector<Candidate> ranked(norms.size());
    for (size_t ch = 0; ch < norms.size(); ++ch) ranked[ch] = {norms[ch], 0, static_cast<int64_t>(ch)};
    plan.keep.assign(static_cast<size_t>(plan.channels), true);
    for (const Candidate& cand : SmallestK(std::move(ranked), remove)) plan.keep[static_cast<size_t>(cand.tile)] = false;
    // A removed channel is assumed to output activation(bias).
    std::vector<double> values = RealBias(model, ref.subgraph, op, plan.channels);
    const tflite::TensorT& out = model.tensor(ref.subgraph, op.outputs.at(0));
    for (double& v : values) v = ClampToTensor(out, ApplyActivation(FusedActivation(op), v));
    const std::string why = Follow(model, ref.subgraph, op.outputs.at(0), plan, values);
    if (!why.empty()) {
      skip(why);
      continue;
    }
    plans.push_back(std::move(plan));
  }

  // 2. Fold the removed channels' assumed values into the readers' biases,
  //    all computed before anything is sliced.
  std::vector<WeightRef> readers;
  for (const Plan& plan : plans) {
    for (const PathStep& s : plan.steps) {
      if (s.kind != PathStep::kReader) continue;
      const tflite::OperatorT& op = *model.subgraph(plan.producer.subgraph).operators[s.op_index];
      readers.push_back({plan.producer.subgraph, s.op_index, model.OpCode(op), op.inputs[1]});
    }
  }
  const std::vector<std::vector<double>> means = MeanWeightInputs(model, readers, calibration, threads);
  std::vector<std::pair<std::pair<size_t, size_t>, std::vector<double>>> deltas;
  size_t k = 0;
  for (const Plan& plan : plans) {
    for (const PathStep& s : plan.steps) {
      if (s.kind != PathStep::kReader) continue;
      deltas.push_back({{plan.producer.subgraph, s.op_index}, Compensation(model, plan.producer.subgraph, plan, s, means[k++])});
    }
  }
  for (const auto& [where, delta] : deltas) AddToBias(model, where.first, where.second, delta);

  // 3. Slice.
  std::vector<ChannelChange> changes;
  for (const Plan& plan : plans) {
    const size_t sg = plan.producer.subgraph;
    const int32_t kept = static_cast<int32_t>(std::count(plan.keep.begin(), plan.keep.end(), true));
    const tflite::OperatorT& producer = *model.subgraph(sg).operators[plan.producer.op_index];
    SliceConstant(model, sg, producer.inputs[1], 0, plan.keep);
    if (producer.inputs.size() > 2 && producer.inputs[2] >= 0) SliceConstant(model, sg, producer.inputs[2], 0, plan.keep);
    SetLastDim(model, sg, producer.outputs[0], kept);
    changes.push_back({plan.producer, plan.channels - kept});
    for (const PathStep& s : plan.steps) {
      const tflite::OperatorT& op = *model.subgraph(sg).operators[s.op_index];
      const WeightRef weight{sg, s.op_index, model.OpCode(op), op.inputs.size() > 1 ? op.inputs[1] : -1};
      switch (s.kind) {
        case PathStep::kPassThrough:
          SetLastDim(model, sg, op.outputs[0], kept);
          break;
        case PathStep::kDepthwise:
          SliceConstant(model, sg, op.inputs[1], 3, plan.keep);
          if (op.inputs.size() > 2 && op.inputs[2] >= 0) SliceConstant(model, sg, op.inputs[2], 0, plan.keep);
          SetLastDim(model, sg, op.outputs[0], kept);
          changes.push_back({weight, 0});
          break;
        case PathStep::kReshape: {
          tflite::TensorT& out = model.tensor(sg, op.outputs[0]);
          const int32_t last = out.shape.back() / plan.channels * kept;
          SetLastDim(model, sg, op.outputs[0], last);
          if (op.inputs.size() > 1 && op.inputs[1] >= 0) {
            Span<int32_t> shape = model.MutableConstantValues<int32_t>(sg, op.inputs[1]);
            if (!shape.empty() && shape[shape.size() - 1] != -1) shape[shape.size() - 1] = last;
          }
          if (auto* o = model.subgraph(sg).operators[s.op_index]->builtin_options.AsReshapeOptions()) {
            if (!o->new_shape.empty() && o->new_shape.back() != -1) o->new_shape.back() = last;
          }
          break;
        }
        case PathStep::kReader: {
          const tflite::TensorT& w = model.tensor(sg, op.inputs[1]);
          const size_t axis = ReaderAxis(model.OpCode(op));
          SliceConstant(model, sg, op.inputs[1], axis, PeriodicMask(plan.keep, w.shape[axis]));
          changes.push_back({weight, 0});
          break;
        }
      }
    }
  }
  return changes;
}

}  // namespace tinyforge::prune
