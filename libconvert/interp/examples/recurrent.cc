// UNIDIRECTIONAL_SEQUENCE_LSTM (the standard cell TFLM runs: float; int8
// and int16 activations with int8 per-tensor weights, int32 / int64 biases
// and a power-of-two int16 cell; batch- and time-major; with and without a
// cell clip) and SVDF (float with RELU; int8 with int16 and with int8
// state). Each sample is one call from zero state, as TFLM's runner resets
// variables before every sample.
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

constexpr int kLstmInputs = 24;

struct LstmSpec {
  int batch = 2, time = 4, features = 5, units = 6;
  bool time_major = false;
  float cell_clip = 0.0f;
};

void AddLstm(std::vector<OpExample>& out, const std::string& variant, Type type, LstmSpec s) {
  AddExample(out, "unidirectional_sequence_lstm_" + TypeTag(type) + "_" + variant,
             tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, type, [type, s](ExampleBuilder& b) {
               const Dims in_dims = s.time_major ? Dims{s.time, s.batch, s.features} : Dims{s.batch, s.time, s.features};
               const Dims out_dims = s.time_major ? Dims{s.time, s.batch, s.units} : Dims{s.batch, s.time, s.units};
               std::vector<int> inputs(kLstmInputs, -1);
               const bool quantized = type != kF32;
               const Quant in_q = ActQuant(type, -1.0f, 1.0f);
               // The hidden state and the output share parameters (TFLM
               // writes hidden-state integers into the output).
               const Quant hidden_q = ActQuant(type, -1.0f, 1.0f);
               const float w_scale = 0.6f / 127;
               inputs[0] = b.Input(type, in_dims, in_q);
               for (int g = 0; g < 4; ++g) {
                 if (quantized) {
                   inputs[1 + g] = b.Weights({s.units, s.features}, {w_scale * (1.0f + 0.1f * g)}, 0);
                   inputs[5 + g] = b.Weights({s.units, s.units}, {w_scale * (1.2f - 0.1f * g)}, 0);
                   inputs[12 + g] = b.Bias(type == kI8 ? kI32 : kI64, in_q.scales[0], {w_scale * (1.0f + 0.1f * g)},
                                           s.units, type == kI8 ? 3000 : 800000);
                 } else {
                   inputs[1 + g] = b.Random(kF32, {s.units, s.features}, -0.6, 0.6);
                   inputs[5 + g] = b.Random(kF32, {s.units, s.units}, -0.6, 0.6);
                   inputs[12 + g] = b.Random(kF32, {s.units}, -0.5, 0.5);
                 }
               }
               inputs[18] = b.Variable(type, {s.batch, s.units}, hidden_q);
               inputs[19] = b.Variable(quantized ? kI16 : kF32, {s.batch, s.units},
                                       quantized ? Quant::PerTensor(1.0f / 2048, 0) : Quant::None());
               const int y = b.Output(type, out_dims, hidden_q);
               tflite::UnidirectionalSequenceLSTMOptionsT o;
               o.fused_activation_function = tflite::ActivationFunctionType_TANH;
               o.time_major = s.time_major;
               o.cell_clip = s.cell_clip;
               b.Operator(tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, inputs, {y}, o);
             });
}

struct SvdfSpec {
  int batch = 2, features = 6, units = 3, rank = 2, memory = 4;
  Type state = kI16;  // the time weights' type too
};

void AddSvdf(std::vector<OpExample>& out, const std::string& variant, Type type, SvdfSpec s) {
  AddExample(out, "svdf_" + TypeTag(type) + "_" + variant, tflite::BuiltinOperator_SVDF, type, [type, s](ExampleBuilder& b) {
    const int filters = s.units * s.rank;
    tflite::SVDFOptionsT o;
    o.rank = s.rank;
    if (type == kF32) {
      o.fused_activation_function = tflite::ActivationFunctionType_RELU;
      const int x = b.Input(kF32, {s.batch, s.features});
      const int wf = b.Random(kF32, {filters, s.features}, -0.8, 0.8);
      const int wt = b.Random(kF32, {filters, s.memory}, -0.8, 0.8);
      const int bias = b.Random(kF32, {s.units}, -0.3, 0.3);
      const int state = b.Variable(kF32, {s.batch, filters * s.memory});
      const int y = b.Output(kF32, {s.batch, s.units});
      b.Operator(tflite::BuiltinOperator_SVDF, {x, wf, wt, bias, state}, {y}, o);
      return;
    }
    // The converter's layout (int16 state: time weights on a 10-bit grid).
    const Quant in_q = ActQuant(kI8, -1.0f, 2.0f);
    const float wf_scale = 0.8f / 127;
    const bool wide = s.state == kI16;
    const float wt_scale = wide ? 0.8f / 512 : 0.8f / 127;
    const float state_scale = wide ? 4.0f / 32767 : 4.0f / 127;
    const int x = b.Input(kI8, {s.batch, s.features}, in_q);
    const int wf = b.Weights({filters, s.features}, {wf_scale}, 0);
    const int wt = b.Random(s.state, {filters, s.memory}, wide ? -512 : -127, wide ? 512 : 127,
                            Quant::PerTensor(wt_scale, 0));
    const int bias = b.Bias(kI32, state_scale, {wt_scale}, s.units, wide ? 20000 : 100);
    const int state = b.Variable(s.state, {s.batch, filters * s.memory},
                                 Quant::PerTensor(state_scale, wide ? 0 : 3));
    const int y = b.Output(kI8, {s.batch, s.units}, ActQuant(kI8, -3.0f, 3.0f));
    b.Operator(tflite::BuiltinOperator_SVDF, {x, wf, wt, bias, state}, {y}, o);
  });
}

}  // namespace

void AddRecurrentExamples(std::vector<OpExample>& out) {
  for (const Type type : {kF32, kI8, kI16}) {
    AddLstm(out, "batch_major", type, {});
    LstmSpec time_major;
    time_major.time_major = true;
    time_major.batch = 3;
    time_major.time = 3;
    AddLstm(out, "time_major", type, time_major);
    LstmSpec clipped;
    clipped.cell_clip = 0.75f;
    clipped.units = 4;
    AddLstm(out, "cell_clip", type, clipped);
  }
  AddSvdf(out, "relu", kF32, {});
  AddSvdf(out, "int16_state", kI8, {});
  SvdfSpec int8_state;
  int8_state.state = kI8;
  int8_state.rank = 1;
  int8_state.units = 4;
  AddSvdf(out, "int8_state", kI8, int8_state);
}

}  // namespace tinyforge::interp::examples
