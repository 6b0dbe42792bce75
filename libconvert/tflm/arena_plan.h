// The non-persistent part of TFLM's arena: which buffers the memory planner
// places, how long each lives, and where it goes (arena_planner.cc). Used by
// the allocation walk (arena_replay.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libconvert/model/model.h"
#include "libconvert/tflm/arena.h"

namespace tinyforge::tflm_arena {

// A RequestScratchBufferInArena call of operator `op` of `subgraph`.
struct ScratchRequest {
  size_t subgraph = 0;
  int op = 0;
  int64_t bytes = 0;
};

// Bytes TFLM sizes a tensor's buffer at (TfLiteEvalTensorByteLength); throws
// Error for a type TFLM cannot size or a size past kMaxArenaBufferBytes.
int64_t TensorBytes(const Model& model, size_t sg, int index);

// The most one arena buffer may take: more than a 32-bit microcontroller can
// address is certainly a hostile or broken shape, and with every buffer
// under it (and a flatbuffer's < 2^31 tensors) no arena sum can overflow.
constexpr int64_t kMaxArenaBufferBytes = int64_t{1} << 32;

// `bytes` when 0 <= bytes <= kMaxArenaBufferBytes, else an Error naming
// `what` (a located tensor or operator; nullopt: the size overflowed).
int64_t CheckedBufferBytes(const Model& model, std::optional<int64_t> bytes, const std::string& what);

// The "OfflineMemoryAllocation" metadata: one offset per tensor of all
// subgraphs together (-1: planned online); empty when the model has none.
std::vector<int32_t> OfflineOffsets(const Model& model);

struct MemoryPlan {
  std::vector<PlannedBuffer> buffers;  // tensors in subgraph order, then scratch buffers
  int64_t total_bytes = 0;             // the plan's size: the head after AllocateTensors
  int64_t tensor_bytes = 0;            // sum of planned tensor sizes
  int64_t scratch_bytes = 0;           // sum of scratch buffer sizes
};

// Lifetimes and placement of every planned tensor and scratch buffer.
MemoryPlan PlanNonPersistent(const Model& model, const std::vector<ScratchRequest>& scratch,
                             const std::vector<int32_t>& offline);

}  // namespace tinyforge::tflm_arena
