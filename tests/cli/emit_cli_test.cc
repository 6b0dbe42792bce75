// `tinyforge emit --target`: the header's arena constant is the smallest
// arena real TFLM runs the model with on that build (the golden's bisected
// minimum), cortex-m4 by default.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_util.h"

namespace tinyforge::testing {
namespace {

TEST(CliEmit, HeaderHoldsTheArenaTflmNeedsOnTheTarget) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("emit_cli");
  const std::string model = ModelPath("hello_world_int8");
  std::ifstream golden(GoldenDir("hello_world_int8") + "/tflm.json");
  const nlohmann::json tflm = nlohmann::json::parse(golden);
  const std::string host = std::to_string(tflm.at("arena_min_bytes").get<int64_t>());
  const std::string m4 = std::to_string(tflm.at("cortex_m4").at("arena_min_bytes").get<int64_t>());

  ASSERT_EQ(RunTinyforge(dir, {"emit", model, "-o", dir + "/m4.cc"}).status, 0);
  std::string header = ReadText(dir + "/m4.h");
  EXPECT_NE(header.find("constexpr unsigned int g_hello_world_int8_model_data_arena_bytes = " + m4 + ";\n"),
            std::string::npos)
      << header;
  EXPECT_NE(header.find("--target cortex-m4"), std::string::npos) << header;

  ASSERT_EQ(RunTinyforge(dir, {"emit", model, "-o", dir + "/host.c", "--format", "c", "--target", "host"}).status, 0);
  header = ReadText(dir + "/host.h");
  EXPECT_NE(header.find("#define hello_world_int8_model_data_arena_bytes " + host + "u\n"), std::string::npos)
      << header;
  EXPECT_NE(header.find("--target host"), std::string::npos) << header;

  EXPECT_EQ(RunTinyforge(dir, {"emit", model, "-o", dir + "/x.cc", "--target", "avr"}).status, 2);
  const RunResult xxd = RunTinyforge(dir, {"emit", model, "--format", "xxd", "--target", "host"});
  EXPECT_EQ(xxd.status, 2);
  EXPECT_NE(xxd.err.find("--target does not apply to --format xxd"), std::string::npos) << xxd.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge::testing
