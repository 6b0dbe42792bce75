// Full-integer UNIDIRECTIONAL_SEQUENCE_LSTM: ../shared/models/trained_lstm
// quantized from MNIST rows (each 28x28 digit is 28 time steps of 28 pixels)
// against trained_lstm_int8, the converter's own int8 version of the same
// float model: the same layout (types, shapes, per-tensor scales, states,
// intermediates), at least its accuracy on the 9,000 eval digits, and the
// real TFLM's bits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "libconvert/compare/evaluate.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/interp/batch.h"
#include "libconvert/model/model_io.h"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"
#include "tests/mnist_data.h"
#include "tests/tflm_oracle.h"

namespace tinyforge::quantize {
namespace {

using testing::ModelPath;

// MNIST digits as trained_lstm takes them: float32 [N, 1, 28, 28] in [0, 1].
NpyArray MnistRows(const std::string& file, size_t limit = SIZE_MAX) {
  NpyArray images = testing::MnistImagesF32(file, limit);
  images.shape = {images.shape[0], 1, 28, 28};
  return images;
}

size_t LstmIndex(const Model& model) {
  const auto& ops = model.subgraph(0).operators;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (model.OpCode(*ops[i]) == tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM) return i;
  }
  throw Error(model.source() + ": no LSTM");
}

// The LSTM's quantized model, calibrated on the first 200 calibration digits.
const Model& OurInt8Lstm() {
  static const Model model = [] {
    const Model float_model = LoadModel(ModelPath("trained_lstm"));
    ModelInputArrays calib{{MnistRows("calib_images.npy", 200)}, {"calib_images.npy"}};
    CalibrationOptions options;
    options.threads = 2;
    const CalibrationTable table = Calibrate(float_model, ViewModelInputs(float_model, calib), options);
    QuantizeOptions q;
    q.strict = true;  // every operator must become integer
    return QuantizeModel(float_model, table, q).model;
  }();
  return model;
}

const tflite::QuantizationParametersT* Quantization(const tflite::TensorT& t) {
  return t.quantization && !t.quantization->scale.empty() ? t.quantization.get() : nullptr;
}

// Same type, shape, variable flag and quantization layout (quantized or not,
// number of scales, zero points where the layout fixes them).
void ExpectSameLayout(const tflite::TensorT& ours, const tflite::TensorT& theirs, const std::string& what) {
  SCOPED_TRACE(what + ": ours '" + ours.name + "', theirs '" + theirs.name + "'");
  EXPECT_EQ(tflite::EnumNameTensorType(ours.type), std::string(tflite::EnumNameTensorType(theirs.type)));
  EXPECT_EQ(ours.shape, theirs.shape);
  EXPECT_EQ(ours.is_variable, theirs.is_variable);
  const auto* q = Quantization(ours);
  const auto* t = Quantization(theirs);
  ASSERT_EQ(q != nullptr, t != nullptr);
  if (!q) return;
  EXPECT_EQ(q->scale.size(), t->scale.size());
  EXPECT_EQ(q->zero_point.size(), t->zero_point.size());
}

TEST(LstmQuantize, LayoutMatchesTheConvertersInt8Model) {
  TF_REQUIRE_SHARED();
  const Model& ours = OurInt8Lstm();
  const Model theirs = LoadModel(ModelPath("trained_lstm_int8"));
  // The same operators in the same order: no QUANTIZE or DEQUANTIZE left.
  ASSERT_EQ(ours.subgraph(0).operators.size(), theirs.subgraph(0).operators.size());
  for (size_t i = 0; i < ours.subgraph(0).operators.size(); ++i) {
    const auto& a = *ours.subgraph(0).operators[i];
    const auto& b = *theirs.subgraph(0).operators[i];
    ASSERT_EQ(ours.OpName(a), theirs.OpName(b));
    ASSERT_EQ(a.inputs.size(), b.inputs.size());
    for (size_t k = 0; k < a.inputs.size(); ++k) {
      ASSERT_EQ(a.inputs[k] < 0, b.inputs[k] < 0) << ours.OpName(a) << " input " << k;
      if (a.inputs[k] >= 0) {
        ExpectSameLayout(ours.tensor(0, a.inputs[k]), theirs.tensor(0, b.inputs[k]),
                         ours.OpName(a) + " input " + std::to_string(k));
      }
    }
    for (size_t k = 0; k < a.outputs.size(); ++k) {
      ExpectSameLayout(ours.tensor(0, a.outputs[k]), theirs.tensor(0, b.outputs[k]),
                       ours.OpName(a) + " output " + std::to_string(k));
    }
    ASSERT_EQ(a.intermediates.size(), b.intermediates.size()) << ours.OpName(a);
    for (size_t k = 0; k < a.intermediates.size(); ++k) {
      ExpectSameLayout(ours.tensor(0, a.intermediates[k]), theirs.tensor(0, b.intermediates[k]),
                       ours.OpName(a) + " intermediate " + std::to_string(k));
    }
  }

  // The parameters TFLM's kernel needs, as the converter sets them.
  const auto& lstm = *ours.subgraph(0).operators[LstmIndex(ours)];
  auto q = [&](int position) { return *Quantization(ours.tensor(0, lstm.inputs[static_cast<size_t>(position)])); };
  for (int w = 1; w <= 8; ++w) EXPECT_EQ(q(w).zero_point[0], 0) << "weights " << w;
  for (int b = 12; b <= 15; ++b) {
    // Gate bias k at input scale x input-to-gate weight scale, in float.
    EXPECT_EQ(q(b).scale[0], q(0).scale[0] * q(b - 11).scale[0]) << "bias " << b;
    EXPECT_EQ(q(b).zero_point[0], 0);
  }
  int exponent = 0;
  EXPECT_EQ(std::frexp(q(19).scale[0], &exponent), 0.5f) << "cell scale " << q(19).scale[0] << " is not a power of two";
  EXPECT_EQ(q(19).zero_point[0], 0);
  const auto& out = *Quantization(ours.tensor(0, lstm.outputs[0]));
  EXPECT_EQ(q(18).scale, out.scale) << "the hidden state must share the output's parameters";
  EXPECT_EQ(q(18).zero_point, out.zero_point);
  const auto& hidden_intermediate = *Quantization(ours.tensor(0, lstm.intermediates[4]));
  EXPECT_EQ(hidden_intermediate.scale, out.scale);
  // Weights and gate biases come from the same float values as the
  // converter's: the same scales and the same integers.
  const auto& their_lstm = *theirs.subgraph(0).operators[LstmIndex(theirs)];
  for (int p : {1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15}) {
    const tflite::TensorT& a = ours.tensor(0, lstm.inputs[static_cast<size_t>(p)]);
    const tflite::TensorT& b = theirs.tensor(0, their_lstm.inputs[static_cast<size_t>(p)]);
    EXPECT_EQ(a.quantization->scale, b.quantization->scale) << "LSTM input " << p;
    const Span<const uint8_t> x = ours.ConstantBytes(a), y = theirs.ConstantBytes(b);
    EXPECT_TRUE(std::equal(x.begin(), x.end(), y.begin(), y.end())) << "LSTM input " << p << " values";
  }
  // The input digits in [0, 1]: the converter's 1/255 with zero point -128.
  EXPECT_FLOAT_EQ(q(0).scale[0], 1.0f / 255.0f);
  EXPECT_EQ(q(0).zero_point[0], -128);
}

// Calibration sees the cell state at every time step, not only where a call
// leaves it.
TEST(LstmQuantize, CalibrationCoversTheCellStateOfEveryTimeStep) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("trained_lstm"));
  const auto& lstm = *model.subgraph(0).operators[LstmIndex(model)];
  const int hidden = lstm.inputs[18], cell = lstm.inputs[19], output = lstm.outputs[0];
  ModelInputArrays calib{{MnistRows("calib_images.npy", 50)}, {"calib"}};
  const CalibrationTable table = Calibrate(model, ViewModelInputs(model, calib), {});
  ASSERT_TRUE(table.ranges.count(cell));
  ASSERT_TRUE(table.ranges.count(hidden));
  // h after every step is what the output holds: the same range.
  EXPECT_EQ(table.ranges.at(hidden).min, table.ranges.at(output).min);
  EXPECT_EQ(table.ranges.at(hidden).max, table.ranges.at(output).max);
  // The cell state where each call leaves it, read from the interpreter.
  float last_lo = 0, last_hi = 0;
  const std::vector<DatasetView> views = ViewModelInputs(model, calib);
  interp::ForEachSample(model, views[0].num_samples(), 1, [&](interp::Interpreter& in, size_t s, int) {
    interp::SetInputs(in, views, s);
    in.Invoke();
    const interp::RuntimeTensor& c = in.tensor(cell);
    for (int64_t i = 0; i < c.count(); ++i) {
      last_lo = std::min(last_lo, c.Data<float>()[i]);
      last_hi = std::max(last_hi, c.Data<float>()[i]);
    }
  });
  const TensorRange& r = table.ranges.at(cell);
  EXPECT_LE(r.min, last_lo);
  EXPECT_GE(r.max, last_hi);
  EXPECT_GT(std::max(-r.min, r.max), std::max(-last_lo, last_hi))
      << "the per-step range should exceed the end-of-sequence one on MNIST";
}

