// A float keyword-spotting model in the style of Google's, built with the
// model builder (../shared has no SVDF model): one filterbank frame of
// kFeatures channels per call -> SVDF (kUnits units, rank kRank, kMemory
// frames, RELU) -> FULLY_CONNECTED -> SOFTMAX over kClasses. Random weights
// from a fixed seed; the SVDF's state carries from call to call.
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "libconvert/data/npy.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge::testing {

constexpr int kFeatures = 40;  // filterbank channels per frame
constexpr int kUnits = 16;
constexpr int kRank = 2;
constexpr int kMemory = 12;  // frames
constexpr int kClasses = 4;

inline std::vector<float> Gaussian(std::mt19937& rng, size_t n, float stddev) {
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

inline Model SvdfKeywordModel() {
  std::mt19937 rng(2024);
  ModelBuilder b;
  constexpr int kFilters = kUnits * kRank;
  const int input = b.AddTensor("frame", tflite::TensorType_FLOAT32, {1, kFeatures});
  const int feature = b.AddConstant<float>("svdf/feature_weights", {kFilters, kFeatures},
                                           Gaussian(rng, kFilters * kFeatures, 0.3f));
  const int time = b.AddConstant<float>("svdf/time_weights", {kFilters, kMemory}, Gaussian(rng, kFilters * kMemory, 0.4f));
  const int bias = b.AddConstant<float>("svdf/bias", {kUnits}, Gaussian(rng, kUnits, 0.5f));
  const int state = b.AddVariable("svdf/state", tflite::TensorType_FLOAT32, {1, kFilters * kMemory});
  const int svdf_out = b.AddTensor("svdf/output", tflite::TensorType_FLOAT32, {1, kUnits});
  tflite::SVDFOptionsT svdf;
  svdf.rank = kRank;
  svdf.fused_activation_function = tflite::ActivationFunctionType_RELU;
  b.AddOperator(tflite::BuiltinOperator_SVDF, {input, feature, time, bias, state}, {svdf_out}, svdf);
  const int fc_w = b.AddConstant<float>("fc/weights", {kClasses, kUnits}, Gaussian(rng, kClasses * kUnits, 0.5f));
  const int fc_b = b.AddConstant<float>("fc/bias", {kClasses}, Gaussian(rng, kClasses, 0.2f));
  const int logits = b.AddTensor("logits", tflite::TensorType_FLOAT32, {1, kClasses});
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {svdf_out, fc_w, fc_b}, {logits}, tflite::FullyConnectedOptionsT{});
  const int probs = b.AddTensor("probabilities", tflite::TensorType_FLOAT32, {1, kClasses});
  tflite::SoftmaxOptionsT softmax;
  softmax.beta = 1.0f;
  b.AddOperator(tflite::BuiltinOperator_SOFTMAX, {logits}, {probs}, softmax);
  b.SetInputs({input});
  b.SetOutputs({probs});
  return b.Build("svdf_keyword (tests/quantize/svdf_keyword_model.h)");
}

// `steps` random frames, [steps, 1, kFeatures].
inline NpyArray RandomFrames(size_t steps, uint32_t seed) {
  NpyArray a = NpyArray::Zeros(DType::kFloat32, {static_cast<int64_t>(steps), 1, kFeatures});
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (float& v : a.MutableView<float>()) v = dist(rng);
  return a;
}

// Runs `frames` through `model` as one stream (no reset) and returns, per
// frame, the bytes of every output in order.
inline std::vector<uint8_t> RunStream(const Model& model, const NpyArray& frames) {
  interp::Interpreter interpreter(model);
  interpreter.Prepare();
  interp::RuntimeTensor& in = interpreter.input(0);
  std::vector<uint8_t> out;
  for (size_t s = 0; s < static_cast<size_t>(frames.shape[0]); ++s) {
    std::memcpy(in.data, frames.data.data() + s * in.bytes, in.bytes);
    interpreter.Invoke();
    for (size_t k = 0; k < interpreter.num_outputs(); ++k) {
      const interp::RuntimeTensor& t = interpreter.output(k);
      out.insert(out.end(), t.data, t.data + t.bytes);
    }
  }
  return out;
}

}  // namespace tinyforge::testing
