// FULLY_CONNECTED (2-D and flattened 4-D inputs, keep_num_dims, per-tensor
// and per-channel int8 weights, no bias, int16 with int64 and int32 bias)
// and BATCH_MATMUL (batch broadcasting, adjoint operands).
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

struct FcSpec {
  Dims input;
  int units = 1;
  bool keep_num_dims = false;
  bool per_channel = false;
  bool bias = true;
  Type int16_bias = kI64;
  tflite::ActivationFunctionType act = tflite::ActivationFunctionType_NONE;
};

void AddFullyConnected(std::vector<OpExample>& out, const std::string& variant, Type type, FcSpec s) {
  AddExample(out, "fully_connected_" + TypeTag(type) + "_" + variant, tflite::BuiltinOperator_FULLY_CONNECTED, type,
             [type, s](ExampleBuilder& b) {
               const int depth = s.input.back();
               int rows = 1;
               for (size_t i = 0; i + 1 < s.input.size(); ++i) rows *= s.input[i];
               Dims out_dims = s.input;
               out_dims.back() = s.units;
               if (!s.keep_num_dims) out_dims = {rows, s.units};
               int x, w, bias = -1, y;
               if (type == kF32) {
                 x = b.Input(kF32, s.input);
                 w = b.Random(kF32, {s.units, depth}, -1, 1);
                 if (s.bias) bias = b.Bias(kF32, 0, {}, s.units, 0);
                 y = b.Output(kF32, out_dims);
               } else {
                 const bool int8 = type == kI8;
                 const Quant in_q = ActQuant(type, -1.0f, int8 ? 3.0f : 1.0f);
                 const std::vector<float> w_scales =
                     s.per_channel ? b.ChannelScales(s.units, 0.3f / 127) : std::vector<float>{0.3f / 127};
                 const double spread = int8 ? kInt8Spread : kInt16Spread;
                 x = b.Input(type, s.input, in_q);
                 w = b.Weights({s.units, depth}, w_scales, 0);
                 if (s.bias) bias = b.Bias(int8 ? kI32 : s.int16_bias, in_q.scales[0], w_scales, s.units, spread * 150);
                 const float out_scale = DotOutputScale(in_q.scales[0], spread, 0.3f / 127, kInt8Spread, depth, int8 ? 40 : 8000);
                 y = b.Output(type, out_dims, Quant::PerTensor(out_scale, int8 ? -7 : 0));
               }
               tflite::FullyConnectedOptionsT o;
               o.fused_activation_function = s.act;
               o.keep_num_dims = s.keep_num_dims;
               if (type == kI16 && s.int16_bias == kI32) o.quantized_bias_type = kI32;
               b.Operator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w, bias}, {y}, o);
             });
}

struct MatMulSpec {
  Dims lhs, rhs;  // as stored (adjoint operands transposed)
  bool adj_x = false, adj_y = false;
};

void AddBatchMatMul(std::vector<OpExample>& out, const std::string& variant, Type type, MatMulSpec s) {
  AddExample(out, "batch_matmul_" + TypeTag(type) + "_" + variant, tflite::BuiltinOperator_BATCH_MATMUL, type,
             [type, s](ExampleBuilder& b) {
               // Output: broadcast batch dimensions, then rows x cols.
               Dims dims = BroadcastDims(s.lhs, s.rhs);
               const size_t rank = dims.size();
               const size_t ln = s.lhs.size(), rn = s.rhs.size();
               const int rows = s.adj_x ? s.lhs[ln - 1] : s.lhs[ln - 2];
               const int depth = s.adj_x ? s.lhs[ln - 2] : s.lhs[ln - 1];
               const int cols = s.adj_y ? s.rhs[rn - 2] : s.rhs[rn - 1];
               dims[rank - 2] = rows;
               dims[rank - 1] = cols;
               // TFLM's int16 BATCH_MATMUL takes zero points of 0; int8 any.
               const bool int8 = type == kI8;
               const Quant lhs_q = ActQuant(type, -1.0f, int8 ? 2.0f : 1.0f);
               const Quant rhs_q = ActQuant(type, int8 ? -3.0f : -1.5f, 1.5f);
               const double spread = int8 ? kInt8Spread : kInt16Spread;
               const Quant out_q = type == kF32 ? Quant::None()
                                                : Quant::PerTensor(DotOutputScale(lhs_q.scales[0], spread, rhs_q.scales[0],
                                                                                  spread, depth, int8 ? 40 : 8000),
                                                                   int8 ? 3 : 0);
               const int x = b.Input(type, s.lhs, lhs_q);
               const int y = b.Input(type, s.rhs, rhs_q);
               const int z = b.Output(type, dims, out_q);
               tflite::BatchMatMulOptionsT o;
               o.adj_x = s.adj_x;
               o.adj_y = s.adj_y;
               b.Operator(tflite::BuiltinOperator_BATCH_MATMUL, {x, y}, {z}, o);
             });
}

}  // namespace

void AddMatMulExamples(std::vector<OpExample>& out) {
  for (const Type type : {kF32, kI8, kI16}) {
    FcSpec plain;
    plain.input = Dims{3, 20};
    plain.units = 8;
    plain.act = tflite::ActivationFunctionType_RELU;
    AddFullyConnected(out, "2d_relu", type, plain);

    FcSpec flattened;
    flattened.input = Dims{1, 2, 3, 5};
    flattened.units = 7;
    flattened.per_channel = type == kI8;
    AddFullyConnected(out, type == kI8 ? "4d_input_per_channel" : "4d_input", type, flattened);

    FcSpec kept;
    kept.input = Dims{2, 3, 12};
    kept.units = 5;
    kept.keep_num_dims = true;
    kept.bias = false;
    AddFullyConnected(out, "keep_num_dims_no_bias", type, kept);

    if (type == kI16) {
      FcSpec acc32;
      acc32.input = Dims{2, 16};
      acc32.units = 6;
      acc32.int16_bias = kI32;
      AddFullyConnected(out, "bias32", type, acc32);
    }

    AddBatchMatMul(out, "3d", type, {{2, 3, 8}, {2, 8, 5}});
    AddBatchMatMul(out, "broadcast_batch", type, {{2, 1, 4, 6}, {3, 6, 5}});
    AddBatchMatMul(out, "adjoint", type, {{2, 6, 3}, {2, 4, 6}, true, true});
  }
}

}  // namespace tinyforge::interp::examples
