// Everything `inspect` says about what TFLM runs is true: for every model of
// the corpus, "TFLM can run this" (a kernel for every operator, and every
// kernel takes its operand types) agrees with whether the real TFLM
// allocates and invokes it.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "libconvert/model/model_io.h"
#include "libconvert/summary/model_summary.h"
#include "tests/oracle/oracle_util.h"

namespace tinyforge::testing {
namespace {

constexpr uint32_t kClaimsSeed = 7;

// The golden inputs where the corpus has them, else seeded random ones.
std::vector<NpyArray> InputsFor(const std::string& name, const Model& model) {
  std::vector<NpyArray> inputs;
  const std::string golden = GoldenDir(name);
  for (size_t k = 0; k < model.subgraph(0).inputs.size(); ++k) {
    const std::string path = golden + "/input_" + std::to_string(k) + ".npy";
    if (!std::filesystem::exists(path)) return RandomInputs(model, kClaimsSeed, 1);
    inputs.push_back(ReadNpy(path));
  }
  return inputs;
}

TEST(TflmClaims, InspectSaysTflmRunsAModelExactlyWhenItDoes) {
  TF_REQUIRE_TFLM();
  const std::string dir = TempDir("tflm_claims");
  std::printf("[ seed     ] %u (random inputs where the corpus has no golden)\n", kClaimsSeed);
  std::string table = "model                                              inspect  TFLM  kernels-only\n";
  int compared = 0;
  for (const std::string& name : SharedModelNames()) {
    SCOPED_TRACE(name);
    const Model model = LoadModel(ModelPath(name));
    const ModelSummary summary = Summarize(model);
    const TflmResult r = RunTflm(TflmTarget::kHost, ModelPath(name), InputsFor(name, model), dir);
    std::string problems;
    for (const std::string& op : summary.ops_without_tflm_kernel) problems += "\n  no kernel for " + op;
    for (const std::string& p : summary.tflm_type_problems) problems += "\n  " + p;
    EXPECT_EQ(summary.TflmRunsIt(), r.ran())
        << "inspect says TFLM " << (summary.TflmRunsIt() ? "runs" : "cannot run") << " it:" << problems
        << "\nTFLM: exit " << r.status << "\n" << r.log;
    // What the resolver table alone claimed before the type table.
    const bool kernels_only = summary.ops_without_tflm_kernel.empty();
    char line[160];
    std::snprintf(line, sizeof line, "%-50s %-7s  %-4s  %s\n", name.c_str(), summary.TflmRunsIt() ? "runs" : "no",
                  r.ran() ? "runs" : "no", kernels_only == r.ran() ? "" : "wrong");
    table += line;
    ++compared;
  }
  std::printf("%s", table.c_str());
  EXPECT_GE(compared, 55);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge::testing
