// `compare --data DIR` with one subfolder per class: the first 1000 MNIST
// eval digits written by the test as grayscale PNGs into DIR/<digit>/ give
// exactly the accuracies (and confusion matrices) the corpus's float32 .npy
// of the same digits with their label file give.
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/compare/metrics.h"
#include "libconvert/data/npy.h"
#include "tests/cli/cli_util.h"
#include "tests/mnist_data.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::ModelPath;
using testing::ReadText;
using testing::RunResult;
using testing::RunTinyforge;

using testing::kEvalF32Digits;

TEST(ClassFoldersCli, CompareGivesTheAccuracyOfNpyAndLabels) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = testing::TempDir("class_folders_cli");
  const std::string mnist = testing::SharedDir() + "/data/mnist/";
  const NpyArray digits = ReadNpy(mnist + "eval_images.npy");  // uint8 [9000,28,28]
  const std::vector<int64_t> all_labels = ReadLabels(mnist + "eval_labels.npy");
  ASSERT_GE(digits.shape[0], kEvalF32Digits);
  const std::string images = dir + "/digits";
  NpyArray labels = NpyArray::Zeros(DType::kInt64, {kEvalF32Digits});
  for (int64_t i = 0; i < kEvalF32Digits; ++i) {
    const int64_t label = all_labels[static_cast<size_t>(i)];
    labels.MutableView<int64_t>()[static_cast<size_t>(i)] = label;
    // Class folder names sort as the digits do; labels come from that order.
    const std::string folder = images + "/" + std::to_string(label);
    fs::create_directories(folder);
    char name[32];
    std::snprintf(name, sizeof name, "/%05lld.png", static_cast<long long>(i));
    ASSERT_NE(stbi_write_png((folder + name).c_str(), 28, 28, 1, digits.data.data() + i * 28 * 28, 28), 0);
  }
  WriteNpy(dir + "/labels.npy", labels);

  const std::string a = ModelPath("conv_fc_mnist"), b = ModelPath("conv_fc_mnist_srq_a8w8");
  const RunResult from_npy = RunTinyforge(dir, {"compare", a, b, "--data", mnist + "eval_images_f32_first1000.npy",
                                                "--labels", dir + "/labels.npy", "--report", dir + "/npy.json", "-q"});
  ASSERT_EQ(from_npy.status, 0) << from_npy.err;
  const RunResult from_dirs =
      RunTinyforge(dir, {"compare", a, b, "--data", images, "--grayscale", "--report", dir + "/dirs.json", "-q"});
  ASSERT_EQ(from_dirs.status, 0) << from_dirs.err;

  const nlohmann::json want = nlohmann::json::parse(ReadText(dir + "/npy.json"));
  const nlohmann::json got = nlohmann::json::parse(ReadText(dir + "/dirs.json"));
  ASSERT_FALSE(want["accuracy"].is_null());
  EXPECT_EQ(want["accuracy"]["reference"]["total"], kEvalF32Digits);
  EXPECT_GT(want["accuracy"]["reference"]["correct"].get<int>(), 950);
  EXPECT_EQ(got["accuracy"], want["accuracy"]);
  EXPECT_EQ(got["samples"], want["samples"]);

  // --max-drop works from the folders' labels alone (no --labels).
  const RunResult gated = RunTinyforge(dir, {"compare", a, b, "--data", images, "--grayscale", "--max-drop", "5", "-q"});
  EXPECT_EQ(gated.status, 0) << gated.err;
  // A class folder without images is one line naming it, exit 2.
  fs::create_directories(images + "/99_empty");
  const RunResult empty = RunTinyforge(dir, {"compare", a, b, "--data", images, "--grayscale", "-q"});
  EXPECT_EQ(empty.status, 2);
  EXPECT_EQ(testing::CountLines(empty.err), 1u) << empty.err;
  EXPECT_NE(empty.err.find(images + "/99_empty: class folder without"), std::string::npos) << empty.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge
