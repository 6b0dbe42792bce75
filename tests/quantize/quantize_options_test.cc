// The options of QuantizeModel: io types, int16 activations, keeping
// operators float on purpose or by necessity, and --strict.
#include <gtest/gtest.h>

#include <cmath>

#include "libconvert/base/error.h"
#include "libconvert/compare/evaluate.h"
#include "libconvert/interp/batch.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"
#include "tests/mnist_data.h"
#include "tests/test_util.h"
#include "tests/tflm_oracle.h"
#include "tests/quantize/quantize_test_util.h"

namespace tinyforge::quantize {
namespace {

using testing::OpNames;

using testing::ModelPath;
using testing::SharedDir;

struct Mnist {
  Model model = LoadModel(ModelPath("conv_fc_mnist"));
  ModelInputArrays calib{{ReadNpy(SharedDir() + "/data/mnist/calib_images_f32.npy")}, {"calib"}};
  CalibrationTable table = [this] {
    CalibrationOptions o;
    o.threads = 2;
    return Calibrate(model, ViewModelInputs(model, calib), o);
  }();
};

// The first 500 calibration digits through a model, as real outputs.
std::vector<float> RealOutputs(const Model& m, const NpyArray& images) {
  ModelInputArrays in{{ConvertModelInput(m, 0, images, "digits", true)}, {"digits"}};
  std::vector<DatasetView> views = ViewModelInputs(m, in);
  views[0] = views[0].Limit(500);
  const NpyArray out = interp::RunDataset(m, views, 2)[0];
  const tflite::TensorT& t = m.tensor(0, m.subgraph(0).outputs[0]);
  std::vector<float> real(out.NumElements());
  for (size_t i = 0; i < real.size(); ++i) {
    switch (out.dtype) {
      case DType::kFloat32: real[i] = out.View<float>()[i]; break;
      case DType::kInt8: real[i] = t.quantization->scale[0] * (out.View<int8_t>()[i] - t.quantization->zero_point[0]); break;
      case DType::kUInt8: real[i] = t.quantization->scale[0] * (out.View<uint8_t>()[i] - t.quantization->zero_point[0]); break;
      default: ADD_FAILURE() << "unexpected output type";
    }
  }
  return real;
}

// uint8 io is the int8 model shifted by 128 at both ends: the same real
// outputs, bit for bit.
TEST(QuantizeOptions, Uint8IoComputesWhatInt8IoComputes) {
  TF_REQUIRE_SHARED();
  Mnist m;
  const Model int8_io = QuantizeModel(m.model, m.table, {}).model;
  QuantizeOptions o;
  o.io = IoType::kUInt8;
  const Model uint8_io = QuantizeModel(m.model, m.table, o).model;
  const auto& g = uint8_io.subgraph(0);
  const tflite::TensorT& in = uint8_io.tensor(0, g.inputs[0]);
  const tflite::TensorT& in8 = int8_io.tensor(0, int8_io.subgraph(0).inputs[0]);
  EXPECT_EQ(in.type, tflite::TensorType_UINT8);
  EXPECT_EQ(in.quantization->zero_point[0], in8.quantization->zero_point[0] + 128);
  EXPECT_EQ(in.quantization->scale, in8.quantization->scale);
  EXPECT_EQ(uint8_io.tensor(0, g.outputs[0]).type, tflite::TensorType_UINT8);
  EXPECT_EQ(RealOutputs(uint8_io, m.calib.arrays[0]), RealOutputs(int8_io, m.calib.arrays[0]));
}

// Float io only adds QUANTIZE/DEQUANTIZE at the edges; on the same digits
// the outputs equal the int8 model's dequantized outputs.
TEST(QuantizeOptions, FloatIoComputesWhatInt8IoComputes) {
  TF_REQUIRE_SHARED();
  Mnist m;
  const Model int8_io = QuantizeModel(m.model, m.table, {}).model;
  QuantizeOptions o;
  o.io = IoType::kFloat;
  const Model float_io = QuantizeModel(m.model, m.table, o).model;
  const std::vector<float> a = RealOutputs(float_io, m.calib.arrays[0]);
  const std::vector<float> b = RealOutputs(int8_io, m.calib.arrays[0]);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-6) << i;
}

TEST(QuantizeOptions, Int16ActivationsKeepTheAccuracy) {
  TF_REQUIRE_SHARED();
  Mnist m;
  QuantizeOptions o;
  o.activations = ActivationType::kInt16;
  const Model q = QuantizeModel(m.model, m.table, o).model;
  const NpyArray eval = testing::MnistImagesF32("eval_images.npy", 3000);
  ModelInputArrays in{{ConvertModelInput(q, 0, eval, "eval", true)}, {"eval"}};
  const auto labels = testing::MnistLabels("eval_labels.npy", 3000);
  const uint64_t correct = EvaluateClassifier(q, ViewModelInputs(q, in), labels, 2).confusion.correct();
  ModelInputArrays fin{{eval}, {"eval"}};
  const uint64_t float_correct = EvaluateClassifier(m.model, ViewModelInputs(m.model, fin), labels, 2).confusion.correct();
  std::printf("[ accuracy ] conv_fc_mnist 16x8 on 3000 eval digits: %llu (float: %llu)\n",
              static_cast<unsigned long long>(correct), static_cast<unsigned long long>(float_correct));
  // 16-bit activations are within a few digits of float.
  EXPECT_GE(correct + 3, float_correct);
  EXPECT_THROW(
      [&] {
        QuantizeOptions bad = o;
        bad.io = IoType::kUInt8;
        QuantizeModel(m.model, m.table, bad);
      }(),
      Error);
}

TEST(QuantizeOptions, KeepFloatLeavesMatchingOperatorsFloatBetweenConversions) {
  TF_REQUIRE_SHARED();
  Mnist m;
  QuantizeOptions o;
  o.keep_float = {"dense_1"};  // the last FULLY_CONNECTED
  const QuantizeResult r = QuantizeModel(m.model, m.table, o);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("FULLY_CONNECTED"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("--keep-float"), std::string::npos) << r.warnings[0];
  const auto names = OpNames(r.model);
  EXPECT_EQ(names.count("DEQUANTIZE"), 1u);  // into the float FC
  EXPECT_EQ(names.count("QUANTIZE"), 1u);    // back into the int8 softmax
  // The float FC keeps its float weights; the other FC has int8 weights.
  const auto& g = r.model.subgraph(0);
  int float_fc = 0;
  for (const auto& op : g.operators) {
    if (r.model.OpName(*op) == "FULLY_CONNECTED" &&
        r.model.tensor(0, op->inputs[1]).type == tflite::TensorType_FLOAT32) {
      ++float_fc;
    }
  }
  EXPECT_EQ(float_fc, 1);
  // Still a good classifier.
  const NpyArray eval = testing::MnistImagesF32("eval_images.npy", 1000);
  ModelInputArrays in{{ConvertModelInput(r.model, 0, eval, "eval", true)}, {"eval"}};
  const auto labels = testing::MnistLabels("eval_labels.npy", 1000);
  EXPECT_GE(EvaluateClassifier(r.model, ViewModelInputs(r.model, in), labels, 2).confusion.correct(), 950u);

  o.keep_float = {"("};
  try {
    QuantizeModel(m.model, m.table, o);
    FAIL() << "invalid regex accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--keep-float '('"), std::string::npos) << e.what();
  }
}

