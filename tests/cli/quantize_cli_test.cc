// `tinyforge quantize` end to end: the model, the calibration table and the
// report it writes, reuse of a table, and bad input refused with one line
// and nothing written.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "libconvert/model/model_io.h"
#include "libconvert/data/npy.h"
#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::ModelPath;
using testing::RunTinyforge;
using testing::SharedDir;

std::string Calib() { return SharedDir() + "/data/mnist/calib_images_f32.npy"; }

TEST(QuantizeCli, WritesModelTableAndReportAndReusesTheTable) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = testing::TempDir("quantize_cli");
  const auto r = RunTinyforge(dir, {"quantize", ModelPath("conv_fc_mnist"), "-o", dir + "/q.tflite", "--calib", Calib(),
                                    "--samples", "300", "--calibration-out", dir + "/table.json", "--report",
                                    dir + "/report.json", "-j", "2"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NO_THROW(LoadModel(dir + "/q.tflite"));
  // The printed report names layers and the size change.
  EXPECT_NE(r.out.find("CONV_2D"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("size: "), std::string::npos) << r.out;
  const nlohmann::json report = nlohmann::json::parse(testing::ReadText(dir + "/report.json"));
  EXPECT_EQ(report["schema"], "tinyforge.quantize/1");
  EXPECT_EQ(report["calibration"]["samples"], 300);
  EXPECT_LT(report["size_bytes"]["after"].get<double>(), 0.3 * report["size_bytes"]["before"].get<double>());
  ASSERT_FALSE(report["comparison"]["layers"].empty());
  for (const auto& layer : report["comparison"]["layers"]) {
    EXPECT_TRUE(layer["isolated"].contains("rmse_steps")) << layer.dump();
    EXPECT_TRUE(layer["accumulated"].contains("rmse_steps")) << layer.dump();
  }
  // The isolated flags on a healthy model: none (measured; the issue allows one).
  EXPECT_NE(r.out.find("flagged: 0 of 6 layers"), std::string::npos) << r.out;

  // The same table gives the same bytes without calibrating again.
  const auto again = RunTinyforge(dir, {"quantize", ModelPath("conv_fc_mnist"), "-o", dir + "/q2.tflite",
                                        "--calibration-in", dir + "/table.json", "-q"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(testing::ReadText(dir + "/q.tflite"), testing::ReadText(dir + "/q2.tflite"));
  fs::remove_all(dir);
}

TEST(QuantizeCli, BadInputIsOneLineAndWritesNothing) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = testing::TempDir("quantize_cli_bad");
  // Data with a NaN in sample 2.
  NpyArray nan = ReadNpy(Calib());
  nan.MutableView<float>()[2 * 784 + 5] = std::nanf("");
  WriteNpy(dir + "/nan.npy", nan);
  // Data of the wrong shape.
  WriteNpy(dir + "/wrong.npy", NpyArray::Zeros(DType::kFloat32, {10, 32, 32, 3}));
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::string model = ModelPath("conv_fc_mnist");
  const std::string out = dir + "/out.tflite";
  for (const Case& c : std::vector<Case>{
           {{"quantize", model, "-o", out}, "give exactly one of --calib"},
           {{"quantize", model, "-o", out, "--calib", dir + "/nan.npy"}, "sample 2"},
           {{"quantize", model, "-o", out, "--calib", dir + "/wrong.npy"}, "[10,32,32,3]"},
           {{"quantize", model, "-o", out, "--calib", Calib(), "--method", "median"}, "--method"},
           {{"quantize", model, "-o", out, "--calib", Calib(), "--io", "int4"}, "--io"},
           {{"quantize", model, "-o", out, "--calib", Calib(), "--keep-float", "[x"}, "--keep-float"},
           {{"quantize", model, "-o", out, "--calibration-in", model}, "not valid JSON"},
       }) {
    const auto r = RunTinyforge(dir, c.args);
    EXPECT_EQ(r.status, 2) << c.says << ": " << r.err;
    EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.says;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge
