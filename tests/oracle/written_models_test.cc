// The models tinyforge writes, run by the real TFLM: quantize (every float
// corpus model TFLM runs, int8 io; conv_fc_mnist also with uint8 and float io,
// per-channel FULLY_CONNECTED, 16x8 and an op kept float), prune, the rewrite
// passes and the pipeline's model. For each:
//   - TFLM (x86-64) gives exactly tinyforge's integer bits (floats within
//     1e-5) on seeded random inputs, and reports the arena_used_bytes we
//     estimate;
//   - TFLM runs it with the estimated --target host arena, and the smallest
//     arena it runs with (bisected with TFLM_ARENA_BYTES) is never above the
//     estimate. The table printed says how close the estimate is.
// On a sample of three, the Cortex-M4 build (QEMU) gives the same integer
// bits with exactly the estimated --target cortex-m4 arena.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/rewrite.h"
#include "libconvert/summary/model_summary.h"
#include "libconvert/tflm/arena.h"
#include "prune/pruner.h"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"
#include "tests/cli/cli_util.h"
#include "tests/oracle/oracle_util.h"

namespace tinyforge::testing {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kWrittenSeed = 20250119;
constexpr size_t kSamples = 3;

struct WrittenModel {
  WrittenModel(std::string n, Model m, bool m4 = false, std::vector<uint8_t> b = {})
      : name(std::move(n)), model(std::move(m)), on_m4(m4), bytes(std::move(b)) {}

