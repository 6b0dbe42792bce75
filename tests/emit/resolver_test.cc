// The op table and generated resolvers: compiled against a stub of TFLM's
// MicroMutableOpResolver written here, which records the Add calls.
#include "emit/resolver.h"

#include <algorithm>

#include "emit/byte_io.h"
#include "libconvert/base/error.h"
#include "libconvert/tflm/ops.h"
#include "tests/emit/emit_test_util.h"

namespace tinyforge::emit {
namespace {

using test_util::ManifestDescription;
using test_util::ManifestEntry;
using test_util::RunCommand;
using test_util::ShellQuote;
using test_util::TempDir;
using test_util::WriteFile;

TEST(ResolverTableTest, EveryTflmOpIsFoundByItsName) {
  // The names ModelDescription carries map onto libconvert's table.
  for (const TflmBuiltinOp& row : TflmBuiltinOps()) {
    const std::string name = tflite::EnumNameBuiltinOperator(row.op);
    const std::optional<ResolverOp> found = FindResolverOp(name);
    ASSERT_TRUE(found.has_value()) << name;
    EXPECT_EQ(found->add_method, row.resolver_method);
    EXPECT_FALSE(found->custom);
  }
  for (const TflmCustomOp& row : TflmCustomOps()) {
    const std::optional<ResolverOp> found = FindResolverOp(row.custom_code);
    ASSERT_TRUE(found.has_value()) << row.custom_code;
    EXPECT_EQ(found->add_method, row.resolver_method);
    EXPECT_TRUE(found->custom);
  }
  EXPECT_FALSE(FindResolverOp("CUSTOM").has_value());
  EXPECT_FALSE(FindResolverOp("").has_value());
}

TEST(ResolverTableTest, KnownMethodNames) {
  // Names as TFLM's micro_mutable_op_resolver.h spells them.
  const std::vector<std::pair<std::string, std::string>> known = {
      {"CONV_2D", "AddConv2D"},
      {"DEPTHWISE_CONV_2D", "AddDepthwiseConv2D"},
      {"FULLY_CONNECTED", "AddFullyConnected"},
      {"SOFTMAX", "AddSoftmax"},
      {"RESHAPE", "AddReshape"},
      {"UNIDIRECTIONAL_SEQUENCE_LSTM", "AddUnidirectionalSequenceLSTM"},
      {"AVERAGE_POOL_2D", "AddAveragePool2D"},
      {"BATCH_TO_SPACE_ND", "AddBatchToSpaceNd"},
      {"L2_NORMALIZATION", "AddL2Normalization"},
      {"LOG_SOFTMAX", "AddLogSoftmax"},
      {"TFLite_Detection_PostProcess", "AddDetectionPostprocess"},
  };
  for (const auto& [op, method] : known) {
    const std::optional<ResolverOp> row = FindResolverOp(op);
    ASSERT_TRUE(row.has_value()) << op;
    EXPECT_EQ(row->add_method, method);
  }
  EXPECT_FALSE(FindResolverOp("GELU").has_value());
  EXPECT_FALSE(FindResolverOp("SELECT").has_value());
}

std::string ResolverText(const std::vector<std::string>& ops, const std::string& name,
                         const std::vector<std::string>& namespaces = {}) {
  ResolverOptions options;
  options.array_name = name;
  options.namespaces = namespaces;
  options.model_label = "model.tflite";
  std::string text;
  StringSink sink(text);
  WriteResolverHeader(ops, options, sink);
  return text;
}

TEST(ResolverTest, OperatorWithoutTflmMethodIsANamedError) {
  try {
    ResolverText({"CONV_2D", "GELU", "SELECT"}, "g_m");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("model.tflite"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("GELU, SELECT"), std::string::npos) << error.what();
  }
}

// A stand-in for TFLM's class with the same shape: a template on the op count,
// an explicit default constructor, one Add method per op. Each records its
// name; adding past the capacity or twice fails, as in TFLM.
constexpr char kStubResolver[] = R"(#pragma once
#include <cstring>
namespace tflite {
typedef int TfLiteStatus;
template <unsigned int tOpCount>
class MicroMutableOpResolver {
 public:
  explicit MicroMutableOpResolver() {}
#define STUB_ADD(Method) \
  TfLiteStatus Method() { return Record(#Method); }
  STUB_ADD(AddAveragePool2D)
  STUB_ADD(AddConv2D)
  STUB_ADD(AddDepthwiseConv2D)
  STUB_ADD(AddDequantize)
  STUB_ADD(AddFullyConnected)
  STUB_ADD(AddQuantize)
  STUB_ADD(AddReshape)
  STUB_ADD(AddSoftmax)
  STUB_ADD(AddUnidirectionalSequenceLSTM)
  STUB_ADD(AddAdd)
  STUB_ADD(AddDetectionPostprocess)
#undef STUB_ADD
  unsigned int count() const { return count_; }
  const char* name(unsigned int i) const { return names_[i]; }
  bool failed() const { return failed_; }
 private:
  TfLiteStatus Record(const char* method) {
    for (unsigned int i = 0; i < count_; ++i) {
      if (std::strcmp(names_[i], method) == 0) { failed_ = true; return 1; }
    }
    if (count_ >= tOpCount) { failed_ = true; return 1; }
    names_[count_++] = method;
    return 0;
  }
  const char* names_[tOpCount] = {};
  unsigned int count_ = 0;
  bool failed_ = false;
};
}  // namespace tflite
)";

// Compiles `header` (which defines `name`_op_resolver) against the stub and
// checks the resolver holds exactly `expected_methods`, with N equal to their
// count.
void CheckCompiledResolver(const std::string& header, const std::string& qualified_name,
                           const std::vector<std::string>& expected_methods) {
  TempDir dir;
  WriteFile(dir / "stub/tensorflow/lite/micro/micro_mutable_op_resolver.h", kStubResolver);
  WriteFile(dir / "model_ops.h", header);
  const std::string n = std::to_string(expected_methods.size());
  std::string expected_list;
  for (const std::string& method : expected_methods) expected_list += "\"" + method + "\", ";
  const std::string program =
      "#include \"model_ops.h\"\n#include <cstdio>\n#include <cstring>\n#include <type_traits>\n"
      "int main() {\n"
      "  static_assert(std::is_same<decltype(" + qualified_name + "_op_resolver()), "
      "tflite::MicroMutableOpResolver<" + n + ">>::value, \"N is the op count\");\n"
      "  static_assert(" + qualified_name + "_op_count == " + n + ", \"op_count\");\n"
      "  static auto resolver = " + qualified_name + "_op_resolver();\n"
      "  const char* expected[] = {" + expected_list + "};\n"
      "  if (resolver.failed() || resolver.count() != " + n + ") return 2;\n"
      "  for (unsigned int i = 0; i < " + n + "; ++i) {\n"
      "    bool found = false;\n"
      "    for (unsigned int j = 0; j < resolver.count(); ++j) {\n"
      "      found = found || std::strcmp(resolver.name(j), expected[i]) == 0;\n"
      "    }\n"
      "    if (!found) { std::printf(\"missing %s\\n\", expected[i]); return 3; }\n"
      "  }\n"
      "  std::puts(\"OK\");\n  return 0;\n}\n";
  WriteFile(dir / "main.cc", program);
  const auto build = RunCommand("cd " + ShellQuote(dir.path()) +
                                " && g++ -std=c++11 -Wall -Wextra -Werror -pedantic -Istub "
                                "main.cc -o prog");
  ASSERT_EQ(build.exit_code, 0) << header << "\n" << build.output;
  const auto run = RunCommand(ShellQuote(dir / "prog"));
  EXPECT_EQ(run.output, "OK\n");
  EXPECT_EQ(run.exit_code, 0);
}

TEST(ResolverTest, CompilesAgainstStubWithExactlyTheModelsOps) {
  TINYFORGE_REQUIRE_TOOL("g++");
  TINYFORGE_REQUIRE_MODEL("person_detect.tflite");
  // Manifest op lists, and the TFLM method each needs (written by hand here).
  const std::vector<std::pair<std::string, std::vector<std::string>>> models = {
      {"person_detect.tflite",
       {"AddAveragePool2D", "AddConv2D", "AddDepthwiseConv2D", "AddReshape", "AddSoftmax"}},
      {"hello_world_int8.tflite", {"AddFullyConnected"}},
      {"trained_lstm_int8.tflite",
       {"AddFullyConnected", "AddReshape", "AddSoftmax", "AddUnidirectionalSequenceLSTM"}},
      {"partly_quantized_mnist.tflite",
       {"AddAveragePool2D", "AddConv2D", "AddDequantize", "AddFullyConnected", "AddQuantize",
        "AddReshape", "AddSoftmax"}},
  };
  for (const auto& [file, methods] : models) {
    SCOPED_TRACE(file);
    const auto entry = ManifestEntry(file);
    ASSERT_FALSE(entry.is_null());
    const ModelDescription model = ManifestDescription(entry);
    CheckCompiledResolver(ResolverText(model.op_names, "g_model"), "g_model", methods);
  }
}

TEST(ResolverTest, DuplicatesCustomOpsAndNamespaces) {
  TINYFORGE_REQUIRE_TOOL("g++");
  const std::string header =
      ResolverText({"ADD", "TFLite_Detection_PostProcess", "ADD", "CONV_2D"}, "net", {"a", "b"});
  CheckCompiledResolver(header, "a::b::net", {"AddAdd", "AddConv2D", "AddDetectionPostprocess"});
}

}  // namespace
}  // namespace tinyforge::emit
