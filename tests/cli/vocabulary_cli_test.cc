// One vocabulary on the command line (README, "One vocabulary"): the
// top-level help lists each subcommand on one line; --data, -n 0, --force
// and --auto-sparsity mean the same everywhere; the old spellings keep
// working but are shown nowhere; and the data sanity warnings fire once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "libconvert/base/file_util.h"
#include "libconvert/data/npy.h"
#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::CountLines;
using testing::ModelPath;
using testing::RunResult;
using testing::RunTinyforge;

class VocabularyCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("vocabulary_cli"); }
  void TearDown() override { fs::remove_all(dir_); }
  RunResult Run(const std::vector<std::string>& args) { return RunTinyforge(dir_, args); }
  // The first `n` MNIST calibration digits, uint8 [n,28,28] as the corpus ships them.
  std::string Digits(int64_t n) {
    const NpyArray all = ReadNpy(testing::SharedDir() + "/data/mnist/calib_images.npy");
    NpyArray some = NpyArray::Zeros(all.dtype, {n, 28, 28});
    std::memcpy(some.data.data(), all.data.data(), some.data.size());
    const std::string path = dir_ + "/digits_" + std::to_string(n) + ".npy";
    WriteNpy(path, some);
    return path;
  }
  std::string dir_;
};

TEST_F(VocabularyCli, TopLevelHelpListsEachSubcommandOnOneLine) {
  TF_REQUIRE_BINARY();
  const RunResult r = Run({"--help"});
  ASSERT_EQ(r.status, 0) << r.err;
  const size_t at = r.out.find("Subcommands:\n");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::istringstream lines(r.out.substr(at + std::strlen("Subcommands:\n")));
  std::vector<std::string> names;
  for (std::string line; std::getline(lines, line) && !line.empty();) {
    EXPECT_LE(line.size(), 120u) << line;
    EXPECT_EQ(line.find(". "), std::string::npos) << "more than one sentence: " << line;
    names.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"inspect", "rewrite", "run", "emit", "quantize", "compare", "pipeline",
                                             "prune", "bench", "ops", "data"}));
}

TEST_F(VocabularyCli, OldSpellingsWorkButAreNotShown) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string digits = Digits(4);
  const std::string model = ModelPath("conv_fc_mnist");
  // run: --data, and the old -i/--input the same.
  const RunResult now = Run({"run", model, "--data", digits, "--scale", "1/255", "-o", dir_ + "/a", "-q"});
  ASSERT_EQ(now.status, 0) << now.err;
  const RunResult old = Run({"run", model, "-i", digits, "--scale", "1/255", "--output-dir", dir_ + "/b", "-q"});
  ASSERT_EQ(old.status, 0) << old.err;
  EXPECT_EQ(ReadFileBytes(dir_ + "/a/output_0.npy"), ReadFileBytes(dir_ + "/b/output_0.npy"));
  // Without either: one usage line.
  const RunResult none = Run({"run", model, "-q"});
  EXPECT_EQ(none.status, 2);
  EXPECT_EQ(none.err, "tinyforge: --data is required (one sample source per model input; see --help)\n");

  // quantize and pipeline: --eval is --data; prune: --max-drop is --auto-sparsity.
  const RunResult q = Run({"quantize", model, "-o", dir_ + "/q.tflite", "--calib", digits, "--scale", "1/255",
                           "--eval", digits, "-q"});
  EXPECT_EQ(q.status, 0) << q.err;
  const RunResult p = Run({"prune", model, "-o", dir_ + "/p.tflite", "--max-drop", "1"});
  EXPECT_EQ(p.status, 2);
  EXPECT_NE(p.err.find("--auto-sparsity needs --data"), std::string::npos) << p.err;

  const std::vector<std::pair<std::string, std::vector<std::string>>> hidden = {
      {"run", {"--input", "-i,", "--output-dir"}}, {"quantize", {"--eval"}}, {"pipeline", {"--eval"}},
      {"prune", {"--max-drop"}}};
  for (const auto& [command, names] : hidden) {
    const RunResult help = Run({command, "--help"});
    ASSERT_EQ(help.status, 0) << command;
    EXPECT_NE(help.out.find("--data"), std::string::npos) << command;
    for (const std::string& name : names) EXPECT_EQ(help.out.find(name), std::string::npos) << command << " " << name;
  }
}

