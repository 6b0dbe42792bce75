// The one model representation of tinyforge: the object API tree generated
// from libconvert/schema/tflite.fbs (tflite::ModelT), wrapped with the helpers
// every library needs. It holds every field of every table, so a model that
// is read and written untouched loses nothing.
//
// Passes that rewrite a model work on a copy (Clone) and call VerifyModel on
// the result before it is written.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "libconvert/model/dtype.h"
#include "libconvert/base/error.h"
#include "libconvert/model/schema/tflite_generated.h"
#include "libconvert/base/span.h"

namespace tinyforge {

class Model {
 public:
  // `source` names the model in error messages (usually the file path).
  Model(std::unique_ptr<tflite::ModelT> model, std::string source);

  Model(Model&&) = default;
  Model& operator=(Model&&) = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // A deep copy (through a flatbuffer round trip, which copies every field).
  Model Clone() const;

  tflite::ModelT& raw() { return *model_; }
  const tflite::ModelT& raw() const { return *model_; }
  const std::string& source() const { return source_; }
  void set_source(std::string source) { source_ = std::move(source); }

  size_t num_subgraphs() const { return model_->subgraphs.size(); }
  tflite::SubGraphT& subgraph(size_t i) { return *model_->subgraphs.at(i); }
  const tflite::SubGraphT& subgraph(size_t i) const { return *model_->subgraphs.at(i); }
  // Tensor `index` of subgraph `sg` (bounds-checked: throws Error).
  const tflite::TensorT& tensor(size_t sg, int index) const;
  tflite::TensorT& tensor(size_t sg, int index);

  // --- operators -----------------------------------------------------------
  // The operator's code: max(builtin_code, deprecated_builtin_code).
  tflite::BuiltinOperator OpCode(const tflite::OperatorT& op) const;
  // "CONV_2D"; for a custom op "CUSTOM(<custom_code>)"; "UNKNOWN_<n>" for a
  // code newer than our schema.
  std::string OpName(const tflite::OperatorT& op) const;
  int OpVersion(const tflite::OperatorT& op) const;
  // "subgraph 0, operator 5 (CONV_2D)": the prefix of located error messages.
  std::string OpLocation(size_t sg, size_t op_index) const;

  // --- constant data ---------------------------------------------------------
  // A tensor is constant when its buffer index is non-zero and that buffer
  // holds bytes (buffer 0 is the empty sentinel).
  bool IsConstant(const tflite::TensorT& t) const;
  // The tensor's constant bytes; empty when it is not constant.
  Span<const uint8_t> ConstantBytes(const tflite::TensorT& t) const;
  // Typed views; throw Error when the tensor's type is not T or it is not
  // constant.
  template <typename T>
  Span<const T> ConstantValues(const tflite::TensorT& t) const {
    CheckTypedAccess(t, TensorTypeOf<T>());
    const Span<const uint8_t> bytes = ConstantBytes(t);
    return {reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)};
  }
  // A mutable view. The buffer is first made private to this tensor when other
  // tensors share it, so writing never changes another tensor.
  template <typename T>
  Span<T> MutableConstantValues(size_t sg, int tensor_index) {
    tflite::TensorT& t = tensor(sg, tensor_index);
    CheckTypedAccess(t, TensorTypeOf<T>());
    std::vector<uint8_t>& data = UnshareBuffer(sg, tensor_index);
    return {reinterpret_cast<T*>(data.data()), data.size() / sizeof(T)};
  }

  // --- editing ---------------------------------------------------------------
  // Appends a buffer and returns its index.
  uint32_t AddBuffer(std::vector<uint8_t> data);
  // Replaces the bytes of buffer `index`.
  void ReplaceBuffer(uint32_t index, std::vector<uint8_t> data);
  // Appends a tensor to subgraph `sg` and returns its index.
  int AddTensor(size_t sg, std::unique_ptr<tflite::TensorT> t);
  // Index of the operator code for `op` (builtin ops only), adding it when
  // missing; both code fields are filled the way current files fill them.
  uint32_t OperatorCodeIndex(tflite::BuiltinOperator op, int version = 1);

  // Number of times each tensor of subgraph `sg` is referenced by operators,
  // subgraph inputs/outputs and signature defs.
  std::vector<int> TensorUseCounts(size_t sg) const;

 private:
  void CheckTypedAccess(const tflite::TensorT& t, tflite::TensorType expected) const;
  std::vector<uint8_t>& UnshareBuffer(size_t sg, int tensor_index);

  std::unique_ptr<tflite::ModelT> model_;
  std::string source_;
};

// Elements in a shape (product of dims; 1 for a scalar). Throws Error on a
// negative dim or overflow.
int64_t ElementCount(const std::vector<int32_t>& shape);
// "[1,28,28,1]".
std::string ShapeString(const std::vector<int32_t>& shape);

}  // namespace tinyforge
