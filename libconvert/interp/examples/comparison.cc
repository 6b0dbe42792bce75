// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER and GREATER_EQUAL (same
// shapes and broadcasting; int8 operands with different parameters, which
// TFLM rescales) and SELECT_V2 (broadcast condition and operands).
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

bool IsEquality(Op op) { return op == tflite::BuiltinOperator_EQUAL || op == tflite::BuiltinOperator_NOT_EQUAL; }

void AddComparison(std::vector<OpExample>& out, Op op, Type t, const std::string& variant, Dims a, Dims b_dims,
                   bool same_quant) {
  // Equality of plain integers is tested on values that often are equal.
  std::vector<std::optional<InputRange>> ranges;
  if (IsEquality(op) && (t == kI8 || t == kI32 || t == kI64)) ranges = {InputRange{-4, 4}, InputRange{-4, 4}};
  AddExample(
      out, OpTag(op) + "_" + TypeTag(t) + "_" + variant, op, t,
      [=](ExampleBuilder& b) {
        const int x = b.Input(t, a, ActQuant(t, -2, 2));
        const int y = b.Input(t, b_dims, same_quant ? ActQuant(t, -2, 2) : ActQuant(t, -1, 3));
        const int z = b.Output(kBool, BroadcastDims(a, b_dims));
        b.Operator(op, {x, y}, {z});
      },
      ranges);
}

void AddSelect(std::vector<OpExample>& out, Type t, const std::string& variant, Dims cond, Dims x_dims, Dims y_dims,
               Dims out_dims) {
  AddExample(out, "select_v2_" + TypeTag(t) + "_" + variant, tflite::BuiltinOperator_SELECT_V2, t, [=](ExampleBuilder& b) {
    const int c = b.Input(kBool, cond);
    const int x = b.Input(t, x_dims, DataQuant(t));
    const int y = b.Input(t, y_dims, DataQuant(t));
    const int z = b.Output(t, out_dims, DataQuant(t));
    b.Operator(tflite::BuiltinOperator_SELECT_V2, {c, x, y}, {z}, tflite::SelectV2OptionsT{});
  });
}

}  // namespace

void AddComparisonExamples(std::vector<OpExample>& out) {
  const Op kOps[] = {tflite::BuiltinOperator_EQUAL, tflite::BuiltinOperator_NOT_EQUAL,
                     tflite::BuiltinOperator_LESS,  tflite::BuiltinOperator_LESS_EQUAL,
                     tflite::BuiltinOperator_GREATER, tflite::BuiltinOperator_GREATER_EQUAL};
  for (const Op op : kOps) {
    for (const Type t : {kF32, kI8, kI32, kI64, kBool}) {
      if (t == kBool && !IsEquality(op)) continue;  // TFLM orders no bools
      AddComparison(out, op, t, "same_shape", {2, 3, 4}, {2, 3, 4}, true);
      AddComparison(out, op, t, "broadcast", {2, 1, 5}, {3, 1}, true);
    }
    AddComparison(out, op, kI8, "rescaled", {3, 7}, {3, 7}, false);
  }
  for (const Type t : {kF32, kI8, kI16}) {
    AddSelect(out, t, "same_shape", {2, 3, 4}, {2, 3, 4}, {2, 3, 4}, {2, 3, 4});
    AddSelect(out, t, "broadcast", {1, 4}, {3, 1}, {3, 4}, {3, 4});
  }
}

}  // namespace tinyforge::interp::examples
