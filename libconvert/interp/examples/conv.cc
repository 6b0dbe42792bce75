// CONV_2D and DEPTHWISE_CONV_2D: 1x1 and 3x3 filters, strides, dilation,
// SAME and VALID padding, per-channel and per-tensor int8 weights, fused
// activations, no bias; int16 activations with int64 and int32 bias.
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

struct ConvSpec {
  Dims input;  // NHWC
  int out_channels = 1;
  int kh = 3, kw = 3;
  int stride = 1;
  int dilation = 1;
  tflite::Padding padding = tflite::Padding_SAME;
  tflite::ActivationFunctionType act = tflite::ActivationFunctionType_NONE;
  bool per_channel = true;
  // The bias type for int16 activations (INT64 or INT32); FLOAT32: none.
  Type int16_bias = kI64;
  bool bias = true;
};

int OutSize(int in, int k, int stride, int dilation, tflite::Padding padding) {
  const int extent = (k - 1) * dilation + 1;
  return padding == tflite::Padding_SAME ? (in + stride - 1) / stride : (in - extent + stride) / stride;
}

// Input, weights, bias and output tensors of one conv-like operator.
struct ConvTensors {
  int input, weights, bias, output;
};

// `weight_dims` in the layout of the operator, `channel_axis` the axis of
// its output channels, `fan_in` the products summed per output.
ConvTensors AddConvTensors(ExampleBuilder& b, Type type, const ConvSpec& s, Dims weight_dims, int channel_axis,
                           int fan_in, Dims out_dims) {
  const int channels = weight_dims[static_cast<size_t>(channel_axis)];
  const bool relu = s.act != tflite::ActivationFunctionType_NONE;
  ConvTensors t{};
  if (type == kF32) {
    t.input = b.Input(kF32, s.input);
    t.weights = b.Random(kF32, weight_dims, -1, 1);
    t.bias = s.bias ? b.Bias(kF32, 0, {}, channels, 0) : -1;
    t.output = b.Output(kF32, out_dims);
    return t;
  }
  const bool int8 = type == kI8;
  const Quant in_q = ActQuant(type, -2.0f, int8 ? 1.0f : 2.0f);
  const std::vector<float> w_scales = s.per_channel ? b.ChannelScales(channels, 0.5f / 127) : std::vector<float>{0.5f / 127};
  const double in_spread = int8 ? kInt8Spread : kInt16Spread;
  const float out_scale = DotOutputScale(in_q.scales[0], in_spread, 0.5f / 127, kInt8Spread, fan_in, int8 ? 40 : 8000);
  t.input = b.Input(type, s.input, in_q);
  t.weights = b.Weights(weight_dims, w_scales, channel_axis);
  const Type bias_type = int8 ? kI32 : s.int16_bias;
  t.bias = s.bias ? b.Bias(bias_type, in_q.scales[0], w_scales, channels, in_spread * kInt8Spread * 2) : -1;
  t.output = b.Output(type, out_dims, Quant::PerTensor(out_scale, int8 ? (relu ? -128 : 5) : 0));
  return t;
}

void AddConv(std::vector<OpExample>& out, const std::string& variant, Type type, ConvSpec s) {
  AddExample(out, "conv_2d_" + TypeTag(type) + "_" + variant, tflite::BuiltinOperator_CONV_2D, type,
             [type, s](ExampleBuilder& b) {
               const int in_c = s.input[3];
               const Dims out_dims = {s.input[0], OutSize(s.input[1], s.kh, s.stride, s.dilation, s.padding),
                                      OutSize(s.input[2], s.kw, s.stride, s.dilation, s.padding), s.out_channels};
               const ConvTensors t =
                   AddConvTensors(b, type, s, {s.out_channels, s.kh, s.kw, in_c}, 0, s.kh * s.kw * in_c, out_dims);
               tflite::Conv2DOptionsT o;
               o.padding = s.padding;
               o.stride_h = o.stride_w = s.stride;
               o.dilation_h_factor = o.dilation_w_factor = s.dilation;
               o.fused_activation_function = s.act;
               if (type == kI16 && s.int16_bias == kI32) o.quantized_bias_type = kI32;
               b.Operator(tflite::BuiltinOperator_CONV_2D, {t.input, t.weights, t.bias}, {t.output}, o);
             });
}

