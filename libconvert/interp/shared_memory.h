// Which of a subgraph's tensors can share memory, and when each one is live:
// the interpreter's memory plan when InterpreterOptions::share_memory is set.
//
// A tensor whose value no one needs outside one stretch of operators can
// give its bytes to others between runs of that stretch, as TFLM's arena and
// XNNPACK's runtime do. MobileNetV2 float has 27 MB of activations; with
// a buffer each, every operator wrote to memory no recent operator had
// touched and read inputs back from DRAM. In one block (then 7.2 MB, now
// 6.0 MB) they stay in cache: the inference took 11% less time (int8, a
// quarter of the bytes: 1%).
#pragma once

#include <cstdint>
#include <vector>

#include "libconvert/base/buffer_plan.h"
#include "libconvert/model/schema/tflite_generated.h"

namespace tinyforge::interp {

// The tensors of a plan and their places: tensors[i] is at offsets[i] of a
// block of total_bytes (each offset a multiple of 64).
struct SharedMemoryPlan {
  std::vector<int> tensors;
  std::vector<int64_t> offsets;
  int64_t total_bytes = 0;
};

// More tensors than this keep a buffer each: the greedy planner is
// quadratic in their number.
inline constexpr size_t kMaxSharedTensors = 8192;

// The plan for subgraph `g`, whose operators have the builtin codes
// `codes` (one per operator, else nothing shares), and whose non-constant tensors need `bytes[t]` bytes (-1 for a
// tensor that is constant, variable or otherwise kept out). A tensor shares
// when an operator writes it before any operator reads it and it is not a
// subgraph input or output; it is live from its first writer to its last
// reader. Where an operator may read through the sole producer of its input
// (MayFoldProducer: a CONV_2D reading a PAD's input), that producer's
// inputs live until the reader, and its output, which then usually no run
// writes, is placed last, around the tensors every run writes: placed among
// them, the PADs' outputs of a MobileNetV2 exported from PyTorch spread the
// live tensors over more memory, and its float inference took 3% longer.
SharedMemoryPlan PlanSharedMemory(const tflite::SubGraphT& g, const std::vector<tflite::BuiltinOperator>& codes,
                                  const std::vector<int64_t>& bytes);

}  // namespace tinyforge::interp
