#include "libconvert/tflm/op_types.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "libconvert/model/model_io.h"
#include "libconvert/tflm/ops.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

std::string NameOf(tflite::BuiltinOperator op) { return tflite::EnumNameBuiltinOperator(op); }

// The table covers exactly the operators TFLM has a kernel for, grouped by
// operator in name order, and every rule accepts something.
TEST(TflmTypeRules, CoverEveryKernelAndNothingElse) {
  std::set<tflite::BuiltinOperator> with_kernel;
  for (const TflmBuiltinOp& op : TflmBuiltinOps()) with_kernel.insert(op.op);
  std::set<tflite::BuiltinOperator> with_rules;
  const Span<const TflmTypeRule> rules = TflmTypeRules();
  for (size_t i = 0; i < rules.size(); ++i) {
    SCOPED_TRACE(NameOf(rules[i].op));
    EXPECT_TRUE(TflmHasKernel(rules[i].op)) << "a rule for an operator TFLM has no kernel for";
    EXPECT_NE(rules[i].data_types, 0u);
    EXPECT_NE(rules[i].output_types, 0u);
    EXPECT_GE(rules[i].data_input, 0);
    EXPECT_TRUE(rules[i].other_input < 0 || rules[i].other_types != 0u);
    if (i > 0 && rules[i - 1].op != rules[i].op) {
      EXPECT_LT(NameOf(rules[i - 1].op), NameOf(rules[i].op));
      EXPECT_EQ(with_rules.count(rules[i].op), 0u) << "rules of one operator are not together";
    }
    with_rules.insert(rules[i].op);
  }
  EXPECT_EQ(with_rules, with_kernel);
}

TEST(TflmTypeRules, NameTypeSets) {
  EXPECT_EQ(TflmTypeSetName(TflmType(tflite::TensorType_FLOAT32)), "FLOAT32");
  EXPECT_EQ(TflmTypeSetName(TflmType(tflite::TensorType_FLOAT32) | TflmType(tflite::TensorType_INT8)),
            "FLOAT32 or INT8");
  EXPECT_EQ(TflmTypeSetName(kTflmAnyType), "any type");
}

// The facts inspect got wrong before the table (checked against the real
// TFLM for every corpus model in tests/oracle/tflm_claims_test.cc).
TEST(TflmTypeProblem, Int32TransposeAndHybridFullyConnected) {
  TF_REQUIRE_SHARED();
  const Model transpose = LoadModel(testing::ModelPath("single_transpose_int32"));
  const auto problem = TflmTypeProblem(transpose, 0, *transpose.subgraph(0).operators[0]);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("not INT32 input"), std::string::npos) << *problem;

  const Model hybrid = LoadModel(testing::ModelPath("partly_quantized_mnist"));
  bool saw_hybrid = false;
  for (const auto& op : hybrid.subgraph(0).operators) {
    if (hybrid.OpCode(*op) != tflite::BuiltinOperator_FULLY_CONNECTED) continue;
    const auto p = TflmTypeProblem(hybrid, 0, *op);
    if (p) saw_hybrid |= p->find("not FLOAT32 input with INT8 weights") != std::string::npos;
  }
  EXPECT_TRUE(saw_hybrid);

  const Model fine = LoadModel(testing::ModelPath("person_detect"));
  for (const auto& op : fine.subgraph(0).operators) EXPECT_FALSE(TflmTypeProblem(fine, 0, *op).has_value());
}

}  // namespace
}  // namespace tinyforge
