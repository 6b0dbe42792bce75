// Models that are structurally valid but carry hostile contents, built in the
// test with the model builder: every one must be refused with one Error
// (kBadInput) that names the model and the problem, at load or at Prepare,
// before any kernel can read past a buffer or allocate what a shape claims.
// The models are tiny; the whole file runs in milliseconds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "libconvert/base/memory_budget.h"
#include "libconvert/base/work_budget.h"
#include "libconvert/interp/examples/op_examples.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_builder.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/op_macs.h"

namespace tinyforge {
namespace {

constexpr char kSource[] = "hostile.tflite";
using Op = tflite::BuiltinOperator;

// The message of the Error `f` throws, checked for the contract above; ""
// (and a test failure) when it throws nothing.
template <typename F>
std::string Rejection(F f) {
  try {
    f();
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.code(), ErrorCode::kBadInput) << message;
    EXPECT_EQ(message.rfind(std::string(kSource) + ": ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "expected an Error";
  return "";
}

std::string PrepareRejection(const Model& model) {
  return Rejection([&] {
    interp::Interpreter interpreter(model);
    interpreter.Prepare();
  });
}

void ExpectHas(const std::string& message, const std::string& part) {
  EXPECT_NE(message.find(part), std::string::npos) << "expected '" << part << "' in: " << message;
}

// A conv-like operator `op` on float [1,4,4,2] input with `channels` output
// channels and a bias of `bias_elements` values.
Model FloatConvLike(Op op, int bias_elements) {
  constexpr int kChannels = 3;
  ModelBuilder b;
  std::vector<int32_t> in_shape = {1, 4, 4, 2}, w_shape, out_shape;
  if (op == tflite::BuiltinOperator_CONV_2D) {
    w_shape = {kChannels, 1, 1, 2};
    out_shape = {1, 4, 4, kChannels};
  } else if (op == tflite::BuiltinOperator_DEPTHWISE_CONV_2D) {
    w_shape = {1, 1, 1, 2};
    out_shape = {1, 4, 4, 2};
  } else {
    in_shape = {1, 2};
    w_shape = {kChannels, 2};
    out_shape = {1, kChannels};
  }
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, in_shape);
  const int w = b.AddConstant<float>("w", w_shape, std::vector<float>(static_cast<size_t>(ElementCount(w_shape)), 0.5f));
  const int bias = b.AddConstant<float>("bias", {bias_elements}, std::vector<float>(static_cast<size_t>(bias_elements), 1.0f));
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, out_shape);
  if (op == tflite::BuiltinOperator_CONV_2D) {
    tflite::Conv2DOptionsT o;
    o.stride_h = o.stride_w = 1;
    b.AddOperator(op, {x, w, bias}, {y}, o);
  } else if (op == tflite::BuiltinOperator_DEPTHWISE_CONV_2D) {
    tflite::DepthwiseConv2DOptionsT o;
    o.stride_h = o.stride_w = 1;
    o.depth_multiplier = 1;
    b.AddOperator(op, {x, w, bias}, {y}, o);
  } else {
    b.AddOperator(op, {x, w, bias}, {y}, tflite::FullyConnectedOptionsT{});
  }
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build(kSource);
}

// An int8 FULLY_CONNECTED [1,2] x [3,2] with an int32 bias of `bias_elements`.
Model Int8FullyConnected(int bias_elements) {
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_INT8, {1, 2}, Quant::PerTensor(0.5f, 0));
  const int w = b.AddConstant<int8_t>("w", {3, 2}, std::vector<int8_t>(6, 1), Quant::PerTensor(0.25f, 0));
  const int bias = b.AddConstant<int32_t>("bias", {bias_elements}, std::vector<int32_t>(static_cast<size_t>(bias_elements), 7),
                                          Quant::PerTensor(0.125f, 0));
  const int y = b.AddTensor("y", tflite::TensorType_INT8, {1, 3}, Quant::PerTensor(1.0f, 0));
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w, bias}, {y}, tflite::FullyConnectedOptionsT{});
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build(kSource);
}

