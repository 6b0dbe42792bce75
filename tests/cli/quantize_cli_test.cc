// `tinyforge quantize` end to end: the model, the calibration table and the
// report it writes, reuse of a table, and bad input refused with one line
// and nothing written.
#include <gtest/gtest.h>

#include <algorithm>
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
           {{"quantize", model, "-o", out, "--calib", Calib(), "--max-drop", "1"}, "--max-drop needs labels"},
           {{"quantize", model, "-o", out, "--calib", Calib(), "--recipe-in", model}, "not valid JSON"},
           {{"quantize", model, "-o", out, "--calib", Calib(), "--recipe-in", model, "--keep-float", "x"},
            "--recipe-in sets the precision"},
       }) {
    const auto r = RunTinyforge(dir, c.args);
    EXPECT_EQ(r.status, 2) << c.says << ": " << r.err;
    EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.says;
  }
  fs::remove_all(dir);
}

// --max-drop/--min-cosine: the search's table, the recipe, exit 0 when the
// budget holds and exit 1 (outputs still written, one "tinyforge:" line per
// missed threshold) when no configuration meets it. An unreachable cosine
// budget makes the search try every change, so the evaluation data is cut to
// 40 samples: about 5 s.
TEST(QuantizeCli, AccuracyBudgetSearchesAndWritesARecipe) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = testing::TempDir("quantize_cli_budget");
  const NpyArray images = ReadNpy(SharedDir() + "/data/mnist/eval_images_f32_first1000.npy");
  const NpyArray labels = ReadNpy(SharedDir() + "/data/mnist/eval_labels.npy");
  NpyArray eval = NpyArray::Zeros(images.dtype, {40, 28, 28, 1});
  std::copy_n(images.data.begin(), eval.data.size(), eval.data.begin());
  NpyArray eval_labels = NpyArray::Zeros(labels.dtype, {40});
  std::copy_n(labels.data.begin(), eval_labels.data.size(), eval_labels.data.begin());
  WriteNpy(dir + "/x.npy", eval);
  WriteNpy(dir + "/y.npy", eval_labels);
  const std::vector<std::string> base = {"quantize", ModelPath("conv_fc_mnist"), "--calib", Calib(), "-n", "200",
                                         "--eval", dir + "/x.npy", "-j", "2"};

  auto args = base;
  args.insert(args.end(), {"-o", dir + "/met.tflite", "--labels", dir + "/y.npy", "--max-drop", "5",
                           "--recipe-out", dir + "/met.json"});
  const auto met = RunTinyforge(dir, args);
  ASSERT_EQ(met.status, 0) << met.err;
  EXPECT_NE(met.out.find("precision search (budget met)"), std::string::npos) << met.out;
  const nlohmann::json recipe = nlohmann::json::parse(testing::ReadText(dir + "/met.json"));
  EXPECT_EQ(recipe["schema"], "tinyforge.recipe/1");
  EXPECT_TRUE(recipe["keep_float"].empty()) << recipe.dump();  // plain int8 meets 5 points

  args = base;
  args.insert(args.end(), {"-o", dir + "/missed.tflite", "--min-cosine", "1.0000001", "--recipe-out",
                           dir + "/missed.json", "--report", dir + "/report.json"});
  const auto missed = RunTinyforge(dir, args);
  EXPECT_EQ(missed.status, 1) << missed.err;
  EXPECT_NE(missed.err.find("tinyforge: no configuration tried meets the budget"), std::string::npos) << missed.err;
  EXPECT_NE(missed.err.find("\ntinyforge: "), std::string::npos) << missed.err;  // the missed cosine, its own line
  EXPECT_EQ(missed.err.find("\\x0a"), std::string::npos) << missed.err;
  EXPECT_NO_THROW(LoadModel(dir + "/missed.tflite"));
  const nlohmann::json report = nlohmann::json::parse(testing::ReadText(dir + "/report.json"));
  EXPECT_FALSE(report["search"]["met"].get<bool>());
  EXPECT_GT(report["search"]["trials"].size(), 2u);
  // Its recipe, given back, reproduces the written model.
  args = {"quantize", ModelPath("conv_fc_mnist"), "--calib", Calib(), "-n", "200", "-q", "-o", dir + "/again.tflite",
          "--recipe-in", dir + "/missed.json"};
  const auto again = RunTinyforge(dir, args);
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(testing::ReadText(dir + "/again.tflite"), testing::ReadText(dir + "/missed.tflite"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge
