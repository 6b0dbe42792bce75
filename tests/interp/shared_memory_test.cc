// InterpreterOptions::share_memory: the plan (which tensors share, when each
// is live) on hand-made graphs, and whole models giving the same bits with
// and without sharing: every golden model (those of several operators share
// tensors) and the tiny synthetic MobileNetV2s (PADs folded into convs),
// each run over noise written into every tensor an operator writes, on one
// input and then on another, so that a kernel reading bytes it did not
// write would show; and an observer seeing every operator's outputs as an
// interpreter without sharing holds them after Invoke.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <random>

#include "libconvert/data/npy.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/interp/shared_memory.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/synthetic_models.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

// A subgraph of `tensors` tensors whose operators read and write the given
// tensors, with the given subgraph inputs and outputs; each operator's code
// (ADD unless given) goes to Codes.
struct PlanNode {
  std::vector<int> inputs, outputs;
  tflite::BuiltinOperator code = tflite::BuiltinOperator_ADD;
};
tflite::SubGraphT PlanGraph(int tensors, const std::vector<PlanNode>& ops, std::vector<int> inputs, std::vector<int> outputs) {
  tflite::SubGraphT g;
  for (int t = 0; t < tensors; ++t) g.tensors.push_back(std::make_unique<tflite::TensorT>());
  for (const PlanNode& op : ops) {
    auto o = std::make_unique<tflite::OperatorT>();
    o->inputs = op.inputs;
    o->outputs = op.outputs;
    g.operators.push_back(std::move(o));
  }
  g.inputs = std::move(inputs);
  g.outputs = std::move(outputs);
  return g;
}
std::vector<tflite::BuiltinOperator> Codes(const std::vector<PlanNode>& ops) {
  std::vector<tflite::BuiltinOperator> codes;
  for (const PlanNode& op : ops) codes.push_back(op.code);
  return codes;
}

// The plan of `tensors` tensors of `bytes` each (or as given) for ops.
interp::SharedMemoryPlan PlanOf(int tensors, const std::vector<PlanNode>& ops, std::vector<int> inputs,
                                std::vector<int> outputs, std::vector<int64_t> bytes = {}) {
  if (bytes.empty()) bytes.assign(static_cast<size_t>(tensors), 64);
  return interp::PlanSharedMemory(PlanGraph(tensors, ops, std::move(inputs), std::move(outputs)), Codes(ops), bytes);
}

// Where plan placed tensor t, or -1.
int64_t PlannedOffset(const interp::SharedMemoryPlan& plan, int t) {
  const auto it = std::find(plan.tensors.begin(), plan.tensors.end(), t);
  return it == plan.tensors.end() ? -1 : plan.offsets[static_cast<size_t>(it - plan.tensors.begin())];
}

// Whether tensors a and b (`size` bytes each) overlap in the plan.
bool PlannedOverlap(const interp::SharedMemoryPlan& plan, int a, int b, int64_t size) {
  const int64_t x = PlannedOffset(plan, a), y = PlannedOffset(plan, b);
  return x < y + size && y < x + size;
}

constexpr tflite::BuiltinOperator kPad = tflite::BuiltinOperator_PAD;
constexpr tflite::BuiltinOperator kConv = tflite::BuiltinOperator_CONV_2D;

TEST(SharedMemoryPlan, AChainReusesTheBytesOfTensorsNoLongerRead) {
  // in(0) -> 1 -> 2 -> 3 -> 4 -> out(5), each live from its writer to its
  // reader: 1 (operators 0-1) and 3 (2-3) can share, as can 2 and 4. The
  // planner takes the largest first, ties to the later tensor: 4 at 0, 3
  // after it, 2 beside 4 (they do not meet), 1 beside 3. Sizes round up to
  // cache lines (100 -> 128).
  const interp::SharedMemoryPlan plan =
      PlanOf(6, {{{0}, {1}}, {{1}, {2}}, {{2}, {3}}, {{3}, {4}}, {{4}, {5}}}, {0}, {5}, std::vector<int64_t>(6, 100));
  EXPECT_EQ(plan.tensors.size(), 4u);  // not the subgraph's input and output
  EXPECT_EQ(PlannedOffset(plan, 0), -1);
  EXPECT_EQ(PlannedOffset(plan, 5), -1);
  EXPECT_EQ(PlannedOffset(plan, 4), 0);
  EXPECT_EQ(PlannedOffset(plan, 3), 128);
  EXPECT_EQ(PlannedOffset(plan, 2), 0);
  EXPECT_EQ(PlannedOffset(plan, 1), 128);
  EXPECT_EQ(plan.total_bytes, 256);
}

