// ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE: same shapes
// and broadcasting, a constant operand, fused activations.
#include <algorithm>

#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

using A = tflite::ActivationFunctionType;

void AddBinaryOperator(ExampleBuilder& b, Op op, int x, int y, int z, A act) {
  switch (op) {
    case tflite::BuiltinOperator_ADD: {
      tflite::AddOptionsT o;
      o.fused_activation_function = act;
      return b.Operator(op, {x, y}, {z}, o);
    }
    case tflite::BuiltinOperator_SUB: {
      tflite::SubOptionsT o;
      o.fused_activation_function = act;
      return b.Operator(op, {x, y}, {z}, o);
    }
    case tflite::BuiltinOperator_MUL: {
      tflite::MulOptionsT o;
      o.fused_activation_function = act;
      return b.Operator(op, {x, y}, {z}, o);
    }
    case tflite::BuiltinOperator_DIV: {
      tflite::DivOptionsT o;
      o.fused_activation_function = act;
      return b.Operator(op, {x, y}, {z}, o);
    }
    case tflite::BuiltinOperator_SQUARED_DIFFERENCE: return b.Operator(op, {x, y}, {z}, tflite::SquaredDifferenceOptionsT{});
    default: return b.Operator(op, {x, y}, {z}, tflite::MaximumMinimumOptionsT{});
  }
}

// The real ranges of the two inputs and the output of `op`.
struct Ranges {
  float a_lo, a_hi, b_lo, b_hi, out_lo, out_hi;
};

Ranges RangesOf(Op op) {
  switch (op) {
    case tflite::BuiltinOperator_ADD:
    case tflite::BuiltinOperator_SUB: return {-1, 1, -3, 2, -4, 3};
    case tflite::BuiltinOperator_MUL: return {-1, 2, -2, 1.5f, -4, 3};
    case tflite::BuiltinOperator_SQUARED_DIFFERENCE: return {-1, 1, -2, 1, 0, 9};
    default: return {-2, 2, -2, 2, -2, 2};  // MAXIMUM, MINIMUM: one scale
  }
}

struct BinarySpec {
  std::string variant;
  Dims a, b;
  A act = A::ActivationFunctionType_NONE;
  bool constant_b = false;
};

void AddBinary(std::vector<OpExample>& out, Op op, Type type, const BinarySpec& s) {
  AddExample(out, OpTag(op) + "_" + TypeTag(type) + "_" + s.variant, op, type, [op, type, s](ExampleBuilder& b) {
    const Ranges r = RangesOf(op);
    const Quant qa = ActQuant(type, r.a_lo, r.a_hi), qb = ActQuant(type, r.b_lo, r.b_hi);
    const int x = b.Input(type, s.a, qa);
    int y;
    if (!s.constant_b) {
      y = b.Input(type, s.b, qb);
    } else if (type == kF32) {
      y = b.Random(kF32, s.b, -1, 1);
    } else if (type == kI8 || type == kI16) {
      y = b.Random(type, s.b, type == kI8 ? -128 : -32768, type == kI8 ? 127 : 32767, qb);
    } else {
      y = b.Random(type, s.b, -100, 100);
    }
    const int z = b.Output(type, BroadcastDims(s.a, s.b), ActQuant(type, r.out_lo, r.out_hi));
    AddBinaryOperator(b, op, x, y, z, s.act);
  });
}

}  // namespace

void AddElementwiseExamples(std::vector<OpExample>& out) {
  const Op kArithmetic[] = {tflite::BuiltinOperator_ADD, tflite::BuiltinOperator_SUB, tflite::BuiltinOperator_MUL};
  for (const Op op : kArithmetic) {
    for (const Type type : {kF32, kI8, kI16, kI32}) {
      AddBinary(out, op, type, {"same_shape", {2, 3, 4, 5}, {2, 3, 4, 5}});
      AddBinary(out, op, type, {"broadcast_relu", {2, 1, 5}, {1, 4, 5}, A::ActivationFunctionType_RELU});
      AddBinary(out, op, type, {"constant_vector_relu6", {1, 3, 3, 6}, {6}, A::ActivationFunctionType_RELU6, true});
    }
  }
  AddBinary(out, tflite::BuiltinOperator_ADD, kI8, {"same_shape_relu_n1_to_1", {4, 33}, {4, 33}, A::ActivationFunctionType_RELU_N1_TO_1});
  // Large enough (1,280 outputs) for the fast int8 kernels' table of results.
  for (const Op op : {tflite::BuiltinOperator_ADD, tflite::BuiltinOperator_SUB, tflite::BuiltinOperator_MUL,
                      tflite::BuiltinOperator_SQUARED_DIFFERENCE}) {
    AddBinary(out, op, kI8, {"table_sized_broadcast", {2, 16, 40}, {40}});
  }
  AddBinary(out, tflite::BuiltinOperator_ADD, kF32, {"broadcast_5d", {2, 1, 3, 1, 4}, {1, 2, 1, 5, 4}});

  const Op div = tflite::BuiltinOperator_DIV;
  AddBinary(out, div, kF32, {"same_shape", {2, 3, 4}, {2, 3, 4}});
  AddBinary(out, div, kF32, {"broadcast_relu", {3, 1, 4}, {2, 1}, A::ActivationFunctionType_RELU});

  const Op kOthers[] = {tflite::BuiltinOperator_MAXIMUM, tflite::BuiltinOperator_MINIMUM,
                        tflite::BuiltinOperator_SQUARED_DIFFERENCE};
  for (const Op op : kOthers) {
    for (const Type type : {kF32, kI8, kI16, kI32, kI64}) {
      if (op == tflite::BuiltinOperator_SQUARED_DIFFERENCE && type == kI64) continue;
      AddBinary(out, op, type, {"same_shape", {2, 3, 7}, {2, 3, 7}});
      AddBinary(out, op, type, {"broadcast", {3, 1, 4, 2}, {5, 1, 2}});
    }
  }
}

}  // namespace tinyforge::interp::examples
