// Quantizing the shared corpus's float models: the accuracy targets of the
// quantize issue, measured against TFLM's own numbers for the int8 models
// Google's tools made from the same float models.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "libconvert/compare/evaluate.h"
#include "libconvert/interp/batch.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/compare/metrics.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/verify.h"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"
#include "tests/mnist_data.h"
#include "tests/quantize/quantize_test_util.h"
#include "tests/test_util.h"

namespace tinyforge::quantize {
namespace {

using testing::FloatOperators;
using testing::ModelPath;
using testing::SharedDir;

std::vector<DatasetView> Views(const Model& model, const ModelInputArrays& arrays) {
  return ViewModelInputs(model, arrays);
}

Model QuantizeWith(const Model& model, const ModelInputArrays& calib, const QuantizeOptions& options = {},
                   const std::string& method = "minmax") {
  CalibrationOptions c = ParseCalibrationMethod(method);
  c.threads = 2;
  const CalibrationTable table = Calibrate(model, Views(model, calib), c);
  return QuantizeModel(model, table, options).model;
}

uint64_t MnistCorrect(const Model& model, const NpyArray& images, const std::vector<int64_t>& labels) {
  ModelInputArrays in;
  in.arrays.push_back(ConvertModelInput(model, 0, images, "eval/255", /*quantize_floats=*/true));
  in.names.push_back("eval/255");
  return EvaluateClassifier(model, Views(model, in), labels, 2).confusion.correct();
}

// The anchor: TFLM gives conv_fc_mnist_srq_a8w8 (Google's AI Edge
// Quantizer on the same float model) 8,647 of 9,000.
TEST(QuantizeModel, ConvFcMnistKeepsTheAccuracyOfGooglesQuantizer) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("conv_fc_mnist"));
  ModelInputArrays calib{{ReadNpy(SharedDir() + "/data/mnist/calib_images_f32.npy")}, {"calib_images_f32.npy"}};
  const NpyArray eval = testing::MnistImagesF32("eval_images.npy");
  const std::vector<int64_t> labels = testing::MnistLabels("eval_labels.npy");
  for (const char* method : {"minmax", "percentile:99.99", "mse"}) {
    const Model q = QuantizeWith(model, calib, {}, method);
    const uint64_t correct = MnistCorrect(q, eval, labels);
    std::printf("[ accuracy ] conv_fc_mnist int8 (%s): %llu of 9000 (%.2f%%)\n", method,
                static_cast<unsigned long long>(correct), correct / 90.0);
    if (std::string(method) == "minmax") {
      EXPECT_GE(correct, 8647u);
    }
    EXPECT_GE(correct, 8600u) << method;
  }
}

// TFLM's hello_world_int8 misses sin(x) by 0.02276 on average over float32
// linspace(0, 2π, 1000) (corpus README); the issue allows 0.0231.
TEST(QuantizeModel, HelloWorldIsAsCloseToSineAsTensorFlowsInt8Model) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("hello_world_float"));
  const double two_pi = 2 * M_PI;
  NpyArray calib = NpyArray::Zeros(DType::kFloat32, {1000, 1});
  NpyArray points = NpyArray::Zeros(DType::kFloat32, {1000, 1});
  for (size_t i = 0; i < 1000; ++i) {
    // Calibration: a different grid (midpoints) than the evaluation points.
    calib.MutableView<float>()[i] = static_cast<float>(two_pi * (static_cast<double>(i) + 0.5) / 1000);
    points.MutableView<float>()[i] = static_cast<float>(two_pi * static_cast<double>(i) / 999);
  }
  const Model q = QuantizeWith(model, {{calib}, {"calib"}});
  ModelInputArrays in{{ConvertModelInput(q, 0, points, "points", true)}, {"points"}};
  interp::Interpreter probe(q);
  probe.Prepare();
  const NpyArray out = interp::RunDataset(q, Views(q, in), 2)[0];
  const interp::RuntimeTensor& o = probe.output(0);
  ASSERT_EQ(out.dtype, DType::kInt8);
  double sum = 0;
  for (size_t i = 0; i < 1000; ++i) {
    const double y = o.scale * (out.View<int8_t>()[i] - o.zero_point);
    sum += std::fabs(y - std::sin(static_cast<double>(points.View<float>()[i])));
  }
  const double mae = sum / 1000;
  std::printf("[ accuracy ] hello_world int8: mean |y - sin x| = %.5f (TFLM hello_world_int8: 0.02276)\n", mae);
  EXPECT_LE(mae, 0.0231);
}