TEST(SharedMemoryPlan, KeepsTensorsReadBeforeTheyAreWrittenAndOnesLeftOut) {
  // Operator 0 reads 2 before operator 1 writes it (its value is last
  // run's); 3 is read but never written; 1 is left out by its caller
  // (bytes -1: a constant or a variable); 5 has no bytes.
  const interp::SharedMemoryPlan plan =
      PlanOf(7, {{{0, 2, 3}, {1}}, {{1}, {2}}, {{1, 2}, {5}}, {{2, 5}, {6}}}, {0}, {6}, {64, -1, 64, 64, 64, 0, 64});
  EXPECT_TRUE(plan.tensors.empty());
}

TEST(SharedMemoryPlan, APadsInputLivesUntilTheConvThatReadsThroughIt) {
  // 0 -> ADD -> 1 -> PAD -> 2 -> CONV_2D -> 3 -> ADD -> 4: the conv may read
  // 1 in place of 2 (it folds the PAD), so 1 lives until operator 2 and 3
  // cannot take its bytes.
  const interp::SharedMemoryPlan plan =
      PlanOf(5, {{{0}, {1}}, {{1}, {2}, kPad}, {{2}, {3}, kConv}, {{3}, {4}}}, {0}, {4});
  EXPECT_FALSE(PlannedOverlap(plan, 1, 3, 64));
  // When operator 3 reads 2 too, the conv is not its sole reader and reads
  // 2 itself: 1 dies at the PAD and 3 reuses its bytes. So it does when
  // the producer is no PAD, or the reader no conv.
  EXPECT_TRUE(PlannedOverlap(PlanOf(6, {{{0}, {1}}, {{1}, {2}, kPad}, {{2}, {3}, kConv}, {{3, 2}, {5}}}, {0}, {5}),
                             1, 3, 64));
  EXPECT_TRUE(PlannedOverlap(PlanOf(5, {{{0}, {1}}, {{1}, {2}}, {{2}, {3}, kConv}, {{3}, {4}}}, {0}, {4}), 1, 3, 64));
  EXPECT_TRUE(PlannedOverlap(PlanOf(5, {{{0}, {1}}, {{1}, {2}, kPad}, {{2}, {3}}, {{3}, {4}}}, {0}, {4}), 1, 3, 64));
}

TEST(SharedMemoryPlan, WithoutACodeForEveryOperatorNothingShares) {
  const std::vector<PlanNode> ops = {{{0}, {1}}, {{1}, {2}, kPad}, {{2}, {3}, kConv}, {{3}, {4}}};
  const tflite::SubGraphT g = PlanGraph(5, ops, {0}, {4});
  EXPECT_FALSE(interp::PlanSharedMemory(g, Codes(ops), std::vector<int64_t>(5, 64)).tensors.empty());
  EXPECT_TRUE(interp::PlanSharedMemory(g, {tflite::BuiltinOperator_ADD}, std::vector<int64_t>(5, 64)).tensors.empty());
}

TEST(SharedMemoryPlan, APadsOutputAConvReadsThroughIsPlacedAroundTheRest) {
  // 0 -> ADD -> 1 -> PAD -> 2 (256 bytes) -> CONV_2D -> 3 -> ADD -> 4 -> ADD -> 5.
  // Without the PAD's output the others place as they would alone; 2, which
  // usually no run writes, then goes where nothing live beside it is.
  const std::vector<PlanNode> ops = {{{0}, {1}}, {{1}, {2}, kPad}, {{2}, {3}, kConv}, {{3}, {4}}, {{4}, {5}}};
  const interp::SharedMemoryPlan plan = PlanOf(6, ops, {0}, {5}, {64, 64, 256, 64, 64, 64});
  const interp::SharedMemoryPlan without = PlanOf(6, ops, {0}, {5}, {64, 64, -1, 64, 64, 64});
  for (int t : {1, 3, 4}) EXPECT_EQ(PlannedOffset(plan, t), PlannedOffset(without, t)) << "tensor " << t;
  // By hand: 1 lives during operators 0-2 (the conv reads it), 3 during
  // 2-3, 4 during 3-4. Largest first, ties to the later tensor: 4 at 0, 3
  // after it (they meet at operator 3), 1 at 0 (it meets 3, not 4). Then 2
  // (operators 1-2) meets 1 and 3, so it goes past both: at 128. Among the
  // others, the largest, it would have gone first, at 0.
  EXPECT_EQ(PlannedOffset(plan, 4), 0);
  EXPECT_EQ(PlannedOffset(plan, 3), 64);
  EXPECT_EQ(PlannedOffset(plan, 1), 0);
  EXPECT_EQ(PlannedOffset(plan, 2), 128);
  EXPECT_EQ(without.total_bytes, 128);
  EXPECT_EQ(plan.total_bytes, 384);
}

