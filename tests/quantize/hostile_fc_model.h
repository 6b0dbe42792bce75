// A model with one quantization-hostile layer, for the tests of the
// per-layer flags and of the precision search.
#pragma once

#include <random>
#include <vector>

#include "libconvert/data/npy.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge::testing {

inline constexpr int kHostileIn = 8;
inline constexpr int kHostileHidden = 8;
inline constexpr int kHostileOut = 4;
inline constexpr int kHostileSamples = 200;

// x [1,8] -> FC1 (RELU) -> "hidden" [1,8] -> FC2 -> "logits" [1,4].
inline Model TwoFullyConnected(const char* name, const std::vector<float>& w1, const std::vector<float>& b1,
                               const std::vector<float>& w2, const std::vector<float>& b2) {
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, kHostileIn});
  const int h = b.AddTensor("hidden", tflite::TensorType_FLOAT32, {1, kHostileHidden});
  const int y = b.AddTensor("logits", tflite::TensorType_FLOAT32, {1, kHostileOut});
  const int w1t = b.AddConstant<float>("w1", {kHostileHidden, kHostileIn}, w1);
  const int b1t = b.AddConstant<float>("b1", {kHostileHidden}, b1);
  const int w2t = b.AddConstant<float>("w2", {kHostileOut, kHostileHidden}, w2);
  const int b2t = b.AddConstant<float>("b2", {kHostileOut}, b2);
  tflite::FullyConnectedOptionsT relu;
  relu.fused_activation_function = tflite::ActivationFunctionType_RELU;
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w1t, b1t}, {h}, relu);
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {h, w2t, b2t}, {y}, tflite::FullyConnectedOptionsT{});
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build(name);
}

// x -> FC1 (RELU) -> h -> FC2 -> y. FC1's last unit is always 0 (zero
// weights, bias -1, RELU), and FC2 gives that unit one outlier weight (40,
// the rest within ±0.5): the float function does not see it, but
// per-tensor int8 weights of scale 40/127 crush FC2's other weights to 0 or
// ±1 step.
inline Model HostileModel() {
  std::mt19937 rng(1616);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  std::vector<float> w1, b1, w2, b2;
  for (int o = 0; o < kHostileHidden; ++o) {
    for (int i = 0; i < kHostileIn; ++i) w1.push_back(o == kHostileHidden - 1 ? 0.0f : u(rng));
    b1.push_back(o == kHostileHidden - 1 ? -1.0f : u(rng));
  }
  for (int o = 0; o < kHostileOut; ++o) {
    for (int i = 0; i < kHostileHidden; ++i) w2.push_back(o == 0 && i == kHostileHidden - 1 ? 40.0f : u(rng));
    b2.push_back(u(rng));
  }
  return TwoFullyConnected("hostile_fc", w1, b1, w2, b2);
}

// x -> FC1 (RELU) -> h -> FC2 -> logits, as HostileModel but with healthy
// weights everywhere: FC2's first unit has bias -60, so it never wins and
// stretches the logits' range to about [-61, 2]. One int8 scale for that
// range is a step of about 0.25, as coarse as the gaps between the other
// three logits: the output's range, not any weight, costs accuracy, so
// per-channel weights cannot help and int16 activations for FC2 (with float
// outputs) can.
inline Model WideOutputModel() {
  std::mt19937 rng(1617);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  std::vector<float> w1, b1, w2, b2;
  for (int o = 0; o < kHostileHidden; ++o) {
    for (int i = 0; i < kHostileIn; ++i) w1.push_back(u(rng));
    b1.push_back(u(rng));
  }
  for (int o = 0; o < kHostileOut; ++o) {
    for (int i = 0; i < kHostileHidden; ++i) w2.push_back(u(rng));
    b2.push_back(o == 0 ? -60.0f : u(rng));
  }
  return TwoFullyConnected("wide_output_fc", w1, b1, w2, b2);
}

inline NpyArray UniformSamples(size_t n, std::vector<int64_t> shape) {
  shape.insert(shape.begin(), static_cast<int64_t>(n));
  NpyArray a = NpyArray::Zeros(DType::kFloat32, shape);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (float& v : a.MutableView<float>()) v = u(rng);
  return a;
}

}  // namespace tinyforge::testing
