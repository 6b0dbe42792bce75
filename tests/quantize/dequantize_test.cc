// Weight-only (hybrid) and partly quantized models given to quantize: the
// dequantizing pass (quantize/dequantize.h) gives exactly scale * (q - zp)
// per channel, and the corpus's weight-only models then quantize to full
// integer that the real TFLM runs with the interpreter's bits, close to what
// the original model computes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "libconvert/data/model_inputs.h"
#include "libconvert/interp/batch.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_builder.h"
#include "libconvert/model/model_io.h"
#include "quantize/calibrator.h"
#include "quantize/dequantize.h"
#include "quantize/quantizer.h"
#include "tests/mnist_data.h"
#include "tests/quantize/quantize_test_util.h"
#include "tests/test_util.h"
#include "tests/tflm_oracle.h"

namespace tinyforge::quantize {
namespace {

using testing::ModelPath;

// The float32 values of constant tensor `index`.
std::vector<float> FloatConstant(const Model& model, int index) {
  const Span<const float> v = model.ConstantValues<float>(model.tensor(0, index));
  return {v.begin(), v.end()};
}

// x [1,2,2,3] -> ADD(x, DEQUANTIZE(a)) -> FULLY_CONNECTED(w) -> y [1,2,2,4]:
// `a` is int8 per channel on its last axis (asymmetric zero points, as the
// pass takes any), `w` int8 per channel on axis 0 read directly by the float
// FULLY_CONNECTED (a hybrid operator), its bias int32 per channel.
struct DequantizeFixture {
  std::vector<int8_t> a = {-128, -1, 0, 1, 2, 127, 5, -7, 9, 11, -13, 100};
  std::vector<float> a_scales = {0.5f, 0.03125f, 0.1f};
  std::vector<int64_t> a_zero_points = {3, -2, 0};
  std::vector<int8_t> w = {1, -2, 3, 4, -5, 6, 127, -127, 0, 64, -64, 32};
  std::vector<float> w_scales = {0.25f, 0.0078125f, 0.3f, 1.5f};
  std::vector<int32_t> bias = {1000, -2000, 123456, -7};
  std::vector<float> bias_scales = {0.001f, 0.002f, 0.0003f, 0.5f};

  Model Build() const {
    ModelBuilder b;
    const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, 2, 2, 3});
    const int a_q = b.AddConstant<int8_t>("a_int8", {1, 1, 4, 3}, a, Quant{a_scales, a_zero_points, 3});
    const int a_f = b.AddTensor("a_float", tflite::TensorType_FLOAT32, {1, 1, 4, 3});
    b.AddOperator(tflite::BuiltinOperator_DEQUANTIZE, {a_q}, {a_f});
    const int flat = b.AddTensor("flat", tflite::TensorType_FLOAT32, {4, 3});
    const int shape = b.AddConstant<int32_t>("shape", {2}, {4, 3});
    b.AddOperator(tflite::BuiltinOperator_RESHAPE, {x, shape}, {flat});
    const int flat_a = b.AddTensor("flat_a", tflite::TensorType_FLOAT32, {4, 3});
    const int shape_a = b.AddConstant<int32_t>("shape_a", {2}, {4, 3});
    b.AddOperator(tflite::BuiltinOperator_RESHAPE, {a_f, shape_a}, {flat_a});
    const int sum = b.AddTensor("sum", tflite::TensorType_FLOAT32, {4, 3});
    b.AddOperator(tflite::BuiltinOperator_ADD, {flat, flat_a}, {sum}, tflite::AddOptionsT());
    const int w_q = b.AddConstant<int8_t>("w_int8", {4, 3}, w, Quant::PerChannel(w_scales, 0));
    const int bias_q = b.AddConstant<int32_t>("bias_int32", {4}, bias, Quant::PerChannel(bias_scales, 0));
    const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {4, 4});
    b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {sum, w_q, bias_q}, {y},
                  tflite::FullyConnectedOptionsT());
    b.SetInputs({x});
    b.SetOutputs({y});
    return b.Build("hybrid.tflite");
  }
};