TEST(SharedMemoryPlan, SizesWhoseSumOverflowsShareNothing) {
  // A hostile shape's 2^63 - 8 bytes: rounded up to a cache line, or added
  // to the others, it would wrap; the memory budget then refuses it alone.
  const std::vector<PlanNode> ops = {{{0}, {1}}, {{1}, {2}}, {{2}, {3}}, {{3}, {4}}};
  const int64_t huge = std::numeric_limits<int64_t>::max() - 8;
  EXPECT_TRUE(PlanOf(5, ops, {0}, {4}, {64, huge, 64, 64, 64}).tensors.empty());
  EXPECT_TRUE(PlanOf(5, ops, {0}, {4}, {64, huge / 2, huge / 2, 64, 64}).tensors.empty());
}

TEST(SharedMemoryPlan, TooManyTensorsKeepTheirOwnBytes) {
  const int n = static_cast<int>(interp::kMaxSharedTensors) + 3;  // all but the input and output share
  std::vector<PlanNode> ops;
  for (int t = 0; t + 1 < n; ++t) ops.push_back({{t}, {t + 1}});
  EXPECT_TRUE(PlanOf(n, ops, {0}, {n - 1}).tensors.empty());
}

// Fills every input of `interpreter` from `inputs`, reversed when `reverse`
// (another input of the same values: indices stay in range).
void SetPlanInputs(interp::Interpreter& interpreter, const std::vector<NpyArray>& inputs, bool reverse) {
  for (size_t k = 0; k < interpreter.num_inputs(); ++k) {
    interp::RuntimeTensor& in = interpreter.input(k);
    ASSERT_EQ(inputs[k].data.size(), in.bytes);
    std::memcpy(in.data, inputs[k].data.data(), in.bytes);
    const size_t element = in.count() > 0 ? in.bytes / static_cast<size_t>(in.count()) : 1;
    if (!reverse || element == 0) continue;
    for (size_t i = 0, j = in.bytes / element; i + 1 < j; ++i, --j) {
      std::swap_ranges(in.data + i * element, in.data + (i + 1) * element, in.data + (j - 1) * element);
    }
  }
}

// Writes seeded noise over every tensor an operator writes (not the
// subgraph's inputs, variables or constants): in a sharing interpreter,
// whatever other tensors could have left in the shared bytes, so that a
// kernel reading its output before writing all of it would show.
void FillWrittenTensorsWithNoise(interp::Interpreter& interpreter, uint32_t seed) {
  std::mt19937 rng(seed);
  const tflite::SubGraphT& g = interpreter.model().subgraph(0);
  std::vector<bool> written(interpreter.num_tensors(), false);
  for (const auto& op : g.operators) {
    for (int t : op->outputs) written[static_cast<size_t>(t)] = true;
  }
  for (int t : g.inputs) written[static_cast<size_t>(t)] = false;
  for (size_t t = 0; t < interpreter.num_tensors(); ++t) {
    interp::RuntimeTensor& tensor = interpreter.mutable_tensor(static_cast<int>(t));
    if (!written[t] || tensor.constant || tensor.variable) continue;
    for (size_t i = 0; i < tensor.bytes; ++i) tensor.data[i] = static_cast<uint8_t>(rng());
  }
}

