// Explicit PADs folded into the fast conv that reads them: random PAD +
// CONV_2D / DEPTHWISE_CONV_2D models (int8 and float) give the reference
// interpreter's outputs, the PAD's own output is made only for observers,
// and PADs that cannot be folded (another reader, a PADV2 value other than
// real 0) still give the reference's outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge {
namespace {

uint32_t BaseSeed() {
  const char* env = std::getenv("TINYFORGE_TEST_SEED");
  return env ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : 20261122u;
}

// One PAD (or PADV2) feeding one conv, with random shapes and weights.
struct PadConvCase {
  bool is_float, depthwise, padv2, second_reader;
  int pad_value;  // PADV2's value (int8; float: 0 or 1)
  std::vector<int32_t> paddings;
  std::shared_ptr<const Model> model;
  int pad_output = -1;  // tensor index of the PAD's output
};

// pointwise_pads_after: a 1x1 stride-1 conv whose PAD adds rows and
// columns only after the data (the output then outgrows the input).
PadConvCase MakeCase(uint32_t seed, bool is_float, bool padv2, bool second_reader, bool pad_with_zero_point,
                     bool pointwise_pads_after = false) {
  std::mt19937 rng(seed);
  auto uniform = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  PadConvCase c{is_float, uniform(0, 1) == 1, padv2, second_reader, 0, {}, nullptr, -1};
  const int h = uniform(3, 12), w = uniform(3, 12), channels = uniform(1, 20);
  int k = uniform(1, 3), stride = uniform(1, 2);
  int top = uniform(0, 2), bottom = uniform(0, 2), left = uniform(0, 2), right = uniform(0, 2);
  if (pointwise_pads_after) k = 1, stride = 1, top = 0, left = 0, bottom += 1, right += uniform(0, 1);
  c.paddings = {0, 0, top, bottom, left, right, 0, 0};
  const tflite::TensorType type = is_float ? tflite::TensorType_FLOAT32 : tflite::TensorType_INT8;
  const int zero_point = uniform(-128, 127);
  auto quant = [&](float scale) { return is_float ? Quant::None() : Quant::PerTensor(scale, zero_point); };
  ModelBuilder b;
  const int x = b.AddTensor("x", type, {1, h, w, channels}, quant(0.05f));
  const int paddings = b.AddConstant<int32_t>("paddings", {4, 2}, c.paddings);
  const std::vector<int32_t> padded{1, h + top + bottom, w + left + right, channels};
  // The PAD's output: same scale, the conv input's zero point.
  const int p = b.AddTensor("padded", type, padded, quant(0.05f));
  std::vector<int> pad_inputs{x, paddings};
  if (padv2) {
    c.pad_value = pad_with_zero_point ? (is_float ? 0 : zero_point) : (is_float ? 1 : zero_point + (zero_point < 0 ? 3 : -3));
    pad_inputs.push_back(is_float ? b.AddConstant<float>("value", {1}, {static_cast<float>(c.pad_value)})
                                  : b.AddConstant<int8_t>("value", {1}, {static_cast<int8_t>(c.pad_value)},
                                                          Quant::PerTensor(0.05f, zero_point)));
  }
  b.AddOperator(padv2 ? tflite::BuiltinOperator_PADV2 : tflite::BuiltinOperator_PAD, pad_inputs, {p});
  c.pad_output = p;

  const int out_channels = c.depthwise ? channels : uniform(1, 20);
  const std::vector<int32_t> w_shape = c.depthwise ? std::vector<int32_t>{1, k, k, out_channels}
                                                   : std::vector<int32_t>{out_channels, k, k, channels};
  int64_t w_count = 1;
  for (int32_t d : w_shape) w_count *= d;
  const bool same = uniform(0, 1) == 1;
  const int out_h = same ? (padded[1] + stride - 1) / stride : (padded[1] - k) / stride + 1;
  const int out_w = same ? (padded[2] + stride - 1) / stride : (padded[2] - k) / stride + 1;
  int weights = 0, bias = 0;
  if (is_float) {
    std::vector<float> wv(static_cast<size_t>(w_count)), bv(static_cast<size_t>(out_channels));
    for (float& v : wv) v = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng);
    for (float& v : bv) v = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng);
    weights = b.AddConstant<float>("w", w_shape, wv);
    bias = b.AddConstant<float>("b", {out_channels}, bv);
  } else {
    std::vector<int8_t> wv(static_cast<size_t>(w_count));
    std::vector<int32_t> bv(static_cast<size_t>(out_channels));
    for (int8_t& v : wv) v = static_cast<int8_t>(uniform(-127, 127));
    for (int32_t& v : bv) v = uniform(-5000, 5000);
    weights = b.AddConstant<int8_t>("w", w_shape, wv, Quant::PerTensor(0.01f, 0));
    bias = b.AddConstant<int32_t>("b", {out_channels}, bv, Quant::PerTensor(0.05f * 0.01f, 0));
  }
  const float out_scale = 0.05f * 0.01f * 127.0f * std::sqrt(static_cast<float>(k * k * (c.depthwise ? 1 : channels)));
  const int y = b.AddTensor("y", type, {1, out_h, out_w, out_channels}, is_float ? Quant::None() : Quant::PerTensor(out_scale, 3));
  const auto padding = same ? tflite::Padding_SAME : tflite::Padding_VALID;
  if (c.depthwise) {
    tflite::DepthwiseConv2DOptionsT o;
    o.padding = padding;
    o.stride_h = o.stride_w = stride;
    o.depth_multiplier = 1;
    b.AddOperator(tflite::BuiltinOperator_DEPTHWISE_CONV_2D, {p, weights, bias}, {y}, o);
  } else {
    tflite::Conv2DOptionsT o;
    o.padding = padding;
    o.stride_h = o.stride_w = stride;
    b.AddOperator(tflite::BuiltinOperator_CONV_2D, {p, weights, bias}, {y}, o);
  }
  std::vector<int> outputs{y};
  if (second_reader) {  // the PAD's output also read by a second operator
    const int z = b.AddTensor("z", type, padded, quant(0.05f));
    b.AddOperator(tflite::BuiltinOperator_RELU, {p}, {z});
    outputs.push_back(z);
  }
  b.SetInputs({x});
  b.SetOutputs(outputs);
  c.model = std::make_shared<const Model>(b.Build("pad_conv_" + std::to_string(seed)));
  return c;
}

