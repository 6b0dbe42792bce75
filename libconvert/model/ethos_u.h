// Facts of Vela-compiled models (Arm Ethos-U NPU), in one place for the
// verifier, the interpreter, the summary and the arena estimate.
//
// Vela replaces each part of a graph the NPU runs by one CUSTOM operator
// whose custom_code is "ethos-u" (tflite-micro kernels/ethos_u/ethosu.cc;
// ethos-u-vela npu_serialisation.py). Its inputs are, in order:
//   0  the command stream      uint8 [bytes], constant
//   1  flash: weights, biases  uint8 [bytes], constant
//   2  scratch                 uint8 [bytes], not constant and produced by no
//                              operator: the NPU's working memory, which the
//                              runtime places in the tensor arena
//   3  scratch_fast            the same, for fast memory (often [0])
//   4… the real inputs
// and its outputs are the real outputs. Its custom options are a flexbuffer
// holding the int8 1 (CO_TYPE_ETHOSU). Several ethos-u operators may share
// one scratch tensor.
#pragma once

#include <cstddef>

#include "libconvert/model/model.h"

namespace tinyforge {

inline constexpr char kEthosUCustomCode[] = "ethos-u";
// Operand positions of an ethos-u operator.
inline constexpr size_t kEthosUCommandStream = 0;
inline constexpr size_t kEthosUScratch = 2;
inline constexpr size_t kEthosUScratchFast = 3;

// True for a CUSTOM operator whose custom code is "ethos-u".
bool IsEthosUOperator(const Model& model, const tflite::OperatorT& op);

// True when input `position` of `op` is the NPU's scratch memory: `op` is an
// ethos-u operator, `position` is kEthosUScratch or kEthosUScratchFast, and
// the tensor is a non-constant, non-variable uint8 tensor. The verifier allows
// such a tensor to be produced by no operator (the runtime gives it arena
// memory); for any other operand that stays an error.
bool IsEthosUScratchOperand(const Model& model, size_t sg, const tflite::OperatorT& op, size_t position);

// Throws Error (bad input) naming the first ethos-u operator of `model`:
// tinyforge has no kernel for the NPU's command stream, so nothing that
// executes a model (run, quantize, compare, ...) can take one.
void RefuseEthosUOperators(const Model& model);

}  // namespace tinyforge
