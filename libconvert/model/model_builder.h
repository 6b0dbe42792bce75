// Building a model in code: tensors with shape, type and quantization,
// constant buffers, operators with their options, subgraph inputs and
// outputs; Build() returns a verified Model (it is serialized and parsed back
// through the same checks a file gets).
//
//   ModelBuilder b;
//   const int x = b.AddTensor("input", tflite::TensorType_INT8, {1, 8, 8, 3}, Quant::PerTensor(0.02f, -1));
//   const int w = b.AddConstant<int8_t>("w", {16, 3, 3, 3}, weights, Quant::PerChannel(scales, 0));
//   ...
//   tflite::Conv2DOptionsT conv;
//   conv.stride_h = conv.stride_w = 2;
//   b.AddOperator(tflite::BuiltinOperator_CONV_2D, {x, w, bias}, {y}, conv);
//   b.SetInputs({x});
//   b.SetOutputs({y});
//   Model model = b.Build("my_model");
//
// One subgraph; buffer 0 is the empty sentinel and every constant gets a
// buffer of its own.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "libconvert/model/dtype.h"
#include "libconvert/model/model.h"

namespace tinyforge {

// Quantization parameters of one tensor (real = scale * (q - zero_point)).
struct Quant {
  std::vector<float> scales;       // empty: not quantized
  std::vector<int64_t> zero_points;
  int32_t axis = 0;                // quantized_dimension when per channel

  static Quant None() { return {}; }
  static Quant PerTensor(float scale, int64_t zero_point) { return {{scale}, {zero_point}, 0}; }
  // Symmetric per-channel quantization along `axis` (zero points 0).
  static Quant PerChannel(std::vector<float> scales, int32_t axis) {
    std::vector<int64_t> zeros(scales.size(), 0);
    return {std::move(scales), std::move(zeros), axis};
  }
};

class ModelBuilder {
 public:
  ModelBuilder();

  // A tensor without data (an activation); returns its index.
  int AddTensor(const std::string& name, tflite::TensorType type, std::vector<int32_t> shape,
                const Quant& quant = Quant::None());
  // A variable tensor without data: the state of a recurrent operator (LSTM,
  // SVDF), which the runtime zeroes on reset and the operator updates.
  int AddVariable(const std::string& name, tflite::TensorType type, std::vector<int32_t> shape,
                  const Quant& quant = Quant::None());
  // A constant tensor; `bytes` must hold shape x element-size bytes.
  int AddConstantBytes(const std::string& name, tflite::TensorType type, std::vector<int32_t> shape,
                       std::vector<uint8_t> bytes, const Quant& quant = Quant::None());
  template <typename T>
  int AddConstant(const std::string& name, std::vector<int32_t> shape, const std::vector<T>& values,
                  const Quant& quant = Quant::None()) {
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return AddConstantBytes(name, TensorTypeOf<T>(), std::move(shape), std::move(bytes), quant);
  }

  // An operator with no options, or with the options table `options` (e.g.
  // tflite::Conv2DOptionsT); operators run in the order they are added.
  void AddOperator(tflite::BuiltinOperator op, std::vector<int> inputs, std::vector<int> outputs);
  template <typename Options>
  void AddOperator(tflite::BuiltinOperator op, std::vector<int> inputs, std::vector<int> outputs,
                   Options options) {
    AddOperator(op, std::move(inputs), std::move(outputs));
    model_->subgraphs[0]->operators.back()->builtin_options.Set(std::move(options));
  }

  // A CUSTOM operator with code `custom_code` and raw custom options (e.g. a
  // flexbuffer), run in the order added like the others.
  void AddCustomOperator(const std::string& custom_code, std::vector<int> inputs, std::vector<int> outputs,
                         std::vector<uint8_t> custom_options = {});

  // Makes tensor `index` a variable tensor (recurrent state, written by its
  // operator, zero until then).
  void MarkVariable(int index);

  void SetInputs(std::vector<int> inputs);
  void SetOutputs(std::vector<int> outputs);

  // The shape of tensor `index` as added.
  const std::vector<int32_t>& shape(int index) const;

  // Serializes, parses and verifies; `source` names the model in messages.
  // Throws Error when the graph is inconsistent. The builder is left empty.
  Model Build(const std::string& source);

 private:
  // Appends an operator with operator code `code_index`.
  void AppendOperator(uint32_t code_index, std::vector<int> inputs, std::vector<int> outputs);

  std::unique_ptr<tflite::ModelT> model_;
};

}  // namespace tinyforge
