// AVERAGE_POOL_2D and MAX_POOL_2D: 2x2 stride 2 VALID, 3x3 stride 1 SAME
// (windows cut by the border) with a fused activation, and a global pool.
// TFLM's integer pools take the input's scale and zero point on the output.
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

struct PoolSpec {
  Dims input;
  int filter_h = 2, filter_w = 2;
  int stride = 2;
  tflite::Padding padding = tflite::Padding_VALID;
  tflite::ActivationFunctionType act = tflite::ActivationFunctionType_NONE;
};

void AddPool(std::vector<OpExample>& out, Op op, const std::string& variant, Type type, PoolSpec s) {
  const std::string name = std::string(op == tflite::BuiltinOperator_AVERAGE_POOL_2D ? "average" : "max") +
                           "_pool_2d_" + TypeTag(type) + "_" + variant;
  AddExample(out, name, op, type, [op, type, s](ExampleBuilder& b) {
    auto out_size = [&](int in, int k) {
      return s.padding == tflite::Padding_SAME ? (in + s.stride - 1) / s.stride : (in - k + s.stride) / s.stride;
    };
    const Quant q = ActQuant(type, -1.5f, 2.5f);
    const int x = b.Input(type, s.input, q);
    const int y = b.Output(type, {s.input[0], out_size(s.input[1], s.filter_h), out_size(s.input[2], s.filter_w), s.input[3]}, q);
    tflite::Pool2DOptionsT o;
    o.padding = s.padding;
    o.stride_h = o.stride_w = s.stride;
    o.filter_height = s.filter_h;
    o.filter_width = s.filter_w;
    o.fused_activation_function = s.act;
    b.Operator(op, {x}, {y}, o);
  });
}

}  // namespace

void AddPoolingExamples(std::vector<OpExample>& out) {
  for (const Op op : {tflite::BuiltinOperator_AVERAGE_POOL_2D, tflite::BuiltinOperator_MAX_POOL_2D}) {
    for (const Type type : {kF32, kI8, kI16}) {
      AddPool(out, op, "2x2_stride2", type, {{1, 8, 8, 5}});
      AddPool(out, op, "3x3_same_relu6", type,
              {{2, 7, 6, 4}, 3, 3, 1, tflite::Padding_SAME, tflite::ActivationFunctionType_RELU6});
      AddPool(out, op, "global", type, {{1, 5, 5, 16}, 5, 5, 1});
    }
  }
}

}  // namespace tinyforge::interp::examples
