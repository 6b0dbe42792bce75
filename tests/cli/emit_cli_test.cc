// `tinyforge emit`'s command-line logic: which files each flag combination
// writes, which combinations are refused (exit 2, one line, nothing
// written), that --reverse gives the bytes back, and that the header's
// arena constant is the smallest arena real TFLM runs the model with on the
// --target build (the golden's bisected minimum), cortex-m4 by default.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_util.h"

namespace tinyforge::testing {
namespace {

namespace fs = std::filesystem;

std::string EmitModel() { return ModelPath("hello_world_int8"); }

TEST(EmitCli, SourceHeaderAndResolverRoundTrip) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("emit_cli");
  const RunResult r = RunTinyforge(dir, {"emit", EmitModel(), "-o", dir + "/model_data.cc", "--resolver",
                                         dir + "/model_ops.h", "--name", "g_sine", "--namespace", "app::ml"});
  ASSERT_EQ(r.status, 0) << r.err;
  // The header defaults to -o with the extension .h.
  const std::string source = ReadText(dir + "/model_data.cc");
  const std::string header = ReadText(dir + "/model_data.h");
  const std::string resolver = ReadText(dir + "/model_ops.h");
  EXPECT_NE(source.find("g_sine"), std::string::npos);
  EXPECT_NE(source.find("alignas(16)"), std::string::npos);
  EXPECT_NE(header.find("namespace app"), std::string::npos) << header;
  EXPECT_NE(header.find("g_sine"), std::string::npos) << header;
  EXPECT_NE(resolver.find("AddFullyConnected()"), std::string::npos) << resolver;
  EXPECT_NE(resolver.find("MicroMutableOpResolver<1>"), std::string::npos) << resolver;

  const RunResult back = RunTinyforge(dir, {"emit", "--reverse", dir + "/model_data.cc", "-o", dir + "/back.tflite"});
  ASSERT_EQ(back.status, 0) << back.err;
  EXPECT_EQ(ReadText(dir + "/back.tflite"), ReadText(EmitModel()));
}

TEST(EmitCli, StandardOutputGetsTheSourceAndNoHeader) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("emit_cli_stdout");
  const RunResult r = RunTinyforge(dir, {"emit", EmitModel()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("alignas(16)"), std::string::npos);
  // Only the captured stdout/stderr files: no header written anywhere here.
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.path().extension() == ".h" ? 1 : 0;
  EXPECT_EQ(files, 0u);
}

TEST(EmitCli, XxdFormatIsExactlyXxd) {
  TF_REQUIRE_BINARY_AND_SHARED();
  if (std::system("command -v xxd >/dev/null 2>&1") != 0) GTEST_SKIP() << "xxd not installed";
  const std::string dir = TempDir("emit_cli_xxd");
  fs::copy_file(EmitModel(), dir + "/m.tflite");
  const RunResult ours = RunTinyforge(dir, {"emit", "--format", "xxd", dir + "/m.tflite"});
  ASSERT_EQ(ours.status, 0) << ours.err;
  const std::string command = "xxd -i " + ShellQuote(dir + "/m.tflite") + " > " + ShellQuote(dir + "/xxd.txt");
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(ours.out, ReadText(dir + "/xxd.txt"));
}

TEST(EmitCli, FlagCombinationsThatCannotWorkAreRefused) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("emit_cli_bad");
  const std::string out = dir + "/out.cc";
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {{"emit", "--reverse", EmitModel(), "--format", "c", "-o", out}, "--format does not apply to --reverse"},
           {{"emit", "--reverse", EmitModel(), "--header", dir + "/h.h", "-o", out}, "--header does not apply"},
           {{"emit", "--reverse", EmitModel()}, "--reverse needs -o"},
           {{"emit", EmitModel(), "--format", "xxd", "--header", dir + "/h.h", "-o", out}, "does not apply to --format xxd"},
           {{"emit", EmitModel(), "--format", "xxd", "--progmem", "-o", out}, "--progmem"},
           {{"emit", EmitModel(), "--format", "pascal", "-o", out}, "--format"},
           {{"emit", EmitModel(), "--align", "24", "-o", out}, "align"},
           {{"emit", EmitModel(), "--name", "9lives", "-o", out}, "9lives"},
       }) {
    const RunResult r = RunTinyforge(dir, c.args);
    EXPECT_EQ(r.status, 2) << c.says << ": " << r.err;
    EXPECT_EQ(CountLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.says;
    EXPECT_FALSE(fs::exists(dir + "/h.h")) << c.says;
  }
}

TEST(EmitCli, HeaderHoldsTheArenaTflmNeedsOnTheTarget) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("emit_cli_target");
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
