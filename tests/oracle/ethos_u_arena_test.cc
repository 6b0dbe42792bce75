// The arena tinyforge reports for a Vela-compiled model against the real
// TFLM's: tests/oracle/ethos_u_stand_in_main.cc allocates the model with
// TFLM's own allocator and planner (a stand-in for the ethos-u kernel that
// takes from the arena what the real one takes), and a bisection finds the
// smallest arena with which it allocates and invokes. The scratch tensors no
// operator produces are planned by TFLM from before the first operator, so
// they must count exactly as it counts them.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "libconvert/model/model_io.h"
#include "libconvert/tflm/arena.h"
#include "tests/cli/cli_util.h"
#include "tests/model/vela_model.h"
#include "tests/oracle/tflm_build.h"

namespace tinyforge::testing {
namespace {

// Exit status of the stand-in on `model` with an `arena`-byte arena; its
// stdout goes to `out`.
int RunStandIn(const std::string& binary, const std::string& model, int64_t arena, const std::string& out) {
  return Shell(ShellQuote(binary) + " " + ShellQuote(model) + " " + std::to_string(arena) + " > " + ShellQuote(out) +
               " 2>&1");
}

TEST(EthosUArena, EstimateIsWhatRealTflmAllocates) {
  TF_REQUIRE_TFLM_LIBRARY();
  const std::string dir = TempDir("ethos_u_arena");
  const std::string binary = dir + "/stand_in";
  ASSERT_EQ(Shell(TflmCompileCommand({TINYFORGE_SOURCE_DIR "/tests/oracle/ethos_u_stand_in_main.cc"}, {}, "", binary,
                                     dir + "/compile.log")),
            0)
      << ReadText(dir + "/compile.log");

  for (const bool around : {false, true}) {
    SCOPED_TRACE(around ? "with CPU operators around" : "NPU only");
    VelaModelShape shape;
    shape.cpu_ops_around = around;
    shape.scratch_bytes = around ? 3000 : 1024;
    shape.scratch_fast_bytes = around ? 512 : 0;
    const std::string path = dir + (around ? "/around.tflite" : "/npu.tflite");
    SaveModel(VelaModel(shape, path), path);
    const ArenaEstimate estimate = EstimateTflmArena(LoadModel(path), TflmTarget::kHost);

    const std::string out = dir + "/out.txt";
    ASSERT_EQ(RunStandIn(binary, path, 1 << 20, out), 0) << ReadText(out);
    long long used = -1;
    ASSERT_EQ(std::sscanf(ReadText(out).c_str(), "arena_used_bytes %lld", &used), 1) << ReadText(out);
    // The smallest working arena, a multiple of 16: lo fails, hi works.
    int64_t lo = 0;
    int64_t hi = 1 << 20;
    while (hi - lo > 16) {
      const int64_t mid = (lo + hi) / 2 / 16 * 16;
      (RunStandIn(binary, path, mid, out) == 0 ? hi : lo) = mid;
    }
    std::printf("[ arena    ] %s: TFLM used %lld, needs %lld; tinyforge %lld, %lld\n", path.c_str(), used,
                static_cast<long long>(hi), static_cast<long long>(estimate.used_bytes),
                static_cast<long long>(estimate.required_bytes));
    EXPECT_EQ(estimate.used_bytes, used);
    EXPECT_EQ(estimate.required_bytes, hi);
  }
}

}  // namespace
}  // namespace tinyforge::testing
