// `tinyforge prune` end to end: the built executable on conv_fc_mnist with
// the shared MNIST digits. Good runs write a verified model and a JSON
// report; bad flags and data exit 2 with one stderr line naming the flag or
// file, and write nothing.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/model/model_io.h"
#include "libconvert/data/npy.h"
#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;

using testing::ReadText;
using testing::RunResult;

class PruneCli : public ::testing::Test {
 protected:
  void SetUp() override {
    TF_REQUIRE_BINARY_AND_SHARED();
    dir_ = testing::TempDir("prune_cli");
    model_ = testing::ModelPath("conv_fc_mnist");
    mnist_ = testing::SharedDir() + "/data/mnist/";
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // `tinyforge prune MODEL ARGS...`.
  RunResult Prune(std::vector<std::string> args) {
    args.insert(args.begin(), "prune");
    return testing::RunTinyforge(dir_, args);
  }

  // Exit 2, one line on stderr holding `needle`, and no output files.
  void ExpectBadInput(const std::vector<std::string>& args, const std::string& needle) {
    SCOPED_TRACE(needle);
    const RunResult o = Prune(args);
    EXPECT_EQ(o.status, 2) << o.err;
    EXPECT_NE(o.err.find(needle), std::string::npos) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_FALSE(fs::exists(Pruned()));
    EXPECT_FALSE(fs::exists(Report()));
  }

  std::string Pruned() const { return dir_ + "/pruned.tflite"; }
  std::string Report() const { return dir_ + "/report.json"; }

  std::string dir_, model_, mnist_;
};

TEST_F(PruneCli, SparsityWritesAVerifiedModelAndAJsonReport) {
  const RunResult o = Prune({model_, "-o", Pruned(), "--sparsity", "0.5", "--report", Report(), "-j", "2"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_TRUE(o.err.empty()) << o.err;
  const Model pruned = LoadModel(Pruned());  // verifies
  const auto& fc1 = pruned.tensor(0, pruned.subgraph(0).operators[3]->inputs[1]);
  const Span<const float> w = pruned.ConstantValues<float>(fc1);
  EXPECT_EQ(std::count(w.begin(), w.end(), 0.0f), 25088);  // round(0.5 x 32 x 1568)

  const nlohmann::json j = nlohmann::json::parse(ReadText(Report()));
  EXPECT_EQ(j["schema"], "tinyforge.prune/1");
  EXPECT_EQ(j["scope"], "per-layer");
  ASSERT_EQ(j["layers"].size(), 1u);
  EXPECT_EQ(j["layers"][0]["zeros_after"], 25088);
  EXPECT_EQ(j["model"]["after"]["file_bytes"], static_cast<int64_t>(SerializeModel(pruned).size()));
  for (const char* word : {"sparsity", "zlib", "parameters", "MACs", "skipped"}) {
    EXPECT_NE(o.out.find(word), std::string::npos) << word << " missing from:\n" << o.out;
  }
}

TEST_F(PruneCli, AccuracyIsReportedWithData) {
  // The first 1000 eval digits and their labels, as float input the model takes.
  const std::string labels = dir_ + "/labels.npy";
  NpyArray all = ReadNpy(mnist_ + "eval_labels.npy");
  NpyArray first = NpyArray::Zeros(all.dtype, {1000});
  std::copy_n(all.View<uint8_t>().begin(), 1000, first.MutableView<uint8_t>().begin());
  WriteNpy(labels, first);
  const RunResult o = Prune({model_, "-o", Pruned(), "--sparsity", "0.6", "--scope", "global", "--data",
                           mnist_ + "eval_images_f32_first1000.npy", "--labels", labels, "--report", Report(), "-j",
                           "2"});
  ASSERT_EQ(o.status, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(ReadText(Report()));
  ASSERT_TRUE(j["accuracy"].is_object());
  EXPECT_EQ(j["accuracy"]["samples"], 1000);
  EXPECT_GT(j["accuracy"]["before"].get<double>(), 0.9);
  EXPECT_NE(o.out.find("top-1"), std::string::npos) << o.out;
}

TEST_F(PruneCli, BadFlagsAndDataExitTwoAndWriteNothing) {
  const std::string calib = mnist_ + "calib_images_f32.npy";
  ExpectBadInput({model_, "-o", Pruned(), "--sparsity", "1.5"}, "--sparsity");
  ExpectBadInput({model_, "-o", Pruned(), "--sparsity", "nan"}, "--sparsity");
  ExpectBadInput({model_, "-o", Pruned(), "--sparsity", "0.5", "--layer", "conv[=0.5"}, "bad regular expression");
  ExpectBadInput({model_, "-o", Pruned(), "--sparsity", "0.5", "--layer", "nothing_matches=0.5"},
                 "matches no eligible weight tensor");
  ExpectBadInput({model_, "-o", Pruned(), "--sparsity", "0.5", "--block", "1x3x"}, "--block");
  ExpectBadInput({model_, "-o", Pruned(), "--sparsity", "0.5", "--scope", "everywhere"}, "--scope");
  ExpectBadInput({model_, "-o", Pruned(), "--auto-sparsity", "1"}, "--auto-sparsity needs --data");
  ExpectBadInput({model_, "-o", Pruned(), "--sparsity", "0.5", "--data", calib}, "--data needs --labels");
  ExpectBadInput({model_, "-o", Pruned(), "--sparsity", "0.5", "--bias-correct"}, "--calib");
  ExpectBadInput({model_, "-o", Pruned(), "--sparsity", "0.5", "--data", calib, "--labels",
                  mnist_ + "eval_labels.npy"},
                 "9000 labels");
  // Calibration data whose shape does not fit the input (any dtype is taken).
  ExpectBadInput({model_, "-o", Pruned(), "--sparsity", "0.5", "--bias-correct", "--calib",
                  mnist_ + "eval_labels.npy"},
                 "eval_labels.npy: shape [9000] does not match");
  ExpectBadInput({model_, "-o", Pruned()}, "nothing to do");
  ExpectBadInput({model_, "-o", model_, "--sparsity", "0.5"}, model_);
}

TEST_F(PruneCli, HelpTeachesWithExamples) {
  const RunResult o = Prune({"--help"});
  EXPECT_EQ(o.status, 0);
  for (const char* word : {"Examples:", "--auto-sparsity", "--channels", "--bias-correct", "round(S x n)"}) {
    EXPECT_NE(o.out.find(word), std::string::npos) << word;
  }
}

}  // namespace
}  // namespace tinyforge
