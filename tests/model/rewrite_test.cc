// Every rewrite pass on every shared model keeps what the model computes.
#include "tests/model/rewrite_test_util.h"

namespace tinyforge {
namespace {

// The comparison is not vacuous: it sees a changed constant byte, a changed
// option, another tensor with the same shape, and a shape change.
TEST(Rewrite, ComputationComparisonSeesChanges) {
  TF_REQUIRE_SHARED();
  const Model original = LoadModel(ModelPath("hello_world_float"));
  EXPECT_EQ(ComparisonFailures(original.raw(), original.Clone().raw()), 0);

  Model changed = original.Clone();
  const auto& op = *changed.subgraph(0).operators[0];
  changed.raw().buffers[changed.tensor(0, op.inputs[1]).buffer]->data[0] ^= 1;
  EXPECT_GT(ComparisonFailures(original.raw(), changed.raw()), 0);

  changed = original.Clone();
  changed.raw()
      .subgraphs[0]
      ->operators[1]
      ->builtin_options.AsFullyConnectedOptions()
      ->fused_activation_function = tflite::ActivationFunctionType_TANH;
  EXPECT_GT(ComparisonFailures(original.raw(), changed.raw()), 0);

  // Operator 1's bias (same shape, other values) as operator 0's bias.
  changed = original.Clone();
  auto& ops = changed.raw().subgraphs[0]->operators;
  ops[0]->inputs[2] = ops[1]->inputs[2];
  EXPECT_GT(ComparisonFailures(original.raw(), changed.raw()), 0);

  // Operator 0's weights [16,1] as its bias [16].
  changed = original.Clone();
  changed.raw().subgraphs[0]->operators[0]->inputs[2] =
      original.subgraph(0).operators[0]->inputs[1];
  EXPECT_GT(ComparisonFailures(original.raw(), changed.raw()), 0);
}

// ---------------------------------------------------------------------------

TEST(Rewrite, EverySharedModelSurvivesEveryPass) {
  TF_REQUIRE_SHARED();
  const auto names = SharedModelNames();
  ASSERT_GE(names.size(), 50u);
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const Model original = LoadModel(ModelPath(name));
    for (const PassCase& c : PassCases(original)) {
      SCOPED_TRACE(c.name);
      const RewriteResult result = Rewrite(original, c.options);
      EXPECT_NO_THROW(VerifyModel(result.model));
      const Model reloaded = ParseModel(result.bytes.data(), result.bytes.size(), name);
      EXPECT_TRUE(reloaded.raw() == result.model.raw());
      EXPECT_EQ(result.bytes, SerializeModel(result.model, result.write_options));
      if (c.computation_unchanged) ExpectSameComputation(original.raw(), reloaded.raw());
      if (c.options.align) ExpectAligned(result.bytes);
      EXPECT_LE(result.bytes.size(), result.bytes_before + 15 * original.raw().buffers.size());
      // The original is untouched (Rewrite works on a clone).
      EXPECT_TRUE(original.raw() == LoadModel(ModelPath(name)).raw());
    }
  }
}

TEST(Rewrite, NoPassWritesTheModelBackLosslessly) {
  TF_REQUIRE_SHARED();
  for (const auto& name : SharedModelNames()) {
    SCOPED_TRACE(name);
    const Model original = LoadModel(ModelPath(name));
    const RewriteResult result = Rewrite(original, {});
    EXPECT_TRUE(result.passes.empty());
    EXPECT_FALSE(result.write_options.align_buffers);
    EXPECT_EQ(result.bytes, SerializeModel(original, WriteOptions{false}));
    EXPECT_TRUE(ParseModel(result.bytes.data(), result.bytes.size(), name).raw() == original.raw());
  }
}

// person_detect.tflite is the classic unaligned file: --align must fix it.
TEST(Rewrite, AlignFixesPersonDetect) {
  TF_REQUIRE_SHARED();
  const std::vector<uint8_t> file = ReadFileBytes(ModelPath("person_detect"));
  ASSERT_GT(MisalignedIn(file), 0u) << "expected the original file to be misaligned";
  const Model m = ParseModel(file.data(), file.size(), "person_detect");
  RewriteOptions options;
  options.align = true;
  const RewriteResult result = Rewrite(m, options);
  EXPECT_GT(ExpectAligned(result.bytes), 0u);
  EXPECT_EQ(MisalignedIn(result.bytes), 0u);
  ASSERT_EQ(result.passes.size(), 1u);
  EXPECT_EQ(result.passes[0].pass, "align");
  EXPECT_LE(result.passes[0].bytes_saved(), 0);  // padding costs bytes
  EXPECT_TRUE(result.model.raw() == m.raw());
}

// ---------------------------------------------------------------------------
// A real model with known junk inserted at the front of each table, so every
// index after it has to be renumbered.

}  // namespace
}  // namespace tinyforge
