// `tinyforge emit --project` writes a firmware-style project that configures
// and builds with CMake against the real TFLM library (../shared/tflm) and
// passes: TFLM, running the emitted array with the emitted resolver and
// arena on real MNIST samples, gives exactly the outputs tinyforge computed
// (int8) or outputs within the project's float tolerance (float). The
// generated main.cc and test_data.c build warning-free (-Wall -Wextra
// -Werror), and a wrong expected value makes the program fail.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>

#include "tests/cli/cli_util.h"
#include "tests/oracle/tflm_build.h"

namespace tinyforge::testing {
namespace {

struct ProjectRun {
  int status = -1;
  std::string output;
};

// Configures (the first time) and builds `project` with the TFLM library,
// then runs its program.
ProjectRun BuildAndRunProject(const std::string& project) {
  const std::string build = project + "/build";
  const std::string log = project + "/build.log";
  const std::string warnings = "-Wall -Wextra -Werror";
  const std::string configure = "cmake -S " + ShellQuote(project) + " -B " + ShellQuote(build) +
                                " -DTFLM_DIR=" + ShellQuote(TflmBuildDir()) + " -DCMAKE_CXX_FLAGS=" +
                                ShellQuote(warnings) + " -DCMAKE_C_FLAGS=" + ShellQuote(warnings) + " > " +
                                ShellQuote(log) + " 2>&1";
  if (Shell(configure) != 0) return {-2, ReadText(log)};
  if (Shell("cmake --build " + ShellQuote(build) + " -j2 > " + ShellQuote(log) + " 2>&1") != 0) {
    return {-3, ReadText(log)};
  }
  const std::string out = project + "/run.txt";
  return {Shell(ShellQuote(build + "/model_test") + " > " + ShellQuote(out) + " 2>&1"), ReadText(out)};
}

// Emits a project for `model` with the first four MNIST evaluation images
// (uint8, scaled by 1/255, then made the input's type), for the host TFLM.
ProjectRun EmitAndRun(const std::string& dir, const std::string& model, bool quantize_inputs) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> args = {"emit", ModelPath(model), "--target", "host", "--project", dir + "/fw",
                                   "--test-data", SharedDir() + "/data/mnist/eval_images.npy", "--scale", "1/255",
                                   "-n", "4"};
  if (quantize_inputs) args.push_back("--quantize-inputs");
  const RunResult emit = RunTinyforge(dir, args);
  EXPECT_EQ(emit.status, 0) << emit.err;
  if (emit.status != 0) return {};
  const ProjectRun run = BuildAndRunProject(dir + "/fw");
  std::printf("[ project  ] %s: emitted, built and ran in %.1f s: %s", model.c_str(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), run.output.c_str());
  return run;
}

TEST(Project, Int8ModelBuildsAgainstTflmAndMatchesExactly) {
  TF_REQUIRE_TFLM_LIBRARY();
  TF_REQUIRE_BINARY();
  const std::string dir = TempDir("project_int8");
  const ProjectRun run = EmitAndRun(dir, "conv_fc_mnist_srq_a8w8", /*quantize_inputs=*/true);
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output.rfind("PASS: 4 samples of g_conv_fc_mnist_srq_a8w8_model_data match the expected outputs", 0),
            0u)
      << run.output;

  // One expected value off by one: the program must notice it.
  const std::string test_data = dir + "/fw/test_data.c";
  std::string source = ReadText(test_data);
  std::smatch first;
  ASSERT_TRUE(std::regex_search(source, first, std::regex("_test_expected_sample_0\\[10\\] = \\{\\n  (-?\\d+),")));
  const int value = std::stoi(first[1].str());
  source.replace(first.position(1), first.length(1), std::to_string(value == 127 ? 126 : value + 1));
  std::FILE* f = std::fopen(test_data.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(source.data(), 1, source.size(), f);
  std::fclose(f);
  const ProjectRun wrong = BuildAndRunProject(dir + "/fw");
  EXPECT_EQ(wrong.status, 1) << wrong.output;
  EXPECT_EQ(wrong.output.rfind("FAIL: 1 of 4 samples differ from the expected outputs; first: sample 0, output 0, "
                               "element 0: got " + std::to_string(value),
                               0),
            0u)
      << wrong.output;
  std::filesystem::remove_all(dir);
}

TEST(Project, FloatModelBuildsAgainstTflmAndMatchesWithinTolerance) {
  TF_REQUIRE_TFLM_LIBRARY();
  TF_REQUIRE_BINARY();
  const std::string dir = TempDir("project_float");
  const ProjectRun run = EmitAndRun(dir, "conv_fc_mnist", /*quantize_inputs=*/false);
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output.rfind("PASS: 4 samples of g_conv_fc_mnist_model_data match the expected outputs", 0), 0u)
      << run.output;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge::testing
