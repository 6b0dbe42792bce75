// Seeded random inputs for the one-operator example models
// (libconvert/interp/examples), shared by the tests that run them through
// the Interpreter and through the real TFLM: each input's values come from
// the example's range for it, else from its type's default (int8, uint8 and
// int16 over their full range, float in [-1, 1), bool both values, int32,
// int64 and uint32 in [-100, 100] clipped to the type).
#pragma once

#include <cstring>
#include <random>
#include <vector>

#include "libconvert/data/model_inputs.h"
#include "libconvert/data/npy.h"
#include "libconvert/interp/examples/op_examples.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model.h"

namespace tinyforge::testing {

inline interp::InputRange DefaultRange(tflite::TensorType type) {
  switch (type) {
    case tflite::TensorType_FLOAT32: return {-1, 1};
    case tflite::TensorType_INT8: return {-128, 127};
    case tflite::TensorType_UINT8: return {0, 255};
    case tflite::TensorType_INT16: return {-32768, 32767};
    case tflite::TensorType_BOOL: return {0, 1};
    case tflite::TensorType_UINT32: return {0, 100};
    default: return {-100, 100};
  }
}

template <typename T>
void FillRandom(std::mt19937& rng, const interp::InputRange& r, T* out, size_t n) {
  if constexpr (std::is_floating_point_v<T>) {
    std::uniform_real_distribution<T> dist(static_cast<T>(r.lo), static_cast<T>(r.hi));
    for (size_t i = 0; i < n; ++i) out[i] = dist(rng);
  } else {
    std::uniform_int_distribution<int64_t> dist(static_cast<int64_t>(r.lo), static_cast<int64_t>(r.hi));
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<T>(dist(rng));
  }
}

// `samples` samples for every input of `example`'s model, stacked on a new
// leading dimension (the form tflm_run takes), from `seed`.
inline std::vector<NpyArray> RandomExampleInputs(const interp::OpExample& example, const Model& model, uint32_t seed,
                                                 int samples) {
  std::mt19937 rng(seed);
  std::vector<NpyArray> arrays;
  const auto& graph = model.subgraph(0);
  for (size_t k = 0; k < graph.inputs.size(); ++k) {
    const tflite::TensorT& t = *graph.tensors.at(static_cast<size_t>(graph.inputs[k]));
    std::vector<int64_t> shape = {samples};
    shape.insert(shape.end(), t.shape.begin(), t.shape.end());
    NpyArray a = NpyArray::Zeros(NpyDTypeOf(t.type).value(), shape);
    const interp::InputRange range =
        k < example.input_ranges.size() && example.input_ranges[k] ? *example.input_ranges[k] : DefaultRange(t.type);
    const size_t n = a.NumElements();
    uint8_t* data = a.data.data();
    switch (t.type) {
      case tflite::TensorType_FLOAT32: FillRandom(rng, range, reinterpret_cast<float*>(data), n); break;
      case tflite::TensorType_INT8: FillRandom(rng, range, reinterpret_cast<int8_t*>(data), n); break;
      case tflite::TensorType_UINT8:
      case tflite::TensorType_BOOL: FillRandom(rng, range, data, n); break;
      case tflite::TensorType_INT16: FillRandom(rng, range, reinterpret_cast<int16_t*>(data), n); break;
      case tflite::TensorType_INT32: FillRandom(rng, range, reinterpret_cast<int32_t*>(data), n); break;
      case tflite::TensorType_UINT32: FillRandom(rng, range, reinterpret_cast<uint32_t*>(data), n); break;
      case tflite::TensorType_INT64: FillRandom(rng, range, reinterpret_cast<int64_t*>(data), n); break;
      default: throw Error("no random inputs of type " + std::string(tflite::EnumNameTensorType(t.type)));
    }
    arrays.push_back(std::move(a));
  }
  return arrays;
}

// Copies sample `s` of `inputs` into the interpreter's inputs.
inline void SetSample(interp::Interpreter& interpreter, const std::vector<NpyArray>& inputs, size_t s) {
  for (size_t k = 0; k < inputs.size(); ++k) {
    interp::RuntimeTensor& t = interpreter.input(k);
    std::memcpy(t.data, inputs[k].data.data() + s * t.bytes, t.bytes);
  }
}

}  // namespace tinyforge::testing
