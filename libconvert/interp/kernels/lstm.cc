// UNIDIRECTIONAL_SEQUENCE_LSTM: glue between the model and ref/lstm.
//
// Inputs (TFLite's numbering): 0 input; 1-4 input-to-{input, forget, cell,
// output} weights; 5-8 recurrent-to-{...} weights; 9-11 peephole weights;
// 12-15 {input, forget, cell, output} gate biases; 16 projection weights; 17
// projection bias; 18 hidden (output) state and 19 cell state, both variable
// tensors; 20-23 layer-norm coefficients. TFLM runs only the standard cell:
// 9-11, 16-17 and 20-23 must be omitted, everything else present. The op's
// intermediate tensors are not read (TFLM uses fixed gate scales instead).
#include <memory>
#include <vector>

#include "libconvert/model/dtype.h"
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/operand_check.h"
#include "libconvert/interp/ref/lstm.h"

namespace tinyforge::interp::kernels {
namespace {

constexpr size_t kInput = 0;
constexpr size_t kInputWeights = 1;      // + gate
constexpr size_t kRecurrentWeights = 5;  // + gate
constexpr size_t kBias = 12;             // + gate
constexpr size_t kProjectionWeights = 16;
constexpr size_t kProjectionBias = 17;
constexpr size_t kHiddenState = 18;
constexpr size_t kCellState = 19;
constexpr size_t kLayerNorm = 20;  // 20..23
constexpr size_t kInputCount = 24;

struct LstmTensors {
  RuntimeTensor* input;
  RuntimeTensor* input_weights[ref::kLstmGateCount];
  RuntimeTensor* recurrent_weights[ref::kLstmGateCount];
  RuntimeTensor* bias[ref::kLstmGateCount];
  RuntimeTensor* hidden;
  RuntimeTensor* cell;
  RuntimeTensor* output;
};

const char* const kGateNames[ref::kLstmGateCount] = {"input", "forget", "cell", "output"};

// The checks of TFLM's LstmTensors::ValidateTensorStatus, with messages.
LstmTensors CollectTensors(PrepareContext& ctx) {
  ctx.Require(ctx.num_inputs() == kInputCount,
              "has " + std::to_string(ctx.num_inputs()) + " inputs, expected 24 (omitted ones as -1)");
  ctx.Require(ctx.num_outputs() == 1, "has " + std::to_string(ctx.num_outputs()) + " outputs, expected 1");
  for (size_t i = 9; i <= 11; ++i) {
    ctx.Require(ctx.optional_input(i) == nullptr,
                "has peephole weights (input " + std::to_string(i) + "); TFLM supports only the standard LSTM cell");
  }
  ctx.Require(ctx.optional_input(kProjectionWeights) == nullptr && ctx.optional_input(kProjectionBias) == nullptr,
              "has a projection (inputs 16/17); TFLM supports only the standard LSTM cell");
  for (size_t i = kLayerNorm; i < kInputCount; ++i) {
    ctx.Require(ctx.optional_input(i) == nullptr, "has layer-norm coefficients (input " + std::to_string(i) +
                                                      "); TFLM supports only the standard LSTM cell");
  }
  LstmTensors t{};
  t.input = &ctx.input(kInput);
  for (int g = 0; g < ref::kLstmGateCount; ++g) {
    const std::string gate = kGateNames[g];
    const size_t gi = static_cast<size_t>(g);
    ctx.Require(ctx.optional_input(kInputWeights + gi) != nullptr,
                "has no input-to-" + gate + " weights (input " + std::to_string(kInputWeights + gi) +
                    "); TFLM supports no CIFG variant");
    ctx.Require(ctx.optional_input(kRecurrentWeights + gi) != nullptr,
                "has no recurrent-to-" + gate + " weights (input " + std::to_string(kRecurrentWeights + gi) + ")");
    ctx.Require(ctx.optional_input(kBias + gi) != nullptr,
                "has no " + gate + " gate bias (input " + std::to_string(kBias + gi) + ")");
    t.input_weights[g] = &ctx.input(kInputWeights + gi);
    t.recurrent_weights[g] = &ctx.input(kRecurrentWeights + gi);
    t.bias[g] = &ctx.input(kBias + gi);
  }
  ctx.Require(ctx.optional_input(kHiddenState) != nullptr, "has no hidden state (input 18)");
  ctx.Require(ctx.optional_input(kCellState) != nullptr, "has no cell state (input 19)");
  t.hidden = &ctx.input(kHiddenState);
  t.cell = &ctx.input(kCellState);
  t.output = &ctx.output(0);
  ctx.Require(t.hidden->variable, "the hidden state (input 18) must be a variable tensor");
  ctx.Require(t.cell->variable, "the cell state (input 19) must be a variable tensor");
  return t;
}

// The contract of every operand one of TFLM's three kernels reads, stated
// once the sizes are known: types (activations: input, hidden state,
// output; weights; biases; cell state), each weight matrix [units, input
// size] or [units, units], one bias per unit, batch x units state elements.
// ref::PrepareLstmSize checked the same shapes TFLM's way; this names the
// tensor and guarantees its bytes hold them.
void CheckLstmOperands(PrepareContext& ctx, const LstmTensors& t, const ref::LstmSize& size, tflite::TensorType weight,
                   tflite::TensorType bias, tflite::TensorType cell) {
  const tflite::TensorType act = t.input->type;
  const int64_t units = size.state_size;
  const int64_t state_elements = static_cast<int64_t>(size.batch) * units;
  OperandCheck(ctx, *t.input, "the input").Rank(3).Dim(2, size.input_size, "the input size");
  for (int g = 0; g < ref::kLstmGateCount; ++g) {
    const std::string gate = kGateNames[g];
    OperandCheck(ctx, *t.input_weights[g], "the input-to-" + gate + " weights")
        .Type(weight).Rank(2).Dim(0, units, "the units").Dim(1, size.input_size, "the input size");
    OperandCheck(ctx, *t.recurrent_weights[g], "the recurrent-to-" + gate + " weights")
        .Type(weight).Rank(2).Dim(0, units, "the units").Dim(1, units, "the units");
    OperandCheck(ctx, *t.bias[g], "the " + gate + " gate bias").Type(bias).Elements(units, "one per unit");
  }
  OperandCheck(ctx, *t.hidden, "the hidden state").Type(act).Elements(state_elements, "batch x units");
  OperandCheck(ctx, *t.cell, "the cell state").Type(cell).Elements(state_elements, "batch x units");
  OperandCheck(ctx, *t.output, "the output").Type(act).Rank(3).Dim(2, units, "the units");
}

ref::LstmShapes Shapes(const LstmTensors& t) {
  ref::LstmShapes s;
  s.input = t.input->shape;
  for (int g = 0; g < ref::kLstmGateCount; ++g) {
    s.input_weights[g] = t.input_weights[g]->shape;
    s.recurrent_weights[g] = t.recurrent_weights[g]->shape;
    s.bias[g] = t.bias[g]->shape;
  }
  s.hidden_state = t.hidden->shape;
  s.cell_state = t.cell->shape;
  s.output = t.output->shape;
  return s;
}

template <typename W, typename B>
ref::LstmWeights<W, B> Weights(const LstmTensors& t) {
  ref::LstmWeights<W, B> w;
  for (int g = 0; g < ref::kLstmGateCount; ++g) {
    w.input_weights[g] = t.input_weights[g]->Data<W>();
    w.recurrent_weights[g] = t.recurrent_weights[g]->Data<W>();
    w.bias[g] = t.bias[g]->Data<B>();
  }
  return w;
}

// A quantized operand's one scale; weights must be per tensor with zero point
// 0 (TFLM's LSTM reads only the per-tensor multiplier).
float PerTensorScale(PrepareContext& ctx, const RuntimeTensor& t, const std::string& role, bool symmetric) {
  ctx.Require(t.quantized(), role + " '" + t.meta->name + "' is not quantized");
  ctx.Require(t.scales().size() == 1, role + " '" + t.meta->name + "' has " + std::to_string(t.scales().size()) +
                                          " scales; TFLM's LSTM supports per-tensor quantization only");
  if (symmetric) {
    ctx.Require(t.zero_point == 0, role + " '" + t.meta->name + "' has zero point " +
                                       std::to_string(t.zero_point) + ", expected 0");
  }
  return t.scale;
}

template <typename Act, typename Bias, typename EvalRef>
EvalFn PrepareQuantized(PrepareContext& ctx, const LstmTensors& t, const ref::LstmSize& size, int bits,
                        float cell_clip, EvalRef eval) {
  ref::LstmQuantization q;
  q.input_scale = PerTensorScale(ctx, *t.input, "input", false);
  q.input_zero_point = t.input->zero_point;
  q.hidden_scale = PerTensorScale(ctx, *t.hidden, "hidden state", false);
  q.hidden_zero_point = t.hidden->zero_point;
  q.cell_scale = PerTensorScale(ctx, *t.cell, "cell state", false);
  for (int g = 0; g < ref::kLstmGateCount; ++g) {
    const std::string gate = kGateNames[g];
    q.input_weight_scale[g] = PerTensorScale(ctx, *t.input_weights[g], "input-to-" + gate + " weights", true);
    q.recurrent_weight_scale[g] =
        PerTensorScale(ctx, *t.recurrent_weights[g], "recurrent-to-" + gate + " weights", true);
  }
  const ref::LstmQuantParams params = ctx.Located([&] { return ref::PrepareLstmQuantized(size, q, bits, cell_clip); });
  const ref::LstmWeights<int8_t, Bias> weights = Weights<int8_t, Bias>(t);
  const Act* input = t.input->Data<Act>();
  Act* hidden = t.hidden->Data<Act>();
  int16_t* cell = t.cell->Data<int16_t>();
  Act* output = t.output->Data<Act>();
  auto scratch = std::make_shared<std::vector<int16_t>>(ref::LstmScratchSize(size));
  return [=] { eval(params, weights, input, hidden, cell, output, scratch->data()); };
}

}  // namespace

EvalFn PrepareUnidirectionalSequenceLstm(PrepareContext& ctx) {
  const LstmTensors t = CollectTensors(ctx);
  const auto& options = ctx.options<tflite::UnidirectionalSequenceLSTMOptionsT>();
  ctx.Require(options.fused_activation_function == tflite::ActivationFunctionType_TANH,
              std::string("the cell activation is ") +
                  tflite::EnumNameActivationFunctionType(options.fused_activation_function) +
                  "; TFLM's LSTM supports only TANH");
  const ref::LstmSize size = ctx.Located([&] { return ref::PrepareLstmSize(options.time_major, Shapes(t)); });

  switch (t.input->type) {
    case tflite::TensorType_FLOAT32: {
      using T = tflite::TensorType;
      CheckLstmOperands(ctx, t, size, T::TensorType_FLOAT32, T::TensorType_FLOAT32, T::TensorType_FLOAT32);
      ref::LstmFloatParams params;
      params.size = size;
      params.cell_clip = options.cell_clip;
      const ref::LstmWeights<float, float> weights = Weights<float, float>(t);
      const float* input = t.input->Data<float>();
      float* hidden = t.hidden->Data<float>();
      float* cell = t.cell->Data<float>();
      float* output = t.output->Data<float>();
      auto scratch = std::make_shared<std::vector<float>>(ref::LstmScratchSize(size));
      // Calibration sees the state after every time step.
      const StateReporter report_hidden = ctx.state_reporter(*t.hidden);
      const StateReporter report_cell = ctx.state_reporter(*t.cell);
      return [=] {
        if (!report_cell.active()) {
          ref::LstmFloat(params, weights, input, hidden, cell, output, scratch->data());
          return;
        }
        ref::LstmFloat(params, weights, input, hidden, cell, output, scratch->data(),
                       [&](const float* h, const float* c, int n) {
                         report_hidden(h, static_cast<size_t>(n));
                         report_cell(c, static_cast<size_t>(n));
                       });
      };
    }
    case tflite::TensorType_INT8:
      CheckLstmOperands(ctx, t, size, tflite::TensorType_INT8, tflite::TensorType_INT32, tflite::TensorType_INT16);
      return PrepareQuantized<int8_t, int32_t>(ctx, t, size, 8, options.cell_clip, ref::LstmInt8);
    case tflite::TensorType_INT16:
      CheckLstmOperands(ctx, t, size, tflite::TensorType_INT8, tflite::TensorType_INT64, tflite::TensorType_INT16);
      return PrepareQuantized<int16_t, int64_t>(ctx, t, size, 16, options.cell_clip, ref::LstmInt16x8);
    default:
      ctx.Fail("input type " + TypeName(t.input->type) + " is not supported (FLOAT32, INT8 or INT16)");
  }
}

}  // namespace tinyforge::interp::kernels
