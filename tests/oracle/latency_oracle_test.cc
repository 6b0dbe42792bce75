// The latency model (libconvert/tflm/latency.h) against a fresh measurement:
// the real TFLM on the emulated Cortex-M4 (../shared/tflm-m4, QEMU -icount
// exact instruction counts) runs a model the fit did not see, and the
// estimate is within the error `inspect --board` states. About a second.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "libconvert/data/npy.h"
#include "libconvert/model/model_io.h"
#include "libconvert/tflm/latency.h"
#include "tests/test_util.h"
#include "tests/tflm_oracle.h"

namespace tinyforge {
namespace {

TEST(LatencyOracle, HeldOutModelWithinTheStatedError) {
  TF_REQUIRE_TFLM_M4();
  const std::string name = "mnist_quantized";
  bool held_out = false;
  for (const CostModelCheck& check : CostModelChecks()) held_out |= check.held_out && check.model == name;
  ASSERT_TRUE(held_out) << name << " must be one the fit did not see";
  testing::TflmRunOptions options;
  options.count_instructions = true;
  const testing::TflmResult r =
      testing::RunTflm(TflmTarget::kCortexM4, testing::ModelPath(name),
                       {ReadNpy(testing::GoldenDir(name) + "/input_0.npy")}, testing::TempDir("latency_oracle"), options);
  ASSERT_TRUE(r.ran()) << r.log;
  ASSERT_TRUE(r.invoke_insns.has_value()) << r.log;
  const double measured = static_cast<double>(*r.invoke_insns);
  const double estimate = static_cast<double>(EstimateM4Instructions(LoadModel(testing::ModelPath(name))).instructions);
  const double error = 100.0 * std::fabs(estimate - measured) / measured;
  EXPECT_LE(error, CostModelHeldOutMaxErrorPercent() + 1e-9)
      << "measured " << measured << ", estimate " << estimate;
}

}  // namespace
}  // namespace tinyforge
