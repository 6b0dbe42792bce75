// Shared by the kernel table (arena_kernel_sizes.cc) and the Prepare step
// functions (arena_kernel_prepare.cc): what one TFLM kernel's Prepare does
// with the arena, as an ordered list of PrepareSteps.
#pragma once

#include <cstdint>
#include <vector>

#include "libconvert/model/model.h"
#include "libconvert/tflm/arena.h"
#include "libconvert/tflm/target.h"

namespace tinyforge::tflm_arena {

// The operator's tensors, as a Prepare step function sees them.
class OpView {
 public:
  OpView(const Model& model, size_t sg, const tflite::OperatorT& op, TflmTarget target)
      : model_(model), sg_(sg), op_(op), target_(target) {}

  // Input or output `i`; nullptr when absent or omitted (-1).
  const tflite::TensorT* Input(size_t i) const { return Get(op_.inputs, i); }
  const tflite::TensorT* Output(size_t i) const { return Get(op_.outputs, i); }
  size_t num_inputs() const { return op_.inputs.size(); }
  const tflite::OperatorT& op() const { return op_; }
  TflmTarget target() const { return target_; }

 private:
  const tflite::TensorT* Get(const std::vector<int32_t>& indices, size_t i) const {
    if (i >= indices.size() || indices[i] < 0) return nullptr;
    return &model_.tensor(sg_, indices[i]);
  }

  const Model& model_;
  size_t sg_;
  const tflite::OperatorT& op_;
  TflmTarget target_;
};

// Builds a Prepare's steps in order: Steps().In(0).Out(0).Persistent(n).
class Steps {
 public:
  Steps& In(int index) { return Add(PrepareStep::Kind::kTempInput, index); }
  Steps& Out(int index) { return Add(PrepareStep::Kind::kTempOutput, index); }
  Steps& Persistent(int64_t bytes) { return Add(PrepareStep::Kind::kPersistent, bytes); }
  Steps& Unwritten(int64_t bytes) { return Add(PrepareStep::Kind::kPersistentUnwritten, bytes); }
  Steps& Scratch(int64_t bytes) { return Add(PrepareStep::Kind::kScratch, bytes); }
  Steps& Then(const std::vector<PrepareStep>& more) {
    list_.insert(list_.end(), more.begin(), more.end());
    return *this;
  }
  operator std::vector<PrepareStep>() const { return list_; }  // NOLINT: a builder

 private:
  Steps& Add(PrepareStep::Kind kind, int64_t value) {
    list_.push_back({kind, value});
    return *this;
  }
  std::vector<PrepareStep> list_;
};

using PrepareFn = std::vector<PrepareStep> (*)(const OpView&);

// The Prepare of each kernel, by pattern or by kernel (arena_kernel_prepare.cc).
std::vector<PrepareStep> PrepareNothing(const OpView& v);
std::vector<PrepareStep> PrepareIn0(const OpView& v);
std::vector<PrepareStep> PrepareIn2(const OpView& v);
std::vector<PrepareStep> PrepareIn0In1(const OpView& v);
std::vector<PrepareStep> PrepareIn0Out0(const OpView& v);
std::vector<PrepareStep> PrepareIn0In1Out0(const OpView& v);
std::vector<PrepareStep> PrepareIn0In1In2Out0(const OpView& v);
std::vector<PrepareStep> PrepareIn0In1In2In3Out0(const OpView& v);
std::vector<PrepareStep> PrepareWritableOutputDims(const OpView& v);
std::vector<PrepareStep> PrepareGather(const OpView& v);
std::vector<PrepareStep> PrepareSpaceToDepth(const OpView& v);
std::vector<PrepareStep> PrepareL2Pool(const OpView& v);
std::vector<PrepareStep> PrepareTanh(const OpView& v);
std::vector<PrepareStep> PrepareConv(const OpView& v);
std::vector<PrepareStep> PrepareDepthwiseConv(const OpView& v);
std::vector<PrepareStep> PrepareFullyConnected(const OpView& v);
std::vector<PrepareStep> PrepareEthosU(const OpView& v);
std::vector<PrepareStep> PrepareTransposeConv(const OpView& v);
std::vector<PrepareStep> PrepareSoftmax(const OpView& v);
std::vector<PrepareStep> PrepareLogSoftmax(const OpView& v);
std::vector<PrepareStep> PrepareReshape(const OpView& v);
std::vector<PrepareStep> PrepareBatchMatmul(const OpView& v);
std::vector<PrepareStep> PrepareConcatenation(const OpView& v);
std::vector<PrepareStep> PreparePad(const OpView& v);
std::vector<PrepareStep> PrepareMirrorPad(const OpView& v);
std::vector<PrepareStep> PrepareReduceMinMax(const OpView& v);
std::vector<PrepareStep> PrepareReduceMeanSum(const OpView& v);
std::vector<PrepareStep> PrepareLstm(const OpView& v);
std::vector<PrepareStep> PrepareSvdf(const OpView& v);
// For an operator the table does not know: a temporary for every operand,
// which is what most kernels' Prepare does at most.
std::vector<PrepareStep> PrepareEveryOperand(const OpView& v);

}  // namespace tinyforge::tflm_arena
