// The isolated per-layer error (each operator alone on the reference's own
// inputs) and the accumulated one (the full candidate run), against an
// independent computation: two FULLY_CONNECTED layers, float and int8 built
// by hand; the expected figures come from quantizing the float values here
// and running one-operator int8 models cut by hand, never from compare/.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "libconvert/compare/compare.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge {
namespace {

constexpr int kIsoIn = 4;
constexpr int kIsoHidden = 4;
constexpr int kIsoOut = 3;
constexpr int kIsoSamples = 8;
// Activation parameters of the int8 model: x in [-1, 1], h = RELU(...) in
// [0, 2.5], y in [-3, 3]. h's are coarse on purpose, so that the error
// FC1 adds shows in FC2's accumulated figure and not in its isolated one.
constexpr float kIsoXScale = 1.0f / 127;
constexpr int32_t kIsoXZero = 0;
constexpr float kIsoHScale = 2.5f / 255 * 4;
constexpr int32_t kIsoHZero = -128;
constexpr float kIsoYScale = 6.0f / 255;
constexpr int32_t kIsoYZero = 0;

struct TwoLayers {
  std::vector<float> w1, b1, w2, b2;  // [hidden, in], [hidden], [out, hidden], [out]
  std::vector<float> x;               // [samples, in]
};

TwoLayers MakeTwoLayers() {
  std::mt19937 rng(16);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  TwoLayers t;
  for (int i = 0; i < kIsoHidden * kIsoIn; ++i) t.w1.push_back(u(rng));
  for (int i = 0; i < kIsoHidden; ++i) t.b1.push_back(u(rng) + 0.3f);
  for (int i = 0; i < kIsoOut * kIsoHidden; ++i) t.w2.push_back(2 * u(rng));
  for (int i = 0; i < kIsoOut; ++i) t.b2.push_back(u(rng));
  for (int i = 0; i < kIsoSamples * kIsoIn; ++i) t.x.push_back(2 * u(rng));
  return t;
}

int8_t QuantizeByHand(float v, float scale, int32_t zero_point) {
  const double q = std::round(static_cast<double>(v / scale)) + zero_point;
  return static_cast<int8_t>(std::min(127.0, std::max(-128.0, q)));
}

// Symmetric per-tensor int8 weights, and their scale.
std::vector<int8_t> HandWeights(const std::vector<float>& w, float& scale) {
  float most = 0;
  for (float v : w) most = std::max(most, std::fabs(v));
  scale = most / 127;
  std::vector<int8_t> q;
  for (float v : w) q.push_back(QuantizeByHand(v, scale, 0));
  return q;
}

std::vector<int32_t> HandBias(const std::vector<float>& b, float scale) {
  std::vector<int32_t> q;
  for (float v : b) q.push_back(static_cast<int32_t>(std::round(static_cast<double>(v) / scale)));
  return q;
}

Model FloatTwoLayers(const TwoLayers& t) {
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, kIsoIn});
  const int w1 = b.AddConstant<float>("w1", {kIsoHidden, kIsoIn}, t.w1);
  const int b1 = b.AddConstant<float>("b1", {kIsoHidden}, t.b1);
  const int h = b.AddTensor("h", tflite::TensorType_FLOAT32, {1, kIsoHidden});
  const int w2 = b.AddConstant<float>("w2", {kIsoOut, kIsoHidden}, t.w2);
  const int b2 = b.AddConstant<float>("b2", {kIsoOut}, t.b2);
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {1, kIsoOut});
  tflite::FullyConnectedOptionsT relu;
  relu.fused_activation_function = tflite::ActivationFunctionType_RELU;
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w1, b1}, {h}, relu);
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {h, w2, b2}, {y}, tflite::FullyConnectedOptionsT{});
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build("float_two_layers");
}