TEST(DequantizeToFloat, GivesScaleTimesQMinusZeroPointPerChannel) {
  const DequantizeFixture f;
  Model model = f.Build();
  const DequantizeReport report = DequantizeToFloat(model);
  EXPECT_EQ(report.weights, 3u);
  EXPECT_EQ(report.int8_weights, 2u);
  EXPECT_EQ(report.activations, 0u);
  EXPECT_EQ(report.operators_removed, 1u);
  EXPECT_EQ(report.Summary(),
            "weights were int8 (weight-only): dequantized and re-quantized (3 constants made float, 1 "
            "QUANTIZE/DEQUANTIZE operator removed)");

  const auto& ops = model.subgraph(0).operators;
  ASSERT_EQ(ops.size(), 4u);  // the DEQUANTIZE is gone
  for (const auto& op : ops) EXPECT_NE(model.OpName(*op), "DEQUANTIZE");
  for (const auto& t : model.subgraph(0).tensors) {
    EXPECT_TRUE(t->type == tflite::TensorType_FLOAT32 || t->type == tflite::TensorType_INT32) << t->name;
    EXPECT_FALSE(t->quantization && !t->quantization->scale.empty()) << t->name;
  }
  // The second RESHAPE now reads `a` itself, as float: element i of
  // [1,1,4,3] is in channel i % 3 (the last axis).
  const std::vector<float> a = FloatConstant(model, ops[1]->inputs[0]);
  ASSERT_EQ(a.size(), f.a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t c = i % 3;
    EXPECT_EQ(a[i], static_cast<float>(static_cast<double>(f.a_scales[c]) * (f.a[i] - f.a_zero_points[c])))
        << "element " << i;
  }
  // Weights [4,3]: channel = row; bias: channel = element.
  const std::vector<float> w = FloatConstant(model, ops[3]->inputs[1]);
  ASSERT_EQ(w.size(), f.w.size());
  for (size_t i = 0; i < w.size(); ++i) EXPECT_EQ(w[i], f.w_scales[i / 3] * static_cast<float>(f.w[i])) << i;
  const std::vector<float> bias = FloatConstant(model, ops[3]->inputs[2]);
  ASSERT_EQ(bias.size(), 4u);
  for (size_t c = 0; c < 4; ++c) {
    EXPECT_EQ(bias[c], static_cast<float>(static_cast<double>(f.bias_scales[c]) * f.bias[c])) << c;
  }
  // Now an ordinary float model: the interpreter runs it.
  interp::Interpreter interpreter(model);
  EXPECT_NO_THROW(interpreter.Prepare());
}

TEST(DequantizeToFloat, LeavesAFloatModelAlone) {
  TF_REQUIRE_SHARED();
  Model model = LoadModel(ModelPath("hello_world_float"));
  const std::vector<uint8_t> before = SerializeModel(model);
  const DequantizeReport report = DequantizeToFloat(model);
  EXPECT_FALSE(report.changed());
  EXPECT_EQ(report.Summary(), "");
  EXPECT_EQ(SerializeModel(model), before);
}

TEST(FloatModelToQuantize, RefusesAFullIntegerModelAsBefore) {
  TF_REQUIRE_SHARED();
  try {
    FloatModelToQuantize(LoadModel(ModelPath("hello_world_int8")));
    FAIL() << "a full-integer model was taken";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("already integer"), std::string::npos) << e.what();
  }
}

// --- the corpus's weight-only models, quantized ---------------------------------

constexpr uint32_t kSeed = 1515;

