// Full-integer SVDF: a float keyword-spotting model in the style of Google's
// (filterbank frames -> SVDF with a RELU -> FULLY_CONNECTED -> SOFTMAX), built
// here with the model builder, quantized from a calibration stream. It must
// become integer-only in the converter's layout, pick the float model's class
// on at least 97% of random frames, and give the real TFLM's bits when both
// run the same stream (tflm_stream: no reset between frames).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"
#include "tests/quantize/svdf_keyword_model.h"
#include "tests/test_util.h"

namespace tinyforge::quantize {
namespace {

using testing::kClasses;
using testing::RandomFrames;
using testing::RunStream;
using testing::SvdfKeywordModel;

struct SvdfPair {
  Model float_model;
  Model int8_model;
};

const SvdfPair& SvdfModels() {
  static const SvdfPair q = [] {
    Model float_model = SvdfKeywordModel();
    ModelInputArrays calib{{RandomFrames(600, 1)}, {"calibration stream"}};
    CalibrationOptions options;
    options.stream = true;  // one stream of frames: the state carries over
    const CalibrationTable table = Calibrate(float_model, ViewModelInputs(float_model, calib), options);
    QuantizeOptions strict;
    strict.strict = true;
    Model int8_model = QuantizeModel(float_model, table, strict).model;
    return SvdfPair{std::move(float_model), std::move(int8_model)};
  }();
  return q;
}

TEST(SvdfQuantize, BecomesIntegerOnlyInTheConvertersLayout) {
  const Model& q = SvdfModels().int8_model;
  for (const auto& t : q.subgraph(0).tensors) {
    EXPECT_NE(t->type, tflite::TensorType_FLOAT32) << t->name << " is still float";
  }
  for (const auto& op : q.subgraph(0).operators) {
    EXPECT_NE(q.OpName(*op), "QUANTIZE");
    EXPECT_NE(q.OpName(*op), "DEQUANTIZE");
  }
  const tflite::OperatorT& svdf = *q.subgraph(0).operators[0];
  ASSERT_EQ(q.OpName(svdf), "SVDF");
  const auto type = [&](size_t i) { return q.tensor(0, svdf.inputs[i]).type; };
  EXPECT_EQ(type(0), tflite::TensorType_INT8);
  EXPECT_EQ(type(1), tflite::TensorType_INT8);
  EXPECT_EQ(type(2), tflite::TensorType_INT16);
  EXPECT_EQ(type(3), tflite::TensorType_INT32);
  EXPECT_EQ(type(4), tflite::TensorType_INT16);
  EXPECT_TRUE(q.tensor(0, svdf.inputs[4]).is_variable);
  const auto scale = [&](size_t i) { return q.tensor(0, svdf.inputs[i]).quantization->scale[0]; };
  // The bias at time-weight scale x state scale; the time weights in 10 bits.
  EXPECT_EQ(scale(3), scale(2) * scale(4));
  const Model& f = SvdfModels().float_model;
  float max_time = 0;
  for (float w : f.ConstantValues<float>(f.tensor(0, f.subgraph(0).operators[0]->inputs[2]))) {
    max_time = std::max(max_time, std::fabs(w));
  }
  EXPECT_FLOAT_EQ(scale(2), max_time / 512);
  EXPECT_EQ(q.tensor(0, svdf.inputs[4]).quantization->zero_point[0], 0);
}

TEST(SvdfQuantize, PicksTheFloatModelsClassOnRandomFrames) {
  const SvdfPair& m = SvdfModels();
  constexpr size_t kStreams = 40, kSteps = 25;
  size_t agree = 0;
  for (size_t stream = 0; stream < kStreams; ++stream) {
    const NpyArray frames = RandomFrames(kSteps, 100 + static_cast<uint32_t>(stream));
    const std::vector<uint8_t> f = RunStream(m.float_model, frames);
    const NpyArray q_frames = ConvertModelInput(m.int8_model, 0, frames, "frames", true);
    const std::vector<uint8_t> q = RunStream(m.int8_model, q_frames);
    for (size_t s = 0; s < kSteps; ++s) {
      const float* fp = reinterpret_cast<const float*>(f.data()) + s * kClasses;
      const int8_t* qp = reinterpret_cast<const int8_t*>(q.data()) + s * kClasses;
      agree += std::max_element(fp, fp + kClasses) - fp == std::max_element(qp, qp + kClasses) - qp;
    }
  }
  const double rate = static_cast<double>(agree) / (kStreams * kSteps);
  std::printf("[ accuracy ] svdf keyword model: int8 picks the float class on %zu of %zu frames (%.2f%%)\n", agree,
              kStreams * kSteps, rate * 100);
  EXPECT_GE(rate, 0.97);
}

#ifdef TINYFORGE_TFLM_STREAM
TEST(SvdfQuantize, RunsOnTflmWithTheInterpretersBits) {
  TF_REQUIRE_SHARED();
  Model model = SvdfModels().int8_model.Clone();
  // The SVDF's own output too, not only the probabilities after it.
  model.subgraph(0).outputs.push_back(model.subgraph(0).operators[0]->outputs[0]);
  const std::string dir = testing::TempDir("svdf_tflm");
  SaveModel(model, dir + "/svdf_int8.tflite");
  constexpr size_t kSteps = 60;
  const NpyArray frames = ConvertModelInput(model, 0, RandomFrames(kSteps, 7), "frames", true);
  {
    std::ofstream in(dir + "/input.bin", std::ios::binary);
    in.write(reinterpret_cast<const char*>(frames.data.data()), static_cast<std::streamsize>(frames.data.size()));
  }
  const std::string command = std::string(TINYFORGE_TFLM_STREAM) + " " + dir + "/svdf_int8.tflite " + dir +
                              "/input.bin " + std::to_string(kSteps) + " " + dir + "/output.bin";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream out(dir + "/output.bin", std::ios::binary);
  const std::vector<uint8_t> tflm((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(RunStream(model, frames), tflm);
}
#endif

}  // namespace
}  // namespace tinyforge::quantize
