// SVDF: glue between the model and ref/svdf.
//
// Inputs: 0 input [batch, input_size]; 1 feature weights; 2 time weights; 3
// bias (may be omitted); 4 activation state, a variable tensor the op
// updates on every call. One output [batch, num_units].
#include <memory>
#include <vector>

#include "libconvert/model/dtype.h"
#include "libconvert/interp/kernels/kernels.h"
#include "libconvert/interp/operand_check.h"
#include "libconvert/interp/ref/svdf.h"

namespace tinyforge::interp::kernels {
namespace {

// SVDF's operand indices (named apart from LSTM's, which shares a unity
// build batch with this file).
namespace svdf {
constexpr size_t kInput = 0;
constexpr size_t kWeightsFeature = 1;
constexpr size_t kWeightsTime = 2;
constexpr size_t kBias = 3;
constexpr size_t kState = 4;
}  // namespace svdf

float PerTensorScale(PrepareContext& ctx, const RuntimeTensor& t, const std::string& role) {
  ctx.Require(t.quantized(), role + " '" + t.meta->name + "' is not quantized");
  ctx.Require(t.scales().size() == 1, role + " '" + t.meta->name + "' has " + std::to_string(t.scales().size()) +
                                          " scales; TFLM's SVDF supports per-tensor quantization only");
  return t.scale;
}

// The contract of every operand, stated once the sizes are known: `data`
// is the type of the input, feature weights and output (FLOAT32 or INT8), `time` that of the
// time weights and the state (the same as data for float), `bias` the
// bias's. ref::PrepareSvdfSize checked the shapes TFLM's way; this names the
// tensor and guarantees its bytes hold them.
void CheckSvdfOperands(PrepareContext& ctx, const ref::SvdfSize& s, tflite::TensorType data, tflite::TensorType time,
                       tflite::TensorType bias) {
  OperandCheck(ctx, ctx.input(svdf::kInput), "the input").Type(data).Rank(2).Dim(1, s.input_size, "the input size");
  OperandCheck(ctx, ctx.input(svdf::kWeightsFeature), "the feature weights")
      .Type(data).Rank(2).Dim(0, s.num_filters, "the filters").Dim(1, s.input_size, "the input size");
  OperandCheck(ctx, ctx.input(svdf::kWeightsTime), "the time weights")
      .Type(time).Rank(2).Dim(0, s.num_filters, "the filters").Dim(1, s.memory_size, "the memory size");
  if (const RuntimeTensor* b = ctx.optional_input(svdf::kBias)) {
    OperandCheck(ctx, *b, "the bias").Type(bias).Elements(s.num_units, "one per unit");
  }
  OperandCheck(ctx, ctx.input(svdf::kState), "the activation state")
      .Type(time).Elements(static_cast<int64_t>(s.batch) * s.num_filters * s.memory_size,
                           "batch x filters x memory size");
  OperandCheck(ctx, ctx.output(0), "the output").Type(data).Elements(static_cast<int64_t>(s.batch) * s.num_units,
                                                                     "batch x units");
}

template <typename T, typename Fn>
EvalFn PrepareInteger(PrepareContext& ctx, const ref::SvdfSize& size, Fn eval) {
  const RuntimeTensor& input = ctx.input(svdf::kInput);
  const RuntimeTensor& feature = ctx.input(svdf::kWeightsFeature);
  const RuntimeTensor& time = ctx.input(svdf::kWeightsTime);
  const RuntimeTensor* bias = ctx.optional_input(svdf::kBias);
  RuntimeTensor& state = ctx.input(svdf::kState);
  RuntimeTensor& output = ctx.output(0);
  float bias_scale = 0.0f;
  if (bias) bias_scale = PerTensorScale(ctx, *bias, "bias");
  const float input_scale = PerTensorScale(ctx, input, "input");
  const float feature_scale = PerTensorScale(ctx, feature, "feature weights");
  const float time_scale = PerTensorScale(ctx, time, "time weights");
  const float state_scale = PerTensorScale(ctx, state, "activation state");
  const float output_scale = PerTensorScale(ctx, output, "output");
  const ref::SvdfQuantParams params = ctx.Located([&] {
    return ref::PrepareSvdfQuantized(size, input_scale, input.zero_point, feature_scale, time_scale, state_scale,
                                      state.zero_point, bias ? &bias_scale : nullptr, output_scale,
                                      output.zero_point);
  });
  const int8_t* x = input.Data<int8_t>();
  const int8_t* wf = feature.Data<int8_t>();
  const T* wt = time.Data<T>();
  const int32_t* b = bias ? bias->Data<int32_t>() : nullptr;
  T* s = state.Data<T>();
  int8_t* y = output.Data<int8_t>();
  auto scratch = std::make_shared<std::vector<int32_t>>(ref::SvdfScratchSizeInteger(size));
  return [=] { eval(params, x, wf, wt, b, s, scratch->data(), y); };
}

}  // namespace

EvalFn PrepareSvdf(PrepareContext& ctx) {
  ctx.Require(ctx.num_inputs() == 5, "has " + std::to_string(ctx.num_inputs()) + " inputs, expected 5 (input, "
                                      "feature weights, time weights, bias or -1, activation state)");
  ctx.Require(ctx.num_outputs() == 1, "has " + std::to_string(ctx.num_outputs()) + " outputs, expected 1");
  const RuntimeTensor& input = ctx.input(svdf::kInput);
  const RuntimeTensor& feature = ctx.input(svdf::kWeightsFeature);
  const RuntimeTensor& time = ctx.input(svdf::kWeightsTime);
  const RuntimeTensor* bias = ctx.optional_input(svdf::kBias);
  RuntimeTensor& state = ctx.input(svdf::kState);
  RuntimeTensor& output = ctx.output(0);
  ctx.Require(state.variable, "the activation state (input 4) must be a variable tensor");
  const auto& options = ctx.options<tflite::SVDFOptionsT>();
  const ref::SvdfSize size = ctx.Located([&] {
    return ref::PrepareSvdfSize(options.rank, input.shape, feature.shape, time.shape, bias ? &bias->shape : nullptr,
                                state.shape, output.shape);
  });

  if (input.type == tflite::TensorType_FLOAT32) {
    const tflite::TensorType f32 = tflite::TensorType_FLOAT32;
    CheckSvdfOperands(ctx, size, f32, f32, f32);
    const int activation = options.fused_activation_function;
    ctx.Require(activation >= tflite::ActivationFunctionType_NONE &&
                    activation <= tflite::ActivationFunctionType_SIGN_BIT,
                "unknown fused activation " + std::to_string(activation));
    const float* x = input.Data<float>();
    const float* wf = feature.Data<float>();
    const float* wt = time.Data<float>();
    const float* b = bias ? bias->Data<float>() : nullptr;
    float* s = state.Data<float>();
    float* y = output.Data<float>();
    auto scratch = std::make_shared<std::vector<float>>(ref::SvdfScratchSizeFloat(size));
    // Calibration sees the state after every call.
    const StateReporter report_state = ctx.state_reporter(state);
    const size_t state_count = static_cast<size_t>(state.count());
    return [=] {
      ref::SvdfFloat(size, activation, x, wf, wt, b, s, scratch->data(), y);
      report_state(s, state_count);
    };
  }
  // Time weights and state: both INT16, or else both INT8.
  const tflite::TensorType time_type =
      time.type == tflite::TensorType_INT16 ? tflite::TensorType_INT16 : tflite::TensorType_INT8;
  CheckSvdfOperands(ctx, size, tflite::TensorType_INT8, time_type, tflite::TensorType_INT32);
  if (time_type == tflite::TensorType_INT16) return PrepareInteger<int16_t>(ctx, size, ref::SvdfInt16State);
  return PrepareInteger<int8_t>(ctx, size, ref::SvdfInt8State);
}

}  // namespace tinyforge::interp::kernels
