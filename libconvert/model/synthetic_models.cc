#include "libconvert/model/synthetic_models.h"

#include <cmath>
#include <algorithm>
#include <map>
#include <random>

#include "libconvert/base/error.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge {
namespace {

// How a synthetic network is stored and laid out.
struct NetStyle {
  bool is_float = false;  // float32 throughout; else int8 activations, per-channel int8 weights
  bool pytorch = false;   // as PyTorch exporters write it: an NCHW input and a TRANSPOSE to
                          // NHWC, an explicit PAD before every padded conv (then VALID), MEAN
                          // over H and W instead of AVERAGE_POOL_2D + RESHAPE
};

// Builds layers with seeded random weights. int8: output scales are chosen
// so that an accumulator of typical size lands in the middle of the int8
// range, which keeps activations spread out (not all clamped) through the
// network. float: uniform weights of He-like variance.
class NetBuilder {
 public:
  NetBuilder(uint32_t seed, NetStyle style) : rng_(seed), style_(style) {}

  ModelBuilder& builder() { return b_; }

  // An NHWC image input (or its NCHW form and a TRANSPOSE to NHWC).
  int Input(int size, int channels) {
    const std::vector<int32_t> nhwc{1, size, size, channels};
    if (!style_.pytorch) return input_ = Activation("input", nhwc, kActScale, -1);
    input_ = Activation("input", {1, channels, size, size}, kActScale, -1);
    const int perm = b_.AddConstant<int32_t>("to_nhwc/perm", {4}, {0, 2, 3, 1});
    const int y = Activation("to_nhwc", nhwc, kActScale, -1);
    b_.AddOperator(tflite::BuiltinOperator_TRANSPOSE, {input_, perm}, {y}, tflite::TransposeOptionsT{});
    return y;
  }
  int input() const { return input_; }

  // CONV_2D (depthwise = false) or DEPTHWISE_CONV_2D with a k x k filter,
  // SAME padding (or an explicit PAD of k / 2 on every side, then VALID),
  // and fused RELU6 when relu6.
  int Conv(int x, int out_channels, int k, int stride, bool depthwise, bool relu6) {
    if (style_.pytorch && k > 1) x = Pad(x, k / 2);
    const std::vector<int32_t> in = b_.shape(x);
    const int in_c = in[3];
    const int fan_in = depthwise ? k * k : k * k * in_c;
    const std::vector<int32_t> w_shape =
        depthwise ? std::vector<int32_t>{1, k, k, out_channels} : std::vector<int32_t>{out_channels, k, k, in_c};
    const bool valid = style_.pytorch;
    const int out_h = valid ? (in[1] - k) / stride + 1 : (in[1] + stride - 1) / stride;
    const int out_w = valid ? (in[2] - k) / stride + 1 : (in[2] + stride - 1) / stride;
    const std::string name = std::string(depthwise ? "dw" : "conv") + std::to_string(++layers_);
    const int axis = depthwise ? 3 : 0;
    const auto [wt, bt, out_scale] = Weights(name, w_shape, out_channels, fan_in, axis, scales_.at(x));
    const int y = Activation(name, {in[0], out_h, out_w, out_channels}, out_scale, relu6 ? -128 : 0);
    const auto act = relu6 ? tflite::ActivationFunctionType_RELU6 : tflite::ActivationFunctionType_NONE;
    const auto padding = valid ? tflite::Padding_VALID : tflite::Padding_SAME;
    if (depthwise) {
      tflite::DepthwiseConv2DOptionsT o;
      o.padding = padding;
      o.stride_h = o.stride_w = stride;
      o.depth_multiplier = out_channels / in_c;
      o.fused_activation_function = act;
      b_.AddOperator(tflite::BuiltinOperator_DEPTHWISE_CONV_2D, {x, wt, bt}, {y}, o);
    } else {
      tflite::Conv2DOptionsT o;
      o.padding = padding;
      o.stride_h = o.stride_w = stride;
      o.fused_activation_function = act;
      b_.AddOperator(tflite::BuiltinOperator_CONV_2D, {x, wt, bt}, {y}, o);
    }
    return y;
  }

  int Add(int a, int b) {
    const float scale = std::max(scales_.at(a), scales_.at(b)) * 1.5f;
    const int y = Activation("add" + std::to_string(++layers_), b_.shape(a), scale, 0);
    b_.AddOperator(tflite::BuiltinOperator_ADD, {a, b}, {y}, tflite::AddOptionsT{});
    return y;
  }

