// uint8 .npy + --scale 1/255 through every command that reads samples: the
// digits exactly as the shared corpus ships them (uint8 [N,28,28]) must give
// what the corpus's float32 digits prepared by hand (uint8 / 255.0 in
// float64, ../shared/README.md) give: the same output bytes (run), the same
// compare report, the same quantized model (quantize, pipeline), the same
// accuracies (prune).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

// The first n rows of a shared uint8 array, shape as shipped.
NpyArray FirstRows(const std::string& file, int64_t n) {
  const NpyArray all = ReadNpy(testing::SharedDir() + "/data/mnist/" + file);
  std::vector<int64_t> shape = all.shape;
  shape[0] = n;
  NpyArray out = NpyArray::Zeros(all.dtype, shape);
  std::copy(all.data.begin(), all.data.begin() + static_cast<std::ptrdiff_t>(out.data.size()), out.data.begin());
  return out;
}

class NpyScaleCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::HaveShared() || !fs::exists(testing::Binary())) return;
    dir_ = new std::string(testing::TempDir("npy_scale_cli"));
    const NpyArray u8 = FirstRows("eval_images.npy", kEvalF32Digits);
    ASSERT_EQ(u8.dtype, DType::kUInt8);
    ASSERT_EQ(u8.shape, (std::vector<int64_t>{kEvalF32Digits, 28, 28}));
    WriteNpy(U8(), u8);
    WriteNpy(Labels(), FirstRows("eval_labels.npy", kEvalF32Digits));
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) fs::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }
  static std::string Dir() { return *dir_; }
  static std::string U8() { return *dir_ + "/eval_u8.npy"; }
  static std::string Labels() { return *dir_ + "/eval_labels_1000.npy"; }
  static std::string F32() { return testing::SharedDir() + "/data/mnist/eval_images_f32_first1000.npy"; }
  static std::string Float() { return ModelPath("conv_fc_mnist"); }
  static std::string Int8() { return ModelPath("conv_fc_mnist_srq_a8w8"); }

  static RunResult Ok(const std::vector<std::string>& args) {
    const RunResult r = RunTinyforge(Dir(), args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r;
  }

 private:
  static std::string* dir_;
};
std::string* NpyScaleCli::dir_ = nullptr;

TEST_F(NpyScaleCli, RunGivesTheSameOutputBytes) {
  TF_REQUIRE_BINARY_AND_SHARED();
  Ok({"run", Float(), "--input", F32(), "-o", Dir() + "/run_f32", "-q"});
  Ok({"run", Float(), "--input", U8(), "--scale", "1/255", "-o", Dir() + "/run_u8", "-q"});
  const NpyArray want = ReadNpy(Dir() + "/run_f32/output_0.npy");
  EXPECT_EQ(want.shape, (std::vector<int64_t>{kEvalF32Digits, 1, 10}));
  EXPECT_EQ(ReadNpy(Dir() + "/run_u8/output_0.npy").data, want.data);

  // The int8 model: quantized with its input's scale and zero point alike.
  Ok({"run", Int8(), "--input", F32(), "--quantize-inputs", "-o", Dir() + "/run8_f32", "-q"});
  Ok({"run", Int8(), "--input", U8(), "--scale", "1/255", "--quantize-inputs", "-o", Dir() + "/run8_u8", "-q"});
  EXPECT_EQ(ReadNpy(Dir() + "/run8_u8/output_0.npy").data, ReadNpy(Dir() + "/run8_f32/output_0.npy").data);

  // Without --scale the uint8 values reach the float model as 0..255: other
  // outputs (the README's 84.7% case), not an error.
  Ok({"run", Float(), "--input", U8(), "-o", Dir() + "/run_raw", "-q"});
  EXPECT_NE(ReadNpy(Dir() + "/run_raw/output_0.npy").data, want.data);
}

