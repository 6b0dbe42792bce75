// SOFTMAX, LOGISTIC, TANH (fixed output parameters; int16 with a
// power-of-two input scale and with another), RELU, RELU6, LEAKY_RELU,
// HARD_SWISH, and QUANTIZE / DEQUANTIZE between every pair TFLM has.
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

// int16 input scales of TFLM's LOGISTIC/TANH: 2^-12 (range +-8) is the
// power-of-two path, another scale the rescaling path.
constexpr float kPot12 = 1.0f / 4096.0f;

void AddFixedOutput(std::vector<OpExample>& out, Op op, const std::string& stem) {
  const Op o = op;
  AddUnary(out, stem + "_float", o, kF32, {2, 3, 7}, {}, kF32, {});
  AddUnary(out, stem + "_int8_wide_input", o, kI8, {1, 4, 4, 6}, ActQuant(kI8, -8, 6), kI8, FixedOutputQuant(o, kI8));
  AddUnary(out, stem + "_int8_narrow_input", o, kI8, {3, 17}, ActQuant(kI8, -1.5f, 0.5f), kI8, FixedOutputQuant(o, kI8));
  AddUnary(out, stem + "_int16_pot_scale", o, kI16, {2, 5, 6}, Quant::PerTensor(kPot12, 0), kI16, FixedOutputQuant(o, kI16));
  AddUnary(out, stem + "_int16_scale", o, kI16, {4, 9}, ActQuant(kI16, -5, 5), kI16, FixedOutputQuant(o, kI16));
}

void AddSoftmax(std::vector<OpExample>& out) {
  const Op op = tflite::BuiltinOperator_SOFTMAX;
  tflite::SoftmaxOptionsT beta1, beta_half;
  beta1.beta = 1.0f;
  beta_half.beta = 0.5f;
  AddUnary(out, "softmax_float_2d", op, kF32, {3, 10}, {}, kF32, {}, std::nullopt, beta1);
  AddUnary(out, "softmax_float_4d_beta_half", op, kF32, {1, 2, 3, 8}, {}, kF32, {}, std::nullopt, beta_half);
  AddUnary(out, "softmax_int8_2d", op, kI8, {2, 10}, ActQuant(kI8, -6, 4), kI8, FixedOutputQuant(op, kI8),
           std::nullopt, beta1);
  AddUnary(out, "softmax_int8_4d_beta_half", op, kI8, {1, 3, 2, 12}, ActQuant(kI8, -3, 9), kI8, FixedOutputQuant(op, kI8),
           std::nullopt, beta_half);
  // TFLM's int8-to-int16 softmax: output (1/65536, -32768).
  AddUnary(out, "softmax_int8_int16_output", op, kI8, {2, 16}, ActQuant(kI8, -5, 5), kI16,
           Quant::PerTensor(1.0f / 65536.0f, -32768), std::nullopt, beta1);
  AddUnary(out, "softmax_int16_2d", op, kI16, {3, 11}, ActQuant(kI16, -6, 6), kI16, FixedOutputQuant(op, kI16),
           std::nullopt, beta1);
  AddUnary(out, "softmax_int16_4d_beta_half", op, kI16, {1, 2, 2, 9}, ActQuant(kI16, -10, 10), kI16,
           FixedOutputQuant(op, kI16), std::nullopt, beta_half);
}

