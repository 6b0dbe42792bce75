// Our interpreter, with the reference kernels and with the fast kernels,
// against TensorFlow Lite Micro's own outputs
// (../shared/golden/MODEL/{input,output}_K.npy): integer outputs must be equal
// to the bit, float outputs within 1e-5 relative (1e-6 absolute near zero).
// Every golden model must run: TFLM runs all of them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "libconvert/data/model_inputs.h"
#include "libconvert/model/dtype.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_io.h"
#include "libconvert/data/npy.h"
#include "tests/output_compare.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

// Runs golden model `name` with one kernel set on TFLM's inputs and
// compares every output with TFLM's.
void ExpectMatchesGolden(const std::string& name, bool reference) {
  const std::string kernels = reference ? "reference" : "fast";
  SCOPED_TRACE(kernels + " kernels");
  const std::string dir = testing::GoldenDir(name);
  const Model model = LoadModel(testing::ModelPath(name));
  interp::Interpreter interpreter(model, interp::InterpreterOptions{reference});
  // TFLM runs every golden model: so must both kernel sets (an error here is
  // a kernel to add or fix).
  ASSERT_NO_THROW(interpreter.Prepare());
  for (size_t k = 0; k < interpreter.num_inputs(); ++k) {
    const NpyArray in = ReadNpy(dir + "/input_" + std::to_string(k) + ".npy");
    interp::RuntimeTensor& t = interpreter.input(k);
    ASSERT_EQ(in.dtype, NpyDTypeOf(t.type).value()) << "input " << k;
    ASSERT_EQ(in.data.size(), t.bytes) << "input " << k;
    std::memcpy(t.data, in.data.data(), t.bytes);
  }
  interpreter.Invoke();
  for (size_t k = 0; k < interpreter.num_outputs(); ++k) {
    SCOPED_TRACE("output " + std::to_string(k));
    const NpyArray want = ReadNpy(dir + "/output_" + std::to_string(k) + ".npy");
    const interp::RuntimeTensor& got = interpreter.output(k);
    ASSERT_EQ(want.dtype, NpyDTypeOf(got.type).value());
    ASSERT_EQ(want.data.size(), got.bytes);
    const size_t n = want.NumElements();
    const testing::OutputDifference d = testing::CompareOutput(got.type, got.data, want.data.data(), n);
    EXPECT_EQ(d.mismatches, 0u) << name << ": " << d.mismatches << " of " << n
                                << " elements differ; largest difference " << d.max_abs;
    std::printf("[ golden   ] %s (%s) output %zu: %zu elements, %zu differ, max |diff| %g\n", name.c_str(),
                kernels.c_str(), k, n, d.mismatches, d.max_abs);
  }
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, ReferenceKernelsMatchTflm) {
  TF_REQUIRE_SHARED();
  ExpectMatchesGolden(GetParam(), /*reference=*/true);
}

TEST_P(GoldenTest, FastKernelsMatchTflm) {
  TF_REQUIRE_SHARED();
  ExpectMatchesGolden(GetParam(), /*reference=*/false);
}

INSTANTIATE_TEST_SUITE_P(Shared, GoldenTest, ::testing::ValuesIn(testing::GoldenModelParams()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace tinyforge