// Runs `model` on `inputs` then on them reversed with its tensors shared,
// and expects the second outputs to be those of an interpreter without
// sharing, bit for bit; then runs it with sharing and an observer, and
// expects every operator's outputs as that interpreter holds them.
void ExpectSharingChangesNothing(const Model& model, const std::vector<NpyArray>& inputs, bool reference) {
  interp::InterpreterOptions own{reference};
  interp::InterpreterOptions shared = own;
  shared.share_memory = true;
  interp::Interpreter separate(model, own), sharing(model, shared);
  ASSERT_NO_THROW(separate.Prepare());
  ASSERT_NO_THROW(sharing.Prepare());
  // Each run from the variables' initial values (recurrent state), over
  // noise in the shared bytes.
  SetPlanInputs(sharing, inputs, false);
  FillWrittenTensorsWithNoise(sharing, 1);
  sharing.Invoke();
  sharing.ResetVariables();
  SetPlanInputs(sharing, inputs, true);
  FillWrittenTensorsWithNoise(sharing, 2);
  sharing.Invoke();
  // Observed, so that it runs the operators only observers need (a PAD
  // folded into its conv): every tensor it holds then is the operators'.
  separate.SetObserver([](const interp::OpEvent&) {});
  SetPlanInputs(separate, inputs, true);
  separate.Invoke();
  for (size_t k = 0; k < separate.num_outputs(); ++k) {
    ASSERT_EQ(sharing.output(k).bytes, separate.output(k).bytes);
    EXPECT_EQ(std::memcmp(sharing.output(k).data, separate.output(k).data, separate.output(k).bytes), 0)
        << "output " << k;
  }
  size_t seen = 0;
  sharing.ResetVariables();
  FillWrittenTensorsWithNoise(sharing, 3);
  sharing.SetObserver([&](const interp::OpEvent& e) {
    for (const interp::RuntimeTensor* t : e.outputs) {
      const interp::RuntimeTensor& want = separate.tensor(t->index);
      ASSERT_EQ(t->bytes, want.bytes);
      EXPECT_EQ(std::memcmp(t->data, want.data, want.bytes), 0) << "operator " << e.op_index << "'s tensor " << t->index;
      ++seen;
    }
  });
  sharing.Invoke();
  EXPECT_GT(seen, 0u);
}

class SharedMemoryGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(SharedMemoryGolden, SameBitsWithAndWithoutSharing) {
  TF_REQUIRE_SHARED();
  const std::string name = GetParam();
  const Model model = LoadModel(testing::ModelPath(name));
  std::vector<NpyArray> inputs;
  for (size_t k = 0; k < model.subgraph(0).inputs.size(); ++k) {
    inputs.push_back(ReadNpy(testing::GoldenDir(name) + "/input_" + std::to_string(k) + ".npy"));
  }
  for (bool reference : {false, true}) {
    SCOPED_TRACE(reference ? "reference kernels" : "fast kernels");
    ExpectSharingChangesNothing(model, inputs, reference);
  }
}

INSTANTIATE_TEST_SUITE_P(Shared, SharedMemoryGolden, ::testing::ValuesIn(testing::GoldenModelParams()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

class SharedMemorySynthetic : public ::testing::TestWithParam<std::string> {};

TEST_P(SharedMemorySynthetic, SameBitsWithAndWithoutSharing) {
  const Model model = BuildSyntheticModel(GetParam(), 5);
  const tflite::TensorT& in = model.tensor(0, model.subgraph(0).inputs.at(0));
  std::vector<int64_t> shape(in.shape.begin(), in.shape.end());
  NpyArray input = NpyArray::Zeros(in.type == tflite::TensorType_FLOAT32 ? DType::kFloat32 : DType::kInt8, shape);
  std::mt19937 rng(5);
  if (in.type == tflite::TensorType_FLOAT32) {
    std::uniform_real_distribution<float> value(-1.0f, 1.0f);
    for (size_t i = 0; i < input.data.size(); i += sizeof(float)) {
      const float v = value(rng);
      std::memcpy(input.data.data() + i, &v, sizeof v);
    }
  } else {
    for (uint8_t& b : input.data) b = static_cast<uint8_t>(rng());
  }
  // Most of the tiny model's activations share.
  {
    interp::InterpreterOptions shared;
    shared.share_memory = true;
    interp::Interpreter sharing(model, shared);
    sharing.Prepare();
    std::vector<const uint8_t*> starts;
    for (size_t t = 0; t < sharing.num_tensors(); ++t) starts.push_back(sharing.tensor(static_cast<int>(t)).data);
    std::sort(starts.begin(), starts.end());
    EXPECT_LT(std::unique(starts.begin(), starts.end()) - starts.begin(), static_cast<std::ptrdiff_t>(starts.size()));
  }
  for (bool reference : {false, true}) {
    SCOPED_TRACE(reference ? "reference kernels" : "fast kernels");
    ExpectSharingChangesNothing(model, {input}, reference);
  }
}

INSTANTIATE_TEST_SUITE_P(Tiny, SharedMemorySynthetic,
                         ::testing::Values("mobilenet_v2_tiny", "mobilenet_v2_float_tiny", "mobilenet_v2_pt_tiny",
                                           "mobilenet_v2_pt_float_tiny"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace tinyforge
