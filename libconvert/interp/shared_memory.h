// Which of a subgraph's tensors can share memory, and when each one is live:
// the interpreter's memory plan when InterpreterOptions::share_memory is set.
//
// A tensor whose value no one needs outside one stretch of operators can
// give its bytes to others between runs of that stretch, as TFLM's arena and
// XNNPACK's runtime do. MobileNetV2 float has 27 MB of activations; with
// a buffer each, every operator wrote to memory no recent operator had
// touched and read inputs back from DRAM. In one 7.2 MB block they stay in
// cache: the inference took 11% less time (int8, a quarter of the bytes:
// 1%).
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

// The plan for subgraph `g` whose non-constant tensors need `bytes[t]`
// bytes (-1 for a tensor that is constant, variable or otherwise kept out).
// A tensor shares when an operator writes it before any operator reads it
// and it is not a subgraph input or output; it is live from its first
// writer to its last reader, and, where the operator reading it writes a
// tensor only one operator reads, to that operator too: a kernel may read
// through its sole producer (PrepareContext::SoleProducer: a CONV_2D
// reading a PAD's input) and the producer then does not run.
SharedMemoryPlan PlanSharedMemory(const tflite::SubGraphT& g, const std::vector<int64_t>& bytes);

}  // namespace tinyforge::interp
