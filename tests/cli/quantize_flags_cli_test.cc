// `tinyforge quantize` flags end to end: --per-channel-fc writes the spec's
// layout, --random calibrates without data, --eval reports on its own data,
// and image preprocessing (--scale, --mean, --std) reaches the calibration.
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/data/npy.h"
#include "libconvert/model/model_io.h"
#include "tests/cli/cli_util.h"
#include "tests/quantize/hostile_fc_model.h"

namespace tinyforge::testing {
namespace {

std::string Calib() { return SharedDir() + "/data/mnist/calib_images_f32.npy"; }

// For every FULLY_CONNECTED: weights' scales and zero points as `per_channel`
// asks (spec: symmetric int8, zero point 0; per channel on axis 0, one scale
// per output row), and the int32 bias scale = input scale x weight scale.
void ExpectFcLayout(const Model& model, bool per_channel) {
  int fcs = 0;
  int biased = 0;
  for (const auto& op : model.subgraph(0).operators) {
    if (model.OpCode(*op) != tflite::BuiltinOperator_FULLY_CONNECTED) continue;
    ++fcs;
    const tflite::TensorT& in = model.tensor(0, op->inputs[0]);
    const tflite::TensorT& w = model.tensor(0, op->inputs[1]);
    ASSERT_EQ(w.type, tflite::TensorType_INT8);
    const size_t rows = static_cast<size_t>(w.shape[0]);
    const auto& ws = w.quantization->scale;
    ASSERT_EQ(ws.size(), per_channel ? rows : 1u);
    for (const int64_t zp : w.quantization->zero_point) EXPECT_EQ(zp, 0);
    if (per_channel) {
      EXPECT_EQ(w.quantization->quantized_dimension, 0);
    }
    if (op->inputs.size() > 2 && op->inputs[2] >= 0) {  // the bias is optional
      const tflite::TensorT& b = model.tensor(0, op->inputs[2]);
      ASSERT_EQ(b.type, tflite::TensorType_INT32);
      const auto& bs = b.quantization->scale;
      ASSERT_EQ(bs.size(), ws.size());
      for (size_t c = 0; c < bs.size(); ++c) {
        EXPECT_FLOAT_EQ(bs[c], in.quantization->scale[0] * ws[c]) << "bias channel " << c;
      }
      ++biased;
    }
    // Each channel's largest weight uses the full range (symmetric max/127).
    const Span<const int8_t> q = model.ConstantValues<int8_t>(w);
    const size_t cols = q.size() / rows;
    for (size_t r = 0; r < (per_channel ? rows : 0); ++r) {
      int largest = 0;
      for (size_t c = 0; c < cols; ++c) largest = std::max(largest, std::abs(int{q[r * cols + c]}));
      EXPECT_EQ(largest, 127) << "row " << r;
    }
  }
  EXPECT_EQ(fcs, 2);
  EXPECT_GE(biased, 1);
}

TEST(QuantizeFlagsCli, PerChannelFcWritesTheSpecLayout) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("quantize_pcfc");
  for (const bool per_channel : {false, true}) {
    std::vector<std::string> args = {"quantize", ModelPath("conv_fc_mnist"), "-o", dir + "/q.tflite",
                                     "--calib", Calib(), "-n", "64", "-q"};
    if (per_channel) args.push_back("--per-channel-fc");
    const RunResult r = RunTinyforge(dir, args);
    ASSERT_EQ(r.status, 0) << r.err;
    ExpectFcLayout(LoadModel(dir + "/q.tflite"), per_channel);
  }
}

TEST(QuantizeFlagsCli, RandomCalibratesAnIntegerModelWithoutData) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("quantize_random");
  const RunResult r = RunTinyforge(dir, {"quantize", ModelPath("conv_fc_mnist"), "-o", dir + "/q.tflite", "--random",
                                         "16", "--calibration-out", dir + "/table.json", "--strict", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  const Model q = LoadModel(dir + "/q.tflite");
  EXPECT_EQ(q.tensor(0, q.subgraph(0).inputs[0]).type, tflite::TensorType_INT8);
  const auto table = nlohmann::json::parse(ReadText(dir + "/table.json"));
  EXPECT_EQ(table["samples"], 16);
  // Uniform noise in [-1, 1]: the input's observed range lies inside it.
  for (const auto& t : table["tensors"]) {
    if (t["index"] != q.subgraph(0).inputs[0]) continue;
    EXPECT_GE(t["observed_min"].get<double>(), -1.0);
    EXPECT_LE(t["observed_max"].get<double>(), 1.0);
    EXPECT_LT(t["observed_min"].get<double>(), -0.5);
    EXPECT_GT(t["observed_max"].get<double>(), 0.5);
  }
}

TEST(QuantizeFlagsCli, EvalReportsOnItsOwnData) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("quantize_eval");
  NpyArray eval = ReadNpy(SharedDir() + "/data/mnist/eval_images_f32_first1000.npy");
  eval.shape[0] = 100;
  eval.data.resize(100 * 28 * 28 * sizeof(float));
  WriteNpy(dir + "/eval.npy", eval);
  const RunResult r = RunTinyforge(dir, {"quantize", ModelPath("conv_fc_mnist"), "-o", dir + "/q.tflite", "--calib",
                                         Calib(), "-n", "32", "--eval", dir + "/eval.npy", "--report",
                                         dir + "/report.json", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto report = nlohmann::json::parse(ReadText(dir + "/report.json"));
  EXPECT_EQ(report["calibration"]["samples"], 32);
  EXPECT_EQ(report["comparison"]["samples"], 100);
}

// --int16-layers in the model and the recipe, and the report's flags with
// what they suggest measured on --data: one trial per change, the "keep it
// float" trial's output cosine the one `tinyforge compare` gives that
// configuration on its own. About 0.3 s.
TEST(QuantizeFlagsCli, Int16LayersAndTheFlagsSuggestionsMeasured) {
  TF_REQUIRE_BINARY();
  const std::string dir = TempDir("quantize_int16_layers");
  const std::string model = dir + "/hostile.tflite";
  SaveModel(HostileModel(), model);
  WriteNpy(dir + "/x.npy", UniformSamples(kHostileSamples, {1, kHostileIn}));
  const std::vector<std::string> common = {"quantize", model, "--calib", dir + "/x.npy", "--data", dir + "/x.npy"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = common;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const RunResult r = RunTinyforge(dir, with({"-o", dir + "/q.tflite", "--int16-layers", "^hidden$", "--report",
                                              dir + "/report.json", "--recipe-out", dir + "/recipe.json"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("the flags' suggestions, measured on --data"), std::string::npos) << r.out;
  const Model q = LoadModel(dir + "/q.tflite");
  std::vector<tflite::TensorType> fc_outputs;
  for (const auto& op : q.subgraph(0).operators) {
    if (q.OpCode(*op) == tflite::BuiltinOperator_FULLY_CONNECTED) fc_outputs.push_back(q.tensor(0, op->outputs[0]).type);
  }
  EXPECT_EQ(fc_outputs, (std::vector<tflite::TensorType>{tflite::TensorType_INT16, tflite::TensorType_INT8}));

  const auto report = nlohmann::json::parse(ReadText(dir + "/report.json"));
  EXPECT_EQ(report["recipe"]["int16_layers"], nlohmann::json::array({"^hidden$"}));
  std::vector<std::string> changes;
  for (const auto& t : report["suggestions_measured"]) changes.push_back(t["change"]);
  EXPECT_EQ(changes, (std::vector<std::string>{"as given", "per-channel weights for 'logits'",
                                               "int16 activations (16x8) for 'logits'", "keep 'logits' float"}));

  ASSERT_EQ(RunTinyforge(dir, with({"-o", dir + "/kept.tflite", "--int16-layers", "^hidden$", "--keep-float",
                                    "^logits$", "-q"})).status, 0);
  ASSERT_EQ(RunTinyforge(dir, {"compare", model, dir + "/kept.tflite", "--data", dir + "/x.npy", "--report",
                               dir + "/kept.json", "-q"}).status, 0);
  const auto kept = nlohmann::json::parse(ReadText(dir + "/kept.json"));
  EXPECT_NEAR(report["suggestions_measured"][3]["min_cosine"].get<double>(),
              kept["outputs"][0]["error"]["cosine"].get<double>(), 1e-12);

  // The recipe gives the same model back.
  ASSERT_EQ(RunTinyforge(dir, with({"-o", dir + "/again.tflite", "--recipe-in", dir + "/recipe.json", "-q"})).status, 0);
  EXPECT_EQ(ReadText(dir + "/again.tflite"), ReadText(dir + "/q.tflite"));
}

// --bias-correct: the report says which layers were corrected (conv_fc_mnist:
// the conv and the first dense layer; the last dense layer has no bias), the
// model differs from the uncorrected one only in its biases, and a table
// without samples is refused before any work.
TEST(QuantizeFlagsCli, BiasCorrectShiftsOnlyTheBiases) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("quantize_bias_correct");
  const std::vector<std::string> common = {"quantize", ModelPath("conv_fc_mnist"), "--calib", Calib(), "-n", "64", "-q"};
  std::vector<std::string> plain = common, corrected = common;
  plain.insert(plain.end(), {"-o", dir + "/plain.tflite", "--calibration-out", dir + "/table.json"});
  corrected.insert(corrected.end(), {"-o", dir + "/corrected.tflite", "--bias-correct", "--report", dir + "/r.json"});
  ASSERT_EQ(RunTinyforge(dir, plain).status, 0);
  const RunResult r = RunTinyforge(dir, corrected);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto report = nlohmann::json::parse(ReadText(dir + "/r.json"));
  EXPECT_EQ(report["bias_correction"]["layers"], 2);
  EXPECT_EQ(report["bias_correction"]["without_bias"], 1);
  const Model a = LoadModel(dir + "/plain.tflite"), b = LoadModel(dir + "/corrected.tflite");
  ASSERT_EQ(a.subgraph(0).tensors.size(), b.subgraph(0).tensors.size());
  size_t biases_changed = 0;
  for (size_t t = 0; t < a.subgraph(0).tensors.size(); ++t) {
    const tflite::TensorT& ta = a.tensor(0, static_cast<int>(t));
    const tflite::TensorT& tb = b.tensor(0, static_cast<int>(t));
    if (!a.IsConstant(ta)) continue;
    const Span<const uint8_t> x = a.ConstantBytes(ta), y = b.ConstantBytes(tb);
    const bool same = x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin());
    if (ta.type == tflite::TensorType_INT32) {
      biases_changed += same ? 0 : 1;
    } else {
      EXPECT_TRUE(same) << ta.name;  // weights untouched
    }
  }
  EXPECT_EQ(biases_changed, 2u);
  const RunResult refused = RunTinyforge(dir, {"quantize", ModelPath("conv_fc_mnist"), "-o", dir + "/x.tflite",
                                              "--calibration-in", dir + "/table.json", "--bias-correct"});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("--bias-correct needs --calib"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.tflite"));
}

// Pixels p in 0..255 become (p * scale - mean) / std: with scale 1/255,
// mean 0.5 and std 0.5 a digit's black background is -1 and its brightest
// stroke +1, so the calibrated input range is exactly [-1, 1].
TEST(QuantizeFlagsCli, ImagePreprocessingReachesTheCalibration) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("quantize_preprocess");
  const NpyArray digits = ReadNpy(SharedDir() + "/data/mnist/calib_images.npy");  // uint8 [N,28,28]
  std::filesystem::create_directories(dir + "/digits");
  int darkest = 255, brightest = 0;
  for (int i = 0; i < 8; ++i) {
    const uint8_t* digit = digits.View<uint8_t>().data() + i * 28 * 28;
    for (int e = 0; e < 28 * 28; ++e) {
      darkest = std::min<int>(darkest, digit[e]);
      brightest = std::max<int>(brightest, digit[e]);
    }
    const std::string name = dir + "/digits/" + std::to_string(i) + ".png";
    ASSERT_NE(stbi_write_png(name.c_str(), 28, 28, 1, digit, 28), 0);
  }
  const RunResult r = RunTinyforge(
      dir, {"quantize", ModelPath("conv_fc_mnist"), "-o", dir + "/q.tflite", "--calib", dir + "/digits",
            "--grayscale", "--scale", "0.00392156862745098", "--mean", "0.5", "--std", "0.5", "--calibration-out",
            dir + "/table.json", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  const Model model = LoadModel(ModelPath("conv_fc_mnist"));
  const auto table = nlohmann::json::parse(ReadText(dir + "/table.json"));
  bool found = false;
  for (const auto& t : table["tensors"]) {
    if (t["index"] != model.subgraph(0).inputs[0]) continue;
    found = true;
    EXPECT_NEAR(t["observed_min"].get<double>(), (darkest / 255.0 - 0.5) / 0.5, 1e-6);
    EXPECT_NEAR(t["observed_max"].get<double>(), (brightest / 255.0 - 0.5) / 0.5, 1e-6);
  }
  EXPECT_TRUE(found) << table.dump();
}

}  // namespace
}  // namespace tinyforge::testing
