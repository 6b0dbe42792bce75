// Operators that change only a shape, for every type: RESHAPE (with a shape
// input and with the new_shape option), SQUEEZE, EXPAND_DIMS, SHAPE and
// BROADCAST_TO.
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {

void AddReshapeExamples(std::vector<OpExample>& out) {
  for (const Type t : kAnyType) {
    const std::string tag = TypeTag(t);
    AddExample(out, "reshape_" + tag, tflite::BuiltinOperator_RESHAPE, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {2, 3, 4}, DataQuant(t));
      const int shape = b.Ints({6, 4});
      const int y = b.Output(t, {6, 4}, DataQuant(t));
      tflite::ReshapeOptionsT o;
      o.new_shape = std::vector<int32_t>{6, 4};
      b.Operator(tflite::BuiltinOperator_RESHAPE, {x, shape}, {y}, o);
    });
    AddExample(out, "squeeze_" + tag, tflite::BuiltinOperator_SQUEEZE, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {1, 3, 1, 4}, DataQuant(t));
      const int y = b.Output(t, {3, 4}, DataQuant(t));
      tflite::SqueezeOptionsT o;
      o.squeeze_dims = std::vector<int32_t>{0, 2};
      b.Operator(tflite::BuiltinOperator_SQUEEZE, {x}, {y}, o);
    });
    AddExample(out, "expand_dims_" + tag, tflite::BuiltinOperator_EXPAND_DIMS, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {3, 5}, DataQuant(t));
      const int axis = b.Constant<int32_t>({1}, {1});
      const int y = b.Output(t, {3, 1, 5}, DataQuant(t));
      b.Operator(tflite::BuiltinOperator_EXPAND_DIMS, {x, axis}, {y}, tflite::ExpandDimsOptionsT{});
    });
    AddExample(out, "shape_" + tag, tflite::BuiltinOperator_SHAPE, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {2, 1, 3, 5}, DataQuant(t));
      const int y = b.Output(kI32, {4});
      tflite::ShapeOptionsT o;
      o.out_type = kI32;
      b.Operator(tflite::BuiltinOperator_SHAPE, {x}, {y}, o);
    });
    AddExample(out, "broadcast_to_" + tag, tflite::BuiltinOperator_BROADCAST_TO, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {3, 1, 4}, DataQuant(t));
      const int shape = b.Ints({2, 3, 5, 4});
      const int y = b.Output(t, {2, 3, 5, 4}, DataQuant(t));
      b.Operator(tflite::BuiltinOperator_BROADCAST_TO, {x, shape}, {y}, tflite::BroadcastToOptionsT{});
    });
  }
  AddExample(out, "reshape_float_new_shape_option", tflite::BuiltinOperator_RESHAPE, kF32, [](ExampleBuilder& b) {
    const int x = b.Input(kF32, {1, 4, 4, 2});
    const int y = b.Output(kF32, {1, 32});
    tflite::ReshapeOptionsT o;
    o.new_shape = std::vector<int32_t>{1, 32};
    b.Operator(tflite::BuiltinOperator_RESHAPE, {x}, {y}, o);
  });
}

}  // namespace tinyforge::interp::examples