void AddDepthwise(std::vector<OpExample>& out, const std::string& variant, Type type, ConvSpec s) {
  AddExample(out, "depthwise_conv_2d_" + TypeTag(type) + "_" + variant, tflite::BuiltinOperator_DEPTHWISE_CONV_2D, type,
             [type, s](ExampleBuilder& b) {
               const Dims out_dims = {s.input[0], OutSize(s.input[1], s.kh, s.stride, s.dilation, s.padding),
                                      OutSize(s.input[2], s.kw, s.stride, s.dilation, s.padding), s.out_channels};
               const ConvTensors t = AddConvTensors(b, type, s, {1, s.kh, s.kw, s.out_channels}, 3, s.kh * s.kw, out_dims);
               tflite::DepthwiseConv2DOptionsT o;
               o.padding = s.padding;
               o.stride_h = o.stride_w = s.stride;
               o.dilation_h_factor = o.dilation_w_factor = s.dilation;
               o.depth_multiplier = s.out_channels / s.input[3];
               o.fused_activation_function = s.act;
               b.Operator(tflite::BuiltinOperator_DEPTHWISE_CONV_2D, {t.input, t.weights, t.bias}, {t.output}, o);
             });
}

}  // namespace

void AddConvExamples(std::vector<OpExample>& out) {
  using A = tflite::ActivationFunctionType;
  for (const Type type : {kF32, kI8, kI16}) {
    ConvSpec pointwise;
    pointwise.input = Dims{1, 6, 6, 16};
    pointwise.out_channels = 8;
    pointwise.kh = pointwise.kw = 1;
    AddConv(out, "1x1", type, pointwise);

    ConvSpec strided;
    strided.input = Dims{1, 9, 9, 3};
    strided.out_channels = 8;
    strided.stride = 2;
    strided.act = A::ActivationFunctionType_RELU6;
    AddConv(out, "3x3_stride2_relu6", type, strided);

    ConvSpec dilated;
    dilated.input = Dims{2, 10, 9, 4};
    dilated.out_channels = 6;
    dilated.kh = 3;
    dilated.kw = 2;
    dilated.dilation = 2;
    dilated.padding = tflite::Padding_VALID;
    dilated.per_channel = false;
    dilated.bias = false;
    AddConv(out, "3x2_dilation2_valid_per_tensor_no_bias", type, dilated);

    ConvSpec same;
    same.input = Dims{1, 7, 5, 5};
    same.out_channels = 12;
    same.act = A::ActivationFunctionType_RELU;
    same.int16_bias = kI32;
    AddConv(out, type == kI16 ? "3x3_relu_bias32" : "3x3_relu", type, same);

    ConvSpec dw;
    dw.input = Dims{1, 8, 8, 8};
    dw.out_channels = 8;
    dw.act = A::ActivationFunctionType_RELU6;
    AddDepthwise(out, "3x3_relu6", type, dw);

    ConvSpec dw2;
    dw2.input = Dims{1, 9, 9, 3};
    dw2.out_channels = 6;
    dw2.stride = 2;
    AddDepthwise(out, "multiplier2_stride2", type, dw2);

    ConvSpec dw3;
    dw3.input = Dims{2, 11, 10, 24};
    dw3.out_channels = 24;
    dw3.kh = dw3.kw = 3;
    dw3.stride = 2;
    dw3.dilation = 2;
    dw3.padding = tflite::Padding_VALID;
    dw3.per_channel = type != kI16;
    AddDepthwise(out, "24ch_stride2_dilation2_valid", type, dw3);

    // Valid TFLite, but TFLM's depthwise kernels abort without a bias
    // (tests/tflm/kernel_oracle_test.cc lists it as refused).
    ConvSpec dw4;
    dw4.input = Dims{1, 5, 5, 4};
    dw4.out_channels = 4;
    dw4.bias = false;
    AddDepthwise(out, "3x3_no_bias", type, dw4);
  }
}

}  // namespace tinyforge::interp::examples