void FillInput(interp::Interpreter& interpreter, uint32_t seed) {
  std::mt19937 rng(seed);
  interp::RuntimeTensor& in = interpreter.input(0);
  if (in.type == tflite::TensorType_FLOAT32) {
    for (int64_t i = 0; i < in.count(); ++i) in.Data<float>()[i] = std::uniform_real_distribution<float>(-1, 1)(rng);
  } else {
    for (size_t i = 0; i < in.bytes; ++i) in.data[i] = static_cast<uint8_t>(rng());
  }
}

// Elements of two outputs further apart than the type allows: none for
// int8; float within 1e-5 of the largest magnitude.
size_t Mismatches(const interp::RuntimeTensor& got, const interp::RuntimeTensor& want) {
  if (got.type != tflite::TensorType_FLOAT32) return std::memcmp(got.data, want.data, want.bytes) == 0 ? 0 : 1;
  double largest = 0;
  for (int64_t i = 0; i < want.count(); ++i) largest = std::max(largest, std::fabs(static_cast<double>(want.Data<float>()[i])));
  size_t n = 0;
  for (int64_t i = 0; i < want.count(); ++i) {
    n += !(std::fabs(static_cast<double>(got.Data<float>()[i]) - want.Data<float>()[i]) <= 1e-5 * largest);
  }
  return n;
}

// Prepares both interpreters and runs them on the same input.
void RunBoth(interp::Interpreter& fast, interp::Interpreter& reference, uint32_t seed) {
  fast.Prepare();
  reference.Prepare();
  FillInput(fast, seed);
  FillInput(reference, seed);
  fast.Invoke();
  reference.Invoke();
}

