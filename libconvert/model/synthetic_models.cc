#include "libconvert/model/synthetic_models.h"

#include <cmath>
#include <algorithm>
#include <map>
#include <random>

#include "libconvert/base/error.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge {
namespace {

// Builds int8 layers with random weights. Output scales are chosen so that
// an accumulator of typical size lands in the middle of the int8 range,
// which keeps activations spread out (not all clamped) through the network.
class Int8NetBuilder {
 public:
  explicit Int8NetBuilder(uint32_t seed) : rng_(seed) {}

  ModelBuilder& builder() { return b_; }

  int Input(std::vector<int32_t> shape) {
    const int t = b_.AddTensor("input", tflite::TensorType_INT8, std::move(shape), Quant::PerTensor(kActScale, -1));
    scales_[t] = kActScale;
    return t;
  }

  // CONV_2D (depthwise = false) or DEPTHWISE_CONV_2D with a k x k filter,
  // SAME padding, and fused RELU6 when relu6.
  int Conv(int x, int out_channels, int k, int stride, bool depthwise, bool relu6) {
    const std::vector<int32_t> in = b_.shape(x);
    const int in_c = in[3];
    const int fan_in = depthwise ? k * k : k * k * in_c;
    const std::vector<int32_t> w_shape =
        depthwise ? std::vector<int32_t>{1, k, k, out_channels} : std::vector<int32_t>{out_channels, k, k, in_c};
    const int out_h = (in[1] + stride - 1) / stride, out_w = (in[2] + stride - 1) / stride;
    const std::string name = std::string(depthwise ? "dw" : "conv") + std::to_string(++layers_);

    std::vector<int8_t> w(static_cast<size_t>(ElementCount(w_shape)));
    std::uniform_int_distribution<int> weight(-127, 127);
    for (int8_t& v : w) v = static_cast<int8_t>(weight(rng_));
    std::vector<float> w_scales(static_cast<size_t>(out_channels));
    std::uniform_real_distribution<float> spread(0.5f, 1.5f);
    for (float& s : w_scales) s = spread(rng_) / 127.0f;
    const int wt = b_.AddConstant<int8_t>(name + "/weights", w_shape, w, Quant::PerChannel(w_scales, depthwise ? 3 : 0));

    const float in_scale = scales_.at(x);
    std::vector<int32_t> bias(static_cast<size_t>(out_channels));
    std::vector<float> bias_scales(static_cast<size_t>(out_channels));
    std::uniform_int_distribution<int> bias_value(-2000, 2000);
    for (size_t c = 0; c < bias.size(); ++c) {
      bias[c] = bias_value(rng_);
      bias_scales[c] = in_scale * w_scales[c];
    }
    const int bt = b_.AddConstant<int32_t>(name + "/bias", {out_channels}, bias, Quant::PerChannel(bias_scales, 0));

    // Accumulator std ~ sqrt(fan_in) * 40 * 73 integer units; map it to ~40.
    const float out_scale = in_scale * (1.0f / 127.0f) * std::sqrt(static_cast<float>(fan_in)) * 73.0f;
    const int y = b_.AddTensor(name, tflite::TensorType_INT8, {in[0], out_h, out_w, out_channels},
                               Quant::PerTensor(out_scale, relu6 ? -128 : 0));
    scales_[y] = out_scale;
    const auto act = relu6 ? tflite::ActivationFunctionType_RELU6 : tflite::ActivationFunctionType_NONE;
    if (depthwise) {
      tflite::DepthwiseConv2DOptionsT o;
      o.padding = tflite::Padding_SAME;
      o.stride_h = o.stride_w = stride;
      o.depth_multiplier = out_channels / in_c;
      o.fused_activation_function = act;
      b_.AddOperator(tflite::BuiltinOperator_DEPTHWISE_CONV_2D, {x, wt, bt}, {y}, o);
    } else {
      tflite::Conv2DOptionsT o;
      o.padding = tflite::Padding_SAME;
      o.stride_h = o.stride_w = stride;
      o.fused_activation_function = act;
      b_.AddOperator(tflite::BuiltinOperator_CONV_2D, {x, wt, bt}, {y}, o);
    }
    return y;
  }

  int Add(int a, int b) {
    const float scale = std::max(scales_.at(a), scales_.at(b)) * 1.5f;
    const int y = b_.AddTensor("add" + std::to_string(++layers_), tflite::TensorType_INT8, b_.shape(a),
                               Quant::PerTensor(scale, 0));
    scales_[y] = scale;
    b_.AddOperator(tflite::BuiltinOperator_ADD, {a, b}, {y}, tflite::AddOptionsT{});
    return y;
  }