uint64_t Correct(const Model& model, const NpyArray& images, const std::vector<int64_t>& labels) {
  ModelInputArrays in{{ConvertModelInput(model, 0, images, "eval", /*quantize_floats=*/true)}, {"eval"}};
  return EvaluateClassifier(model, ViewModelInputs(model, in), labels, 2).confusion.correct();
}

TEST(LstmQuantize, AtLeastTheConvertersAccuracyOnTheEvalDigits) {
  TF_REQUIRE_SHARED();
  const NpyArray eval = MnistRows("eval_images.npy");
  const std::vector<int64_t> labels = testing::MnistLabels("eval_labels.npy");
  const uint64_t float_correct = Correct(LoadModel(ModelPath("trained_lstm")), eval, labels);
  const uint64_t google_correct = Correct(LoadModel(ModelPath("trained_lstm_int8")), eval, labels);
  const uint64_t ours_correct = Correct(OurInt8Lstm(), eval, labels);
  std::printf("[ accuracy ] trained_lstm top-1 of %zu: float %llu (%.2f%%), TF int8 %llu (%.2f%%), ours %llu (%.2f%%)\n",
              labels.size(), static_cast<unsigned long long>(float_correct), float_correct * 100.0 / labels.size(),
              static_cast<unsigned long long>(google_correct), google_correct * 100.0 / labels.size(),
              static_cast<unsigned long long>(ours_correct), ours_correct * 100.0 / labels.size());
  EXPECT_GE(ours_correct, google_correct);
}