// The int8 model, or one of its layers alone (layer 0: x -> h, 1: h -> y).
Model Int8TwoLayers(const TwoLayers& t, int only_layer = -1) {
  float s1 = 0, s2 = 0;
  const std::vector<int8_t> w1q = HandWeights(t.w1, s1);
  const std::vector<int8_t> w2q = HandWeights(t.w2, s2);
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_INT8, {1, kIsoIn}, Quant::PerTensor(kIsoXScale, kIsoXZero));
  const int h = b.AddTensor("h", tflite::TensorType_INT8, {1, kIsoHidden}, Quant::PerTensor(kIsoHScale, kIsoHZero));
  const int y = b.AddTensor("y", tflite::TensorType_INT8, {1, kIsoOut}, Quant::PerTensor(kIsoYScale, kIsoYZero));
  if (only_layer != 1) {
    const int w1 = b.AddConstant<int8_t>("w1", {kIsoHidden, kIsoIn}, w1q, Quant::PerTensor(s1, 0));
    const int b1 = b.AddConstant<int32_t>("b1", {kIsoHidden}, HandBias(t.b1, kIsoXScale * s1),
                                          Quant::PerTensor(kIsoXScale * s1, 0));
    tflite::FullyConnectedOptionsT relu;
    relu.fused_activation_function = tflite::ActivationFunctionType_RELU;
    b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w1, b1}, {h}, relu);
  }
  if (only_layer != 0) {
    const int w2 = b.AddConstant<int8_t>("w2", {kIsoOut, kIsoHidden}, w2q, Quant::PerTensor(s2, 0));
    const int b2 = b.AddConstant<int32_t>("b2", {kIsoOut}, HandBias(t.b2, kIsoHScale * s2),
                                          Quant::PerTensor(kIsoHScale * s2, 0));
    b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {h, w2, b2}, {y}, tflite::FullyConnectedOptionsT{});
  }
  b.SetInputs({only_layer == 1 ? h : x});
  b.SetOutputs({only_layer == 0 ? h : y});
  return b.Build("int8_two_layers");
}

// The float layers in double: h = RELU(w1 x + b1), y = w2 h + b2.
std::vector<double> HandLayer(const std::vector<float>& w, const std::vector<float>& bias, const double* in,
                              int n_in, bool relu) {
  std::vector<double> out;
  for (size_t o = 0; o < bias.size(); ++o) {
    double sum = bias[o];
    for (int i = 0; i < n_in; ++i) sum += static_cast<double>(w[o * static_cast<size_t>(n_in) + static_cast<size_t>(i)]) * in[i];
    out.push_back(relu ? std::max(0.0, sum) : sum);
  }
  return out;
}

// Runs a one-input int8 model on int8 values; returns its dequantized output.
std::vector<double> RunInt8(const Model& model, const std::vector<int8_t>& in, float scale, int32_t zero_point) {
  interp::Interpreter interp(model, interp::InterpreterOptions{true});
  interp.Prepare();
  std::copy(in.begin(), in.end(), interp.input(0).Data<int8_t>());
  interp.Invoke();
  const interp::RuntimeTensor& out = interp.output(0);
  std::vector<double> values;
  for (int64_t i = 0; i < out.count(); ++i) values.push_back(scale * (out.Data<int8_t>()[i] - zero_point));
  return values;
}

// The figures ErrorStats keeps, summed here in double.
struct HandError {
  double sum_sq = 0, max_abs = 0, dot = 0, ref_sq = 0, cand_sq = 0;
  size_t count = 0;
  void Add(const std::vector<double>& ref, const std::vector<double>& cand) {
    for (size_t i = 0; i < ref.size(); ++i) {
      const double e = cand[i] - ref[i];
      sum_sq += e * e;
      max_abs = std::max(max_abs, std::fabs(e));
      dot += ref[i] * cand[i];
      ref_sq += ref[i] * ref[i];
      cand_sq += cand[i] * cand[i];
      ++count;
    }
  }
  double rmse() const { return std::sqrt(sum_sq / static_cast<double>(count)); }
};