  // Average over the whole spatial extent: [1, h, w, c] -> [1, c], through
  // AVERAGE_POOL_2D and RESHAPE, or MEAN over axes 1 and 2.
  int GlobalAverage(int x) {
    const std::vector<int32_t> in = b_.shape(x);
    if (style_.pytorch) {
      const int axes = b_.AddConstant<int32_t>("mean/axes", {2}, {1, 2});
      const int y = Activation("mean", {in[0], in[3]}, scales_.at(x), -128);
      tflite::ReducerOptionsT o;
      o.keep_dims = false;
      b_.AddOperator(tflite::BuiltinOperator_MEAN, {x, axes}, {y}, o);
      return y;
    }
    const int pooled = Activation("pool", {in[0], 1, 1, in[3]}, scales_.at(x), -128);
    tflite::Pool2DOptionsT o;
    o.padding = tflite::Padding_VALID;
    o.stride_h = o.stride_w = 1;
    o.filter_height = in[1];
    o.filter_width = in[2];
    b_.AddOperator(tflite::BuiltinOperator_AVERAGE_POOL_2D, {x}, {pooled}, o);
    const std::vector<int32_t> flat{in[0], in[3]};
    const int s = b_.AddConstant<int32_t>("reshape/shape", {2}, flat);
    const int y = Activation("reshape", flat, scales_.at(x), -128);
    b_.AddOperator(tflite::BuiltinOperator_RESHAPE, {pooled, s}, {y});
    return y;
  }

  int FullyConnected(int x, int out) {
    const int in = b_.shape(x)[1];
    const auto [wt, bt, out_scale] = Weights("fc", {out, in}, out, in, -1, scales_.at(x));
    const int y = Activation("logits", {1, out}, out_scale, 0);
    b_.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, wt, bt}, {y}, tflite::FullyConnectedOptionsT{});
    return y;
  }

  int Softmax(int x) {
    const int y = Activation("probabilities", b_.shape(x), 1.0f / 256.0f, -128);
    tflite::SoftmaxOptionsT o;
    o.beta = 1.0f;
    b_.AddOperator(tflite::BuiltinOperator_SOFTMAX, {x}, {y}, o);
    return y;
  }

 private:
  struct LayerWeights {
    int weights, bias;
    float out_scale;  // int8: the output's scale (float: unused)
  };

  // An activation tensor; scale and zero point apply to int8 only.
  int Activation(const std::string& name, std::vector<int32_t> shape, float scale, int zero_point) {
    const int t = style_.is_float ? b_.AddTensor(name, tflite::TensorType_FLOAT32, std::move(shape))
                                  : b_.AddTensor(name, tflite::TensorType_INT8, std::move(shape),
                                                 Quant::PerTensor(scale, zero_point));
    scales_[t] = scale;
    zero_points_[t] = zero_point;
    return t;
  }

  // Weights of `w_shape` (int8 per channel along `axis`, or per tensor when
  // axis < 0) and a bias of `channels`.
  LayerWeights Weights(const std::string& name, const std::vector<int32_t>& w_shape, int channels, int fan_in, int axis,
                       float in_scale) {
    const size_t count = static_cast<size_t>(ElementCount(w_shape)), n = static_cast<size_t>(channels);
    if (style_.is_float) {
      const float limit = std::sqrt(6.0f / static_cast<float>(fan_in));
      std::uniform_real_distribution<float> weight(-limit, limit), bias_value(-0.1f, 0.1f);
      std::vector<float> w(count), bias(n);
      for (float& v : w) v = weight(rng_);
      for (float& v : bias) v = bias_value(rng_);
      return {b_.AddConstant<float>(name + "/weights", w_shape, w), b_.AddConstant<float>(name + "/bias", {channels}, bias),
              1.0f};
    }
    std::vector<int8_t> w(count);
    std::uniform_int_distribution<int> weight(-127, 127);
    for (int8_t& v : w) v = static_cast<int8_t>(weight(rng_));
    std::vector<float> w_scales(axis < 0 ? 1 : n);
    std::uniform_real_distribution<float> spread(0.5f, 1.5f);
    for (float& s : w_scales) s = axis < 0 ? 1.0f / 127.0f : spread(rng_) / 127.0f;
    const Quant w_quant = axis < 0 ? Quant::PerTensor(w_scales[0], 0) : Quant::PerChannel(w_scales, axis);
    const int wt = b_.AddConstant<int8_t>(name + "/weights", w_shape, w, w_quant);
    std::vector<int32_t> bias(n);
    std::vector<float> bias_scales(axis < 0 ? 1 : n);
    std::uniform_int_distribution<int> bias_value(-2000, 2000);
    for (int32_t& b : bias) b = axis < 0 ? 0 : bias_value(rng_);
    for (size_t c = 0; c < bias_scales.size(); ++c) bias_scales[c] = in_scale * w_scales[c];
    const Quant b_quant = axis < 0 ? Quant::PerTensor(bias_scales[0], 0) : Quant::PerChannel(bias_scales, 0);
    const int bt = b_.AddConstant<int32_t>(name + "/bias", {channels}, bias, b_quant);
    // Accumulator std ~ sqrt(fan_in) * 40 * 73 integer units; map it to ~40.
    const float out_scale = in_scale * (1.0f / 127.0f) * std::sqrt(static_cast<float>(fan_in)) * 73.0f;
    return {wt, bt, out_scale};
  }

  // PAD of `p` on each side of H and W, with the zero point (real 0).
  int Pad(int x, int p) {
    const std::vector<int32_t> in = b_.shape(x);
    const int paddings = b_.AddConstant<int32_t>("pad" + std::to_string(++layers_) + "/paddings", {4, 2},
                                                 {0, 0, p, p, p, p, 0, 0});
    const int y = Activation("pad" + std::to_string(layers_), {in[0], in[1] + 2 * p, in[2] + 2 * p, in[3]},
                             scales_.at(x), zero_points_.at(x));
    b_.AddOperator(tflite::BuiltinOperator_PAD, {x, paddings}, {y}, tflite::PadOptionsT{});
    return y;
  }

  static constexpr float kActScale = 1.0f / 64.0f;
  ModelBuilder b_;
  std::mt19937 rng_;
  NetStyle style_;
  std::map<int, float> scales_;     // of each activation (int8)
  std::map<int, int> zero_points_;  // of each activation (int8)
  int layers_ = 0;
  int input_ = -1;
};