// The calibration table of a ../shared single-operator model, from its
// golden inputs.
CalibrationTable GoldenCalibration(const Model& model, const std::string& name) {
  ModelInputArrays calib;
  for (size_t k = 0; k < model.subgraph(0).inputs.size(); ++k) {
    calib.arrays.push_back(ReadNpy(testing::GoldenDir(name) + "/input_" + std::to_string(k) + ".npy"));
    calib.names.push_back("input_" + std::to_string(k));
  }
  return Calibrate(model, ViewModelInputs(model, calib), {});
}

// An operator without an integer kernel (SQRT: TFLM's is float only) stays
// float with a warning, or is an error with --strict.
TEST(QuantizeOptions, OperatorsWithoutAnIntegerKernelStayFloatUnlessStrict) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("single_sqrt"));
  // The golden input has negative values (SQRT gives NaN there): calibrate
  // on their magnitudes.
  NpyArray magnitudes = ReadNpy(testing::GoldenDir("single_sqrt") + "/input_0.npy");
  for (float& v : magnitudes.MutableView<float>()) v = std::fabs(v);
  ModelInputArrays calib{{magnitudes}, {"|input_0|"}};
  const CalibrationTable table = Calibrate(model, ViewModelInputs(model, calib), {});
  const QuantizeResult r = QuantizeModel(model, table, {});
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("no int8 kernel for SQRT"), std::string::npos) << r.warnings[0];
  // int8 io around a float SQRT: one DEQUANTIZE in, one QUANTIZE out.
  EXPECT_EQ(OpNames(r.model).count("DEQUANTIZE"), 1u);
  EXPECT_EQ(OpNames(r.model).count("QUANTIZE"), 1u);
  QuantizeOptions strict;
  strict.strict = true;
  EXPECT_THROW(QuantizeModel(model, table, strict), Error);
}

// DIV has an int8 kernel (TFLM's DivElementwise): it quantizes like ADD,
// and the real TFLM gives the interpreter's bits on the golden inputs.
TEST(QuantizeOptions, DivBecomesInt8AndMatchesTflm) {
  TF_REQUIRE_TFLM();
  const Model model = LoadModel(ModelPath("single_div"));
  QuantizeOptions strict;
  strict.strict = true;
  const QuantizeResult r = QuantizeModel(model, GoldenCalibration(model, "single_div"), strict);
  EXPECT_EQ(OpNames(r.model), std::multiset<std::string>{"DIV"});
  const std::string dir = testing::TempDir("div_int8");
  SaveModel(r.model, dir + "/div_int8.tflite");
  std::vector<NpyArray> inputs;
  for (int k = 0; k < 2; ++k) {
    const NpyArray golden = ReadNpy(testing::GoldenDir("single_div") + "/input_" + std::to_string(k) + ".npy");
    inputs.push_back(ConvertModelInput(r.model, static_cast<size_t>(k), golden, "golden", true));
  }
  const testing::TflmResult tflm = testing::RunTflm(testing::TflmTarget::kHost, dir + "/div_int8.tflite", inputs, dir + "/run");
  ASSERT_TRUE(tflm.ran()) << tflm.log;
  ModelInputArrays in{inputs, {"input_0", "input_1"}};
  const std::vector<NpyArray> ours = interp::RunDataset(r.model, ViewModelInputs(r.model, in), 1);
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_EQ(ours[0].data, tflm.outputs[0].data);
}

TEST(QuantizeOptions, MissingRangeIsAnError) {
  TF_REQUIRE_SHARED();
  Mnist m;
  CalibrationTable partial = m.table;
  partial.ranges.erase(partial.ranges.begin());
  try {
    QuantizeModel(m.model, partial, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no range for tensor"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tinyforge::quantize
