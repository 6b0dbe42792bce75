// Vela-compiled models (Ethos-U) through the CLI: inspect, rewrite and emit
// take them (exit 0); every command that executes a model refuses the
// ethos-u operator with one line and exit 2. The model is built in code
// (tests/model/vela_model.h); nothing here needs the corpus.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "libconvert/data/npy.h"
#include "libconvert/model/model_io.h"
#include "tests/cli/cli_util.h"
#include "tests/model/vela_model.h"

namespace tinyforge::testing {
namespace {

constexpr char kNoNpuKernel[] = "ethos-u custom operator: runs only on an Ethos-U NPU; tinyforge has no kernel for it";

// The Vela model saved in `dir`, in the compact layout converters write.
std::string SaveVelaModel(const std::string& dir, bool cpu_ops_around) {
  VelaModelShape shape;
  shape.cpu_ops_around = cpu_ops_around;
  const std::string path = dir + "/vela.tflite";
  SaveOptions compact;
  compact.align_buffers = false;
  SaveModel(VelaModel(shape, path), path, compact);
  return path;
}

// Every 0xNN byte of the C array in an emitted source, in order.
std::string ArrayBytes(const std::string& source) {
  std::string bytes;
  const std::regex hex("0x([0-9a-f]{2})");
  for (auto it = std::sregex_iterator(source.begin(), source.end(), hex); it != std::sregex_iterator(); ++it) {
    bytes.push_back(static_cast<char>(std::stoi((*it)[1].str(), nullptr, 16)));
  }
  return bytes;
}

TEST(VelaCli, InspectShowsTheNpuOperatorAndItsSizes) {
  TF_REQUIRE_BINARY();
  for (const bool around : {false, true}) {
    const std::string dir = TempDir(around ? "vela_inspect_around" : "vela_inspect");
    const std::string model = SaveVelaModel(dir, around);
    const RunResult r = RunTinyforge(dir, {"inspect", model});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("CUSTOM(ethos-u)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("runs_on=Ethos-U NPU command_stream=100 B scratch=1024 B scratch_fast=0 B"),
              std::string::npos)
        << r.out;
    const RunResult json = RunTinyforge(dir, {"inspect", model, "--json"});
    EXPECT_EQ(json.status, 0) << json.err;
  }
}

TEST(VelaCli, RewriteRoundTripsAndItsPassesKeepTheScratchTensors) {
  TF_REQUIRE_BINARY();
  const std::string dir = TempDir("vela_rewrite");
  const std::string model = SaveVelaModel(dir, true);
  const RunResult same = RunTinyforge(dir, {"rewrite", model, "-o", dir + "/same.tflite"});
  ASSERT_EQ(same.status, 0) << same.err;
  EXPECT_EQ(ReadText(dir + "/same.tflite"), ReadText(model));

  const RunResult passes = RunTinyforge(dir, {"rewrite", model, "-o", dir + "/small.tflite", "--strip-unused",
                                              "--dedupe-buffers", "--strip-names", "--align"});
  ASSERT_EQ(passes.status, 0) << passes.err;
  const Model small = LoadModel(dir + "/small.tflite");
  const tflite::OperatorT& npu = *small.subgraph(0).operators.at(1);
  ASSERT_EQ(npu.inputs.size(), 5u);
  EXPECT_EQ(small.tensor(0, npu.inputs[2]).shape, std::vector<int32_t>{1024});
  EXPECT_FALSE(small.IsConstant(small.tensor(0, npu.inputs[2])));
}

TEST(VelaCli, EmitWritesTheFileBytesAndTheResolver) {
  TF_REQUIRE_BINARY();
  const std::string dir = TempDir("vela_emit");
  const std::string model = SaveVelaModel(dir, false);
  const RunResult r =
      RunTinyforge(dir, {"emit", model, "-o", dir + "/model_data.cc", "--resolver", dir + "/model_ops.h"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(ArrayBytes(ReadText(dir + "/model_data.cc")), ReadText(model));
  EXPECT_NE(ReadText(dir + "/model_ops.h").find("AddEthosU()"), std::string::npos);
}

TEST(VelaCli, CommandsThatExecuteRefuseTheNpuOperatorInOneLine) {
  TF_REQUIRE_BINARY();
  const std::string dir = TempDir("vela_run");
  const std::string model = SaveVelaModel(dir, true);
  NpyArray input = NpyArray::Zeros(DType::kInt8, {2, 1, 4, 4});
  WriteNpy(dir + "/x.npy", input);
  const std::vector<std::vector<std::string>> commands = {
      {"run", model, "-i", dir + "/x.npy", "-o", dir},
      {"quantize", model, "--random", "4", "-o", dir + "/q.tflite"},
      {"compare", model, model, "-d", dir + "/x.npy"},
  };
  for (const auto& args : commands) {
    SCOPED_TRACE(args[0]);
    const RunResult r = RunTinyforge(dir, args);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(CountLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(kNoNpuKernel), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace tinyforge::testing