// `samples` uniform values in [-1, 1] for input 0 of `model` (float).
NpyArray UniformInput(const Model& model, int64_t samples, std::mt19937& rng) {
  const tflite::TensorT& t = model.tensor(0, model.subgraph(0).inputs[0]);
  std::vector<int64_t> shape{samples};
  shape.insert(shape.end(), t.shape.begin(), t.shape.end());
  NpyArray a = NpyArray::Zeros(DType::kFloat32, shape);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (float& v : a.MutableView<float>()) v = uniform(rng);
  return a;
}

// Quantizes `original` as the quantize command does (FloatModelToQuantize,
// calibrate, QuantizeModel with int8 inputs and outputs).
Model QuantizeWeightOnly(const Model& original, const NpyArray& calib) {
  const FloatModel input = FloatModelToQuantize(original);
  EXPECT_TRUE(input.dequantized.changed());
  std::printf("[ dequant  ] %s: %s\n", original.source().c_str(), input.dequantized.Summary().c_str());
  ModelInputArrays arrays{{calib}, {"calib"}};
  CalibrationOptions c;
  c.threads = 2;
  const CalibrationTable table = Calibrate(input.model, ViewModelInputs(input.model, arrays), c);
  QuantizeResult q = QuantizeModel(input.model, table, {});
  EXPECT_TRUE(q.warnings.empty()) << q.warnings.at(0);
  return std::move(q.model);
}

// Full integer: no float operator, no DEQUANTIZE (nor QUANTIZE) left.
void ExpectFullInteger(const Model& model) {
  EXPECT_EQ(testing::FloatOperators(model), 0u);
  for (const auto& op : model.subgraph(0).operators) {
    EXPECT_NE(model.OpName(*op), "DEQUANTIZE");
    EXPECT_NE(model.OpName(*op), "QUANTIZE");
  }
  for (int k : model.subgraph(0).inputs) EXPECT_EQ(model.tensor(0, k).type, tflite::TensorType_INT8);
  for (int k : model.subgraph(0).outputs) EXPECT_EQ(model.tensor(0, k).type, tflite::TensorType_INT8);
}

// Runs int8 `model` (saved in `dir`) on the real TFLM and on the interpreter
// with float `input` quantized by the model's input parameters; expects the
// same bits and returns the output dequantized.
std::vector<float> RunOnTflmAndOurs(const Model& model, const NpyArray& input, const std::string& dir) {
  SaveModel(model, dir + "/int8.tflite");
  const NpyArray q = ConvertModelInput(model, 0, input, "input", /*quantize_floats=*/true);
  // tflm_run takes N samples with one extra leading dim: [N,1,28,28,1].
  NpyArray stacked = q;
  const std::vector<int32_t>& shape = model.tensor(0, model.subgraph(0).inputs[0]).shape;
  if (stacked.shape.size() == shape.size() && stacked.shape[0] != shape[0]) stacked.shape.insert(stacked.shape.begin() + 1, 1);
  const testing::TflmResult tflm =
      testing::RunTflm(testing::TflmTarget::kHost, dir + "/int8.tflite", {stacked}, dir + "/run");
  EXPECT_TRUE(tflm.ran()) << tflm.log;
  ModelInputArrays arrays{{q}, {"input"}};
  const std::vector<NpyArray> ours = interp::RunDataset(model, ViewModelInputs(model, arrays), 2);
  if (!tflm.ran() || tflm.outputs.empty()) return {};
  EXPECT_EQ(ours.at(0).data, tflm.outputs.at(0).data) << "TFLM and tinyforge differ";
  const tflite::TensorT& out = model.tensor(0, model.subgraph(0).outputs[0]);
  const float scale = out.quantization->scale[0];
  const int64_t zero_point = out.quantization->zero_point[0];
  std::vector<float> real;
  for (int8_t v : ours[0].View<int8_t>()) real.push_back(scale * static_cast<float>(v - zero_point));
  return real;
}

