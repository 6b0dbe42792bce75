// testdata/shapes/ holds the bundled demo model and its data. They must be
// exactly what tests/tools/make_shapes_model makes, so anyone can see where
// they come from and remake them; and the model must be the working
// classifier the demo presents.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "libconvert/compare/evaluate.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;

std::string Testdata() { return std::string(TINYFORGE_SOURCE_DIR) + "/testdata/shapes"; }

TEST(DemoData, CommittedFilesAreWhatTheGeneratorMakes) {
  const std::string tool = std::string(TINYFORGE_BINARY_DIR) + "/tests/make_shapes_model";
  if (!fs::exists(tool)) GTEST_SKIP() << "make_shapes_model not built at " << tool;
  const std::string dir = testing::TempDir("shapes");
  const std::string command = testing::ShellQuote(tool) + " " + testing::ShellQuote(dir) + " >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  for (const char* file : {"shapes_float.tflite", "calib.npy", "eval.npy", "eval_labels.npy"}) {
    // Compared as a bool: printing two model files on a mismatch helps nobody.
    const bool same = testing::ReadText(dir + "/" + file) == testing::ReadText(Testdata() + "/" + file);
    EXPECT_TRUE(same)
        << file << " differs from what make_shapes_model makes: regenerate testdata/shapes (testdata/README.md)";
  }
  fs::remove_all(dir);
}

TEST(DemoData, TheDemoModelClassifiesItsEvalSet) {
  const Model model = LoadModel(Testdata() + "/shapes_float.tflite");
  const ModelInputArrays in = ReadModelInputs(model, {Testdata() + "/eval.npy"}, false);
  const std::vector<int64_t> labels = ReadLabels(Testdata() + "/eval_labels.npy");
  const ClassifierResult r = EvaluateClassifier(model, ViewModelInputs(model, in), labels, 2);
  std::printf("[ accuracy ] shapes_float: %llu of %llu\n", static_cast<unsigned long long>(r.confusion.correct()),
              static_cast<unsigned long long>(r.confusion.total()));
  EXPECT_EQ(r.confusion.total(), 512u);
  EXPECT_GE(r.confusion.accuracy(), 0.9);  // four classes: chance is 0.25
}

}  // namespace
}  // namespace tinyforge
