// `tinyforge pipeline` end to end on conv_fc_mnist: every artifact exists and
// is valid (models load and verify, JSON parses with its schema, the HTML is
// well-formed, the emitted sources hold the model), the reported int8
// accuracy is what an independent evaluation of the written model gives, and
// an exceeded budget stops before emitting.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/compare/evaluate.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "libconvert/data/npy.h"
#include "tests/cli/cli_util.h"
#include "tests/cli/xml_check.h"
#include "tests/mnist_data.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::Binary;
using testing::ModelPath;
using testing::ReadText;
using testing::RunResult;
using testing::RunTinyforge;

constexpr size_t kEvalSamples = 2000;

// Data files written once: 1000 calibration digits, the first 2000 eval
// digits and their labels.
struct PipelineData {
  std::string dir = testing::TempDir("pipeline_cli");
  std::string calib = dir + "/calib_f32.npy";
  std::string eval = dir + "/eval_f32.npy";
  std::string labels = dir + "/eval_labels.npy";

  PipelineData() {
    WriteNpy(calib, testing::MnistImagesF32("calib_images.npy"));
    WriteNpy(eval, testing::MnistImagesF32("eval_images.npy", kEvalSamples));
    const std::vector<int64_t> y = testing::MnistLabels("eval_labels.npy", kEvalSamples);
    NpyArray a = NpyArray::Zeros(DType::kInt64, {static_cast<int64_t>(y.size())});
    std::copy(y.begin(), y.end(), a.MutableView<int64_t>().begin());
    WriteNpy(labels, a);
  }
};

const PipelineData& Data() {
  static const auto* data = new PipelineData();
  return *data;
}

nlohmann::json ReadJson(const std::string& path) { return nlohmann::json::parse(ReadText(path)); }

TEST(PipelineCliTest, LeavesEveryArtifact) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const PipelineData& d = Data();
  const std::string out = d.dir + "/out";
  const RunResult r = RunTinyforge(d.dir, {"pipeline", ModelPath("conv_fc_mnist"), "--calib", d.calib, "--eval", d.eval,
                                           "--labels", d.labels, "--max-drop", "2", "--threads", "2", "--out-dir", out,
                                           "--name", "g_digits", "--namespace", "app::ml"});
  ASSERT_EQ(r.status, 0) << r.err << r.out;

  // The int8 model loads and verifies, takes int8 and was quantized from
  // the calibration table written beside it.
  const Model int8_model = LoadModel(out + "/model_int8.tflite");
  EXPECT_EQ(int8_model.tensor(0, int8_model.subgraph(0).inputs[0]).type, tflite::TensorType_INT8);
  const nlohmann::json calibration = ReadJson(out + "/calibration.json");
  EXPECT_EQ(calibration["schema"], "tinyforge.calibration/1");
  EXPECT_EQ(calibration["samples"], 1000);

  // The comparison's int8 accuracy is what the written model gives here.
  const nlohmann::json compare = ReadJson(out + "/compare.json");
  EXPECT_EQ(compare["schema"], "tinyforge.compare/2");
  EXPECT_EQ(compare["samples"], kEvalSamples);
  ModelInputArrays inputs;
  inputs.arrays.push_back(ConvertModelInput(int8_model, 0, ReadNpy(d.eval), d.eval, true));
  inputs.names.push_back(d.eval);
  const std::vector<int64_t> labels = ReadLabels(d.labels);
  const ClassifierResult eval = EvaluateClassifier(int8_model, ViewModelInputs(int8_model, inputs), labels, 2);
  EXPECT_EQ(compare["accuracy"]["candidate"]["correct"], eval.confusion.correct());
  EXPECT_LE(compare["accuracy"]["drop_points"].get<double>(), 2.0);
  EXPECT_EQ(compare["layers"].size(), 6u);
  EXPECT_EQ(testing::XmlChecker(ReadText(out + "/compare.html")).Check(), "");

  // Firmware sources: the array (16-byte aligned), its header and the
  // resolver with the model's five operators, named and placed as --name and
  // --namespace say.
  const std::string cc = ReadText(out + "/model_data.cc");
  EXPECT_NE(cc.find("alignas(16)"), std::string::npos);
  const std::string header = ReadText(out + "/model_data.h");
  EXPECT_NE(header.find("namespace app {\nnamespace ml {"), std::string::npos) << header;
  EXPECT_NE(header.find("extern const unsigned char g_digits[];"), std::string::npos) << header;
  const std::string resolver = ReadText(out + "/model_ops.h");
  EXPECT_NE(resolver.find("g_digits_op_resolver()"), std::string::npos) << resolver;
  for (const char* op : {"AddConv2D()", "AddAveragePool2D()", "AddReshape()", "AddFullyConnected()", "AddSoftmax()"}) {
    EXPECT_NE(resolver.find(op), std::string::npos) << op;
  }

  const nlohmann::json summary = ReadJson(out + "/pipeline.json");
  EXPECT_EQ(summary["schema"], "tinyforge.pipeline/1");
  EXPECT_EQ(summary["status"], "ok");
  EXPECT_TRUE(summary["prune"].is_null());
  EXPECT_FALSE(fs::exists(out + "/model_pruned.tflite"));
}