TEST_F(VocabularyCli, SamplesZeroMeansAllAndForceGuardsEveryInput) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string digits = Digits(3);
  const std::string reference = dir_ + "/float.tflite";
  fs::copy_file(ModelPath("conv_fc_mnist"), reference);
  const std::vector<uint8_t> model_bytes = ReadFileBytes(reference);
  const RunResult all = Run({"compare", reference, ModelPath("conv_fc_mnist_srq_a8w8"), "--data", digits, "--scale",
                             "1/255", "-n", "0", "--report", dir_ + "/r.json", "-q"});
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_NE(testing::ReadText(dir_ + "/r.json").find("\"samples\": 3"), std::string::npos);

  // A report over an input model is refused, and the model left as it was.
  const RunResult over = Run({"compare", reference, ModelPath("conv_fc_mnist_srq_a8w8"), "--data", digits, "--scale",
                              "1/255", "--report", reference, "-q"});
  EXPECT_EQ(over.status, 2);
  EXPECT_EQ(CountLines(over.err), 1u) << over.err;
  EXPECT_NE(over.err.find("--force"), std::string::npos) << over.err;
  EXPECT_EQ(ReadFileBytes(reference), model_bytes);
  // data: the same, and with labels asked of an unlabelled source neither file is written.
  const RunResult data = Run({"data", digits, "-o", digits});
  EXPECT_EQ(data.status, 2);
  EXPECT_NE(data.err.find("--force"), std::string::npos) << data.err;
  const RunResult labels = Run({"data", digits, "-o", dir_ + "/x.npy", "--labels-out", dir_ + "/y.npy"});
  EXPECT_EQ(labels.status, 2);
  EXPECT_FALSE(fs::exists(dir_ + "/x.npy"));
  EXPECT_FALSE(fs::exists(dir_ + "/y.npy"));
  // prune: its report over an input is refused before any work; a report
  // records the data flags like every JSON artifact.
  const RunResult prune_over = Run({"prune", reference, "-o", dir_ + "/p.tflite", "--sparsity", "0.5", "--report",
                                    reference});
  EXPECT_EQ(prune_over.status, 2);
  EXPECT_NE(prune_over.err.find("--force"), std::string::npos) << prune_over.err;
  EXPECT_FALSE(fs::exists(dir_ + "/p.tflite"));
  EXPECT_EQ(ReadFileBytes(reference), model_bytes);
  const RunResult pruned = Run({"prune", reference, "-o", dir_ + "/p.tflite", "--sparsity", "0.5", "--report",
                                dir_ + "/p.json", "-q"});
  ASSERT_EQ(pruned.status, 0) << pruned.err;
  EXPECT_NE(testing::ReadText(dir_ + "/p.json").find("\"data\": {"), std::string::npos);
}

TEST_F(VocabularyCli, DataSanityWarningsFireOncePerCause) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string digits = Digits(10);
  // Few calibration samples, and accuracy measured on them.
  const RunResult q = Run({"quantize", ModelPath("conv_fc_mnist"), "-o", dir_ + "/q.tflite", "--calib", digits,
                           "--scale", "1/255", "--data", digits, "-q"});
  ASSERT_EQ(q.status, 0) << q.err;
  EXPECT_NE(q.err.find("warning: calibrating on 10 samples"), std::string::npos) << q.err;
  EXPECT_NE(q.err.find("warning: accuracy is measured on the calibration samples"), std::string::npos) << q.err;
  // Raw 0..255 pixels quantized for an input made for [0, 1]: most clip;
  // one warning for the whole array, not one per sample.
  const RunResult r = Run({"run", ModelPath("conv_fc_mnist_srq_a8w8"), "--data", digits, "--quantize-inputs", "-o",
                           dir_ + "/out", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("warning: " + digits + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("of the values clip: they span [0, 255]"), std::string::npos) << r.err;
  // Scaled, nothing to say.
  const RunResult scaled = Run({"run", ModelPath("conv_fc_mnist_srq_a8w8"), "--data", digits, "--scale", "1/255",
                                "--quantize-inputs", "-o", dir_ + "/out2", "-q"});
  ASSERT_EQ(scaled.status, 0) << scaled.err;
  EXPECT_EQ(scaled.err, "");
}

TEST_F(VocabularyCli, BenchTimesRealInputs) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string digits = Digits(2);
  const RunResult r = Run({"bench", ModelPath("conv_fc_mnist_srq_a8w8"), "--data", digits, "--scale", "1/255",
                           "--seconds", "0.05", "--fast-only"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("inputs: 2 samples of " + digits), std::string::npos) << r.out;
  const RunResult bad = Run({"bench", ModelPath("conv_fc_mnist_srq_a8w8"), "--data", dir_ + "/missing.npy"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(CountLines(bad.err), 1u) << bad.err;
}

}  // namespace
}  // namespace tinyforge
