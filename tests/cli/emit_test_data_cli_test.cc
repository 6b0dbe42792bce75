// `tinyforge emit --test-data/--expected/--test-data-out/--project`: which
// files each writes, that given expected outputs are written as they are,
// and that bad input is refused with exit 2, one line naming the file or
// flag, and nothing written (no source, no header, no project directory).
// The values' exactness is tests/emit/test_vectors_compile_test.cc's; the
// project building and passing against TFLM is tests/oracle/project_test.cc's.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "libconvert/data/npy.h"
#include "tests/cli/cli_util.h"

namespace tinyforge::testing {
namespace {

namespace fs = std::filesystem;

// hello_world_int8: one int8 input [1,1], one int8 output [1,1].
std::string VectorModel() { return ModelPath("hello_world_int8"); }

std::string WriteVectorNpy(const std::string& dir, const std::string& name, DType dtype, std::vector<int64_t> shape,
                           const std::vector<double>& values) {
  NpyArray a = NpyArray::Zeros(dtype, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == DType::kInt8) a.MutableView<int8_t>()[i] = static_cast<int8_t>(values[i]);
    if (dtype == DType::kFloat32) a.MutableView<float>()[i] = static_cast<float>(values[i]);
  }
  const std::string path = dir + "/" + name;
  WriteNpy(path, a);
  return path;
}

TEST(EmitTestDataCli, WritesVectorsBesideTheSourceAndTakesExpectedAsGiven) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("emit_vectors");
  const std::string x = WriteVectorNpy(dir, "x.npy", DType::kInt8, {3, 1}, {-128, 0, 127});
  const std::string y = WriteVectorNpy(dir, "y.npy", DType::kInt8, {3, 1, 1}, {-7, 42, -128});
  const RunResult r =
      RunTinyforge(dir, {"emit", VectorModel(), "-o", dir + "/model_data.cc", "--test-data", x, "--expected", y});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string header = ReadText(dir + "/test_data.h");
  const std::string source = ReadText(dir + "/test_data.c");
  const std::string n = "g_hello_world_int8_model_data_test_";
  EXPECT_NE(header.find("enum { " + n + "count = 3 };"), std::string::npos) << header;
  EXPECT_NE(header.find("static const int " + n + "input_dims[2] = {1, 1};"), std::string::npos) << header;
  EXPECT_NE(source.find("#include \"test_data.h\""), std::string::npos) << source;
  EXPECT_NE(source.find("const int8_t " + n + "input_sample_2[1] = {\n  127,\n};"), std::string::npos) << source;
  EXPECT_NE(source.find("const int8_t " + n + "expected_sample_1[1] = {\n  42,\n};"), std::string::npos) << source;
  EXPECT_NE(source.find("const int8_t " + n + "expected_sample_2[1] = {\n  -128,\n};"), std::string::npos) << source;
  EXPECT_TRUE(fs::exists(dir + "/model_data.h"));

  // Elsewhere, with the header next to it; expected outputs computed.
  const RunResult elsewhere = RunTinyforge(dir, {"emit", VectorModel(), "-o", dir + "/m.cc", "--test-data", x,
                                                 "--test-data-out", dir + "/vectors.c", "-n", "2"});
  ASSERT_EQ(elsewhere.status, 0) << elsewhere.err;
  EXPECT_NE(ReadText(dir + "/vectors.h").find("count = 2 };"), std::string::npos);
  EXPECT_NE(ReadText(dir + "/vectors.c").find("computed by tinyforge's reference interpreter"), std::string::npos);
  fs::remove_all(dir);
}

TEST(EmitTestDataCli, ProjectWritesEveryFileIntoItsDirectory) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("emit_project_files");
  const std::string x = WriteVectorNpy(dir, "x.npy", DType::kInt8, {2, 1}, {1, 2});
  const RunResult r = RunTinyforge(dir, {"emit", VectorModel(), "--project", dir + "/fw", "--test-data", x,
                                         "--target", "host", "--name", "g_sine", "--namespace", "app::ml"});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* file :
       {"CMakeLists.txt", "main.cc", "model_data.cc", "model_data.h", "model_ops.h", "test_data.c", "test_data.h"}) {
    EXPECT_TRUE(fs::exists(dir + "/fw/" + file)) << file;
  }
  const std::string main = ReadText(dir + "/fw/main.cc");
  EXPECT_NE(main.find("tensor_arena[app::ml::g_sine_arena_bytes]"), std::string::npos) << main;
  EXPECT_NE(main.find("app::ml::g_sine_op_resolver()"), std::string::npos) << main;
  EXPECT_NE(main.find("g_sine_test_expected[s]"), std::string::npos) << main;
  EXPECT_NE(ReadText(dir + "/fw/CMakeLists.txt").find("TFLM_DIR"), std::string::npos);
  fs::remove_all(dir);
}

TEST(EmitTestDataCli, BadInputExitsTwoAndWritesNothing) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = TempDir("emit_vectors_bad");
  const std::string x = WriteVectorNpy(dir, "x.npy", DType::kInt8, {3, 1}, {1, 2, 3});
  const std::string y_float = WriteVectorNpy(dir, "y_float.npy", DType::kFloat32, {3, 1}, {1, 2, 3});
  const std::string y_two = WriteVectorNpy(dir, "y_two.npy", DType::kInt8, {2, 1}, {1, 2});
  const std::string nan = WriteVectorNpy(dir, "nan.npy", DType::kFloat32, {2, 1}, {0.5, std::nan("")});
  const std::string cc = dir + "/out/model_data.cc";
  const std::string fw = dir + "/fw";
  const std::string m = VectorModel();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"emit", m, "-o", cc, "--test-data", x, "--expected", y_float}, "y_float.npy"},
      {{"emit", m, "-o", cc, "--test-data", x, "--expected", y_two}, "y_two.npy: holds 2 samples"},
      {{"emit", m, "-o", cc, "--test-data", dir + "/missing.npy"}, "missing.npy"},
      {{"emit", m, "-o", cc, "--test-data", nan}, "nan.npy"},
      {{"emit", ModelPath("hello_world_float"), "-o", cc, "--test-data", nan}, "nan.npy: sample 1, element 0"},
      {{"emit", m, "-o", cc, "--expected", y_two}, "--expected needs --test-data"},
      {{"emit", m, "--test-data", x}, "--test-data-out"},
      {{"emit", m, "--project", fw}, "--project needs --test-data"},
      {{"emit", m, "--project", fw, "--test-data", x, "-o", cc}, "-o does not apply to --project"},
      {{"emit", m, "--project", fw, "--test-data", x, "--expected", y_float}, "y_float.npy"},
      {{"emit", m, "--format", "xxd", "-o", cc, "--test-data", x}, "--test-data does not apply to --format xxd"},
  };
  for (const auto& [args, needle] : cases) {
    const RunResult r = RunTinyforge(dir, args);
    EXPECT_EQ(r.status, 2) << needle << ": " << r.err;
    EXPECT_EQ(CountLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/out")) << needle;
    EXPECT_FALSE(fs::exists(dir + "/test_data.c")) << needle;
    EXPECT_FALSE(fs::exists(fw)) << needle;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge::testing
