// The one-operator example models (libconvert/interp/examples): each is the
// one-operator model it claims to be, and each runs through the Interpreter with the reference kernels and with
// the fast kernels on seeded random inputs: integer outputs equal bit for
// bit, floats within 1e-5 of the output's largest magnitude. The fast
// kernels the interpreter reports are held to interp/fast/fast_table.h: a
// listed row runs its fast kernel on at least one example (where this CPU
// has the features), an unlisted row never does. The examples' bits against
// the real TFLM are tests/tflm/kernel_oracle_test.cc; that every kernel-table
// row has an example, tests/cli/ops_test.cc.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "libconvert/interp/examples/op_examples.h"
#include "libconvert/interp/fast/fast_table.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/interp/kernel.h"
#include "libconvert/model/dtype.h"
#include "tests/op_example_inputs.h"
#include "tests/output_compare.h"

namespace tinyforge {
namespace {

using interp::OpExample;
using Row = std::pair<tflite::BuiltinOperator, tflite::TensorType>;

std::string RowName(const Row& row) {
  return std::string(tflite::EnumNameBuiltinOperator(row.first)) + " " + TypeName(row.second);
}

constexpr uint32_t kSeed = 20260522;
constexpr int kSamples = 3;

TEST(OpExamples, EachIsTheOneOperatorModelItClaims) {
  std::set<std::string> names;
  for (const OpExample& e : interp::OpExamples()) {
    SCOPED_TRACE(e.name);
    EXPECT_TRUE(names.insert(e.name).second) << "two examples share the name";
    EXPECT_NE(interp::FindKernel(e.op, e.type), nullptr) << "not a kernel-table row: " << RowName({e.op, e.type});
    const Model model = e.build();
    ASSERT_EQ(model.subgraph(0).operators.size(), 1u);
    const tflite::OperatorT& op = *model.subgraph(0).operators[0];
    EXPECT_EQ(model.OpCode(op), e.op);
    const int key = interp::KernelKeyTensor(model, op);
    ASSERT_GE(key, 0);
    EXPECT_EQ(model.subgraph(0).tensors[static_cast<size_t>(key)]->type, e.type);
    EXPECT_LE(e.input_ranges.size(), model.subgraph(0).inputs.size());
  }
}

// Runs one example with both kernel sets on seeded samples; returns whether
// the fast interpreter ran a fast kernel.
bool ExpectFastMatchesReference(const OpExample& e) {
  const Model model = e.build();
  interp::Interpreter reference(model, interp::InterpreterOptions{true});
  interp::Interpreter fast(model, interp::InterpreterOptions{false});
  reference.Prepare();
  fast.Prepare();
  const std::vector<NpyArray> inputs = testing::RandomExampleInputs(e, model, kSeed, kSamples);
  for (size_t s = 0; s < kSamples; ++s) {
    for (interp::Interpreter* interpreter : {&reference, &fast}) {
      interpreter->ResetVariables();
      testing::SetSample(*interpreter, inputs, s);
      interpreter->Invoke();
    }
    for (size_t k = 0; k < reference.num_outputs(); ++k) {
      const interp::RuntimeTensor& want = reference.output(k);
      const interp::RuntimeTensor& got = fast.output(k);
      const testing::OutputDifference d = testing::CompareOutput(
          want.type, got.data, want.data, static_cast<size_t>(want.count()), {1e-5, 1e-6, /*of_max=*/true});
      EXPECT_EQ(d.mismatches, 0u) << "sample " << s << ", output " << k << ": element " << d.first << " is "
                                  << testing::ElementText(got.type, got.data, d.first) << ", the reference gives "
                                  << testing::ElementText(want.type, want.data, d.first);
    }
  }
  return fast.RunsFastKernel(0);
}

TEST(OpExamples, FastKernelsMatchTheReference) {
  std::printf("[ seed     ] %u, %d samples per example\n", kSeed, kSamples);
  std::map<Row, bool> ran_fast;
  for (const OpExample& e : interp::OpExamples()) {
    SCOPED_TRACE(e.name + " (seed " + std::to_string(kSeed) + ")");
    bool fast = false;
    try {
      fast = ExpectFastMatchesReference(e);
    } catch (const Error& error) {
      ADD_FAILURE() << error.what();
      continue;
    }
    ran_fast[Row{e.op, e.type}] |= fast;
    if (fast) {
      EXPECT_NE(interp::fast::FindFastKernel(e.op, e.type), nullptr)
          << "runs a fast kernel that interp/fast/fast_table.cc does not list";
    }
  }
  const auto& cpu = interp::fast::Cpu();
  for (const auto& row : interp::fast::FastKernelTable()) {
    if (!row.available(cpu)) continue;
    EXPECT_TRUE((ran_fast[Row{row.op, row.type}]))
        << RowName({row.op, row.type}) << ": listed as a fast kernel, but no example runs it on this CPU";
  }
}

}  // namespace
}  // namespace tinyforge
