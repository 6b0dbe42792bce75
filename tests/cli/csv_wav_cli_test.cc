// CSV and WAV sources end to end through `quantize` and `compare`, on small
// models made with the model builder. The expected accuracies are computed
// here from the data itself (the CSV rows as written, the WAV samples read by
// a RIFF walker written here, not libsndfile), never by tinyforge.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/data/npy.h"
#include "libconvert/model/model_builder.h"
#include "libconvert/model/model_io.h"
#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunResult;
using testing::RunTinyforge;

// A dense classifier: input [1, dims...] float, FULLY_CONNECTED to `classes`
// logits with the given weights ([classes, elements], row-major) and no bias.
void WriteDenseModel(const std::string& path, const std::vector<int32_t>& input_shape, int classes,
                     const std::vector<float>& weights) {
  int32_t elements = 1;
  for (int32_t d : input_shape) elements *= d;
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, input_shape);
  const int w = b.AddConstant<float>("w", {classes, elements}, weights);
  const int y = b.AddTensor("logits", tflite::TensorType_FLOAT32, {1, classes});
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w, -1}, {y}, tflite::FullyConnectedOptionsT());
  b.SetInputs({x});
  b.SetOutputs({y});
  SaveModel(b.Build(path), path);
}

size_t ArgMax(const std::vector<double>& v) { return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin()); }

class CsvWavCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("csv_wav_cli"); }
  void TearDown() override { fs::remove_all(dir_); }
  RunResult Run(const std::vector<std::string>& args) { return RunTinyforge(dir_, args); }
  std::string dir_;
};

