// --int16-layers: some operators of an int8 model run 16x8, QUANTIZE
// requantizing int8 <-> int16 around them. The model must be one the real
// TFLM runs with the interpreter's bits.
#include <gtest/gtest.h>

#include <map>

#include "libconvert/base/error.h"
#include "libconvert/compare/evaluate.h"
#include "libconvert/compare/layer_flags.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/interp/batch.h"
#include "libconvert/model/dtype.h"
#include "libconvert/model/model_io.h"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"
#include "tests/mnist_data.h"
#include "tests/quantize/hostile_fc_model.h"
#include "tests/quantize/quantize_test_util.h"
#include "tests/test_util.h"
#include "tests/tflm_oracle.h"

namespace tinyforge::quantize {
namespace {

CalibrationTable CalibrateOn(const Model& model, const NpyArray& samples) {
  ModelInputArrays calib{{samples}, {"calib"}};
  CalibrationOptions o;
  o.threads = 2;
  return Calibrate(model, ViewModelInputs(model, calib), o);
}

// "QUANTIZE INT8->INT16" per conversion operator of `m`, counted.
std::map<std::string, int> Conversions(const Model& m) {
  std::map<std::string, int> found;
  for (const auto& op : m.subgraph(0).operators) {
    const std::string name = m.OpName(*op);
    if (name != "QUANTIZE" && name != "DEQUANTIZE") continue;
    ++found[name + " " + TypeName(m.tensor(0, op->inputs[0]).type) + "->" +
            TypeName(m.tensor(0, op->outputs[0]).type)];
  }
  return found;
}

tflite::TensorType OutputType(const Model& m, const tflite::OperatorT& op) {
  return m.tensor(0, op.outputs[0]).type;
}

// conv_fc_mnist with both FULLY_CONNECTED layers int16: one QUANTIZE into the
// first, none between them, one back to int8 for SOFTMAX; int64 biases; and
// the real TFLM computes the interpreter's bits on 100 digits.
TEST(Int16Layers, TwoLayersOfMnistRunSixteenBitAndMatchTflm) {
  TF_REQUIRE_TFLM();
  const Model model = LoadModel(testing::ModelPath("conv_fc_mnist"));
  const CalibrationTable table = CalibrateOn(model, ReadNpy(testing::SharedDir() + "/data/mnist/calib_images_f32.npy"));
  QuantizeOptions o;
  for (const auto& op : model.subgraph(0).operators) {
    if (model.OpName(*op) == "FULLY_CONNECTED") {
      o.int16_layers.push_back(ExactNameRegex(model.tensor(0, op->outputs[0]).name));
    }
  }
  ASSERT_EQ(o.int16_layers.size(), 2u);
  const QuantizeResult r = QuantizeModel(model, table, o);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(Conversions(r.model), (std::map<std::string, int>{{"QUANTIZE INT8->INT16", 1}, {"QUANTIZE INT16->INT8", 1}}));
  for (const auto& op : r.model.subgraph(0).operators) {
    const std::string name = r.model.OpName(*op);
    if (name == "FULLY_CONNECTED") {
      EXPECT_EQ(r.model.tensor(0, op->inputs[0]).type, tflite::TensorType_INT16);
      EXPECT_EQ(OutputType(r.model, *op), tflite::TensorType_INT16);
      if (op->inputs.size() > 2 && op->inputs[2] >= 0) {
        EXPECT_EQ(r.model.tensor(0, op->inputs[2]).type, tflite::TensorType_INT64);
      }
    } else if (name == "CONV_2D" || name == "SOFTMAX") {
      EXPECT_EQ(OutputType(r.model, *op), tflite::TensorType_INT8) << name;
    }
  }

  const NpyArray eval = testing::MnistImagesF32("eval_images.npy", 1000);
  ModelInputArrays in{{ConvertModelInput(r.model, 0, eval, "eval", true)}, {"eval"}};
  const auto labels = testing::MnistLabels("eval_labels.npy", 1000);
  EXPECT_GE(EvaluateClassifier(r.model, ViewModelInputs(r.model, in), labels, 2).confusion.correct(), 950u);

  const std::string dir = testing::TempDir("int16_layers");
  SaveModel(r.model, dir + "/mixed.tflite");
  const NpyArray first = testing::MnistImagesF32("eval_images.npy", 100);
  const NpyArray input = ConvertModelInput(r.model, 0, first, "eval", true);
  NpyArray samples = input;  // tflm_run takes N samples of the input's whole shape, [N,1,28,28,1]
  samples.shape.insert(samples.shape.begin() + 1, 1);
  const testing::TflmResult tflm =
      testing::RunTflm(testing::TflmTarget::kHost, dir + "/mixed.tflite", {samples}, dir + "/run");
  ASSERT_TRUE(tflm.ran()) << tflm.log;
  ModelInputArrays ours_in{{input}, {"eval"}};
  const std::vector<NpyArray> ours = interp::RunDataset(r.model, ViewModelInputs(r.model, ours_in), 1);
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_EQ(ours[0].data, tflm.outputs[0].data);
}

// The last layer int16 with float io: DEQUANTIZE reads its int16 output
// directly (and QUANTIZE writes a first int16 layer's input straight from
// float); with int8 io, QUANTIZE makes the int8 model output from it.
TEST(Int16Layers, OutputLayerConvertsToTheIoType) {
  const Model model = testing::WideOutputModel();
  const CalibrationTable table = CalibrateOn(model, testing::UniformSamples(50, {1, testing::kHostileIn}));
  QuantizeOptions o;
  o.int16_layers = {"^logits$"};
  o.io = IoType::kFloat;
  EXPECT_EQ(Conversions(QuantizeModel(model, table, o).model),
            (std::map<std::string, int>{{"QUANTIZE FLOAT32->INT8", 1}, {"QUANTIZE INT8->INT16", 1},
                                        {"DEQUANTIZE INT16->FLOAT32", 1}}));
  o.int16_layers = {"^hidden$"};  // the first layer: float straight to int16
  EXPECT_EQ(Conversions(QuantizeModel(model, table, o).model),
            (std::map<std::string, int>{{"QUANTIZE FLOAT32->INT16", 1}, {"QUANTIZE INT16->INT8", 1},
                                        {"DEQUANTIZE INT8->FLOAT32", 1}}));
  o.int16_layers = {"^logits$"};
  o.io = IoType::kInt8;
  EXPECT_EQ(Conversions(QuantizeModel(model, table, o).model),
            (std::map<std::string, int>{{"QUANTIZE INT8->INT16", 1}, {"QUANTIZE INT16->INT8", 1}}));
  o.io = IoType::kUInt8;
  EXPECT_EQ(Conversions(QuantizeModel(model, table, o).model),
            (std::map<std::string, int>{{"QUANTIZE UINT8->INT8", 1},
                                        {"QUANTIZE INT8->INT16", 1},
                                        {"QUANTIZE INT16->INT8", 1},
                                        {"QUANTIZE INT8->UINT8", 1}}));
}

// An operator TFLM has no 16x8 kernel for stays int8 with a warning, or is
// an error under --strict.
TEST(Int16Layers, OperatorsWithoutA16x8KernelStayInt8UnlessStrict) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(testing::ModelPath("single_div"));
  ModelInputArrays calib;
  for (int k = 0; k < 2; ++k) {
    calib.arrays.push_back(ReadNpy(testing::GoldenDir("single_div") + "/input_" + std::to_string(k) + ".npy"));
    calib.names.push_back("input_" + std::to_string(k));
  }
  const CalibrationTable table = Calibrate(model, ViewModelInputs(model, calib), {});
  QuantizeOptions o;
  o.int16_layers = {".*"};
  const QuantizeResult r = QuantizeModel(model, table, o);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("stays int8 (--int16-layers): TFLM has no int16 kernel for DIV"), std::string::npos)
      << r.warnings[0];
  EXPECT_EQ(testing::OpNames(r.model), std::multiset<std::string>{"DIV"});
  o.strict = true;
  EXPECT_THROW(QuantizeModel(model, table, o), Error);
}

}  // namespace
}  // namespace tinyforge::quantize