// Runs a case fast and reference; expects equal outputs, and returns
// whether the fast interpreter left the PAD's output unwritten (folded).
bool ExpectCaseMatches(const PadConvCase& c, uint32_t seed) {
  interp::Interpreter fast(*c.model, interp::InterpreterOptions{false});
  interp::Interpreter reference(*c.model, interp::InterpreterOptions{true});
  RunBoth(fast, reference, seed);
  for (size_t k = 0; k < fast.num_outputs(); ++k) EXPECT_EQ(Mismatches(fast.output(k), reference.output(k)), 0u) << "output " << k;
  const interp::RuntimeTensor& padded = fast.tensor(c.pad_output);
  bool untouched = true;
  for (size_t i = 0; i < padded.bytes; ++i) untouched = untouched && padded.data[i] == 0;
  // An observer that only times operators does not make a folded PAD run.
  bool pad_seen = false;
  fast.SetObserver([&](const interp::OpEvent& e) { pad_seen = pad_seen || e.op_index == 0; }, /*reads_outputs=*/false);
  fast.Invoke();
  EXPECT_EQ(pad_seen, !untouched);
  // With an observer of outputs the PAD runs, and it sees the reference's
  // PAD output.
  bool observed = false;
  fast.SetObserver([&](const interp::OpEvent& e) {
    if (e.op_index != 0) return;
    observed = true;
    EXPECT_EQ(std::memcmp(e.outputs[0]->data, reference.tensor(c.pad_output).data, e.outputs[0]->bytes), 0);
  });
  fast.Invoke();
  EXPECT_TRUE(observed);
  return untouched;
}

template <typename Fn>
void ForEachSeed(const char* what, uint32_t first, int cases, Fn fn) {
  for (int i = 0; i < cases && !::testing::Test::HasFailure(); ++i) {
    const uint32_t seed = first + static_cast<uint32_t>(i);
    SCOPED_TRACE(std::string(what) + " seed " + std::to_string(seed) + " (TINYFORGE_TEST_SEED=" +
                 std::to_string(BaseSeed()) + ")");
    fn(seed);
  }
}

class PadFold : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (!interp::fast::Available()) GTEST_SKIP() << "this CPU has no AVX2/FMA: no fast kernels";
  }
};

TEST_P(PadFold, PadIntoConvGivesReferenceOutputsAndRunsOnlyWhenObserved) {
  ForEachSeed("PAD + conv", BaseSeed() + 100, 40, [&](uint32_t seed) {
    const PadConvCase c = MakeCase(seed, GetParam(), seed % 3 == 0, false, true);
    // A random input is never all zeros, so an untouched PAD output means
    // the PAD did not run.
    EXPECT_TRUE(ExpectCaseMatches(c, seed)) << "the PAD was not folded";
  });
}

// The pointwise fast path reads input pixels as output pixels: it must not
// take a 1x1 conv whose folded PAD only adds rows or columns at the end.
TEST_P(PadFold, PadAfterThePixelsOfAPointwiseConvGivesReferenceOutputs) {
  ForEachSeed("PAD after the data + 1x1 conv", BaseSeed() + 300, 10, [&](uint32_t seed) {
    const PadConvCase c = MakeCase(seed, GetParam(), seed % 3 == 0, false, true, true);
    EXPECT_TRUE(ExpectCaseMatches(c, seed)) << "the PAD was not folded";
  });
}

TEST_P(PadFold, PadsThatCannotFoldStillGiveReferenceOutputs) {
  ForEachSeed("PAD + conv, not foldable", BaseSeed() + 200, 20, [&](uint32_t seed) {
    const bool second_reader = seed % 2 == 0;
    const PadConvCase c = MakeCase(seed, GetParam(), !second_reader, second_reader, false);
    EXPECT_FALSE(ExpectCaseMatches(c, seed)) << "the PAD was folded";
  });
}

// A PAD after the conv that reads its output (a graph built in memory:
// VerifyModel refuses operators out of order) has not run when the conv
// does, nor been prepared: the conv reads the PAD's output as it is, as the
// reference does, instead of folding the PAD in.
TEST_P(PadFold, APadAfterItsReaderIsNotFolded) {
  ForEachSeed("conv, then the PAD it reads", BaseSeed() + 400, 10, [&](uint32_t seed) {
    const PadConvCase c = MakeCase(seed, GetParam(), seed % 3 == 0, false, true);
    Model swapped = c.model->Clone();
    std::swap(swapped.subgraph(0).operators[0], swapped.subgraph(0).operators[1]);
    interp::Interpreter fast(swapped, interp::InterpreterOptions{false});
    interp::Interpreter reference(swapped, interp::InterpreterOptions{true});
    RunBoth(fast, reference, seed);
    EXPECT_EQ(Mismatches(fast.output(0), reference.output(0)), 0u);
  });
}

INSTANTIATE_TEST_SUITE_P(FastKernels, PadFold, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "Float" : "Int8"; });

}  // namespace
}  // namespace tinyforge
