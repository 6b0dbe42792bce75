// Examples of the kernels TFLM has that the interpreter gained with the
// sequence-model work: TRANSPOSE_CONV, L2_NORMALIZATION, LOG_SOFTMAX,
// BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND, int8 DIV and PRELU.
//
// Every quantized example carries parameters TFLM accepts; inputs that TFLM
// would abort on (a DIV divisor equal to its zero point) are constants here,
// so seeded random inputs never reach them.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge::interp::examples {
namespace {

size_t ElementsOf(const std::vector<int32_t>& shape) { return static_cast<size_t>(ElementCount(shape)); }

// Seeded uniform values in [lo, hi] (reals) or [lo, hi] (integers).
std::vector<float> SeededFloats(std::mt19937& rng, size_t n, float lo, float hi) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}
template <typename T>
std::vector<T> SeededInts(std::mt19937& rng, size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(dist(rng));
  return v;
}

// ------------------------------------------------------------ TRANSPOSE_CONV

struct TransposeConvCase {
  std::vector<int32_t> input;   // NHWC
  std::vector<int32_t> filter;  // OHWI
  std::vector<int32_t> output;  // NHWC
  tflite::Padding padding;
  int stride;
  tflite::ActivationFunctionType activation;
  bool bias;
};

const TransposeConvCase kSameStride2{{1, 4, 4, 3}, {5, 3, 3, 3}, {1, 8, 8, 5}, tflite::Padding_SAME, 2,
                                     tflite::ActivationFunctionType_NONE, true};
const TransposeConvCase kValidStride1{{2, 3, 3, 2}, {4, 3, 2, 2}, {2, 5, 4, 4}, tflite::Padding_VALID, 1,
                                      tflite::ActivationFunctionType_RELU, false};

Model TransposeConv(const TransposeConvCase& c, Type type, bool per_channel, uint32_t seed) {
  std::mt19937 rng(seed);
  ModelBuilder b;
  const int shape = b.AddConstant<int32_t>("output_shape", {4}, c.output);
  const size_t out_channels = static_cast<size_t>(c.filter[0]);
  int weights, input, output, bias = -1;
  if (type == kF32) {
    weights = b.AddConstant<float>("weights", c.filter, SeededFloats(rng, ElementsOf(c.filter), -1, 1));
    input = b.AddTensor("input", kF32, c.input);
    output = b.AddTensor("output", kF32, c.output);
    if (c.bias) bias = b.AddConstant<float>("bias", {c.filter[0]}, SeededFloats(rng, out_channels, -1, 1));
  } else {
    const bool int16 = type == kI16;
    std::vector<float> scales(per_channel ? out_channels : 1);
    for (float& s : scales) s = std::uniform_real_distribution<float>(0.004f, 0.02f)(rng);
    weights = b.AddConstant<int8_t>("weights", c.filter, SeededInts<int8_t>(rng, ElementsOf(c.filter), -127, 127),
                                    Quant::PerChannel(scales, 0));
    const float in_scale = int16 ? 1.0f / 4096 : 0.03f;
    input = b.AddTensor("input", type, c.input, Quant::PerTensor(in_scale, int16 ? 0 : -5));
    output = b.AddTensor("output", type, c.output, Quant::PerTensor(int16 ? 1.0f / 2048 : 0.05f, int16 ? 0 : 7));
    if (c.bias) {
      std::vector<float> bias_scales;
      for (float s : scales) bias_scales.push_back(in_scale * s);
      if (int16) {
        bias = b.AddConstant<int64_t>("bias", {c.filter[0]}, SeededInts<int64_t>(rng, out_channels, -40000, 40000),
                                      Quant::PerChannel(bias_scales, 0));
      } else {
        bias = b.AddConstant<int32_t>("bias", {c.filter[0]}, SeededInts<int32_t>(rng, out_channels, -3000, 3000),
                                      Quant::PerChannel(bias_scales, 0));
      }
    }
  }
  tflite::TransposeConvOptionsT options;
  options.padding = c.padding;
  options.stride_h = options.stride_w = c.stride;
  options.fused_activation_function = c.activation;
  std::vector<int> inputs{shape, weights, input};
  if (bias >= 0) inputs.push_back(bias);
  b.AddOperator(tflite::BuiltinOperator_TRANSPOSE_CONV, inputs, {output}, options);
  b.SetInputs({input});
  b.SetOutputs({output});
  return b.Build("transpose_conv example");
}