// The sub-channel weight-only FC: DEQUANTIZE of an int8 constant into a float
// BATCH_MATMUL. TFLM runs the original in float, the reference here.
TEST(QuantizeWeightOnly, SubChannelFcBecomesFullIntegerCloseToTheOriginal) {
  TF_REQUIRE_TFLM();
  std::printf("[ seed     ] %u\n", kSeed);
  std::mt19937 rng(kSeed);
  const std::string name = "single_fc_bias_sub_channel_weight_only_sym_weight";
  const Model original = LoadModel(ModelPath(name));
  const NpyArray calib = UniformInput(original, 256, rng);
  const NpyArray eval = UniformInput(original, 64, rng);
  const Model q = QuantizeWeightOnly(original, calib);
  ExpectFullInteger(q);

  const std::string dir = testing::TempDir("dequantize_subchannel");
  const std::vector<float> got = RunOnTflmAndOurs(q, eval, dir);
  const testing::TflmResult reference = testing::RunTflm(testing::TflmTarget::kHost, ModelPath(name), {eval}, dir + "/f");
  ASSERT_TRUE(reference.ran()) << reference.log;
  const Span<const float> want = reference.outputs.at(0).View<float>();
  ASSERT_EQ(got.size(), want.size());
  const tflite::TensorT& out = q.tensor(0, q.subgraph(0).outputs[0]);
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(double{got[i]} - want[i]));
  const double steps = worst / out.quantization->scale[0];
  std::printf("[ accuracy ] %s int8 vs the original on TFLM: max |diff| %.5f = %.2f output steps\n", name.c_str(),
              worst, steps);
  EXPECT_LE(steps, 3.0);
}

// partly_quantized_mnist: float CONV, an int8 FULLY_CONNECTED between QUANTIZE
// and DEQUANTIZE, then a hybrid FULLY_CONNECTED (float input, int8 weights)
// that neither TFLM nor the interpreter runs, so the reference is the labels:
// the int8 model classifies the digits as well as the dequantized float one.
TEST(QuantizeWeightOnly, PartlyQuantizedMnistBecomesFullIntegerAndKeepsItsAccuracy) {
  TF_REQUIRE_TFLM();
  const Model original = LoadModel(ModelPath("partly_quantized_mnist"));
  const NpyArray calib = testing::MnistImagesF32("calib_images.npy", 200);
  const Model q = QuantizeWeightOnly(original, calib);
  ExpectFullInteger(q);

  const size_t n = 500;
  const NpyArray eval = testing::MnistImagesF32("eval_images.npy", n);
  const std::vector<int64_t> labels = testing::MnistLabels("eval_labels.npy", n);
  const std::vector<float> got = RunOnTflmAndOurs(q, eval, testing::TempDir("dequantize_mnist"));
  ASSERT_EQ(got.size(), n * 10);

  const Model float_model = FloatModelToQuantize(original).model;
  ModelInputArrays arrays{{eval}, {"eval"}};
  const std::vector<NpyArray> float_out = interp::RunDataset(float_model, ViewModelInputs(float_model, arrays), 2);
  const Span<const float> want = float_out.at(0).View<float>();
  size_t int8_correct = 0, float_correct = 0, agree = 0;
  for (size_t s = 0; s < n; ++s) {
    const auto argmax = [s](auto begin) { return std::max_element(begin + s * 10, begin + s * 10 + 10) - (begin + s * 10); };
    const int64_t a = argmax(got.begin());
    const int64_t b = argmax(want.begin());
    int8_correct += a == labels[s] ? 1 : 0;
    float_correct += b == labels[s] ? 1 : 0;
    agree += a == b ? 1 : 0;
  }
  std::printf("[ accuracy ] partly_quantized_mnist on %zu digits: int8 %zu correct, dequantized float %zu, top-1 "
              "agreement %zu\n",
              n, int8_correct, float_correct, agree);
  EXPECT_GE(float_correct, n * 90 / 100);
  EXPECT_GE(int8_correct + n / 100, float_correct);  // at most 1 point below
  EXPECT_GE(agree, n * 97 / 100);
}

}  // namespace
}  // namespace tinyforge::quantize