// 3-axis accelerometer windows of 8 steps, [1,8,3]; the model's logit c is
// the mean of axis c; the activity is the axis that moves most, except in
// three rows whose label is deliberately another.
TEST_F(CsvWavCli, CsvAccelerometerWindowsThroughCompare) {
  TF_REQUIRE_BINARY();
  std::vector<float> weights(3 * 24, 0.0f);
  for (int c = 0; c < 3; ++c) {
    for (int t = 0; t < 8; ++t) weights[static_cast<size_t>(c * 24 + t * 3 + c)] = 1.0f / 8;
  }
  const std::string model = dir_ + "/dense.tflite";
  WriteDenseModel(model, {1, 8, 3}, 3, weights);

  std::ofstream csv(dir_ + "/acc.csv");
  csv << "activity";
  for (int t = 0; t < 8; ++t) csv << ",ax" << t << ",ay" << t << ",az" << t;
  csv << "\n";
  const std::vector<std::string> sorted = {"run", "sit", "walk"};
  int rows = 0, correct = 0;
  for (int r = 0; r < 30; ++r) {
    const int axis = r % 3;
    std::vector<double> mean(3, 0.0);
    std::string values;
    for (int t = 0; t < 8; ++t) {
      for (int a = 0; a < 3; ++a) {
        const double v = (a == axis ? 2.0 : 0.25) + 0.125 * ((r * 7 + t * 3 + a) % 5) - 0.25;
        mean[static_cast<size_t>(a)] += v / 8;
        values += "," + std::to_string(v);
      }
    }
    // Rows 4, 11 and 25 carry a wrong label.
    const int label_axis = (r == 4 || r == 11 || r == 25) ? (axis + 1) % 3 : axis;
    const std::string name = sorted[static_cast<size_t>(label_axis)];
    csv << name << values << "\n";
    correct += static_cast<int>(ArgMax(mean)) == label_axis ? 1 : 0;
    ++rows;
  }
  csv.close();
  ASSERT_EQ(correct, 27);

  const std::string q = dir_ + "/dense_int8.tflite";
  RunResult r = Run({"quantize", model, "-o", q, "--calib", dir_ + "/acc.csv", "--label-column", "activity", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  r = Run({"compare", model, q, "--data", dir_ + "/acc.csv", "--label-column", "activity", "--report",
           dir_ + "/r.json", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(ReadText(dir_ + "/r.json"));
  EXPECT_EQ(j["samples"], rows);
  EXPECT_EQ(j["accuracy"]["reference"]["correct"], correct);
  EXPECT_EQ(j["accuracy"]["reference"]["total"], rows);

  // By index too (column 0), and a row that does not fit is named.
  r = Run({"compare", model, model, "--data", dir_ + "/acc.csv", "--label-column", "0", "-q"});
  EXPECT_EQ(r.status, 0) << r.err;
  std::ofstream bad(dir_ + "/bad.csv");
  bad << "1,2,3\n";
  bad.close();
  r = Run({"compare", model, model, "--data", dir_ + "/bad.csv", "-q"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find(dir_ + "/bad.csv: row 1 has 3 values, but one sample of the model input holds 24 (8x3)"),
            std::string::npos)
      << r.err;
  r = Run({"compare", model, model, "--data", dir_ + "/acc.csv", "--label-column", "mood", "-q"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--label-column 'mood'"), std::string::npos) << r.err;
}

// The int16 samples of a 16-bit PCM mono WAV, read by walking its RIFF chunks.
std::vector<int16_t> WavSamples(const std::string& path) {
  const std::string bytes = ReadText(path);
  EXPECT_EQ(bytes.substr(0, 4), "RIFF");
  EXPECT_EQ(bytes.substr(8, 4), "WAVE");
  size_t pos = 12;
  while (pos + 8 <= bytes.size()) {
    uint32_t size;
    std::memcpy(&size, bytes.data() + pos + 4, 4);
    if (bytes.compare(pos, 4, "data") == 0) {
      std::vector<int16_t> samples(size / 2);
      std::memcpy(samples.data(), bytes.data() + pos + 8, samples.size() * 2);
      return samples;
    }
    pos += 8 + size + (size & 1);
  }
  ADD_FAILURE() << path << ": no data chunk";
  return {};
}

// The corpus's speech clips in class folders; a one-second input [1,16000],
// the 30 ms clips padded with zeros.
TEST_F(CsvWavCli, WavClassFoldersThroughCompare) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string speech = testing::SharedDir() + "/data/speech/";
  const std::vector<std::pair<std::string, std::vector<std::string>>> classes = {
      {"no", {"no_1000ms.wav", "no_30ms.wav"}},
      {"other", {"noise_1000ms.wav", "silence_1000ms.wav"}},
      {"yes", {"yes_1000ms.wav", "yes_30ms.wav"}}};
  constexpr int kLength = 16000;
  // Fixed pseudo-random weights: logits are projections of the waveform.
  std::vector<float> weights(3 * kLength);
  uint32_t state = 12345;
  for (float& w : weights) {
    state = state * 1664525u + 1013904223u;
    w = static_cast<float>(static_cast<int32_t>(state >> 8) % 2001 - 1000) / 1000.0f;
  }
  const std::string model = dir_ + "/wave.tflite";
  WriteDenseModel(model, {1, kLength}, 3, weights);

  int clips = 0, correct = 0;
  for (size_t c = 0; c < classes.size(); ++c) {
    fs::create_directories(dir_ + "/wav/" + classes[c].first);
    for (const std::string& file : classes[c].second) {
      fs::copy_file(speech + file, dir_ + "/wav/" + classes[c].first + "/" + file);
      std::vector<int16_t> samples = WavSamples(speech + file);
      samples.resize(kLength, 0);
      std::vector<double> logits(3, 0.0);
      for (size_t k = 0; k < 3; ++k) {
        for (size_t i = 0; i < kLength; ++i) logits[k] += weights[k * kLength + i] * (samples[i] / 32768.0);
      }
      correct += ArgMax(logits) == c ? 1 : 0;
      ++clips;
    }
  }
  const std::string q = dir_ + "/wave_int8.tflite";
  RunResult r = Run({"quantize", model, "-o", q, "--calib", dir_ + "/wav", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  r = Run({"compare", model, q, "--data", dir_ + "/wav", "--report", dir_ + "/r.json", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(ReadText(dir_ + "/r.json"));
  EXPECT_EQ(j["samples"], clips);
  EXPECT_EQ(j["accuracy"]["reference"]["correct"], correct);

  // --clip error names the short clip.
  r = Run({"compare", model, model, "--data", dir_ + "/wav", "--clip", "error", "-q"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("no_30ms.wav: the clip has 480 samples, the model input takes 16000"), std::string::npos)
      << r.err;
  r = Run({"compare", model, model, "--data", dir_ + "/wav", "--clip", "squash", "-q"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--clip: 'squash'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tinyforge