// A float ADD of two inputs of `shape`.
Model FloatAdd(const std::vector<int32_t>& shape, const std::string& name = "sum") {
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, shape);
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, shape);
  const int z = b.AddTensor(name, tflite::TensorType_FLOAT32, shape);
  b.AddOperator(tflite::BuiltinOperator_ADD, {x, y}, {z}, tflite::AddOptionsT{});
  b.SetInputs({x, y});
  b.SetOutputs({z});
  return b.Build(kSource);
}

TEST(OperandContract, ShortBiasIsRefusedByEveryConvLikeKernel) {
  for (const Op op : {tflite::BuiltinOperator_CONV_2D, tflite::BuiltinOperator_DEPTHWISE_CONV_2D,
                      tflite::BuiltinOperator_FULLY_CONNECTED}) {
    SCOPED_TRACE(tflite::EnumNameBuiltinOperator(op));
    const int channels = op == tflite::BuiltinOperator_DEPTHWISE_CONV_2D ? 2 : 3;
    // The right length prepares (so the failures below are the bias's).
    const Model good = FloatConvLike(op, channels);  // outlives its interpreter
    interp::Interpreter good_interpreter(good);
    EXPECT_NO_THROW(good_interpreter.Prepare());
    for (const int wrong : {1, channels + 1}) {
      const std::string message = PrepareRejection(FloatConvLike(op, wrong));
      ExpectHas(message, "operator 0 (" + std::string(tflite::EnumNameBuiltinOperator(op)) + ")");
      ExpectHas(message, "the bias 'bias' has " + std::to_string(wrong) + " elements");
      ExpectHas(message, "one per output channel (" + std::to_string(channels) + ")");
    }
  }
  const std::string message = PrepareRejection(Int8FullyConnected(2));
  ExpectHas(message, "the bias 'bias' has 2 elements");
  const Model good = Int8FullyConnected(3);
  interp::Interpreter good_interpreter(good);
  EXPECT_NO_THROW(good_interpreter.Prepare());
}

// The recurrent kernels state the same contract: every operand they read
// (input, weights, biases, states, output) given a type its kernel does not
// take is refused at Prepare naming it, in each example of the
// kernel table (float and integer).
TEST(OperandContract, RecurrentKernelsCheckEveryOperandsType) {
  size_t examples = 0;
  for (const interp::OpExample& example : interp::OpExamples()) {
    if (example.op != tflite::BuiltinOperator_SVDF && example.op != tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM) {
      continue;
    }
    SCOPED_TRACE(example.name);
    ++examples;
    const Model good = example.build();
    const tflite::OperatorT& op = *good.subgraph(0).operators.at(0);
    // Input 0's type picks the kernel (another one has none): the others.
    std::vector<int> operands(op.inputs.begin() + 1, op.inputs.end());
    operands.insert(operands.end(), op.outputs.begin(), op.outputs.end());
    for (const int index : operands) {
      if (index < 0) continue;
      Model bad = good.Clone();
      bad.set_source(kSource);
      tflite::TensorT& t = bad.tensor(0, index);
      // A type of the same width or narrower, so the buffer still holds the shape.
      t.type = t.type == tflite::TensorType_INT8 ? tflite::TensorType_UINT8 : tflite::TensorType_INT8;
      // Named: the operand, or (SVDF time weights, whose type picks the
      // state's) the state that no longer matches it.
      const std::string message = PrepareRejection(bad);
      const bool named = message.find("'" + t.name + "' is INT8") != std::string::npos ||
                         message.find("'" + t.name + "' is UINT8") != std::string::npos ||
                         message.find("the activation state") != std::string::npos;
      EXPECT_TRUE(named) << message;
    }
  }
  EXPECT_GE(examples, 4u);
}

TEST(OperandContract, SparseConstantIsRefusedAtLoad) {
  Model model = FloatConvLike(tflite::BuiltinOperator_FULLY_CONNECTED, 3);
  tflite::TensorT& w = model.tensor(0, 1);
  ASSERT_EQ(w.name, "w");
  // A sparse weight: its buffer holds fewer bytes than the dense shape needs,
  // which a dense reader would run past.
  w.sparsity = std::make_unique<tflite::SparsityParametersT>();
  w.sparsity->traversal_order = {0, 1};
  model.raw().buffers[w.buffer]->data.resize(8);
  const std::vector<uint8_t> bytes = SerializeModel(model);
  const std::string message = Rejection([&] { ParseModel(bytes.data(), bytes.size(), kSource); });
  ExpectHas(message, "tensor 1 ('w') is a sparse tensor");
  ExpectHas(message, "TFLite Micro has no sparse kernels");
}