TEST_F(NpyScaleCli, CompareGivesTheSameReport) {
  TF_REQUIRE_BINARY_AND_SHARED();
  Ok({"compare", Float(), Int8(), "--data", F32(), "--labels", Labels(), "--report", Dir() + "/cmp_f32.json", "-q"});
  Ok({"compare", Float(), Int8(), "--data", U8(), "--scale", "1/255", "--labels", Labels(), "--report",
      Dir() + "/cmp_u8.json", "-q"});
  nlohmann::json want = nlohmann::json::parse(ReadText(Dir() + "/cmp_f32.json"));
  nlohmann::json got = nlohmann::json::parse(ReadText(Dir() + "/cmp_u8.json"));
  EXPECT_EQ(want["samples"], kEvalF32Digits);
  EXPECT_GT(want["accuracy"]["reference"]["correct"].get<int>(), 950);  // [0,1] inputs: ~97%
  // The reports record the flags; everything else is the same.
  EXPECT_TRUE(want["data"]["scale"].is_null());
  EXPECT_EQ(got["data"]["scale"], "1/255");
  want.erase("data");
  got.erase("data");
  EXPECT_EQ(got, want);
}

TEST_F(NpyScaleCli, QuantizeGivesTheSameModel) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string calib_f32 = testing::SharedDir() + "/data/mnist/calib_images_f32.npy";
  const std::string calib_u8 = testing::SharedDir() + "/data/mnist/calib_images.npy";  // uint8 [1000,28,28]
  Ok({"quantize", Float(), "-o", Dir() + "/q_f32.tflite", "--calib", calib_f32, "-n", "300", "-q"});
  Ok({"quantize", Float(), "-o", Dir() + "/q_u8.tflite", "--calib", calib_u8, "--scale", "1/255", "-n", "300", "-q"});
  const std::string want = ReadText(Dir() + "/q_f32.tflite");
  ASSERT_FALSE(want.empty());
  EXPECT_TRUE(ReadText(Dir() + "/q_u8.tflite") == want) << "--scale 1/255 on uint8 calibration data changed the model";
  // Without --scale, the 0..255 ranges calibrate another model: --scale is not ignored.
  Ok({"quantize", Float(), "-o", Dir() + "/q_raw.tflite", "--calib", calib_u8, "-n", "300", "-q"});
  EXPECT_FALSE(ReadText(Dir() + "/q_raw.tflite") == want);
}

TEST_F(NpyScaleCli, PruneGivesTheSameAccuracy) {
  TF_REQUIRE_BINARY_AND_SHARED();
  Ok({"prune", Float(), "-o", Dir() + "/p_f32.tflite", "--sparsity", "0.5", "--data", F32(), "--labels", Labels(),
      "--report", Dir() + "/p_f32.json", "-q"});
  Ok({"prune", Float(), "-o", Dir() + "/p_u8.tflite", "--sparsity", "0.5", "--data", U8(), "--scale", "1/255",
      "--labels", Labels(), "--report", Dir() + "/p_u8.json", "-q"});
  const nlohmann::json want = nlohmann::json::parse(ReadText(Dir() + "/p_f32.json"));
  ASSERT_TRUE(want.contains("accuracy")) << want.dump(1);
  EXPECT_GT(want["accuracy"]["before"].get<double>(), 0.95);
  EXPECT_EQ(nlohmann::json::parse(ReadText(Dir() + "/p_u8.json"))["accuracy"], want["accuracy"]);
}

TEST_F(NpyScaleCli, PipelineGivesTheSameModelAndReport) {
  TF_REQUIRE_BINARY_AND_SHARED();
  Ok({"pipeline", Float(), "--calib", F32(), "--eval", F32(), "--labels", Labels(), "-o", Dir() + "/pipe_f32", "-q"});
  Ok({"pipeline", Float(), "--calib", U8(), "--eval", U8(), "--labels", Labels(), "--scale", "1/255", "-o",
      Dir() + "/pipe_u8", "-q"});
  const std::string model = ReadText(Dir() + "/pipe_f32/model_int8.tflite");
  ASSERT_FALSE(model.empty());
  EXPECT_TRUE(ReadText(Dir() + "/pipe_u8/model_int8.tflite") == model);
  nlohmann::json want = nlohmann::json::parse(ReadText(Dir() + "/pipe_f32/compare.json"));
  nlohmann::json got = nlohmann::json::parse(ReadText(Dir() + "/pipe_u8/compare.json"));
  EXPECT_EQ(want["accuracy"]["reference"]["total"], kEvalF32Digits);
  want.erase("candidate");  // each run's own model_int8.tflite path
  got.erase("candidate");
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace tinyforge
