// `tinyforge run` end to end: the outputs it writes are TFLM's golden bits,
// one sample or many, with either kernel set.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "libconvert/data/npy.h"
#include "tests/cli/cli_util.h"

namespace tinyforge::testing {
namespace {

// Integer arrays equal to the bit; float within 1e-5 relative (1e-6 absolute
// near zero), as golden/README.md defines matching.
void ExpectMatches(const NpyArray& got, const NpyArray& want, const std::string& what) {
  ASSERT_EQ(got.dtype, want.dtype) << what;
  ASSERT_EQ(got.shape, want.shape) << what;
  if (got.dtype != DType::kFloat32) {
    EXPECT_EQ(got.data, want.data) << what;
    return;
  }
  const Span<const float> g = got.View<float>(), w = want.View<float>();
  for (size_t i = 0; i < g.size(); ++i) {
    EXPECT_NEAR(g[i], w[i], std::max(1e-6, 1e-5 * std::fabs(w[i]))) << what << " element " << i;
  }
}

// Goldens with int8, float, multi-output and recurrent models.
const char* const kModels[] = {"person_detect", "hello_world_float", "conv_fc_mnist_srq_a8w8",
                               "trained_lstm_int8", "single_split", "micro_speech_quantized"};

TEST(RunCli, OutputsAreTheGoldensWithEitherKernelSet) {
  TF_REQUIRE_BINARY_AND_SHARED();
  for (const char* name : kModels) {
    for (const bool reference : {false, true}) {
      SCOPED_TRACE(std::string(name) + (reference ? " --reference" : ""));
      const std::string dir = TempDir(std::string("run_") + name);
      std::vector<std::string> args = {"run", ModelPath(name), "-o", dir, "-q"};
      for (size_t k = 0; std::filesystem::exists(GoldenDir(name) + "/input_" + std::to_string(k) + ".npy"); ++k) {
        args.insert(args.end(), {"--input", GoldenDir(name) + "/input_" + std::to_string(k) + ".npy"});
      }
      if (reference) args.push_back("--reference");
      const RunResult r = RunTinyforge(dir, args);
      ASSERT_EQ(r.status, 0) << r.err;
      EXPECT_TRUE(r.out.empty()) << "-q prints nothing: " << r.out;
      size_t k = 0;
      for (; std::filesystem::exists(GoldenDir(name) + "/output_" + std::to_string(k) + ".npy"); ++k) {
        const std::string out = dir + "/output_" + std::to_string(k) + ".npy";
        ASSERT_TRUE(std::filesystem::exists(out)) << out;
        ExpectMatches(ReadNpy(out), ReadNpy(GoldenDir(name) + "/output_" + std::to_string(k) + ".npy"),
                      "output " + std::to_string(k));
      }
      EXPECT_FALSE(std::filesystem::exists(dir + "/output_" + std::to_string(k) + ".npy"));
    }
  }
}

// N samples stacked on a leading axis give N outputs stacked the same way,
// each what that sample gives alone.
TEST(RunCli, StackedSamplesGiveStackedOutputs) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("run_stacked");
  const NpyArray one = ReadNpy(SharedDir() + "/data/person/person_input_int8.npy");
  const NpyArray other = ReadNpy(SharedDir() + "/data/person/no_person_input_int8.npy");
  NpyArray both = one;
  both.shape.insert(both.shape.begin(), 2);
  both.data.insert(both.data.end(), other.data.begin(), other.data.end());
  WriteNpy(dir + "/both.npy", both);
  const RunResult r = RunTinyforge(dir, {"run", ModelPath("person_detect"), "--input", dir + "/both.npy", "-o", dir,
                                         "--threads", "2", "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  const NpyArray out = ReadNpy(dir + "/output_0.npy");
  ASSERT_EQ(out.shape, (std::vector<int64_t>{2, 1, 2}));
  // The corpus README's reference numbers, measured with TFLM.
  EXPECT_EQ(out.View<int8_t>()[0], -113);
  EXPECT_EQ(out.View<int8_t>()[1], 113);
  EXPECT_EQ(out.View<int8_t>()[2], 57);
  EXPECT_EQ(out.View<int8_t>()[3], -57);
}

TEST(RunCli, WrongDtypeIsOneLineAndWritesNothing) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("run_bad");
  const RunResult r = RunTinyforge(dir, {"run", ModelPath("person_detect"), "--input",
                                         SharedDir() + "/data/person/person.npy", "-o", dir + "/out"});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("person.npy"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/out/output_0.npy"));
}

}  // namespace
}  // namespace tinyforge::testing