void AddRelus(std::vector<OpExample>& out) {
  const Op relu = tflite::BuiltinOperator_RELU, relu6 = tflite::BuiltinOperator_RELU6;
  const Op leaky = tflite::BuiltinOperator_LEAKY_RELU, swish = tflite::BuiltinOperator_HARD_SWISH;
  tflite::LeakyReluOptionsT alpha;
  alpha.alpha = 0.2f;
  tflite::LeakyReluOptionsT alpha_big;
  alpha_big.alpha = 1.7f;
  for (const Type t : {kF32, kI8, kI16}) {
    const std::string tag = TypeTag(t);
    // RELU requantizes to the output's parameters; RELU6 keeps the input's.
    AddUnary(out, "relu_" + tag, relu, t, {2, 5, 7}, ActQuant(t, -3, 5), t, ActQuant(t, 0, 5));
    AddUnary(out, "relu6_" + tag, relu6, t, {1, 4, 4, 5}, ActQuant(t, -4, 8), t, ActQuant(t, -4, 8));
    AddUnary(out, "leaky_relu_" + tag, leaky, t, {3, 21}, ActQuant(t, -4, 4), t, ActQuant(t, -1, 4), std::nullopt, alpha);
    AddUnary(out, "leaky_relu_" + tag + "_alpha_above_1", leaky, t, {2, 3, 4}, ActQuant(t, -2, 3), t, ActQuant(t, -4, 3),
             std::nullopt, alpha_big);
  }
  AddUnary(out, "hard_swish_float", swish, kF32, {2, 4, 9}, {}, kF32, {});
  AddUnary(out, "hard_swish_int8", swish, kI8, {1, 5, 5, 4}, ActQuant(kI8, -5, 5), kI8, ActQuant(kI8, -0.4f, 5));
  AddUnary(out, "hard_swish_int8_narrow", swish, kI8, {2, 30}, ActQuant(kI8, -1, 2), kI8, ActQuant(kI8, -0.4f, 2.5f));
}

void AddQuantizeDequantize(std::vector<OpExample>& out) {
  const Op q = tflite::BuiltinOperator_QUANTIZE, dq = tflite::BuiltinOperator_DEQUANTIZE;
  const Dims shape = {2, 3, 5};
  const Quant i8a = ActQuant(kI8, -1, 1), i8b = ActQuant(kI8, -2.5f, 0.7f);
  const Quant i16a = ActQuant(kI16, -1, 1), i16b = ActQuant(kI16, -3, 3);
  AddUnary(out, "quantize_float_to_int8", q, kF32, shape, {}, kI8, i8b);
  AddUnary(out, "quantize_float_to_int16", q, kF32, shape, {}, kI16, i16a);
  AddUnary(out, "quantize_int8_to_int8", q, kI8, shape, i8a, kI8, i8b);
  AddUnary(out, "quantize_int8_to_uint8", q, kI8, shape, i8b, kU8, Quant::PerTensor(i8b.scales[0], i8b.zero_points[0] + 128));
  AddUnary(out, "quantize_int8_to_int16", q, kI8, shape, i8b, kI16, i16b);
  AddUnary(out, "quantize_int8_to_int32", q, kI8, shape, i8b, kI32, Quant::PerTensor(i8b.scales[0] / 64, 0));
  AddUnary(out, "quantize_uint8_to_int8", q, kU8, shape, Quant::PerTensor(0.02f, 131), kI8, Quant::PerTensor(0.02f, 3));
  AddUnary(out, "quantize_int16_to_int8", q, kI16, shape, i16b, kI8, i8b);
  AddUnary(out, "quantize_int16_to_int16", q, kI16, shape, i16b, kI16, i16a);
  AddUnary(out, "quantize_int16_to_int32", q, kI16, shape, i16a, kI32, Quant::PerTensor(i16a.scales[0] / 4, 0));
  const InputRange wide{-40000, 40000};
  AddUnary(out, "quantize_int32_to_int8", q, kI32, shape, Quant::PerTensor(1.0f / 8192, 0), kI8, i8a,
           wide);
  AddUnary(out, "quantize_int32_to_int16", q, kI32, shape, Quant::PerTensor(1.0f / 8192, 0), kI16, i16b,
           wide);

  AddUnary(out, "dequantize_int8", dq, kI8, shape, i8b, kF32, {});
  AddUnary(out, "dequantize_uint8", dq, kU8, shape, Quant::PerTensor(0.05f, 128), kF32, {});
  AddUnary(out, "dequantize_int16", dq, kI16, shape, i16b, kF32, {});
}

}  // namespace

void AddActivationExamples(std::vector<OpExample>& out) {
  AddSoftmax(out);
  AddFixedOutput(out, tflite::BuiltinOperator_LOGISTIC, "logistic");
  AddFixedOutput(out, tflite::BuiltinOperator_TANH, "tanh");
  AddRelus(out);
  AddQuantizeDequantize(out);
}

}  // namespace tinyforge::interp::examples
