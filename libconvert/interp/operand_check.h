// The contract of one operand a kernel reads, stated in Prepare so Eval can
// read every element the contract promises:
//
//   OperandCheck(ctx, *bias, "the bias").Type(INT32).Elements(channels, "the output channels");
//   OperandCheck(ctx, weights, "the weights").Rank(2).Dim(1, depth, "the input depth");
//
// Constructing one checks what holds for every operand: its bytes hold its
// shape (a short constant buffer is never read past). Each further call
// checks one more fact and fails through ctx with the model, the operator's
// location, the role and the tensor's (escaped) name.
#pragma once

#include <cstdint>
#include <string>

#include "libconvert/interp/kernel.h"

namespace tinyforge::interp {

class OperandCheck {
 public:
  OperandCheck(const PrepareContext& ctx, const RuntimeTensor& tensor, std::string role);

  const OperandCheck& Type(tflite::TensorType type) const;
  const OperandCheck& Rank(int rank) const;
  // Dimension `axis` (negative: from the end) equals `expected`, which is
  // `what` (e.g. "the input depth").
  const OperandCheck& Dim(int axis, int64_t expected, const std::string& what) const;
  // The element count equals `expected`, which is `what`.
  const OperandCheck& Elements(int64_t expected, const std::string& what) const;
  // Per-channel quantization has one scale per `channels` (or one scale for
  // the whole tensor).
  const OperandCheck& Scales(int64_t channels, const std::string& what) const;

 private:
  [[noreturn]] void Fail(const std::string& problem) const;

  const PrepareContext& ctx_;
  const RuntimeTensor& t_;
  std::string role_;
};

}  // namespace tinyforge::interp