// ----------------------------------------------- L2_NORMALIZATION, LOG_SOFTMAX

// One op over `shape` with no options but its own: float, or int8 with the
// input's parameters and the spec's fixed output parameters.
template <typename Options>
Model RowOp(Op op, Type type, const std::vector<int32_t>& shape, Quant in, Quant out, Options options) {
  ModelBuilder b;
  const int input = b.AddTensor("input", type, shape, type == kF32 ? Quant::None() : in);
  const int output = b.AddTensor("output", type, shape, type == kF32 ? Quant::None() : out);
  b.AddOperator(op, {input}, {output}, options);
  b.SetInputs({input});
  b.SetOutputs({output});
  return b.Build(std::string(tflite::EnumNameBuiltinOperator(op)) + " example");
}

Model L2Normalization(Type type) {
  return RowOp(tflite::BuiltinOperator_L2_NORMALIZATION, type, {1, 2, 3, 8}, Quant::PerTensor(0.02f, 4),
               Quant::PerTensor(1.0f / 128, 0), tflite::L2NormOptionsT{});
}

Model LogSoftmax(Type type) {
  return RowOp(tflite::BuiltinOperator_LOG_SOFTMAX, type, {3, 10}, Quant::PerTensor(0.08f, -10),
               Quant::PerTensor(16.0f / 256, 127), tflite::LogSoftmaxOptionsT{});
}

// ------------------------------------------- BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND

Model BatchSpace(Op op, Type type, const std::vector<int32_t>& in_shape, const std::vector<int32_t>& block,
                 const std::vector<int32_t>& edges, const std::vector<int32_t>& out_shape) {
  ModelBuilder b;
  const Quant q = type == kF32 ? Quant::None() : Quant::PerTensor(0.1f, -3);
  const int input = b.AddTensor("input", type, in_shape, q);
  const int block_t = b.AddConstant<int32_t>("block_shape", {static_cast<int32_t>(block.size())}, block);
  const int edges_t =
      b.AddConstant<int32_t>(op == tflite::BuiltinOperator_BATCH_TO_SPACE_ND ? "crops" : "paddings",
                             {static_cast<int32_t>(block.size()), 2}, edges);
  const int output = b.AddTensor("output", type, out_shape, q);
  b.AddOperator(op, {input, block_t, edges_t}, {output});
  b.SetInputs({input});
  b.SetOutputs({output});
  return b.Build(std::string(tflite::EnumNameBuiltinOperator(op)) + " example");
}

// ------------------------------------------------------------------- DIV int8

// x / c with c a constant broadcast along the last axis, none of whose values
// is its zero point (TFLM aborts on a zero divisor). TFLM's debug build also
// aborts when its final rounding shift exceeds 31 bits, which a numerator at
// its zero point reaches unless scale1 / (scale2 * output scale) >= 2^(bits
// of the largest divisor - 1): here 2^-4 / (2^-7 * 2^-3) = 64 with divisors
// up to 128, so every input is safe.
Model DivInt8() {
  ModelBuilder b;
  const int x = b.AddTensor("x", kI8, {1, 4, 6}, Quant::PerTensor(1.0f / 16, -3));
  const int c = b.AddConstant<int8_t>("divisor", {6}, {-128, -100, -75, 80, 110, 127}, Quant::PerTensor(1.0f / 128, 0));
  const int y = b.AddTensor("y", kI8, {1, 4, 6}, Quant::PerTensor(1.0f / 8, 1));
  tflite::DivOptionsT options;
  b.AddOperator(tflite::BuiltinOperator_DIV, {x, c}, {y}, options);
  b.SetInputs({x});
  b.SetOutputs({y});
  return b.Build("div int8 example");
}

// ---------------------------------------------------------------------- PRELU