// person_detect_float is the float twin of person_detect; quantized from
// noise plus the two images, it must pick the classes person_detect picks
// (no_person on no_person.npy, person on person.npy).
TEST(QuantizeModel, PersonDetectFloatPicksTheClassesOfTheRealInt8Model) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("person_detect_float"));
  const Model int8_model = LoadModel(ModelPath("person_detect"));
  const tflite::TensorT& int8_input = int8_model.tensor(0, int8_model.subgraph(0).inputs[0]);
  const float in_scale = int8_input.quantization->scale[0];
  const int64_t in_zp = int8_input.quantization->zero_point[0];

  // The twin's input is the int8 model's input dequantized.
  auto float_image = [&](const std::string& file) {
    const NpyArray q = ReadNpy(SharedDir() + "/data/person/" + file);
    NpyArray f = NpyArray::Zeros(DType::kFloat32, {1, 96, 96, 1});
    for (size_t i = 0; i < f.NumElements(); ++i) {
      f.MutableView<float>()[i] = in_scale * static_cast<float>(q.View<int8_t>()[i] - in_zp);
    }
    return f;
  };
  const NpyArray person = float_image("person_input_int8.npy");
  const NpyArray no_person = float_image("no_person_input_int8.npy");

  constexpr size_t kNoise = 8;
  NpyArray calib = NpyArray::Zeros(DType::kFloat32, {kNoise + 2, 96, 96, 1});
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> noise(-1.0f, 1.0f);
  const size_t per = 96 * 96;
  for (size_t i = 0; i < kNoise * per; ++i) calib.MutableView<float>()[i] = noise(rng);
  std::memcpy(calib.data.data() + kNoise * per * 4, person.data.data(), per * 4);
  std::memcpy(calib.data.data() + (kNoise + 1) * per * 4, no_person.data.data(), per * 4);

  const Model q = QuantizeWith(model, {{calib}, {"noise+images"}});
  for (const auto& [image, expected_class] : {std::pair{&person, 1}, std::pair{&no_person, 0}}) {
    ModelInputArrays in{{ConvertModelInput(q, 0, *image, "image", true)}, {"image"}};
    const ClassifierResult r = EvaluateClassifier(q, Views(q, in), {}, 1);
    EXPECT_EQ(r.predictions[0], expected_class);
  }
}

// What quantizing a corpus float model may leave float, and why. Any other
// warning fails the test: the quantizer must not quietly keep an operator
// float.
struct AllowedWarning {
  const char* model;
  const char* text;    // a substring of the warning
  const char* reason;
};
const AllowedWarning kAllowedWarnings[] = {
    {"single_gelu", "TFLM has no int8 kernel for GELU", "TFLM has no GELU kernel at all"},
    {"single_sqrt", "TFLM has no int8 kernel for SQRT", "TFLM's SQRT is float only"},
};

bool Allowed(const std::string& model, const std::string& warning) {
  for (const AllowedWarning& a : kAllowedWarnings) {
    if (model == a.model && warning.find(a.text) != std::string::npos) return true;
  }
  return false;
}

// How far (in output quantization steps) an int8 model's dequantized
// outputs may lie from the float model's on the calibration data. One
// operator: half a step from requantizing the output, plus what its input's
// own half step moves the output by (slopes up to ~2 on the corpus's
// single-op models: 1.51 measured). Several layers pile those up: 10 steps
// holds the deepest corpus models (trained_lstm 8.5, conv_fc_mnist 6.6,
// hello_world/sine 3.5). DIV and RSQRT are not bounded: near 0 a divisor's
// or argument's half step moves the float result by more than the whole
// calibrated output range (251 steps measured), which is int8's nature.
double OutputStepBound(const std::string& model) {
  if (model == "single_div" || model == "single_rsqrt") return std::numeric_limits<double>::infinity();
  return model.rfind("single_", 0) == 0 ? 2.0 : 10.0;
}

// The float model's outputs on `calib`, and the quantized model's (whose
// outputs are float with --io float), as doubles per output.
std::vector<std::vector<double>> Outputs(const Model& model, const ModelInputArrays& calib) {
  ModelInputArrays in;
  for (size_t k = 0; k < calib.arrays.size(); ++k) {
    in.arrays.push_back(ConvertModelInput(model, k, calib.arrays[k], calib.names[k], true));
    in.names.push_back(calib.names[k]);
  }
  std::vector<std::vector<double>> outputs;
  for (const NpyArray& out : interp::RunDataset(model, Views(model, in), 1)) {
    std::vector<double> values;
    if (out.dtype == DType::kFloat32) {
      for (float v : out.View<float>()) values.push_back(v);
    } else if (out.dtype == DType::kBool) {
      for (size_t i = 0; i < out.data.size(); ++i) values.push_back(out.data[i]);
    } else if (out.dtype == DType::kInt32) {
      for (int32_t v : out.View<int32_t>()) values.push_back(v);
    } else if (out.dtype == DType::kInt64) {
      for (int64_t v : out.View<int64_t>()) values.push_back(static_cast<double>(v));
    }
    outputs.push_back(std::move(values));
  }
  return outputs;
}

