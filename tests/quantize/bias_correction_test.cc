// quantize --bias-correct: the corrected float bias of each layer equals the bias
// minus the mean output error of its int8 weights, computed here by brute
// force (every sample, every output position, zero padding as the kernel
// pads) from the quantized model's raw int8 weights and scales.
#include "quantize/bias_correction.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_builder.h"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"

namespace tinyforge::quantize {
namespace {

constexpr int kBiasSamples = 24;

std::vector<float> Seeded(size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

NpyArray BiasTestData(std::vector<int64_t> shape, float lo, float hi) {
  NpyArray a = NpyArray::Zeros(DType::kFloat32, shape);
  const std::vector<float> v = Seeded(a.NumElements(), lo, hi, 7);
  std::copy(v.begin(), v.end(), a.MutableView<float>().begin());
  return a;
}

// Wq - W of the layer writing `output`, from the raw int8 weights and scales
// (per channel along axis 0, or per tensor).
std::vector<double> WeightError(const Model& float_model, const Model& q, const std::string& output) {
  for (const auto& op : q.subgraph(0).operators) {
    if (q.tensor(0, op->outputs[0]).name != output) continue;
    const tflite::TensorT& wq = q.tensor(0, op->inputs[1]);
    const Span<const int8_t> ints = q.ConstantValues<int8_t>(wq);
    const std::vector<float>& scales = wq.quantization->scale;
    const size_t per_channel = ints.size() / scales.size();
    for (const auto& fop : float_model.subgraph(0).operators) {
      if (float_model.tensor(0, fop->outputs[0]).name != output) continue;
      const Span<const float> w = float_model.ConstantValues<float>(float_model.tensor(0, fop->inputs[1]));
      std::vector<double> e(ints.size());
      for (size_t i = 0; i < e.size(); ++i) e[i] = double{scales[i / per_channel]} * ints[i] - w[i];
      return e;
    }
  }
  ADD_FAILURE() << "no layer writes " << output;
  return {};
}

struct Corrected {
  BiasCorrection correction;
  Model quantized;
};

Corrected Correct(const Model& model, const NpyArray& data) {
  ModelInputArrays calib{{data}, {"data"}};
  const std::vector<DatasetView> views = ViewModelInputs(model, calib);
  const CalibrationTable table = Calibrate(model, views, CalibrationOptions());
  Model q = QuantizeModel(model, table, QuantizeOptions()).model;
  BiasCorrection c = CorrectBiases(model, q, views, 2);
  return {std::move(c), std::move(q)};
}

std::vector<float> Bias(const Model& m, const std::string& name) {
  for (const auto& t : m.subgraph(0).tensors) {
    if (t->name == name) {
      const Span<const float> v = m.ConstantValues<float>(*t);
      return {v.begin(), v.end()};
    }
  }
  ADD_FAILURE() << "no tensor " << name;
  return {};
}

TEST(QuantizeBiasCorrection, FullyConnectedBiasLosesTheMeanErrorOfItsWeights) {
  constexpr int kIn = 8, kOut = 4;
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, kIn});
  const std::vector<float> weights = Seeded(kIn * kOut, -1.3f, 0.9f, 1);
  const std::vector<float> bias = {0.1f, -0.2f, 0.3f, 0.05f};
  const int w = b.AddConstant<float>("w", {kOut, kIn}, weights);
  const int bi = b.AddConstant<float>("b", {kOut}, bias);
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {1, kOut});
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w, bi}, {y}, tflite::FullyConnectedOptionsT());
  b.SetInputs({x});
  b.SetOutputs({y});
  const Model model = b.Build("fc.tflite");
  // A non-zero mean input, so the weights' rounding shifts the output's mean.
  const NpyArray data = BiasTestData({kBiasSamples, 1, kIn}, 0.5f, 1.5f);
  const Corrected c = Correct(model, data);
  EXPECT_EQ(c.correction.report.layers, 1u);

  const std::vector<double> error = WeightError(model, c.quantized, "y");
  const Span<const float> xs = data.View<float>();
  const std::vector<float> got = Bias(c.correction.model, "b");
  double largest = 0;
  for (int o = 0; o < kOut; ++o) {
    double delta = 0;
    for (int s = 0; s < kBiasSamples; ++s) {
      for (int i = 0; i < kIn; ++i) delta += error[o * kIn + i] * xs[s * kIn + i];
    }
    delta /= kBiasSamples;
    largest = std::max(largest, std::fabs(delta));
    EXPECT_NEAR(got[o], bias[o] - delta, 1e-6) << o;
  }
  EXPECT_GT(largest, 1e-5);  // the correction is not a no-op
}

TEST(QuantizeBiasCorrection, ConvolutionWithSamePaddingAveragesOverEveryOutputPosition) {
  constexpr int kH = 4, kW = 4, kC = 2, kO = 3;
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, kH, kW, kC});
  const std::vector<float> weights = Seeded(kO * 3 * 3 * kC, -0.8f, 1.1f, 3);
  const std::vector<float> bias = {0.2f, 0.0f, -0.1f};
  const int w = b.AddConstant<float>("w", {kO, 3, 3, kC}, weights);
  const int bi = b.AddConstant<float>("b", {kO}, bias);
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {1, kH, kW, kO});
  tflite::Conv2DOptionsT conv;
  conv.padding = tflite::Padding_SAME;
  conv.stride_h = conv.stride_w = 1;
  conv.fused_activation_function = tflite::ActivationFunctionType_RELU;  // not part of delta
  b.AddOperator(tflite::BuiltinOperator_CONV_2D, {x, w, bi}, {y}, conv);
  b.SetInputs({x});
  b.SetOutputs({y});
  const Model model = b.Build("conv.tflite");
  const NpyArray data = BiasTestData({kBiasSamples, 1, kH, kW, kC}, 0.0f, 2.0f);
  const Corrected c = Correct(model, data);
  EXPECT_EQ(c.correction.report.layers, 1u);

  const std::vector<double> error = WeightError(model, c.quantized, "y");
  const Span<const float> xs = data.View<float>();
  const std::vector<float> got = Bias(c.correction.model, "b");
  for (int o = 0; o < kO; ++o) {
    double delta = 0;
    for (int s = 0; s < kBiasSamples; ++s) {
      for (int oy = 0; oy < kH; ++oy) {
        for (int ox = 0; ox < kW; ++ox) {
          for (int ky = 0; ky < 3; ++ky) {
            for (int kx = 0; kx < 3; ++kx) {
              const int iy = oy + ky - 1, ix = ox + kx - 1;  // SAME: one pixel of zeros around
              if (iy < 0 || iy >= kH || ix < 0 || ix >= kW) continue;
              for (int ci = 0; ci < kC; ++ci) {
                delta += error[((o * 3 + ky) * 3 + kx) * kC + ci] * xs[((s * kH + iy) * kW + ix) * kC + ci];
              }
            }
          }
        }
      }
    }
    delta /= kBiasSamples * kH * kW;
    EXPECT_NEAR(got[o], bias[o] - delta, 1e-6) << o;
  }
}

}  // namespace
}  // namespace tinyforge::quantize
