#include "libconvert/interp/operand_check.h"

#include "libconvert/model/dtype.h"
#include "libconvert/model/verify.h"

namespace tinyforge::interp {

OperandCheck::OperandCheck(const PrepareContext& ctx, const RuntimeTensor& tensor, std::string role)
    : ctx_(ctx), t_(tensor), role_(std::move(role)) {
  const int64_t needed = DenseBytes(t_.type, t_.count());
  if (needed < 0 || t_.bytes < static_cast<uint64_t>(needed)) {
    Fail("has shape " + ref::ShapeToString(t_.shape) + " of " + TypeName(t_.type) + " but holds " +
         std::to_string(t_.bytes) + " bytes");
  }
}

const OperandCheck& OperandCheck::Type(tflite::TensorType type) const {
  if (t_.type != type) Fail("is " + TypeName(t_.type) + ", expected " + TypeName(type));
  return *this;
}

const OperandCheck& OperandCheck::Rank(int rank) const {
  if (t_.shape.rank() != rank) {
    Fail("has shape " + ref::ShapeToString(t_.shape) + ", expected " + std::to_string(rank) + "-D");
  }
  return *this;
}

const OperandCheck& OperandCheck::Dim(int axis, int64_t expected, const std::string& what) const {
  const int a = axis < 0 ? axis + t_.shape.rank() : axis;
  if (a < 0 || a >= t_.shape.rank() || t_.shape.dim(a) != expected) {
    Fail("has shape " + ref::ShapeToString(t_.shape) + ": dimension " + std::to_string(axis) +
         " must be " + what + " (" + std::to_string(expected) + ")");
  }
  return *this;
}

const OperandCheck& OperandCheck::Elements(int64_t expected, const std::string& what) const {
  if (t_.count() != expected) {
    Fail("has " + std::to_string(t_.count()) + " elements (shape " + ref::ShapeToString(t_.shape) +
         "), expected " + what + " (" + std::to_string(expected) + ")");
  }
  return *this;
}

const OperandCheck& OperandCheck::Scales(int64_t channels, const std::string& what) const {
  const size_t n = t_.scales().size();
  if (n > 1 && static_cast<int64_t>(n) != channels) {
    Fail("has " + std::to_string(n) + " quantization scales, expected 1 or one per " + what + " (" +
         std::to_string(channels) + ")");
  }
  return *this;
}

void OperandCheck::Fail(const std::string& problem) const {
  ctx_.Fail(role_ + " " + QuotedName(t_.meta ? t_.meta->name : std::string()) + " " + problem);
}

}  // namespace tinyforge::interp