// With pruning, and a budget no model can meet (it must gain 50 points):
// exit 1 with one line, reports written, nothing emitted.
TEST(PipelineCliTest, PrunesAndStopsBeforeEmittingWhenOverBudget) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const PipelineData& d = Data();
  const std::string out = d.dir + "/over_budget";
  const RunResult r =
      RunTinyforge(d.dir, {"pipeline", ModelPath("conv_fc_mnist"), "--calib", d.calib, "--eval", d.eval, "--labels",
                           d.labels, "--sparsity", "0.5", "--max-drop", "-50", "--threads", "2", "--out-dir", out, "-q"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("--max-drop -50"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing emitted"), std::string::npos) << r.err;

  const Model pruned = LoadModel(out + "/model_pruned.tflite");
  const nlohmann::json prune_report = ReadJson(out + "/prune_report.json");
  EXPECT_EQ(prune_report["schema"], "tinyforge.prune/1");
  EXPECT_EQ(prune_report["target_sparsity"], 0.5);
  LoadModel(out + "/model_int8.tflite");
  EXPECT_EQ(ReadJson(out + "/compare.json")["checks"].size(), 1u);
  EXPECT_EQ(testing::XmlChecker(ReadText(out + "/compare.html")).Check(), "");
  EXPECT_FALSE(fs::exists(out + "/model_data.cc"));
  EXPECT_FALSE(fs::exists(out + "/model_data.h"));
  EXPECT_FALSE(fs::exists(out + "/model_ops.h"));
  EXPECT_NE(ReadJson(out + "/pipeline.json")["status"].get<std::string>().find("nothing emitted"), std::string::npos);

  // The drop is split at the pruned model: each accuracy is what the model
  // file gives when evaluated here, and the parts add up to the whole.
  const auto accuracy = [&](const Model& model) {
    ModelInputArrays inputs;
    inputs.arrays.push_back(ConvertModelInput(model, 0, ReadNpy(d.eval), d.eval, true));
    inputs.names.push_back(d.eval);
    return EvaluateClassifier(model, ViewModelInputs(model, inputs), ReadLabels(d.labels), 2).confusion.accuracy();
  };
  const nlohmann::json split = ReadJson(out + "/pipeline.json")["compare"]["accuracy"];
  EXPECT_DOUBLE_EQ(split["float"].get<double>(), accuracy(LoadModel(ModelPath("conv_fc_mnist"))));
  EXPECT_DOUBLE_EQ(split["pruned"].get<double>(), accuracy(pruned));
  EXPECT_DOUBLE_EQ(split["int8"].get<double>(), accuracy(LoadModel(out + "/model_int8.tflite")));
  EXPECT_NEAR(split["pruning_points"].get<double>() + split["quantization_points"].get<double>(),
              split["drop_points"].get<double>(), 1e-9);
  EXPECT_NE(r.err.find("(pruning "), std::string::npos) << r.err;
  // compare.json's layers measure quantization alone: against the pruned model.
  EXPECT_EQ(ReadJson(out + "/compare.json")["reference"], out + "/model_pruned.tflite");
}

TEST(PipelineCliTest, BadInputExitsTwoBeforeWritingAnything) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const PipelineData& d = Data();
  const std::string out = d.dir + "/never";
  const std::string m = ModelPath("conv_fc_mnist");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"pipeline", m, "--calib", d.calib, "--max-drop", "1", "--out-dir", out}, "--labels"},
      {{"pipeline", m, "--calib", d.calib, "--labels", d.labels, "--out-dir", out}, "--data"},
      {{"pipeline", m, "--calib", d.dir + "/missing.npy", "--out-dir", out}, "missing.npy"},
      {{"pipeline", m, "--calib", d.labels, "--out-dir", out}, "eval_labels.npy"},
      {{"pipeline", m, "--calib", d.calib, "--method", "median", "--out-dir", out}, "median"},
      {{"pipeline", m, "--calib", d.calib, "--name", "2fast", "--out-dir", out}, "--name '2fast'"},
      {{"pipeline", m, "--calib", d.calib, "--namespace", "app::class", "--out-dir", out}, "--namespace"},
  };
  for (const auto& [args, needle] : cases) {
    const RunResult r = RunTinyforge(d.dir, args);
    EXPECT_EQ(r.status, 2) << needle << ": " << r.err;
    EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << needle;
  }
}