// The quantized model runs on the real TFLM with the interpreter's bits: the
// LSTM's own output and the model's, on 40 eval digits.
void ExpectTflmBits(const Model& quantized, const std::string& tag) {
  Model model = quantized.Clone();
  const int lstm_output = model.subgraph(0).operators[LstmIndex(model)]->outputs[0];
  model.subgraph(0).outputs.push_back(lstm_output);
  const std::string dir = testing::TempDir("lstm_tflm_" + tag);
  SaveModel(model, dir + "/lstm.tflite");
  const NpyArray input = ConvertModelInput(model, 0, MnistRows("eval_images.npy", 40), "eval", true);
  const testing::TflmResult r = testing::RunTflm(testing::TflmTarget::kHost, dir + "/lstm.tflite", {input}, dir + "/run");
  ASSERT_TRUE(r.ran()) << r.log;
  ModelInputArrays in{{input}, {"eval"}};
  const std::vector<NpyArray> ours = interp::RunDataset(model, ViewModelInputs(model, in), 2);
  ASSERT_EQ(r.outputs.size(), 2u);
  ASSERT_EQ(ours.size(), 2u);
  for (size_t k = 0; k < 2; ++k) EXPECT_EQ(ours[k].data, r.outputs[k].data) << "output " << k;
}

TEST(LstmQuantize, RunsOnTflmWithTheInterpretersBits) {
  TF_REQUIRE_TFLM();
  ExpectTflmBits(OurInt8Lstm(), "int8");
}

// 16x8: int16 input, hidden state and output, int64 gate biases (TFLM's
// EvalLstm<int16_t, int8_t, int16_t, int64_t>).
TEST(LstmQuantize, Int16ActivationsRunOnTflmWithTheInterpretersBits) {
  TF_REQUIRE_TFLM();
  const Model float_model = LoadModel(ModelPath("trained_lstm"));
  ModelInputArrays calib{{MnistRows("calib_images.npy", 50)}, {"calib_images.npy"}};
  const CalibrationTable table = Calibrate(float_model, ViewModelInputs(float_model, calib), {});
  QuantizeOptions q;
  q.strict = true;
  q.activations = ActivationType::kInt16;
  const Model model = QuantizeModel(float_model, table, q).model;
  const auto& lstm = *model.subgraph(0).operators[LstmIndex(model)];
  EXPECT_EQ(model.tensor(0, lstm.inputs[0]).type, tflite::TensorType_INT16);
  EXPECT_EQ(model.tensor(0, lstm.inputs[12]).type, tflite::TensorType_INT64);
  EXPECT_EQ(model.tensor(0, lstm.inputs[19]).type, tflite::TensorType_INT16);
  ExpectTflmBits(model, "int16");
}

}  // namespace
}  // namespace tinyforge::quantize
