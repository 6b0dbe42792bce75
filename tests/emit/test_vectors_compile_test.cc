// Test vectors (emit/test_vectors.h) compile as C99 and as C++17 with
// -Wall -Wextra -Werror -pedantic, and mixed (C definitions, C++ program);
// a program built from them writes every sample's bytes out, and those are
// the bytes of the arrays they were written from (every dtype, the extremes
// of each, -0.0, subnormals): the values are exact, read back by the
// compiler rather than by the emitter.
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstring>
#include <random>

#include "emit/test_vectors.h"
#include "libconvert/base/error.h"
#include "tests/emit/emit_test_util.h"

namespace tinyforge::emit {
namespace {

using test_util::ReadFile;
using test_util::RunCommand;
using test_util::ShellQuote;
using test_util::TempDir;
using test_util::WriteFile;

constexpr size_t kVectorSamples = 3;
constexpr char kVectorName[] = "g_t";

// [kVectorSamples, shape...] of `dtype`: random bits (finite for floats),
// then the type's extremes at the start of sample 0.
NpyArray VectorArray(DType dtype, std::vector<int64_t> shape, uint32_t seed) {
  shape.insert(shape.begin(), static_cast<int64_t>(kVectorSamples));
  NpyArray a = NpyArray::Zeros(dtype, shape);
  std::mt19937 rng(seed);
  for (uint8_t& byte : a.data) byte = static_cast<uint8_t>(rng());
  const auto put = [&a](size_t i, auto value) { std::memcpy(a.data.data() + i * sizeof value, &value, sizeof value); };
  switch (dtype) {
    case DType::kFloat32: {
      for (float& v : a.MutableView<float>()) {
        while (!std::isfinite(v)) v = static_cast<float>(static_cast<int32_t>(rng())) * 1e-3f;
      }
      const float extremes[] = {-0.0f, FLT_MAX, -FLT_MAX, FLT_MIN, FLT_TRUE_MIN, -FLT_TRUE_MIN, 1.0f / 3};
      for (size_t i = 0; i < 7; ++i) put(i, extremes[i]);
      break;
    }
    case DType::kInt8: put(0, int8_t{INT8_MIN}); put(1, int8_t{INT8_MAX}); break;
    case DType::kUInt8: put(0, uint8_t{0}); put(1, uint8_t{UINT8_MAX}); break;
    case DType::kInt16: put(0, int16_t{INT16_MIN}); put(1, int16_t{INT16_MAX}); break;
    case DType::kInt32: put(0, int32_t{INT32_MIN}); put(1, int32_t{INT32_MAX}); break;
    case DType::kInt64: put(0, int64_t{INT64_MIN}); put(1, int64_t{INT64_MAX}); break;
    case DType::kBool:
      for (uint8_t& byte : a.data) byte &= 1;
      break;
    default: break;
  }
  return a;
}

struct VectorCase {
  std::vector<NpyArray> inputs;  // one per dtype
  NpyArray expected;
};

VectorCase AllDTypes() {
  VectorCase c;
  const std::vector<std::pair<DType, std::vector<int64_t>>> tensors = {
      {DType::kFloat32, {2, 5}}, {DType::kInt8, {1, 4, 3}}, {DType::kUInt8, {7}},   {DType::kInt16, {3, 2}},
      {DType::kInt32, {4}},      {DType::kInt64, {2, 2}},   {DType::kBool, {}}};
  uint32_t seed = 11;
  for (const auto& [dtype, shape] : tensors) c.inputs.push_back(VectorArray(dtype, shape, seed++));
  c.expected = VectorArray(DType::kFloat32, {1, 10}, seed);
  return c;
}

TestVectors ViewVectors(const VectorCase& c) {
  TestVectors v;
  v.origin = "random arrays";
  for (size_t k = 0; k < c.inputs.size(); ++k) {
    const std::vector<int64_t> shape(c.inputs[k].shape.begin() + 1, c.inputs[k].shape.end());
    const std::vector<int32_t> shape32(shape.begin(), shape.end());
    v.inputs.push_back({"input " + std::to_string(k), shape,
                        DatasetView(c.inputs[k], "in" + std::to_string(k) + ".npy", shape32, c.inputs[k].dtype, "in")});
  }
  v.expected.push_back({"output 0", {1, 10}, DatasetView(c.expected, "out.npy", {1, 10}, DType::kFloat32, "out")});
  return v;
}

// A C program (also valid C++) that checks the constants and writes every
// sample of every tensor, inputs then expected, to argv[1].
std::string VectorDumper(const VectorCase& c) {
  std::string p = "#include \"test_data.h\"\n#include <stdio.h>\n\n"
                  "int main(int argc, char** argv) {\n  FILE* f;\n  int k;\n"
                  "  if (argc != 2) return 10;\n  f = fopen(argv[1], \"wb\");\n  if (!f) return 11;\n"
                  "  if (g_t_test_count != 3) return 2;\n";
  const auto dump = [&p](const std::string& prefix, const NpyArray& a) {
    const size_t rank = a.shape.size() - 1;
    p += "  if (" + prefix + "_elements != " + std::to_string(a.NumElements() / kVectorSamples) + ") return 3;\n";
    if (rank > 0) {
      p += "  if (sizeof " + prefix + "_dims != " + std::to_string(rank) + " * sizeof(int)) return 4;\n";
      p += "  if (" + prefix + "_dims[0] != " + std::to_string(a.shape[1]) + ") return 4;\n";
    }
    p += "  if (" + prefix + "[2] != " + prefix + "_sample_2) return 5;\n";
    p += "  for (k = 0; k < g_t_test_count; ++k) {\n    if (fwrite(" + prefix + "[k], sizeof " + prefix + "[k][0], " +
         prefix + "_elements, f) != " + prefix + "_elements) return 6;\n  }\n";
  };
  for (size_t k = 0; k < c.inputs.size(); ++k) dump("g_t_test_input" + std::to_string(k), c.inputs[k]);
  dump("g_t_test_expected", c.expected);
  return p + "  if (fclose(f) != 0) return 7;\n  puts(\"OK\");\n  return 0;\n}\n";
}

std::string ExpectedDump(const VectorCase& c) {
  std::string bytes;
  for (const NpyArray& a : c.inputs) bytes.append(a.data.begin(), a.data.end());
  return bytes.append(c.expected.data.begin(), c.expected.data.end());
}

void BuildAndCompare(const TempDir& dir, const std::string& build, const std::string& want) {
  const auto built = RunCommand("cd " + ShellQuote(dir.path()) + " && " + build);
  ASSERT_EQ(built.exit_code, 0) << build << "\n" << built.output;
  const auto run = RunCommand(ShellQuote(dir / "prog") + " " + ShellQuote(dir / "dump.bin"));
  ASSERT_EQ(run.exit_code, 0) << build << "\n" << run.output;
  EXPECT_TRUE(ReadFile(dir / "dump.bin") == want) << build << ": the compiled values are not the arrays' bytes";
}

TEST(TestVectorsCompile, EveryDTypeExactInCAndCxx) {
  TINYFORGE_REQUIRE_TOOL("gcc");
  TINYFORGE_REQUIRE_TOOL("g++");
  const VectorCase c = AllDTypes();
  const TestVectors v = ViewVectors(c);
  TempDir dir;
  WriteFile(dir / "test_data.c", TestDataSource(kVectorName, v, "test_data.h"));
  WriteFile(dir / "test_data.h", TestDataHeader(kVectorName, v));
  WriteFile(dir / "main.c", VectorDumper(c));
  const std::string want = ExpectedDump(c);
  const std::string warnings = " -Wall -Wextra -Werror -pedantic ";
  BuildAndCompare(dir, "gcc -std=c99" + warnings + "main.c test_data.c -o prog", want);
  BuildAndCompare(dir, "g++ -std=c++17" + warnings + "-x c++ main.c test_data.c -o prog", want);
  // C definitions linked into a C++ program: the header's extern "C".
  BuildAndCompare(dir,
                  "gcc -std=c99" + warnings + "-c test_data.c -o test_data.o && g++ -std=c++17" + warnings +
                      "-x c++ main.c -x none test_data.o -o prog",
                  want);
  const std::string header = ReadFile(dir / "test_data.h");
  EXPECT_NE(header.find("enum { g_t_test_count = 3 };"), std::string::npos) << header;
  EXPECT_NE(header.find("extern const int8_t* const g_t_test_input1[g_t_test_count];"), std::string::npos) << header;
}

TEST(TestVectorsCompile, RefusesWhatCannotBeWritten) {
  VectorCase c = AllDTypes();
  c.inputs.resize(1);
  c.inputs[0].MutableView<float>()[12] = std::nanf("");
  try {
    CheckTestVectors(ViewVectors(c));
    FAIL() << "a NaN was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("in0.npy: sample 1, element 2 of input 0 is", 0), 0u) << e.what();
    EXPECT_EQ(e.code(), ErrorCode::kBadInput);
  }
  c = AllDTypes();
  c.inputs.resize(1);
  c.expected = VectorArray(DType::kFloat32, {1, 10}, 3);
  c.expected.shape[0] = 2;
  c.expected.data.resize(c.expected.data.size() / 3 * 2);
  try {
    CheckTestVectors(ViewVectors(c));
    FAIL() << "2 expected samples for 3 inputs were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "out.npy: holds 2 samples for output 0, but in0.npy holds 3") << e.what();
  }
}

}  // namespace
}  // namespace tinyforge::emit