TEST(CheckedSizes, ShapeWhoseSizeOverflowsIsRefusedBeforeAllocating) {
  const int32_t big = 2147483647;
  const std::string message = PrepareRejection(FloatAdd({big, big, big}));
  ExpectHas(message, "subgraph 0, tensor 0 ('x'): shape [2147483647,2147483647,2147483647] has more elements than "
                     "tinyforge can count");
}

TEST(CheckedSizes, MemoryBudgetNamesTheLargestTensor) {
  // 3 tensors of 2^30 floats: 12 GiB, over the default 4 GiB; nothing is
  // allocated before the check.
  const std::string message = PrepareRejection(FloatAdd({1024, 1024, 1024}, "big"));
  ExpectHas(message, "subgraph 0's tensors (the largest, tensor 0 ('x') of shape [1024,1024,1024], 4294967296 bytes)");
  ExpectHas(message, "needs 12.0 GiB, which exceeds the memory budget of 4.0 GiB (raise it with --max-memory)");
}

TEST(CheckedSizes, BudgetIsSharedAndReleased) {
  struct Budget {  // restores the budget however the test ends
    int64_t saved = MemoryBudget();
    ~Budget() { SetMemoryBudget(saved); }
  } restore;
  SetMemoryBudget(1000);
  {
    const Model first_model = FloatAdd({50});  // 3 x 200 bytes
    interp::Interpreter first(first_model);
    first.Prepare();
    const std::string message = PrepareRejection(FloatAdd({50}));
    ExpectHas(message, "needs 600 B, which with 600 B already in use exceeds the memory budget of 1000 B");
  }
  const Model again_model = FloatAdd({50});
  interp::Interpreter again(again_model);
  EXPECT_NO_THROW(again.Prepare());  // the first interpreter's bytes came back
}

// Sets the work budget for one test and restores it however the test ends.
struct WorkBudgetForTest {
  explicit WorkBudgetForTest(int64_t operations) { SetWorkBudget(operations); }
  ~WorkBudgetForTest() { SetWorkBudget(saved); }
  int64_t saved = WorkBudget();
};

void ExpectPrepares(const Model& model) {
  interp::Interpreter interpreter(model);
  EXPECT_NO_THROW(interpreter.Prepare());
}

// A float MAX_POOL_2D with SAME padding and stride 1 over [1, side, side, 1]
// with a window x window window.
Model FloatMaxPool(int side, int window) {
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, side, side, 1});
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {1, side, side, 1});
  tflite::Pool2DOptionsT o;
  o.padding = tflite::Padding_SAME;
  o.stride_h = o.stride_w = 1;
  o.filter_height = o.filter_width = window;
  b.AddOperator(tflite::BuiltinOperator_MAX_POOL_2D, {x}, {y}, o);
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build(kSource);
}

TEST(WorkBudget, CountsMacsAndEveryOperandElementTimesItsRank) {
  // CONV_2D [1,4,4,2] * [3,1,1,2] + bias [3] -> [1,4,4,3]: 48 outputs x 2
  // MACs = 96, plus the operands' elements times their ranks:
  // 32 x 4 + 6 x 4 + 3 x 1 + 48 x 4 = 347. 443 operations.
  const Model model = FloatConvLike(tflite::BuiltinOperator_CONV_2D, 3);
  {
    const WorkBudgetForTest budget(443);
    ExpectPrepares(model);
  }
  const WorkBudgetForTest budget(442);
  const std::string message = PrepareRejection(model);
  ExpectHas(message, "one inference of subgraph 0 takes 443 operations");
  ExpectHas(message, "in subgraph 0, operator 0 (CONV_2D)), over the work budget of 442 (raise it with --max-work)");
}

