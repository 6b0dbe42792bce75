// `tinyforge quantize --calib IMAGE_DIR` end to end: MNIST digits from the
// shared corpus written as grayscale PNGs calibrate conv_fc_mnist to the very
// model the same digits give as .npy (pixel / 255 both ways), and images that
// do not fit the model input are rejected with what they gave, what the input
// expects and the flags that fix it.
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <filesystem>
#include <string>
#include <vector>

#include "libconvert/base/file_util.h"
#include "libconvert/data/npy.h"
#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::Binary;
using testing::CountLines;
using testing::ModelPath;
using testing::RunResult;
using testing::RunTinyforge;

constexpr int kDigits = 20;

class QuantizeImagesCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("quantize_images_cli"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(QuantizeImagesCli, GrayscalePngsCalibrateLikeTheSameDigitsAsNpy) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  const NpyArray digits = ReadNpy(testing::SharedDir() + "/data/mnist/calib_images.npy");  // uint8 [N,28,28]
  ASSERT_EQ(digits.shape.size(), 3u);
  ASSERT_GE(digits.shape[0], kDigits);
  const Span<const uint8_t> pixels = digits.View<uint8_t>();
  const std::string images = dir_ + "/digits";
  fs::create_directories(images);
  NpyArray as_npy = NpyArray::Zeros(DType::kFloat32, {kDigits, 28, 28, 1});
  Span<float> npy_values = as_npy.MutableView<float>();
  for (int i = 0; i < kDigits; ++i) {
    const uint8_t* digit = pixels.data() + i * 28 * 28;
    // Zero-padded names keep the name order the sample order.
    const std::string name = images + "/digit_" + (i < 10 ? "0" : "") + std::to_string(i) + ".png";
    ASSERT_NE(stbi_write_png(name.c_str(), 28, 28, 1, digit, 28), 0) << name;
    for (int e = 0; e < 28 * 28; ++e) npy_values[static_cast<size_t>(i * 28 * 28 + e)] = static_cast<float>(digit[e] / 255.0);
  }
  WriteNpy(dir_ + "/digits.npy", as_npy);

  const std::string from_images = dir_ + "/from_images.tflite";
  const RunResult r = RunTinyforge(
      dir_, {"quantize", ModelPath("conv_fc_mnist"), "-o", from_images, "--calib", images, "--grayscale", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_TRUE(fs::exists(from_images));

  const std::string from_npy = dir_ + "/from_npy.tflite";
  const RunResult n =
      RunTinyforge(dir_, {"quantize", ModelPath("conv_fc_mnist"), "-o", from_npy, "--calib", dir_ + "/digits.npy", "-q"});
  ASSERT_EQ(n.status, 0) << n.err;
  EXPECT_TRUE(ReadFileBytes(from_images) == ReadFileBytes(from_npy))
      << "calibrating on the PNGs and on the same digits as .npy gave different models";
}

TEST_F(QuantizeImagesCli, ImagesAreFitToTheInputByDefaultAndExplicitMisfitsAreNamed) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  const std::string images = dir_ + "/rgb";
  fs::create_directories(images);
  std::vector<uint8_t> rgb(32 * 32 * 3);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>(i * 7 % 251);
  for (const char* name : {"a.png", "b.png", "c.png"}) {
    ASSERT_NE(stbi_write_png((images + "/" + name).c_str(), 32, 32, 3, rgb.data(), 32 * 3), 0);
  }
  // No flags: resized to the input's 28x28 and decoded gray (one channel),
  // exactly what the explicit flags give.
  const std::string implicit = dir_ + "/implicit.tflite", explicit_flags = dir_ + "/explicit.tflite";
  const RunResult fit = RunTinyforge(dir_, {"quantize", ModelPath("conv_fc_mnist"), "-o", implicit, "--calib", images, "-q"});
  ASSERT_EQ(fit.status, 0) << fit.err;
  const RunResult flags = RunTinyforge(dir_, {"quantize", ModelPath("conv_fc_mnist"), "-o", explicit_flags, "--calib",
                                              images, "--image-size", "28x28", "--grayscale", "-q"});
  ASSERT_EQ(flags.status, 0) << flags.err;
  EXPECT_EQ(ReadFileBytes(implicit), ReadFileBytes(explicit_flags));

  // A size given that does not fit: what the images gave, what the input
  // expects, and the flag that fixes it.
  const std::string out = dir_ + "/out.tflite";
  const RunResult r = RunTinyforge(
      dir_, {"quantize", ModelPath("conv_fc_mnist"), "-o", out, "--calib", images, "--image-size", "32"});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("tinyforge: " + images + ": the images give float32 [3,32,32,1]", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("[1,28,28,1] float32 expects [N,28,28,1]; pass --image-size 28x28"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(out));

  // A bad flag value is a usage error before any work.
  const RunResult s = RunTinyforge(
      dir_, {"quantize", ModelPath("conv_fc_mnist"), "-o", out, "--calib", images, "--grayscale", "--std", "0"});
  EXPECT_EQ(s.status, 2) << s.err;
  EXPECT_NE(s.err.find("--std"), std::string::npos) << s.err;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace tinyforge