void ExpectStats(const ErrorStats& got, const HandError& want, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(got.count(), want.count);
  // Float kernels against double sums: 1e-5 relative.
  EXPECT_NEAR(got.rmse(), want.rmse(), 1e-5 * want.rmse() + 1e-7);
  EXPECT_NEAR(got.max_abs(), want.max_abs, 1e-5 * want.max_abs + 1e-7);
  EXPECT_NEAR(got.cosine(), want.dot / std::sqrt(want.ref_sq * want.cand_sq), 1e-6);
  EXPECT_NEAR(got.snr_db(), 10 * std::log10(want.ref_sq / want.sum_sq), 1e-3);
}

const LayerComparison& LayerOf(const CompareResult& r, const std::string& tensor) {
  for (const LayerComparison& l : r.layers) {
    if (l.tensor_name == tensor) return l;
  }
  throw std::runtime_error("no layer " + tensor);
}

TEST(IsolatedErrorTest, EachLayerAloneOnTheReferenceInputsAsComputedByHand) {
  const TwoLayers t = MakeTwoLayers();
  const Model reference = FloatTwoLayers(t);
  const Model candidate = Int8TwoLayers(t);
  const Model layer0 = Int8TwoLayers(t, 0);
  const Model layer1 = Int8TwoLayers(t, 1);

  HandError iso_h, iso_y, acc_y;
  for (int s = 0; s < kIsoSamples; ++s) {
    std::vector<double> x(t.x.begin() + s * kIsoIn, t.x.begin() + (s + 1) * kIsoIn);
    const std::vector<double> h = HandLayer(t.w1, t.b1, x.data(), kIsoIn, true);
    const std::vector<double> y = HandLayer(t.w2, t.b2, h.data(), kIsoHidden, false);
    std::vector<int8_t> qx, qh;
    for (double v : x) qx.push_back(QuantizeByHand(static_cast<float>(v), kIsoXScale, kIsoXZero));
    for (double v : h) qh.push_back(QuantizeByHand(static_cast<float>(v), kIsoHScale, kIsoHZero));
    iso_h.Add(h, RunInt8(layer0, qx, kIsoHScale, kIsoHZero));
    iso_y.Add(y, RunInt8(layer1, qh, kIsoYScale, kIsoYZero));
    acc_y.Add(y, RunInt8(candidate, qx, kIsoYScale, kIsoYZero));
  }

  NpyArray x = NpyArray::Zeros(DType::kFloat32, {kIsoSamples, 1, kIsoIn});
  std::copy(t.x.begin(), t.x.end(), x.MutableView<float>().begin());
  CompareOptions options;
  options.threads = 2;
  options.layers = true;
  const CompareResult r = CompareModelsOnArrays(reference, candidate, {x}, {"x"}, {}, options);
  ASSERT_EQ(r.layers.size(), 2u);
  const LayerComparison& h = LayerOf(r, "h");
  const LayerComparison& y = LayerOf(r, "y");
  ASSERT_TRUE(h.has_isolated);
  ASSERT_TRUE(y.has_isolated);
  ExpectStats(h.isolated, iso_h, "h isolated");
  ExpectStats(y.isolated, iso_y, "y isolated");
  ExpectStats(y.error, acc_y, "y accumulated");
  EXPECT_NEAR(y.isolated_rmse_steps(), iso_y.rmse() / kIsoYScale, 1e-4);
  // The coarse h carries its error into y's accumulated figure only.
  EXPECT_GT(acc_y.rmse(), 1.5 * iso_y.rmse());
  // Layer h is the graph's first: both measures are the same run.
  EXPECT_NEAR(h.error.rmse(), iso_h.rmse(), 1e-5 * iso_h.rmse() + 1e-7);

  const nlohmann::ordered_json j = CompareToJson(r);
  for (const auto& layer : j["layers"]) {
    ASSERT_TRUE(layer["isolated"].is_object()) << layer.dump();
    for (const char* key : {"rmse", "rmse_steps", "max_abs", "cosine", "snr_db"}) {
      EXPECT_TRUE(layer["isolated"].contains(key) && layer["accumulated"].contains(key)) << key;
    }
  }
}

}  // namespace
}  // namespace tinyforge