TEST(WorkBudget, PoolingWindowsAreClippedToTheInput) {
  // A 20x20 window over a 10x10 image reads at most the 100 pixels at each of
  // 100 outputs: 10,000, plus 100 x 4 + 100 x 4 for the operands.
  const Model model = FloatMaxPool(10, 20);
  {
    const WorkBudgetForTest budget(10'800);
    ExpectPrepares(model);
  }
  const WorkBudgetForTest budget(10'799);
  ExpectHas(PrepareRejection(model), "takes 10,800 operations");
}

TEST(WorkBudget, DefaultRefusesAPoolingComputeBomb) {
  // A 1000x1000 window at each pixel of a 1000x1000 image: 10^12 reads, one
  // inference for many minutes; its tensors are only 8 MB.
  const std::string message = PrepareRejection(FloatMaxPool(1000, 1000));
  ExpectHas(message, "takes 1,000,008,000,000 operations");
  ExpectHas(message, "(MAX_POOL_2D)), over the work budget of 100,000,000,000 (raise it with --max-work)");
}

TEST(WorkBudget, LstmStepsCountWithoutAnInput) {
  // An LSTM over [2, 5, 0]: no input features, yet each of the 10 steps
  // still multiplies the [4, 4] recurrent weights of 4 gates: 640 MACs. The
  // steps were once taken as elements / input size, 0 here.
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {2, 5, 0});
  std::vector<int> inputs = {x};
  // Empty weights have no buffer to be constant in: they are model inputs.
  for (int g = 0; g < 4; ++g) inputs.push_back(b.AddTensor("wx" + std::to_string(g), tflite::TensorType_FLOAT32, {4, 0}));
  for (int g = 0; g < 4; ++g) {
    inputs.push_back(b.AddConstant<float>("wh" + std::to_string(g), {4, 4}, std::vector<float>(16, 0.1f)));
  }
  for (int i = 9; i < 12; ++i) inputs.push_back(-1);  // no peepholes
  for (int g = 0; g < 4; ++g) inputs.push_back(b.AddConstant<float>("b" + std::to_string(g), {4}, std::vector<float>(4)));
  inputs.push_back(-1);  // no projection
  inputs.push_back(-1);
  inputs.push_back(b.AddVariable("h", tflite::TensorType_FLOAT32, {2, 4}));
  inputs.push_back(b.AddVariable("c", tflite::TensorType_FLOAT32, {2, 4}));
  for (int i = 20; i < 24; ++i) inputs.push_back(-1);  // no layer norm
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {2, 5, 4});
  tflite::UnidirectionalSequenceLSTMOptionsT options;
  options.time_major = false;
  b.AddOperator(tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, inputs, {y}, options);
  b.SetInputs({x, inputs[1], inputs[2], inputs[3], inputs[4]});
  b.SetOutputs({y});
  const Model model = b.Build(kSource);
  EXPECT_EQ(CountMacs(model, 0, *model.subgraph(0).operators[0]), 640);
}

// SELECT_V2 over a constant BOOL condition: kernels read BOOL as C++ bool,
// which only holds 0 or 1, so a file's byte of 255 is refused when the
// constants are bound (the model fuzzer's UBSan finding).
Model FloatSelect(std::vector<uint8_t> condition) {
  ModelBuilder b;
  const int c = b.AddConstantBytes("c", tflite::TensorType_BOOL, {4}, std::move(condition));
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {4});
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {4});
  const int z = b.AddTensor("z", tflite::TensorType_FLOAT32, {4});
  b.AddOperator(tflite::BuiltinOperator_SELECT_V2, {c, x, y}, {z});
  b.SetInputs({x, y});
  b.SetOutputs({z});
  return b.Build(kSource);
}

TEST(OperandContract, BoolConstantsHoldOnlyZeroOrOne) {
  ExpectPrepares(FloatSelect({0, 1, 1, 0}));
  ExpectHas(PrepareRejection(FloatSelect({0, 1, 255, 1})),
            "subgraph 0, tensor 0 ('c'): BOOL element 2 holds the byte 255; a BOOL is 0 or 1");
}

TEST(UntrustedText, ModelNamesCannotBreakTheOneLineMessage) {
  Model model = FloatAdd({2147483647, 2147483647, 2147483647});
  model.tensor(0, 0).name = "x\n\x1b[31mred\x1b[0m\xc2\x9b";
  const std::string message = PrepareRejection(model);
  ExpectHas(message, "tensor 0 ('x\\x0a\\x1b[31mred\\x1b[0m\\xc2\\x9b')");
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace tinyforge
