// Places buffers with lifetimes in one block of memory: the greedy planner
// TensorFlow Lite Micro's arena uses (GreedyMemoryPlanner), so that buffers
// live at different times share bytes. tflm/arena.h gives TFLM's arena with
// it; the interpreter shares its tensors' memory with it
// (InterpreterOptions::share_memory).
#pragma once

#include <cstdint>
#include <vector>

namespace tinyforge {

// Offset given to a buffer the planner chooses the place of.
inline constexpr int64_t kOnlinePlanned = -1;

// One buffer to place: `size` bytes, live during scopes [first_use, last_use]
// (inclusive; two buffers overlap in time when neither ends before the other
// starts). `size` is used as given (TFLM rounds it up to 16 before adding).
struct PlannerBuffer {
  int64_t size = 0;
  int first_use = 0;
  int last_use = 0;
  int64_t offline_offset = kOnlinePlanned;  // fixed offset, or kOnlinePlanned
};

struct PlannerResult {
  std::vector<int64_t> offsets;  // per buffer, in the order given
  int64_t total_bytes = 0;       // max over buffers of offset + size
};

// Places `buffers` the way TFLM's GreedyMemoryPlanner does: buffers with
// fixed offsets first, as given, then the others largest first (ties: the
// later-given first), each at the lowest offset where it fits among the
// buffers already placed that live at the same time. Quadratic in the
// number of buffers.
PlannerResult PlanGreedy(const std::vector<PlannerBuffer>& buffers);

}  // namespace tinyforge