// Channel counts scaled by `width`, rounded to a multiple of 8 (at least 8).
int Scaled(int channels, float width) {
  return std::max(8, static_cast<int>(std::lround(channels * width / 8.0f)) * 8);
}

Model MobileNetV2(uint32_t seed, int size, float width, NetStyle style, const std::string& name) {
  NetBuilder n(seed, style);
  int x = n.Input(size, 3);
  x = n.Conv(x, Scaled(32, width), 3, 2, false, true);
  // (expansion t, output channels c, repeats, first stride) per stage.
  struct Stage {
    int t, c, n, s;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  int channels = Scaled(32, width);
  for (const Stage& stage : stages) {
    const int out = Scaled(stage.c, width);
    for (int i = 0; i < stage.n; ++i) {
      const int stride = i == 0 ? stage.s : 1;
      int h = x;
      if (stage.t != 1) h = n.Conv(h, channels * stage.t, 1, 1, false, true);
      h = n.Conv(h, channels * stage.t, 3, stride, true, true);
      h = n.Conv(h, out, 1, 1, false, false);
      x = stride == 1 && channels == out ? n.Add(x, h) : h;
      channels = out;
    }
  }
  x = n.Conv(x, Scaled(1280, width), 1, 1, false, true);
  x = n.GlobalAverage(x);
  x = n.FullyConnected(x, 1000);
  const int output = n.Softmax(x);
  n.builder().SetInputs({n.input()});
  n.builder().SetOutputs({output});
  return n.builder().Build("synthetic:" + name);
}

// Every synthetic model: name, image side, width multiplier, style.
struct SyntheticModel {
  const char* name;
  int size;
  float width;
  NetStyle style;
};
const SyntheticModel kModels[] = {
    {"mobilenet_v2", 224, 1.0f, {false, false}},
    {"mobilenet_v2_float", 224, 1.0f, {true, false}},
    {"mobilenet_v2_pt", 224, 1.0f, {false, true}},
    {"mobilenet_v2_pt_float", 224, 1.0f, {true, true}},
    {"mobilenet_v2_tiny", 32, 0.25f, {false, false}},
    {"mobilenet_v2_float_tiny", 32, 0.25f, {true, false}},
    {"mobilenet_v2_pt_tiny", 32, 0.25f, {false, true}},
    {"mobilenet_v2_pt_float_tiny", 32, 0.25f, {true, true}},
};

}  // namespace

std::vector<std::string> SyntheticModelNames() {
  std::vector<std::string> names;
  for (const SyntheticModel& m : kModels) names.push_back(m.name);
  return names;
}

Model BuildSyntheticModel(const std::string& name, uint32_t seed) {
  for (const SyntheticModel& m : kModels) {
    if (name == m.name) return MobileNetV2(seed, m.size, m.width, m.style, name);
  }
  std::string known;
  for (const std::string& n : SyntheticModelNames()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown synthetic model '" + name + "' (known: " + known + ")");
}

}  // namespace tinyforge