  std::string name;
  Model model;
  bool on_m4;                  // also run on the Cortex-M4 (QEMU): a small sample, for CI time
  std::vector<uint8_t> bytes;  // the file exactly as written; empty: as SaveModel writes it
};

// Every float model of the corpus whose inputs are all float and that TFLM runs.
std::vector<std::string> FloatCorpusModels() {
  std::vector<std::string> names;
  std::ifstream in(SharedDir() + "/models/MANIFEST.json");
  const nlohmann::json manifest = nlohmann::json::parse(in);
  for (const auto& entry : manifest.at("models")) {
    const std::string kind = entry.at("kind");
    if (kind != "float" && kind != "twin-made-here") continue;
    bool float_inputs = true;
    for (const auto& input : entry.at("inputs")) float_inputs &= input.at("type") == "FLOAT32";
    const std::string name = fs::path(entry.at("name").get<std::string>()).stem().string();
    if (float_inputs && Summarize(LoadModel(ModelPath(name))).TflmRunsIt()) names.push_back(name);
  }
  return names;
}

Model Quantized(const Model& float_model, const quantize::QuantizeOptions& options) {
  ModelInputArrays calib;
  // Positive, so that SQRT, RSQRT and LOG calibrate to finite ranges.
  calib.arrays = RandomInputs(float_model, kWrittenSeed, 16, /*float_min=*/0.01f);
  calib.names.assign(calib.arrays.size(), "random calibration");
  quantize::CalibrationOptions c;
  c.threads = 1;
  const quantize::CalibrationTable table = quantize::Calibrate(float_model, ViewModelInputs(float_model, calib), c);
  return quantize::QuantizeModel(float_model, table, options).model;
}

// The rewrite's bytes, as `tinyforge rewrite` writes them.
WrittenModel Rewritten(const std::string& name, const Model& model, void (*set)(RewriteOptions&)) {
  RewriteOptions options;
  set(options);
  RewriteResult result = Rewrite(model, options);
  Model parsed = ParseModel(result.bytes.data(), result.bytes.size(), name);
  return WrittenModel(name, std::move(parsed), false, std::move(result.bytes));
}

// `tinyforge pipeline` on the bundled shapes model: its int8 model.
std::optional<Model> PipelineModel(const std::string& dir) {
  const std::string data = TINYFORGE_SOURCE_DIR "/testdata/shapes/";
  if (!fs::exists(Binary())) return std::nullopt;
  fs::create_directories(dir);
  const RunResult r = RunTinyforge(
      dir, {"pipeline", data + "shapes_float.tflite", "--calib", data + "calib.npy", "--eval", data + "eval.npy",
            "--labels", data + "eval_labels.npy", "--sparsity", "0.5", "-q", "--out-dir", dir});
  if (r.status != 0) return std::nullopt;
  return LoadModel(dir + "/model_int8.tflite");
}

std::vector<WrittenModel> WrittenModels(const std::string& dir) {
  using quantize::ActivationType;
  using quantize::IoType;
  std::vector<WrittenModel> written;
  for (const std::string& name : FloatCorpusModels()) {
    try {
      written.emplace_back(name + "-int8", Quantized(LoadModel(ModelPath(name)), {}), name == "hello_world_float");
    } catch (const Error& e) {  // what tinyforge cannot quantize is not this test's subject
      std::printf("[ not int8 ] %s\n", e.what());
    }
  }
  const Model mnist = LoadModel(ModelPath("conv_fc_mnist"));
  quantize::QuantizeOptions uint8_io;
  uint8_io.io = IoType::kUInt8;
  written.emplace_back("conv_fc_mnist-uint8-io", Quantized(mnist, uint8_io));
  quantize::QuantizeOptions float_io;
  float_io.io = IoType::kFloat;
  written.emplace_back("conv_fc_mnist-float-io", Quantized(mnist, float_io));
  quantize::QuantizeOptions per_channel;
  per_channel.per_channel_fc = true;
  written.emplace_back("conv_fc_mnist-per-channel-fc", Quantized(mnist, per_channel));
  // Its per-channel arrays land in the tail while FULLY_CONNECTED's
  // temporaries live: the estimate is set by keeping clear of them.
  written.emplace_back("single_fc_bias-per-channel-fc", Quantized(LoadModel(ModelPath("single_fc_bias")), per_channel),
                       true);
  quantize::QuantizeOptions int16;
  int16.activations = ActivationType::kInt16;
  written.emplace_back("conv_fc_mnist-16x8", Quantized(mnist, int16), true);
  quantize::QuantizeOptions keep_float;  // DEQUANTIZE and QUANTIZE around a float op
  keep_float.keep_float = {"."};
  written.emplace_back("conv_fc_mnist-all-kept-float", Quantized(mnist, keep_float));
  keep_float.keep_float = {"conv2d"};
  written.emplace_back("conv_fc_mnist-conv-kept-float", Quantized(mnist, keep_float));

  prune::PruneOptions half;
  half.sparsity = 0.5;
  const Model pruned = prune::PruneModel(mnist, half).model;
  written.emplace_back("conv_fc_mnist-pruned", pruned.Clone());
  written.emplace_back("conv_fc_mnist-pruned-int8", Quantized(pruned, {}));

  const Model person = LoadModel(ModelPath("person_detect"));
  written.push_back(Rewritten("person_detect-strip-unused", person, [](RewriteOptions& o) { o.strip_unused = true; }));
  written.push_back(Rewritten("person_detect-dedupe", person, [](RewriteOptions& o) { o.dedupe_buffers = true; }));
  written.push_back(Rewritten("person_detect-strip-names", person, [](RewriteOptions& o) { o.strip_names = true; }));
  written.push_back(Rewritten("trained_lstm_int8-align", LoadModel(ModelPath("trained_lstm_int8")),
                              [](RewriteOptions& o) { o.align = true; }));
  if (std::optional<Model> pipeline = PipelineModel(dir + "/pipeline")) {
    written.emplace_back("shapes-pipeline", std::move(*pipeline));
  } else {
    ADD_FAILURE() << "tinyforge pipeline did not run (see " << dir << "/pipeline/stderr.txt)";
  }
  return written;
}

TEST(WrittenModels, TflmRunsThemWithTheEstimatedArenaAndGivesOurBits) {
  TF_REQUIRE_TFLM();
  const std::string dir = TempDir("written_models");
  std::printf("[ seed     ] %u (random calibration and inputs)\n", kWrittenSeed);
  const std::vector<WrittenModel> models = WrittenModels(dir);
  const bool m4 = HaveTflmM4();
  if (!m4) std::printf("[ skipped  ] Cortex-M4 runs: tflm_run_m4 or qemu-system-arm not found\n");
  std::string table = "model                                    TFLM used  required  TFLM min  over\n";
  int exact = 0;
  for (const WrittenModel& w : models) {
    SCOPED_TRACE(w.name);
    const std::string path = dir + "/" + w.name + ".tflite";
    if (w.bytes.empty()) {
      SaveModel(w.model, path);
    } else {
      std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(w.bytes.data()),
                                                  static_cast<std::streamsize>(w.bytes.size()));
    }
    ASSERT_TRUE(Summarize(w.model).TflmRunsIt()) << "inspect says TFLM cannot run what tinyforge wrote";
    const std::vector<NpyArray> inputs = RandomInputs(w.model, kWrittenSeed, kSamples);
    const std::vector<NpyArray> ours = RunOurs(w.model, inputs);

    const TflmResult full = RunTflm(TflmTarget::kHost, path, inputs, dir + "/run");
    ASSERT_TRUE(full.ran()) << full.log;
    EXPECT_EQ(OutputDifference(ours, full.outputs), "");
    const ArenaEstimate host = EstimateTflmArena(w.model, TflmTarget::kHost);
    EXPECT_EQ(host.used_bytes, full.arena_used_bytes);
    const bool runs = TflmRunsWith(TflmTarget::kHost, path, inputs, dir + "/run", host.required_bytes, full.outputs);
    EXPECT_TRUE(runs) << "TFLM fails with the estimated " << host.required_bytes << " bytes";
    int64_t minimum = -1;
    if (runs) {
      const int64_t fails = (full.arena_used_bytes + 15) / 16 * 16 - 16;  // cannot hold what it uses
      minimum = BisectTflmArena(TflmTarget::kHost, path, inputs, dir + "/run", fails, host.required_bytes,
                                full.outputs);
      exact += minimum == host.required_bytes;
    }
    char line[160];
    std::snprintf(line, sizeof line, "%-40s %9lld %9lld %9lld %5lld\n", w.name.c_str(),
                  static_cast<long long>(full.arena_used_bytes), static_cast<long long>(host.required_bytes),
                  static_cast<long long>(minimum), static_cast<long long>(host.required_bytes - minimum));
    table += line;

    if (m4 && w.on_m4) {
      const ArenaEstimate cortex = EstimateTflmArena(w.model, TflmTarget::kCortexM4);
      TflmRunOptions options;
      options.arena_bytes = cortex.required_bytes;
      const TflmResult r = RunTflm(TflmTarget::kCortexM4, path, inputs, dir + "/m4", options);
      EXPECT_TRUE(r.ran()) << "the Cortex-M4 build fails with the estimated " << cortex.required_bytes
                           << " bytes: " << r.log;
      EXPECT_EQ(OutputDifference(ours, r.outputs), "") << "on the Cortex-M4";
      EXPECT_EQ(cortex.used_bytes, r.arena_used_bytes);
      std::printf("[ m4       ] %s: runs with the estimated %lld bytes (used %lld)\n", w.name.c_str(),
                  static_cast<long long>(cortex.required_bytes), static_cast<long long>(r.arena_used_bytes));
    }
  }
  std::printf("%s[ exact    ] %d of %zu estimates equal the bisected minimum\n", table.c_str(), exact,
              models.size());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge::testing
