// What every example family shares: a ModelBuilder seeded from the
// example's name, quantization parameters chosen as the TFLite spec's
// quantizer would, and seeded random constants (symmetric int8 weights,
// per-channel scales, int32/int64 biases at scale input x weight).
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "libconvert/interp/examples/op_examples.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge::interp::examples {

using Op = tflite::BuiltinOperator;
using Type = tflite::TensorType;
using Dims = std::vector<int32_t>;

inline constexpr Type kF32 = tflite::TensorType_FLOAT32;
inline constexpr Type kI8 = tflite::TensorType_INT8;
inline constexpr Type kU8 = tflite::TensorType_UINT8;
inline constexpr Type kI16 = tflite::TensorType_INT16;
inline constexpr Type kI32 = tflite::TensorType_INT32;
inline constexpr Type kU32 = tflite::TensorType_UINT32;
inline constexpr Type kI64 = tflite::TensorType_INT64;
inline constexpr Type kBool = tflite::TensorType_BOOL;

// "float", "int8", ... as example names spell types.
std::string TypeTag(Type type);
// "conv_2d", "squared_difference", ...: the operator's name in lower case.
std::string OpTag(Op op);
// Every type that moves through shape-only operators (RESHAPE, TRANSPOSE, ...).
inline constexpr Type kAnyType[] = {kF32, kI8, kU8, kI16, kI32, kI64, kBool};

// Quantization of an activation holding reals in [lo, hi], as the spec's
// quantizer chooses it: int8 asymmetric over the range widened to include 0,
// zero point nudged to an integer; int16 symmetric with zero point 0; none
// for every other type (float, and integer tensors that hold plain numbers).
Quant ActQuant(Type type, float lo, float hi);

// The fixed output parameters TFLM's kernels require (the spec's table,
// also quantize/op_rules.cc FixedOutputParams): SOFTMAX and LOGISTIC
// (1/256, -128), TANH (1/128, 0); int16 (1/32768, 0). None for float.
Quant FixedOutputQuant(Op op, Type type);
// The parameters shape-only operators keep on input and output: int8 and
// int16 quantized, other types plain.
inline Quant DataQuant(Type type) { return ActQuant(type, -1.0f, 2.0f); }

// An operator without builtin options.
struct NoOptions {};

class ExampleBuilder {
 public:
  explicit ExampleBuilder(const std::string& name);

  std::mt19937& rng() { return rng_; }
  ModelBuilder& builder() { return b_; }
  const Dims& shape(int tensor) const { return b_.shape(tensor); }

  // Model inputs and outputs, in the order they are added.
  int Input(Type type, Dims shape, const Quant& quant = Quant::None());
  int Output(Type type, Dims shape, const Quant& quant = Quant::None());
  // A variable tensor (recurrent state), zero at the start.
  int Variable(Type type, Dims shape, const Quant& quant = Quant::None());

  template <typename T>
  int Constant(Dims shape, const std::vector<T>& values, const Quant& quant = Quant::None()) {
    return b_.AddConstant<T>(NextName("const"), std::move(shape), values, quant);
  }
  int Ints(const std::vector<int32_t>& values) {
    return Constant<int32_t>({static_cast<int32_t>(values.size())}, values);
  }
  // Seeded random constant data: floats in [lo, hi); integers uniform over
  // [lo, hi] (for int8 weights pass -127, 127).
  int Random(Type type, Dims shape, double lo, double hi, const Quant& quant = Quant::None());
  std::vector<float> RandomFloats(size_t n, float lo, float hi);

  // Symmetric int8 weights in [-127, 127] with `scales` (one: per tensor;
  // several: per channel along `axis`).
  int Weights(Dims shape, std::vector<float> scales, int axis);
  // n scales around `base` (x 0.5 .. 1.5), the spread of per-channel weights.
  std::vector<float> ChannelScales(int n, float base);
  // A bias of `type` (INT32 or INT64) at scale input_scale x weight_scale[c],
  // values uniform within +-spread integer units; FLOAT32: reals in [-1, 1).
  int Bias(Type type, float input_scale, const std::vector<float>& weight_scales, int n, double spread);

  // An operator with builtin options `options`, or none (NoOptions).
  template <typename Options>
  void Operator(Op op, std::vector<int> inputs, std::vector<int> outputs, Options options) {
    b_.AddOperator(op, std::move(inputs), std::move(outputs), std::move(options));
  }
  void Operator(Op op, std::vector<int> inputs, std::vector<int> outputs, NoOptions = {}) {
    b_.AddOperator(op, std::move(inputs), std::move(outputs));
  }

  Model Build();

 private:
  std::string NextName(const char* what);

  std::string name_;
  ModelBuilder b_;
  std::mt19937 rng_;
  std::vector<int> inputs_;
  std::vector<int> outputs_;
  int count_ = 0;
};

// The scale that puts a dot product of `fan_in` terms of two operands with
// scales s1, s2 and spreads q1, q2 (standard deviations in integer units)
// at spread `target` in the output's integer units: the output is neither
// all clamped nor all zero.
float DotOutputScale(float s1, double q1, float s2, double q2, int fan_in, double target);
// The spread of a uniform random value over a full int8 / int16 range.
inline constexpr double kInt8Spread = 73.9;
inline constexpr double kInt16Spread = 18918.0;

// The shape two operands broadcast to (numpy rules).
Dims BroadcastDims(const Dims& a, const Dims& b);

// Registers one example whose model `body` adds to a builder seeded from
// `name`; `ranges`, per model input, narrows the values tests feed it.
void AddExample(std::vector<OpExample>& out, const std::string& name, Op op, Type type,
                std::function<void(ExampleBuilder&)> body, std::vector<std::optional<InputRange>> ranges = {});

// An example of operator `op` with one input and one output of the same
// shape.
template <typename Options = NoOptions>
void AddUnary(std::vector<OpExample>& out, const std::string& name, Op op, Type in_type, Dims shape, Quant in_q,
              Type out_type, Quant out_q, std::optional<InputRange> range = std::nullopt, Options options = {}) {
  AddExample(
      out, name, op, in_type,
      [=](ExampleBuilder& b) {
        const int x = b.Input(in_type, shape, in_q);
        const int y = b.Output(out_type, shape, out_q);
        b.Operator(op, {x}, {y}, options);
      },
      {range});
}

}  // namespace tinyforge::interp::examples