// Calibration data for a corpus float model: the golden inputs (the same
// pseudo-random values TFLM was given) and, for float inputs, 31 more
// samples drawn the same way (uniform in [-1, 1)), so the ranges are not
// those of a single value; |x| for SQRT/RSQRT, whose float models are
// undefined below 0. Integer inputs (indices) repeat the golden values.
ModelInputArrays CorpusCalibration(const std::string& name, const Model& model) {
  constexpr int64_t kSamples = 32;
  std::mt19937 rng(20261205);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  const bool non_negative = name == "single_sqrt" || name == "single_rsqrt";
  ModelInputArrays calib;
  for (size_t k = 0; k < model.subgraph(0).inputs.size(); ++k) {
    const NpyArray golden = ReadNpy(testing::GoldenDir(name) + "/input_" + std::to_string(k) + ".npy");
    std::vector<int64_t> shape = golden.shape;
    if (shape.empty() || shape[0] != 1) shape.insert(shape.begin(), 1);
    shape[0] = kSamples;
    NpyArray a = NpyArray::Zeros(golden.dtype, shape);
    const size_t per = golden.data.size();
    for (int64_t s = 0; s < kSamples; ++s) std::memcpy(a.data.data() + static_cast<size_t>(s) * per, golden.data.data(), per);
    if (a.dtype == DType::kFloat32) {
      Span<float> v = a.MutableView<float>();
      for (size_t i = per / 4; i < v.size(); ++i) v[i] = uniform(rng);
      if (non_negative) {
        for (float& x : v) x = std::fabs(x);
      }
    }
    calib.arrays.push_back(std::move(a));
    calib.names.push_back("input_" + std::to_string(k));
  }
  return calib;
}

// Every float model of the corpus quantizes, passes our verifier and runs;
// it warns only as kAllowedWarnings says; every operator not allowed to stay
// float computes in integer; and its dequantized outputs lie within a few
// output steps of the float model's (the bound per model is printed).
// TFLM's bits on quantized corpus models are
// checked in tests/oracle/written_models_test.cc.
TEST(QuantizeModel, EveryFloatModelOfTheCorpusQuantizesExactlyAsAllowed) {
  TF_REQUIRE_SHARED();
  size_t quantized = 0;
  for (const std::string& name : testing::SharedModelNames()) {
    const Model model = LoadModel(ModelPath(name));
    bool has_quantized_tensor = false;
    for (const auto& t : model.subgraph(0).tensors) has_quantized_tensor |= t->quantization && !t->quantization->scale.empty();
    if (has_quantized_tensor) continue;  // int8 and mixed models
    const std::string golden = testing::GoldenDir(name);
    if (!std::filesystem::exists(golden + "/input_0.npy")) continue;  // no inputs to calibrate on
    SCOPED_TRACE(name);
    const ModelInputArrays calib = CorpusCalibration(name, model);
    CalibrationOptions c;
    c.threads = 2;
    const CalibrationTable table = Calibrate(model, Views(model, calib), c);
    QuantizeOptions int8_io;
    const QuantizeResult q = QuantizeModel(model, table, int8_io);
    size_t allowed = 0;
    for (const std::string& w : q.warnings) {
      EXPECT_TRUE(Allowed(name, w)) << "unexpected warning: " << w;
      allowed += Allowed(name, w) ? 1 : 0;
    }
    EXPECT_NO_THROW(VerifyModel(q.model));
    EXPECT_EQ(FloatOperators(q.model), allowed);

    QuantizeOptions float_io;
    float_io.io = IoType::kFloat;
    const Model qf = QuantizeModel(model, table, float_io).model;
    const std::vector<uint8_t> bytes = SerializeModel(qf);
    const Model reloaded = ParseModel(bytes.data(), bytes.size(), name + " (quantized)");
    const auto want = Outputs(model, calib);
    const auto got = Outputs(reloaded, calib);
    ASSERT_EQ(got.size(), want.size());
    for (size_t k = 0; k < want.size(); ++k) {
      const tflite::TensorT& out = q.model.tensor(0, q.model.subgraph(0).outputs[k]);
      const bool scaled = out.quantization && !out.quantization->scale.empty();
      const double scale = scaled ? out.quantization->scale[0] : 1.0;
      ASSERT_EQ(got[k].size(), want[k].size());
      double worst = 0.0;
      for (size_t i = 0; i < want[k].size(); ++i) worst = std::max(worst, std::fabs(got[k][i] - want[k][i]) / scale);
      std::printf("[ quantize ] %s output %zu: max |int8 - float| = %.2f output steps\n", name.c_str(), k, worst);
      EXPECT_LE(worst, OutputStepBound(name)) << "output " << k;
    }
    ++quantized;
  }
  std::printf("[ quantize ] %zu float models quantized and ran\n", quantized);
  EXPECT_GE(quantized, 30u);
}

}  // namespace
}  // namespace tinyforge::quantize