// A stage that fails after others have written their files takes them
// all with it (a command writes all its outputs or none), and prints its
// one error line and no warning: here compare.html is a folder holding a
// user's file, so writing the report fails after the pruned, calibrated
// and quantized models and compare.json were written. The user's file stays.
TEST(PipelineCliTest, AFailedStageLeavesNoArtifact) {
  TF_REQUIRE_BINARY();
  const std::string data = std::string(TINYFORGE_SOURCE_DIR) + "/testdata/shapes/";
  const std::string work = testing::TempDir("pipeline_failed_stage"), out = work + "/out";
  fs::create_directories(out + "/compare.html");
  std::ofstream(out + "/compare.html/keep.txt") << "the user's";
  // --data is the calibration data: the pipeline would warn about that.
  const RunResult r = RunTinyforge(work, {"pipeline", data + "shapes_float.tflite", "--calib", data + "calib.npy",
                                          "--data", data + "calib.npy", "--sparsity", "0.5", "-q", "--out-dir", out});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("compare.html"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(out)) left.push_back(entry.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"compare.html"});
  EXPECT_EQ(ReadText(out + "/compare.html/keep.txt"), "the user's");
}

// An input where an artifact goes (rerunning on an earlier run's output)
// is refused before any work, and a failed stage's clean-up cannot take it.
TEST(PipelineCliTest, RefusesToReplaceAnInputWithAnArtifact) {
  TF_REQUIRE_BINARY();
  const std::string data = std::string(TINYFORGE_SOURCE_DIR) + "/testdata/shapes/";
  const std::string work = testing::TempDir("pipeline_input_artifact"), out = work + "/out";
  fs::create_directories(out);
  fs::copy_file(data + "shapes_float.tflite", out + "/model_pruned.tflite");
  const RunResult r = RunTinyforge(work, {"pipeline", out + "/model_pruned.tflite", "--calib", data + "calib.npy",
                                          "-q", "--out-dir", out});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("refusing to overwrite the input"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(out + "/model_pruned.tflite"));
  EXPECT_FALSE(fs::exists(out + "/calibration.json"));
}

// --board: the int8 model is checked against the board after emitting (the
// sources are the user's to keep either way); a budget too small exits 1
// and pipeline.json says so; bad board flags fail before any work.
TEST(PipelineCliTest, BoardCheckAfterEmitting) {
  TF_REQUIRE_BINARY();
  const std::string data = std::string(TINYFORGE_SOURCE_DIR) + "/testdata/shapes/";
  const std::string dir = testing::TempDir("pipeline_board");
  const std::vector<std::string> base = {"pipeline", data + "shapes_float.tflite", "--calib", data + "calib.npy",
                                         "-q", "--threads", "2"};
  auto args = base;
  args.insert(args.end(), {"--out-dir", dir + "/fits", "--board", "pico"});
  const RunResult fits = RunTinyforge(dir, args);
  EXPECT_EQ(fits.status, 0) << fits.err;
  EXPECT_EQ(ReadJson(dir + "/fits/pipeline.json")["status"], "ok");

  args = base;
  args.insert(args.end(), {"--out-dir", dir + "/small", "--ram", "1K", "--flash", "1M"});
  const RunResult small = RunTinyforge(dir, args);
  EXPECT_EQ(small.status, 1) << small.err;
  EXPECT_EQ(testing::CountLines(small.err), 1u) << small.err;
  EXPECT_NE(small.err.find("RAM"), std::string::npos) << small.err;
  const nlohmann::json summary = ReadJson(dir + "/small/pipeline.json");
  EXPECT_EQ(summary["status"], "does not fit the board");
  EXPECT_TRUE(summary.contains("board_fit"));
  EXPECT_TRUE(fs::exists(dir + "/small/model_data.cc"));

  args = base;
  args.insert(args.end(), {"--out-dir", dir + "/never", "--board", "arduino-uno"});
  const RunResult bad = RunTinyforge(dir, args);
  EXPECT_EQ(bad.status, 2) << bad.err;
  EXPECT_NE(bad.err.find("nano33ble"), std::string::npos) << bad.err;  // the known boards listed
  EXPECT_FALSE(fs::exists(dir + "/never"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge
