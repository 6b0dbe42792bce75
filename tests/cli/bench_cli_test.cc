// `tinyforge bench` runs and says what it measured. No timing is asserted:
// speed is measured by benchmarks, not tests.
#include <gtest/gtest.h>

#include "tests/cli/cli_util.h"

namespace tinyforge::testing {
namespace {

TEST(BenchCli, TimesBothKernelSetsAndProfiles) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("bench");
  const RunResult r = RunTinyforge(dir, {"bench", ModelPath("conv_fc_mnist_srq_a8w8"), "--seconds", "0.05",
                                         "--threads", "2", "--profile"});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* line : {"operators", "MACs per inference", "reference", "fast", "per operator",
                           "CONV_2D", "FULLY_CONNECTED", "dataset throughput", "peak memory"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << "no '" << line << "' in:\n" << r.out;
  }
}

TEST(BenchCli, SyntheticModelAndReferenceOnly) {
  TF_REQUIRE_BINARY();
  const std::string dir = TempDir("bench_synthetic");
  const RunResult r = RunTinyforge(dir, {"bench", "--synthetic", "mobilenet_v2_tiny", "--seconds", "0.05",
                                         "--reference"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("reference"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("fast / reference"), std::string::npos) << "--reference measures only the reference:\n"
                                                                << r.out;
}

TEST(BenchCli, NoModelIsAUsageError) {
  TF_REQUIRE_BINARY();
  const std::string dir = TempDir("bench_bad");
  const RunResult r = RunTinyforge(dir, {"bench", "--seconds", "0.05"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
}

}  // namespace
}  // namespace tinyforge::testing
