// What `tinyforge pipeline --target host` emits builds into a firmware-style
// program against the real TFLM library (../shared/tflm: lib, include,
// cxxflags.txt) and runs with exactly the emitted arena: AllocateTensors
// succeeds and the outputs are tinyforge's bits. The program is
// tests/oracle/firmware_main.cc.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "libconvert/model/model_io.h"
#include "libconvert/tflm/arena.h"
#include "tests/cli/cli_util.h"
#include "tests/oracle/oracle_util.h"
#include "tests/oracle/tflm_build.h"

namespace tinyforge::testing {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kSeed = 31;

TEST(Firmware, EmittedModelRunsOnTflmWithExactlyTheEmittedArena) {
  TF_REQUIRE_TFLM_LIBRARY();
  TF_REQUIRE_BINARY();

  const std::string dir = TempDir("firmware");
  const std::string data = TINYFORGE_SOURCE_DIR "/testdata/shapes/";
  const RunResult pipeline = RunTinyforge(
      dir, {"pipeline", data + "shapes_float.tflite", "--calib", data + "calib.npy", "--eval", data + "eval.npy",
            "--labels", data + "eval_labels.npy", "--sparsity", "0.5", "--target", "host", "-q", "--out-dir", dir});
  ASSERT_EQ(pipeline.status, 0) << pipeline.err;

  // The header's arena constant is the host estimate, and says which target it is for.
  const Model model = LoadModel(dir + "/model_int8.tflite");
  const ArenaEstimate arena = EstimateTflmArena(model, TflmTarget::kHost);
  const std::string header = ReadText(dir + "/model_data.h");
  std::smatch name;
  ASSERT_TRUE(std::regex_search(header, name, std::regex("extern const unsigned char (\\w+)\\[\\];"))) << header;
  EXPECT_NE(header.find("constexpr unsigned int " + name[1].str() + "_arena_bytes = " +
                        std::to_string(arena.required_bytes) + ";\n"),
            std::string::npos)
      << header;
  EXPECT_NE(header.find("--target host"), std::string::npos) << header;
  EXPECT_GT(arena.required_bytes, arena.used_bytes) << "pick a model whose arena_used_bytes alone fails";

  const std::string compile =
      TflmCompileCommand({TINYFORGE_SOURCE_DIR "/tests/oracle/firmware_main.cc", dir + "/model_data.cc"}, {dir},
                         "-DTF_MODEL=" + name[1].str(), dir + "/firmware", dir + "/compile.log");
  ASSERT_EQ(Shell(compile), 0) << ReadText(dir + "/compile.log");

  // Seeded random samples, one after another, every input's bytes in order.
  std::printf("[ seed     ] %u\n", kSeed);
  const size_t samples = 4;
  const std::vector<NpyArray> inputs = RandomInputs(model, kSeed, samples);
  std::string input_bytes;
  for (size_t s = 0; s < samples; ++s) {
    for (const NpyArray& a : inputs) {
      const size_t n = a.data.size() / samples;
      input_bytes.append(reinterpret_cast<const char*>(a.data.data()) + s * n, n);
    }
  }
  std::ofstream(dir + "/input.bin", std::ios::binary) << input_bytes;
  ASSERT_EQ(Shell(ShellQuote(dir + "/firmware") + " " + ShellQuote(dir + "/input.bin") + " " +
                  ShellQuote(dir + "/output.bin") + " > " + ShellQuote(dir + "/run.log") + " 2>&1"),
            0)
      << ReadText(dir + "/run.log");
  std::printf("[ firmware ] %s", ReadText(dir + "/run.log").c_str());

  const std::vector<NpyArray> ours = RunOurs(model, inputs);
  std::string expected;
  for (size_t s = 0; s < samples; ++s) {
    for (const NpyArray& a : ours) {
      const size_t n = a.data.size() / samples;
      expected.append(reinterpret_cast<const char*>(a.data.data()) + s * n, n);
    }
  }
  EXPECT_EQ(ReadText(dir + "/output.bin"), expected) << "the firmware's outputs are not tinyforge's bits";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge::testing