  // Average over the whole spatial extent: [1, h, w, c] -> [1, 1, 1, c].
  int GlobalAveragePool(int x) {
    const std::vector<int32_t> in = b_.shape(x);
    const int y = b_.AddTensor("pool", tflite::TensorType_INT8, {in[0], 1, 1, in[3]},
                               Quant::PerTensor(scales_.at(x), -128));
    scales_[y] = scales_.at(x);
    tflite::Pool2DOptionsT o;
    o.padding = tflite::Padding_VALID;
    o.stride_h = o.stride_w = 1;
    o.filter_height = in[1];
    o.filter_width = in[2];
    b_.AddOperator(tflite::BuiltinOperator_AVERAGE_POOL_2D, {x}, {y}, o);
    return y;
  }

  int Reshape(int x, std::vector<int32_t> shape) {
    const int s = b_.AddConstant<int32_t>("reshape/shape", {static_cast<int32_t>(shape.size())}, shape);
    const int y = b_.AddTensor("reshape", tflite::TensorType_INT8, shape, Quant::PerTensor(scales_.at(x), -128));
    scales_[y] = scales_.at(x);
    b_.AddOperator(tflite::BuiltinOperator_RESHAPE, {x, s}, {y});
    return y;
  }

  int FullyConnected(int x, int out) {
    const int in = b_.shape(x)[1];
    std::vector<int8_t> w(static_cast<size_t>(in) * static_cast<size_t>(out));
    std::uniform_int_distribution<int> weight(-127, 127);
    for (int8_t& v : w) v = static_cast<int8_t>(weight(rng_));
    const float w_scale = 1.0f / 127.0f, in_scale = scales_.at(x);
    const int wt = b_.AddConstant<int8_t>("fc/weights", {out, in}, w, Quant::PerTensor(w_scale, 0));
    const int bt = b_.AddConstant<int32_t>("fc/bias", {out}, std::vector<int32_t>(static_cast<size_t>(out), 0),
                                           Quant::PerTensor(in_scale * w_scale, 0));
    const float out_scale = in_scale * w_scale * std::sqrt(static_cast<float>(in)) * 73.0f;
    const int y = b_.AddTensor("logits", tflite::TensorType_INT8, {1, out}, Quant::PerTensor(out_scale, 0));
    scales_[y] = out_scale;
    b_.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, wt, bt}, {y}, tflite::FullyConnectedOptionsT{});
    return y;
  }

  int Softmax(int x) {
    const int y = b_.AddTensor("probabilities", tflite::TensorType_INT8, b_.shape(x),
                               Quant::PerTensor(1.0f / 256.0f, -128));
    tflite::SoftmaxOptionsT o;
    o.beta = 1.0f;
    b_.AddOperator(tflite::BuiltinOperator_SOFTMAX, {x}, {y}, o);
    return y;
  }

 private:
  static constexpr float kActScale = 1.0f / 64.0f;
  ModelBuilder b_;
  std::mt19937 rng_;
  std::map<int, float> scales_;
  int layers_ = 0;
};

// Channel counts scaled by `width`, rounded to a multiple of 8 (at least 8).
int Scaled(int channels, float width) {
  return std::max(8, static_cast<int>(std::lround(channels * width / 8.0f)) * 8);
}

Model MobileNetV2(uint32_t seed, int size, float width, const std::string& name) {
  Int8NetBuilder n(seed);
  const int input = n.Input({1, size, size, 3});
  int x = n.Conv(input, Scaled(32, width), 3, 2, false, true);
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
  x = n.GlobalAveragePool(x);
  x = n.Reshape(x, {1, Scaled(1280, width)});
  x = n.FullyConnected(x, 1000);
  const int output = n.Softmax(x);
  n.builder().SetInputs({input});
  n.builder().SetOutputs({output});
  return n.builder().Build("synthetic:" + name);
}

}  // namespace

std::vector<std::string> SyntheticModelNames() { return {"mobilenet_v2", "mobilenet_v2_tiny"}; }

Model BuildSyntheticModel(const std::string& name, uint32_t seed) {
  if (name == "mobilenet_v2") return MobileNetV2(seed, 224, 1.0f, name);
  if (name == "mobilenet_v2_tiny") return MobileNetV2(seed, 32, 0.25f, name);
  std::string known;
  for (const std::string& n : SyntheticModelNames()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown synthetic model '" + name + "' (known: " + known + ")");
}

}  // namespace tinyforge
