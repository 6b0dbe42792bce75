// The oracle itself: tflm_run, called through tests/tflm_oracle.h, gives
// the stored golden bits, so a test that trusts it trusts the real TFLM.
#include <gtest/gtest.h>

#include "tests/tflm_oracle.h"

namespace tinyforge::testing {
namespace {

TEST(TflmOracle, ReproducesAGolden) {
  TF_REQUIRE_TFLM();
  const std::string golden = GoldenDir("person_detect");
  const TflmResult r = RunTflm(TflmTarget::kHost, ModelPath("person_detect"),
                               {ReadNpy(golden + "/input_0.npy")}, TempDir("oracle"));
  ASSERT_TRUE(r.ran()) << r.log;
  ASSERT_EQ(r.outputs.size(), 1u);
  const NpyArray want = ReadNpy(golden + "/output_0.npy");
  EXPECT_EQ(r.outputs[0].shape, want.shape);
  EXPECT_EQ(r.outputs[0].data, want.data);
}

TEST(TflmOracle, ReportsAShortArena) {
  TF_REQUIRE_TFLM();
  const std::string golden = GoldenDir("hello_world_int8");
  const TflmResult r = RunTflm(TflmTarget::kHost, ModelPath("hello_world_int8"),
                               {ReadNpy(golden + "/input_0.npy")}, TempDir("oracle_short"),
                               {/*arena_bytes=*/512});
  EXPECT_FALSE(r.ran());
  EXPECT_FALSE(r.allocate_ok);
}

}  // namespace
}  // namespace tinyforge::testing
