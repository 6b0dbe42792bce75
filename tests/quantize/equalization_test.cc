// Cross-layer equalization: the model computes the same function (checked
// by running both on random inputs), each equalized channel has the same
// largest |weight| in both layers, and a ReLU6 pair is left alone.
#include "quantize/equalization.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "libconvert/data/model_inputs.h"
#include "libconvert/interp/batch.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge::quantize {
namespace {

constexpr int kEqIn = 6, kEqHidden = 5, kEqOut = 3;

// FC -> (activation) -> FC, the first layer's rows of very different ranges.
Model TwoLayers(tflite::ActivationFunctionType act) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> w1(kEqHidden * kEqIn), w2(kEqOut * kEqHidden), b1(kEqHidden), b2(kEqOut);
  for (size_t i = 0; i < w1.size(); ++i) w1[i] = u(rng) * std::pow(4.0f, static_cast<float>(i / kEqIn));
  for (float& v : w2) v = u(rng);
  for (float& v : b1) v = u(rng);
  for (float& v : b2) v = u(rng);
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, kEqIn});
  const int h = b.AddTensor("h", tflite::TensorType_FLOAT32, {1, kEqHidden});
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {1, kEqOut});
  tflite::FullyConnectedOptionsT first;
  first.fused_activation_function = act;
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED,
                {x, b.AddConstant<float>("w1", {kEqHidden, kEqIn}, w1), b.AddConstant<float>("b1", {kEqHidden}, b1)},
                {h}, first);
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED,
                {h, b.AddConstant<float>("w2", {kEqOut, kEqHidden}, w2), b.AddConstant<float>("b2", {kEqOut}, b2)},
                {y}, tflite::FullyConnectedOptionsT());
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build("two_layers.tflite");
}

std::vector<float> Weights(const Model& m, const std::string& name) {
  for (const auto& t : m.subgraph(0).tensors) {
    if (t->name == name) {
      const Span<const float> v = m.ConstantValues<float>(*t);
      return {v.begin(), v.end()};
    }
  }
  return {};
}

std::vector<float> Outputs(const Model& m, const NpyArray& data) {
  ModelInputArrays in{{data}, {"x"}};
  const std::vector<NpyArray> out = interp::RunDataset(m, ViewModelInputs(m, in), 1, {true});
  const Span<const float> v = out.at(0).View<float>();
  return {v.begin(), v.end()};
}

TEST(Equalization, SameFunctionAndBalancedRanges) {
  const Model model = TwoLayers(tflite::ActivationFunctionType_RELU);
  EqualizationReport report;
  const Model eq = EqualizeLayers(model, &report);
  EXPECT_EQ(report.pairs, 1u);

  NpyArray data = NpyArray::Zeros(DType::kFloat32, {32, 1, kEqIn});
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  for (float& v : data.MutableView<float>()) v = u(rng);
  const std::vector<float> before = Outputs(model, data), after = Outputs(eq, data);
  ASSERT_EQ(before.size(), after.size());
  float largest = 0;
  for (float v : before) largest = std::max(largest, std::fabs(v));
  for (size_t i = 0; i < before.size(); ++i) EXPECT_NEAR(after[i], before[i], 1e-5f * largest) << i;

  // Row c of w1 and column c of w2 now have the same largest |weight|.
  const std::vector<float> w1 = Weights(eq, "w1"), w2 = Weights(eq, "w2");
  for (int c = 0; c < kEqHidden; ++c) {
    float r1 = 0, r2 = 0;
    for (int i = 0; i < kEqIn; ++i) r1 = std::max(r1, std::fabs(w1[c * kEqIn + i]));
    for (int o = 0; o < kEqOut; ++o) r2 = std::max(r2, std::fabs(w2[o * kEqHidden + c]));
    EXPECT_NEAR(r1, r2, 1e-4f * r1) << c;
  }
}

TEST(Equalization, ClippingActivationsAreLeftAlone) {
  const Model model = TwoLayers(tflite::ActivationFunctionType_RELU6);
  EqualizationReport report;
  const Model eq = EqualizeLayers(model, &report);
  EXPECT_EQ(report.pairs, 0u);
  EXPECT_EQ(Weights(eq, "w1"), Weights(model, "w1"));
}

}  // namespace
}  // namespace tinyforge::quantize
