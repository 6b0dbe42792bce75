#include "libconvert/model/model_builder.h"

#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"

namespace tinyforge {

ModelBuilder::ModelBuilder() : model_(std::make_unique<tflite::ModelT>()) {
  model_->version = 3;
  model_->description = "built by tinyforge ModelBuilder";
  model_->buffers.push_back(std::make_unique<tflite::BufferT>());  // the empty sentinel
  model_->subgraphs.push_back(std::make_unique<tflite::SubGraphT>());
  model_->subgraphs[0]->name = "main";
}

int ModelBuilder::AddVariable(const std::string& name, tflite::TensorType type, std::vector<int32_t> shape,
                              const Quant& quant) {
  const int index = AddTensor(name, type, std::move(shape), quant);
  model_->subgraphs[0]->tensors[static_cast<size_t>(index)]->is_variable = true;
  return index;
}

int ModelBuilder::AddTensor(const std::string& name, tflite::TensorType type, std::vector<int32_t> shape,
                            const Quant& quant) {
  auto t = std::make_unique<tflite::TensorT>();
  t->name = name;
  t->type = type;
  t->shape = std::move(shape);
  if (!quant.scales.empty()) {
    t->quantization = std::make_unique<tflite::QuantizationParametersT>();
    t->quantization->scale = quant.scales;
    t->quantization->zero_point = quant.zero_points;
    t->quantization->quantized_dimension = quant.axis;
  }
  auto& tensors = model_->subgraphs[0]->tensors;
  tensors.push_back(std::move(t));
  return static_cast<int>(tensors.size() - 1);
}

int ModelBuilder::AddConstantBytes(const std::string& name, tflite::TensorType type, std::vector<int32_t> shape,
                                   std::vector<uint8_t> bytes, const Quant& quant) {
  const int64_t expected = DenseBytes(type, ElementCount(shape));
  if (expected != static_cast<int64_t>(bytes.size())) {
    throw Error("ModelBuilder: constant '" + name + "' of shape " + ShapeString(shape) + " needs " +
                    std::to_string(expected) + " bytes, got " + std::to_string(bytes.size()),
                ErrorCode::kInternal);
  }
  const int index = AddTensor(name, type, std::move(shape), quant);
  auto buffer = std::make_unique<tflite::BufferT>();
  buffer->data = std::move(bytes);
  model_->buffers.push_back(std::move(buffer));
  model_->subgraphs[0]->tensors.back()->buffer = static_cast<uint32_t>(model_->buffers.size() - 1);
  return index;
}

void ModelBuilder::AddOperator(tflite::BuiltinOperator op, std::vector<int> inputs, std::vector<int> outputs) {
  // Operator codes: reuse one per (op, version 1), as converters write them.
  uint32_t code_index = 0;
  auto& codes = model_->operator_codes;
  while (code_index < codes.size() && codes[code_index]->builtin_code != op) ++code_index;
  if (code_index == codes.size()) {
    auto code = std::make_unique<tflite::OperatorCodeT>();
    code->builtin_code = op;
    code->deprecated_builtin_code = static_cast<int8_t>(op < 127 ? op : 127);
    code->version = 1;
    codes.push_back(std::move(code));
  }
  AppendOperator(code_index, std::move(inputs), std::move(outputs));
}

void ModelBuilder::AppendOperator(uint32_t code_index, std::vector<int> inputs, std::vector<int> outputs) {
  auto o = std::make_unique<tflite::OperatorT>();
  o->opcode_index = code_index;
  o->inputs = std::move(inputs);
  o->outputs = std::move(outputs);
  model_->subgraphs[0]->operators.push_back(std::move(o));
}

void ModelBuilder::AddCustomOperator(const std::string& custom_code, std::vector<int> inputs,
                                     std::vector<int> outputs, std::vector<uint8_t> custom_options) {
  uint32_t code_index = 0;
  auto& codes = model_->operator_codes;
  while (code_index < codes.size() && !(codes[code_index]->builtin_code == tflite::BuiltinOperator_CUSTOM &&
                                        codes[code_index]->custom_code == custom_code)) {
    ++code_index;
  }
  if (code_index == codes.size()) {
    auto code = std::make_unique<tflite::OperatorCodeT>();
    code->builtin_code = tflite::BuiltinOperator_CUSTOM;
    code->deprecated_builtin_code = static_cast<int8_t>(tflite::BuiltinOperator_CUSTOM);
    code->custom_code = custom_code;
    code->version = 1;
    codes.push_back(std::move(code));
  }
  AppendOperator(code_index, std::move(inputs), std::move(outputs));
  model_->subgraphs[0]->operators.back()->custom_options = std::move(custom_options);
}

void ModelBuilder::MarkVariable(int index) {
  model_->subgraphs[0]->tensors.at(static_cast<size_t>(index))->is_variable = true;
}

void ModelBuilder::SetInputs(std::vector<int> inputs) { model_->subgraphs[0]->inputs = std::move(inputs); }
void ModelBuilder::SetOutputs(std::vector<int> outputs) { model_->subgraphs[0]->outputs = std::move(outputs); }

const std::vector<int32_t>& ModelBuilder::shape(int index) const {
  return model_->subgraphs[0]->tensors.at(static_cast<size_t>(index))->shape;
}

Model ModelBuilder::Build(const std::string& source) {
  Model unverified(std::move(model_), source);
  model_ = std::make_unique<tflite::ModelT>();
  const std::vector<uint8_t> bytes = SerializeModel(unverified);
  return ParseModel(bytes.data(), bytes.size(), source);
}

}  // namespace tinyforge
