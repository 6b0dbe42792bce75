// A tensor as the interpreter runs it: metadata from the model plus the
// address of its data. Constant tensors point into the model's buffers and
// are never written; every other tensor points into storage the interpreter
// owns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "libconvert/interp/ref/shape.h"
#include "libconvert/model/schema/tflite_generated.h"

namespace tinyforge::interp {

struct RuntimeTensor {
  int index = -1;                         // in the subgraph's tensor list
  const tflite::TensorT* meta = nullptr;  // name, quantization, ...
  tflite::TensorType type = tflite::TensorType_FLOAT32;
  ref::Shape shape;
  uint8_t* data = nullptr;
  size_t bytes = 0;
  bool constant = false;
  bool variable = false;

  // Per-tensor quantization (the first entry when per-channel); 0/0 when the
  // tensor has none.
  float scale = 0.0f;
  int32_t zero_point = 0;

  int64_t count() const { return shape.FlatSize(); }
  template <typename T>
  T* Data() const {
    return reinterpret_cast<T*>(data);
  }
  // Per-channel scales (empty when not quantized).
  const std::vector<float>& scales() const;
  const std::vector<int64_t>& zero_points() const;
  int quantized_dimension() const;
  bool quantized() const { return !scales().empty(); }
};

}  // namespace tinyforge::interp
