// Every output path, end to end with the built `tinyforge`: a command never
// overwrites a file it reads unless given --force; a command writing several
// files writes all of them or none; bad output paths and bad values in
// inputs are exit 2 with one line, never exit 3. Models are built in the
// test; each run takes milliseconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "libconvert/base/file_util.h"
#include "libconvert/data/npy.h"
#include "libconvert/model/model_builder.h"
#include "libconvert/model/model_io.h"
#include "tests/cli/cli_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::CountLines;
using testing::RunResult;
using testing::RunTinyforge;

// x [1,2] -> FULLY_CONNECTED with weights `w` (3x2) -> y [1,3].
Model FcModel(const std::vector<float>& w) {
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, 2});
  const int weights = b.AddConstant<float>("w", {3, 2}, w);
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {1, 3});
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, weights, -1}, {y}, tflite::FullyConnectedOptionsT{});
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build("m");
}

class CliOutputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("cli_outputs");
    model_ = dir_ + "/m.tflite";
    SaveModel(FcModel({0.5f, -1.0f, 0.25f, 2.0f, -0.75f, 1.5f}), model_);
    data_ = dir_ + "/x.npy";
    NpyArray x = NpyArray::Zeros(DType::kFloat32, {3, 1, 2});
    WriteNpy(data_, x);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Status 2, one stderr line containing `part`.
  void ExpectBadInput(const RunResult& r, const std::string& part) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(CountLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(part), std::string::npos) << "expected '" << part << "' in: " << r.err;
  }

  // The directory holds exactly `names` (no output, no temporary file).
  void ExpectOnly(const std::vector<std::string>& names) {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (name != "stdout.txt" && name != "stderr.txt") found.push_back(name);
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> expected = names;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(found, expected);
  }

  std::string dir_, model_, data_;
};

TEST_F(CliOutputs, EmitRefusesToOverwriteItsInputWithoutForce) {
  TF_REQUIRE_BINARY();
  const std::vector<uint8_t> before = ReadFileBytes(model_);
  ExpectBadInput(RunTinyforge(dir_, {"emit", model_, "-o", model_}), "refusing to overwrite the input file");
  EXPECT_EQ(ReadFileBytes(model_), before);
  ExpectOnly({"m.tflite", "x.npy"});
  const RunResult forced = RunTinyforge(dir_, {"emit", model_, "-o", model_, "--force"});
  EXPECT_EQ(forced.status, 0) << forced.err;
  EXPECT_NE(ReadFileBytes(model_), before);  // replaced, as asked
}

TEST_F(CliOutputs, EmitWritesNoSourceWhenTheHeaderCannotBeWritten) {
  TF_REQUIRE_BINARY();
  fs::create_directory(dir_ + "/hdir");
  ExpectBadInput(RunTinyforge(dir_, {"emit", model_, "-o", dir_ + "/m.cc", "--header", dir_ + "/hdir"}),
                 "hdir: is a directory");
  ExpectOnly({"m.tflite", "x.npy", "hdir"});
}

TEST_F(CliOutputs, QuantizeWritesNothingWhenTheReportCannotBeWritten) {
  TF_REQUIRE_BINARY();
  fs::create_directory(dir_ + "/rdir");
  ExpectBadInput(RunTinyforge(dir_, {"quantize", model_, "-o", dir_ + "/q.tflite", "--random", "2", "--calibration-out",
                                     dir_ + "/cal.json", "--report", dir_ + "/rdir", "-q"}),
                 "rdir: is a directory");
  ExpectOnly({"m.tflite", "x.npy", "rdir"});
}

TEST_F(CliOutputs, QuantizeRefusesNonFiniteWeightsAndLeavesNothing) {
  TF_REQUIRE_BINARY();
  for (const float bad : {std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
    SaveModel(FcModel({0.5f, bad, 0.25f, 2.0f, -0.75f, 1.5f}), model_);
    // Calibration runs first and may meet the non-finite value as an
    // activation; either way it is one bad-input line naming the model.
    ExpectBadInput(RunTinyforge(dir_, {"quantize", model_, "-o", dir_ + "/q.tflite", "--calib", data_,
                                       "--calibration-out", dir_ + "/cal.json", "-q"}),
                   "tinyforge: " + model_ + ": ");
    ExpectOnly({"m.tflite", "x.npy"});
  }
}

TEST_F(CliOutputs, QuantizeRefusesToOverwriteAnyInput) {
  TF_REQUIRE_BINARY();
  ExpectBadInput(RunTinyforge(dir_, {"quantize", model_, "-o", dir_ + "/q.tflite", "--calib", data_,
                                     "--calibration-out", data_, "-q"}),
                 "x.npy: refusing to overwrite the input file");
  ExpectOnly({"m.tflite", "x.npy"});
}

TEST_F(CliOutputs, RunOutputDirThatCannotBeOne) {
  TF_REQUIRE_BINARY();
  ExpectBadInput(RunTinyforge(dir_, {"run", model_, "-i", data_, "--out-dir", ""}), "--out-dir is empty");
  ExpectBadInput(RunTinyforge(dir_, {"run", model_, "-i", data_, "--output-dir", data_}), data_ + ": ");
  ExpectBadInput(RunTinyforge(dir_, {"run", model_, "-i", data_, "--output-dir", "/dev/null"}), "/dev/null: ");
  const std::string long_name = dir_ + "/" + std::string(300, 'a');
  ExpectBadInput(RunTinyforge(dir_, {"run", model_, "-i", data_, "--output-dir", long_name}),
                 "cannot create the output directory");
  ExpectOnly({"m.tflite", "x.npy"});
  // --output-dir is run's old spelling of --out-dir: it still works (the
  // cases above use it) and --help shows only the new one.
  const testing::RunResult help = RunTinyforge(dir_, {"run", "--help"});
  EXPECT_NE(help.out.find("--out-dir"), std::string::npos) << help.out;
  EXPECT_EQ(help.out.find("--output-dir"), std::string::npos) << help.out;
  // A run that fails after creating its directory takes it away again.
  ExpectBadInput(RunTinyforge(dir_, {"run", model_, "-i", data_, "--output-dir", dir_ + "/new", "--max-memory", "8"}),
                 "exceeds the memory budget");
  ExpectOnly({"m.tflite", "x.npy"});
}

TEST_F(CliOutputs, LabelBeyondTheClassesIsBadInput) {
  TF_REQUIRE_BINARY();
  NpyArray labels = NpyArray::Zeros(DType::kInt32, {3});
  labels.MutableView<int32_t>()[1] = std::numeric_limits<int32_t>::max();
  const std::string labels_path = dir_ + "/y.npy";
  WriteNpy(labels_path, labels);
  ExpectBadInput(RunTinyforge(dir_, {"compare", model_, model_, "--data", data_, "--labels", labels_path}),
                 "label 1 is 2147483647, but output 0 ('y') scores 3 classes (labels 0 to 2)");
  ExpectBadInput(RunTinyforge(dir_, {"prune", model_, "-o", dir_ + "/p.tflite", "--max-drop", "1", "--data", data_,
                                     "--labels", labels_path, "-q"}),
                 "label 1 is 2147483647");
  ExpectOnly({"m.tflite", "x.npy", "y.npy"});
}

}  // namespace
}  // namespace tinyforge
