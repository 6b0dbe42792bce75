// Elementwise math on one input: SQRT, RSQRT (float; int8, whose inputs
// TFLM requires at or above the zero point), ABS (float; int8 and int16
// quantized, with and without rescaling; plain int16), NEG, EXP, LOG, GELU
// (exact and approximate), and CAST between every pair of types.
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

void AddFloatMath(std::vector<OpExample>& out) {
  const Op kOps[] = {tflite::BuiltinOperator_SQRT, tflite::BuiltinOperator_RSQRT, tflite::BuiltinOperator_ABS,
                     tflite::BuiltinOperator_NEG,  tflite::BuiltinOperator_EXP,   tflite::BuiltinOperator_LOG};
  for (const Op op : kOps) {
    // SQRT, RSQRT and LOG also see negative inputs (NaN, as TFLM computes).
    AddUnary(out, OpTag(op) + "_float", op, kF32, {2, 3, 5}, {}, kF32, {});
  }
  AddUnary(out, "log_float_positive", tflite::BuiltinOperator_LOG, kF32, {4, 6}, {}, kF32, {}, InputRange{0.001, 8});
  AddUnary(out, "sqrt_float_positive", tflite::BuiltinOperator_SQRT, kF32, {4, 6}, {}, kF32, {}, InputRange{0, 50});
  AddUnary(out, "rsqrt_float_positive", tflite::BuiltinOperator_RSQRT, kF32, {4, 6}, {}, kF32, {}, InputRange{0.05, 8});
  for (const bool approximate : {false, true}) {
    tflite::GeluOptionsT o;
    o.approximate = approximate;
    AddUnary(out, std::string("gelu_float") + (approximate ? "_approximate" : ""), tflite::BuiltinOperator_GELU, kF32,
             {3, 8}, {}, kF32, {}, InputRange{-4, 4}, o);
  }
}

void AddQuantizedMath(std::vector<OpExample>& out) {
  const Op rsqrt = tflite::BuiltinOperator_RSQRT, abs = tflite::BuiltinOperator_ABS;
  const Quant positive = ActQuant(kI8, 0, 4);  // zero point -128: every value is valid
  AddUnary(out, "rsqrt_int8", rsqrt, kI8, {2, 3, 5}, positive, kI8, ActQuant(kI8, 0, 6));
  const Quant shifted = Quant::PerTensor(0.01f, -20);
  AddUnary(out, "rsqrt_int8_zero_point_inside", rsqrt, kI8, {4, 7}, shifted, kI8, ActQuant(kI8, 0, 12),
           InputRange{-20, 127});
  AddUnary(out, "abs_int8", abs, kI8, {2, 3, 5}, ActQuant(kI8, -3, 1), kI8, ActQuant(kI8, 0, 3));
  AddUnary(out, "abs_int8_same_scale", abs, kI8, {3, 11}, ActQuant(kI8, -2, 2), kI8, ActQuant(kI8, -2, 2));
  AddUnary(out, "abs_int16", abs, kI16, {2, 3, 5}, ActQuant(kI16, -3, 3), kI16, ActQuant(kI16, -5, 5));
  AddUnary(out, "abs_int16_not_quantized", abs, kI16, {4, 5}, {}, kI16, {});
}

void AddCasts(std::vector<OpExample>& out) {
  const Type kFrom[] = {kF32, kI8, kI16, kI32, kU32, kBool};
  const Type kTo[] = {kF32, kI8, kI16, kI32, kU32};
  for (const Type from : kFrom) {
    for (const Type to : kTo) {
      if (from == to) continue;
      // Floats over a range that casts to every integer type; integers
      // that fit the narrowest output.
      std::optional<InputRange> range;
      if (from == kF32) range = InputRange{to == kU32 ? 0.0 : -100.0, 100};
      if (from == kI16 || from == kI32) range = InputRange{to == kU32 ? 0.0 : -128, 127};
      AddUnary(out, "cast_" + TypeTag(from) + "_to_" + TypeTag(to), tflite::BuiltinOperator_CAST, from, {2, 3, 4}, {}, to,
             {}, range);
    }
  }
}

}  // namespace

void AddUnaryExamples(std::vector<OpExample>& out) {
  AddFloatMath(out);
  AddQuantizedMath(out);
  AddCasts(out);
}

}  // namespace tinyforge::interp::examples
