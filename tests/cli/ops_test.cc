// `tinyforge ops` and the tables behind it: every operator the interpreter
// runs must be known to every other table (TFLM, quantization, arena, MACs),
// and docs/operators.md must be exactly what the binary prints.
#include <gtest/gtest.h>

#include <set>

#include "apps/op_matrix.h"
#include "libconvert/interp/examples/op_examples.h"
#include "libconvert/interp/fast/fast_table.h"
#include "libconvert/interp/kernel.h"
#include "libconvert/model/dtype.h"
#include "quantize/op_rules.h"
#include "tests/cli/cli_util.h"

namespace tinyforge {
namespace {

using testing::ReadText;

// Operators whose work is multiplying: a weight input in the quantization
// rules, or a product of activations. PRELU's alpha is a weight, but its
// work is an elementwise product like MUL's, which MACs do not count.
bool Multiplies(tflite::BuiltinOperator op) {
  const auto rule = quantize::FindOpRule(op);
  return (rule && rule->weight_input >= 0 && op != tflite::BuiltinOperator_PRELU) || op == tflite::BuiltinOperator_BATCH_MATMUL ||
         op == tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM || op == tflite::BuiltinOperator_SVDF;
}

TEST(OpSupport, EveryOperatorWithAKernelIsKnownToEveryTable) {
  for (const OpMatrixRow& row : BuildOpMatrix()) {
    if (row.reference.empty()) continue;
    SCOPED_TRACE(row.name);
    EXPECT_TRUE(row.tflm || !row.tflm_note.empty()) << "no TFLM resolver method and no note saying why";
    if (row.tflm) {  // an operator TFLM cannot run has no arena use to model
      EXPECT_TRUE(row.arena_modelled) << "TFLM's arena use is not in libconvert/tflm/arena_kernel_sizes.cc";
    }
    EXPECT_FALSE(row.quantize.empty() || row.quantize == "float: no rule")
        << "no quantization rule in quantize/op_rules.cc and no reason it stays float";
    if (Multiplies(row.op)) {
      EXPECT_TRUE(row.macs) << "multiplies but has no MAC formula (model/op_macs.cc)";
    }
  }
}

TEST(OpSupport, EveryReferenceTypeHasAnExampleModel) {
  for (const OpMatrixRow& row : BuildOpMatrix()) {
    for (const tflite::TensorType type : row.reference) {
      SCOPED_TRACE(row.name + " " + TypeName(type));
      EXPECT_FALSE(interp::OpExamplesFor(row.op, type).empty())
          << "no one-operator example in libconvert/interp/examples";
    }
  }
}

TEST(OpSupport, FastKernelsAreRowsOfTheKernelTable) {
  for (const auto& fast : interp::fast::FastKernelTable()) {
    EXPECT_NE(interp::FindKernel(fast.op, fast.type), nullptr)
        << tflite::EnumNameBuiltinOperator(fast.op) << " " << tflite::EnumNameTensorType(fast.type);
  }
}

TEST(OpSupport, KeyInputsNameDataInputs) {
  // TRANSPOSE_CONV's input 0 is its int32 output shape: its kernel must be
  // found by the data input (2), as a real model needs.
  EXPECT_EQ(interp::KernelKeyInput(tflite::BuiltinOperator_TRANSPOSE_CONV), 2u);
  EXPECT_EQ(interp::KernelKeyInput(tflite::BuiltinOperator_SPLIT), 1u);
  EXPECT_EQ(interp::KernelKeyInput(tflite::BuiltinOperator_CONV_2D), 0u);
  // SELECT_V2 is keyed on its data, not on its bool condition.
  EXPECT_EQ(interp::FindKernel(tflite::BuiltinOperator_SELECT_V2, tflite::TensorType_BOOL), nullptr);
  EXPECT_NE(interp::FindKernel(tflite::BuiltinOperator_SELECT_V2, tflite::TensorType_FLOAT32), nullptr);
}

TEST(OpsCommand, DocsOperatorsMdIsWhatTheBinaryPrints) {
  TF_REQUIRE_BINARY();
  const std::string dir = testing::TempDir("ops_md");
  const testing::RunResult r = testing::RunTinyforge(dir, {"ops", "--markdown"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, ReadText(std::string(TINYFORGE_SOURCE_DIR) + "/docs/operators.md"))
      << "docs/operators.md is stale: regenerate it with `tinyforge ops --markdown > docs/operators.md`";
}

TEST(OpsCommand, JsonAndTextListTheSameOperators) {
  TF_REQUIRE_BINARY();
  const std::string dir = testing::TempDir("ops_json");
  const testing::RunResult json = testing::RunTinyforge(dir, {"ops", "--json"});
  ASSERT_EQ(json.status, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["schema"], "tinyforge.ops/1");
  const testing::RunResult text = testing::RunTinyforge(dir, {"ops"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_EQ(doc["operators"].size() + 1, testing::CountLines(text.out));  // + the header line
  for (const auto& op : doc["operators"]) {
    EXPECT_NE(text.out.find("\n" + op["op"].get<std::string>() + " "), std::string::npos) << op["op"];
  }
}

TEST(OpsCommand, JsonAndMarkdownAreExclusive) {
  TF_REQUIRE_BINARY();
  const std::string dir = testing::TempDir("ops_both");
  const testing::RunResult r = testing::RunTinyforge(dir, {"ops", "--json", "--markdown"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
}

}  // namespace
}  // namespace tinyforge