Model Prelu(Type type) {
  std::mt19937 rng(17);
  ModelBuilder b;
  const std::vector<int32_t> shape{1, 3, 3, 4};
  int input, alpha, output;
  if (type == kF32) {
    input = b.AddTensor("input", kF32, shape);
    alpha = b.AddConstant<float>("alpha", {1, 1, 4}, SeededFloats(rng, 4, -0.5f, 0.5f));
    output = b.AddTensor("output", kF32, shape);
  } else {
    const bool int16 = type == kI16;
    input = b.AddTensor("input", type, shape, Quant::PerTensor(int16 ? 1.0f / 1024 : 0.04f, int16 ? 0 : 6));
    alpha = b.AddConstant<int8_t>("alpha", {1, 1, 4}, SeededInts<int8_t>(rng, 4, -128, 127),
                                  Quant::PerTensor(0.004f, -20));
    output = b.AddTensor("output", type, shape, Quant::PerTensor(int16 ? 1.0f / 2048 : 0.03f, int16 ? 0 : -9));
  }
  b.AddOperator(tflite::BuiltinOperator_PRELU, {input, alpha}, {output});
  b.SetInputs({input});
  b.SetOutputs({output});
  return b.Build("prelu example");
}

}  // namespace

void AddAddedKernelExamples(std::vector<OpExample>& out) {
  const Op tconv = tflite::BuiltinOperator_TRANSPOSE_CONV;
  out.push_back({"transpose_conv_float_same_stride2", tconv, kF32, [] { return TransposeConv(kSameStride2, kF32, false, 1); }});
  out.push_back({"transpose_conv_float_valid_relu", tconv, kF32, [] { return TransposeConv(kValidStride1, kF32, false, 2); }});
  out.push_back({"transpose_conv_int8_per_channel", tconv, kI8, [] { return TransposeConv(kSameStride2, kI8, true, 3); }});
  out.push_back({"transpose_conv_int8_per_tensor_relu", tconv, kI8, [] { return TransposeConv(kValidStride1, kI8, false, 4); }});
  out.push_back({"transpose_conv_int16_per_channel", tconv, kI16, [] { return TransposeConv(kSameStride2, kI16, true, 5); }});

  const Op l2 = tflite::BuiltinOperator_L2_NORMALIZATION;
  out.push_back({"l2_normalization_float", l2, kF32, [] { return L2Normalization(kF32); }});
  out.push_back({"l2_normalization_int8", l2, kI8, [] { return L2Normalization(kI8); }});
  const Op log_softmax = tflite::BuiltinOperator_LOG_SOFTMAX;
  out.push_back({"log_softmax_float", log_softmax, kF32, [] { return LogSoftmax(kF32); }});
  out.push_back({"log_softmax_int8", log_softmax, kI8, [] { return LogSoftmax(kI8); }});

  const Op b2s = tflite::BuiltinOperator_BATCH_TO_SPACE_ND;
  out.push_back({"batch_to_space_nd_float_4d", b2s, kF32,
                 [=] { return BatchSpace(b2s, kF32, {4, 2, 2, 3}, {2, 2}, {0, 0, 0, 1}, {1, 4, 3, 3}); }});
  out.push_back({"batch_to_space_nd_int8_3d", b2s, kI8,
                 [=] { return BatchSpace(b2s, kI8, {4, 3, 2}, {2}, {1, 0}, {2, 5, 2}); }});
  const Op s2b = tflite::BuiltinOperator_SPACE_TO_BATCH_ND;
  out.push_back({"space_to_batch_nd_float_4d", s2b, kF32,
                 [=] { return BatchSpace(s2b, kF32, {1, 3, 4, 2}, {2, 2}, {1, 0, 0, 0}, {4, 2, 2, 2}); }});
  out.push_back({"space_to_batch_nd_int8_3d", s2b, kI8,
                 [=] { return BatchSpace(s2b, kI8, {2, 5, 3}, {2}, {0, 1}, {4, 3, 3}); }});

  out.push_back({"div_int8_broadcast", tflite::BuiltinOperator_DIV, kI8, DivInt8});

  const Op prelu = tflite::BuiltinOperator_PRELU;
  out.push_back({"prelu_float", prelu, kF32, [] { return Prelu(kF32); }});
  out.push_back({"prelu_int8", prelu, kI8, [] { return Prelu(kI8); }});
  out.push_back({"prelu_int16", prelu, kI16, [] { return Prelu(kI16); }});
}

}  // namespace tinyforge::interp::examples
