#include "libconvert/model/model.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "libconvert/base/checked_math.h"

namespace tinyforge {

Model::Model(std::unique_ptr<tflite::ModelT> model, std::string source)
    : model_(std::move(model)), source_(std::move(source)) {
  if (!model_) throw Error(source_ + ": no model", ErrorCode::kInternal);
}

Model Model::Clone() const {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(tflite::Model::Pack(fbb, model_.get()));
  std::unique_ptr<tflite::ModelT> copy(
      flatbuffers::GetRoot<tflite::Model>(fbb.GetBufferPointer())->UnPack());
  return Model(std::move(copy), source_);
}

const tflite::TensorT& Model::tensor(size_t sg, int index) const {
  const auto& tensors = subgraph(sg).tensors;
  if (index < 0 || static_cast<size_t>(index) >= tensors.size()) {
    throw Error(source_ + ": subgraph " + std::to_string(sg) + " has no tensor " +
                std::to_string(index) + " (it has " + std::to_string(tensors.size()) + ")");
  }
  return *tensors[static_cast<size_t>(index)];
}

tflite::TensorT& Model::tensor(size_t sg, int index) {
  return const_cast<tflite::TensorT&>(static_cast<const Model*>(this)->tensor(sg, index));
}

tflite::BuiltinOperator Model::OpCode(const tflite::OperatorT& op) const {
  const auto& code = *model_->operator_codes.at(op.opcode_index);
  return static_cast<tflite::BuiltinOperator>(
      std::max<int32_t>(code.builtin_code, static_cast<int32_t>(code.deprecated_builtin_code)));
}

std::string Model::OpName(const tflite::OperatorT& op) const {
  const tflite::BuiltinOperator code = OpCode(op);
  if (code == tflite::BuiltinOperator_CUSTOM) {
    return "CUSTOM(" + model_->operator_codes.at(op.opcode_index)->custom_code + ")";
  }
  const char* name = (code >= tflite::BuiltinOperator_MIN && code <= tflite::BuiltinOperator_MAX)
                         ? tflite::EnumNameBuiltinOperator(code)
                         : "";
  if (name == nullptr || *name == '\0') return "UNKNOWN_" + std::to_string(static_cast<int>(code));
  return name;
}

int Model::OpVersion(const tflite::OperatorT& op) const {
  return model_->operator_codes.at(op.opcode_index)->version;
}

std::string Model::OpLocation(size_t sg, size_t op_index) const {
  std::ostringstream out;
  out << "subgraph " << sg << ", operator " << op_index;
  const auto& ops = subgraph(sg).operators;
  if (op_index < ops.size() && ops[op_index]->opcode_index < model_->operator_codes.size()) {
    out << " (" << OpName(*ops[op_index]) << ")";
  }
  return out.str();
}

bool Model::IsConstant(const tflite::TensorT& t) const {
  return t.buffer != 0 && t.buffer < model_->buffers.size() &&
         !model_->buffers[t.buffer]->data.empty();
}

Span<const uint8_t> Model::ConstantBytes(const tflite::TensorT& t) const {
  if (!IsConstant(t)) return {};
  const auto& data = model_->buffers[t.buffer]->data;
  return {data.data(), data.size()};
}

void Model::CheckTypedAccess(const tflite::TensorT& t, tflite::TensorType expected) const {
  if (t.type != expected) {
    throw Error(source_ + ": tensor '" + t.name + "' is " + TypeName(t.type) + ", not " +
                    TypeName(expected),
                ErrorCode::kInternal);
  }
  if (!IsConstant(t)) {
    throw Error(source_ + ": tensor '" + t.name + "' has no constant data", ErrorCode::kInternal);
  }
}

std::vector<uint8_t>& Model::UnshareBuffer(size_t sg, int tensor_index) {
  tflite::TensorT& t = tensor(sg, tensor_index);
  int users = 0;
  for (const auto& g : model_->subgraphs) {
    for (const auto& other : g->tensors) users += other->buffer == t.buffer ? 1 : 0;
  }
  for (const auto& m : model_->metadata) users += m->buffer == t.buffer ? 1 : 0;
  if (users > 1) {
    t.buffer = AddBuffer(model_->buffers[t.buffer]->data);
  }
  return model_->buffers[t.buffer]->data;
}

uint32_t Model::AddBuffer(std::vector<uint8_t> data) {
  auto buffer = std::make_unique<tflite::BufferT>();
  buffer->data = std::move(data);
  model_->buffers.push_back(std::move(buffer));
  return static_cast<uint32_t>(model_->buffers.size() - 1);
}

void Model::ReplaceBuffer(uint32_t index, std::vector<uint8_t> data) {
  if (index == 0 || index >= model_->buffers.size()) {
    throw Error(source_ + ": cannot replace buffer " + std::to_string(index), ErrorCode::kInternal);
  }
  model_->buffers[index]->data = std::move(data);
}

int Model::AddTensor(size_t sg, std::unique_ptr<tflite::TensorT> t) {
  auto& tensors = subgraph(sg).tensors;
  tensors.push_back(std::move(t));
  return static_cast<int>(tensors.size() - 1);
}

uint32_t Model::OperatorCodeIndex(tflite::BuiltinOperator op, int version) {
  auto& codes = model_->operator_codes;
  for (size_t i = 0; i < codes.size(); ++i) {
    const int32_t code =
        std::max<int32_t>(codes[i]->builtin_code, static_cast<int32_t>(codes[i]->deprecated_builtin_code));
    if (code == op && codes[i]->version == version) return static_cast<uint32_t>(i);
  }
  auto code = std::make_unique<tflite::OperatorCodeT>();
  code->builtin_code = op;
  code->deprecated_builtin_code = static_cast<int8_t>(
      std::min<int32_t>(op, tflite::BuiltinOperator_PLACEHOLDER_FOR_GREATER_OP_CODES));
  code->version = version;
  codes.push_back(std::move(code));
  return static_cast<uint32_t>(codes.size() - 1);
}

std::vector<int> Model::TensorUseCounts(size_t sg) const {
  const auto& g = subgraph(sg);
  std::vector<int> uses(g.tensors.size(), 0);
  auto count = [&](int index) {
    if (index >= 0 && static_cast<size_t>(index) < uses.size()) ++uses[static_cast<size_t>(index)];
  };
  for (const auto& op : g.operators) {
    for (int i : op->inputs) count(i);
    for (int i : op->outputs) count(i);
    for (int i : op->intermediates) count(i);
  }
  for (int i : g.inputs) count(i);
  for (int i : g.outputs) count(i);
  for (const auto& sig : model_->signature_defs) {
    if (sig->subgraph_index != sg) continue;
    for (const auto& m : sig->inputs) count(static_cast<int>(m->tensor_index));
    for (const auto& m : sig->outputs) count(static_cast<int>(m->tensor_index));
  }
  return uses;
}

int64_t ElementCount(const std::vector<int32_t>& shape) {
  for (int32_t d : shape) {
    if (d < 0) throw Error("negative dimension in shape " + ShapeString(shape));
  }
  const std::optional<int64_t> n = CheckedProduct(shape);
  if (!n) throw Error("shape " + ShapeString(shape) + " has too many elements");
  return *n;
}

std::string ShapeString(const std::vector<int32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace tinyforge
