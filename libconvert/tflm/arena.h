// The tensor arena TensorFlow Lite Micro needs for a model, computed from the
// model alone (no kernel runs, so models our interpreter cannot run are
// estimated too), for a chosen target build (target.h):
//   required_bytes  the smallest arena (16-byte aligned, a multiple of 16)
//                   with which AllocateTensors() succeeds and Invoke() runs:
//                   what a firmware must reserve;
//   used_bytes      what MicroInterpreter::arena_used_bytes() reports after
//                   AllocateTensors(). It leaves out the temporary memory
//                   AllocateTensors takes while it prepares the kernels and
//                   plans, so it is often smaller than required_bytes.
//
// The model of TFLM (tflite-micro 90b983c2, reference kernels,
// TF_LITE_STATIC_MEMORY, no compression, the default GreedyMemoryPlanner).
// SingleArenaBufferAllocator (arena_allocator/single_arena_buffer_allocator.cc)
// splits the arena in three:
//   tail  persistent allocations, growing down from the end; each is placed
//         at align_down(tail - size, alignment) and fails only when it would
//         cross the head (not the temp area);
//   head  one resizable buffer at the start: the scratch-buffer requests while
//         kernels prepare, the memory plan afterwards;
//   temp  short-lived allocations just above the head, released all at once.
// With a 16-aligned arena whose size is a multiple of 16, offsets from the
// end align like addresses, so every check TFLM makes becomes a lower bound
// on the arena size A; required_bytes is the largest, rounded up to 16:
//   tail:    A >= tail + head after each persistent allocation;
//   temp:    A >= temp end + tail after each temporary allocation (the
//            TfLiteTensors, quantization and zero points a kernel's Prepare
//            makes for its operands, and the planner's AllocationInfo array);
//   head:    A >= head + tail after each resize;
//   planner: A >= align16(temp end) + 40 per planned buffer + align16(tail):
//            the planner takes all memory between temp and tail
//            (micro_allocator.cc CommitStaticMemoryPlan) and needs 40 bytes
//            per buffer (greedy_memory_planner.cc);
//   overlap: not a TFLM check: a Prepare-time persistent allocation that
//            lands on the kernel's own live temporaries corrupts them, so the
//            tail must stay clear of them (but for their unread last bytes).
// The walk, in the order TFLM allocates (arena_replay.cc): MicroAllocator::
// Create (allocator, planner, MicroAllocator); StartModelAllocation (builtin
// data allocator; head = 12 scratch requests; SubgraphAllocations;
// TfLiteEvalTensor per tensor of each subgraph; NodeAndRegistration per
// operator); each operator's builtin params, then each kernel's Init op data,
// then each kernel's Prepare in order (temporaries, persistent allocations
// and scratch requests, from the kernel table; the head grows by one request
// slot per scratch request); FinishModelAllocation (ScratchBufferHandle per
// request); CommitStaticMemoryPlan (plan offsets and AllocationInfo in temp,
// variable tensor buffers in the tail, the planner, the plan reserved in the
// head); then the interpreter's input/output TfLiteTensors with their
// quantization.
//
// The plan (arena_planner.cc) holds every tensor whose data is not in the
// flatbuffer, that is not a variable and has a non-zero size, in every
// subgraph (elements x TfLiteTypeSizeOf rounded up to 16), and every scratch
// buffer. Lifetimes are AllocationInfoBuilder's: subgraph 0 walked in operator
// order, one scope per operator; subgraph inputs live from the start, outputs
// to the end; IF / WHILE / CALL_ONCE walk the subgraphs they call in new
// scopes; tensors of subgraphs nothing calls keep [-1, -1]. An
// "OfflineMemoryAllocation" metadata buffer fixes the offsets it gives. The
// greedy planner places offline buffers first, then the others largest
// first (ties: the later-added first) at the lowest offset where they fit
// among the buffers live at the same time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/base/buffer_plan.h"
#include "libconvert/model/model.h"
#include "libconvert/tflm/target.h"

namespace tinyforge {

// TFLM's arena alignment (MicroArenaBufferAlignment()).
inline constexpr int64_t kTflmArenaAlignment = 16;

// The greedy planner (PlanGreedy, kOnlinePlanned): base/buffer_plan.h.

// --- What one kernel takes from the arena: the kernel table -------------------

// Bytes per element as TFLM's TfLiteTypeSizeOf gives them (INT4: 1, RESOURCE:
// 4); 0 for types TFLM cannot size (STRING, VARIANT, ...).
int64_t TflmTypeSize(tflite::TensorType type);

// One thing a kernel's Prepare does with the arena, in the order it does it.
struct PrepareStep {
  enum class Kind {
    kTempInput,            // AllocateTempInputTensor(node, index)
    kTempOutput,           // AllocateTempOutputTensor(node, index)
    kPersistent,           // AllocatePersistentBuffer(bytes), written in Prepare
    kPersistentUnwritten,  // the same, but only Eval writes it
    kScratch,              // RequestScratchBufferInArena(bytes)
  };
  Kind kind = Kind::kPersistent;
  int64_t value = 0;  // the operand index, or bytes
};

// The arena use of one operator's TFLM kernel on one target. Filled from the
// one table in arena_kernel_sizes.cc.
struct KernelArenaUse {
  // The TfLiteXxxParams struct the op's Parse function allocates (0: none).
  int64_t params_bytes = 0;
  int64_t params_align = 1;
  // Init: the op-data struct (0: Init allocates nothing).
  int64_t init_bytes = 0;
  std::vector<PrepareStep> prepare;
  // False when the op is not in the table (custom ops, builtins without a
  // row): the sizes are then a generous guess, and `note` says so.
  bool modelled = true;
  std::string note;
};

// True when the kernel table has a row for `op` (its arena use is modelled,
// not guessed).
bool TflmArenaModelled(tflite::BuiltinOperator op);

// The kernel table's answer for operator `op` of subgraph `sg`.
KernelArenaUse TflmKernelArenaUse(const Model& model, size_t sg, const tflite::OperatorT& op,
                                  TflmTarget target);

// --- The estimate ---------------------------------------------------------------

// One buffer of the non-persistent plan.
struct PlannedBuffer {
  enum class Kind { kTensor, kScratch };
  Kind kind = Kind::kTensor;
  size_t subgraph = 0;
  int index = 0;          // tensor index, or the requesting operator's index
  int64_t bytes = 0;      // rounded up to 16
  int first_use = 0;
  int last_use = 0;
  int64_t offset = 0;     // placed by the planner
};

// Persistent bytes by what they hold; each includes the alignment padding
// the allocation caused.
struct PersistentBreakdown {
  int64_t runtime = 0;             // allocator, planner, MicroAllocator, builtin-data allocator, SubgraphAllocations
  int64_t eval_tensors = 0;        // TfLiteEvalTensor per tensor
  int64_t nodes = 0;               // NodeAndRegistration per operator
  int64_t builtin_params = 0;      // TfLiteXxxParams per operator
  int64_t op_data = 0;             // kernel Init + Prepare allocations
  int64_t scratch_handles = 0;     // ScratchBufferHandle per scratch request
  int64_t variables = 0;           // variable tensor buffers
  int64_t io_tensors = 0;          // interpreter input/output TfLiteTensors and pointer arrays
  int64_t quantization = 0;        // their TfLiteAffineQuantization + zero points

  int64_t Total() const;
};

// The check that sets required_bytes (see the header comment).
struct ArenaBound {
  enum class Kind { kUsed, kTail, kTemp, kHead, kPlanner, kOverlap };
  Kind kind = Kind::kUsed;
  int64_t bytes = 0;      // the bound, before rounding up to 16
  // The operator whose Prepare the check happened in (-1: none).
  int subgraph = -1;
  int op = -1;
  std::string op_name;
  int64_t planned_buffers = 0;  // for kPlanner

  std::string Describe() const;  // "planner working memory (4 buffers x 40 B)"
};

struct ArenaEstimate {
  TflmTarget target = kDefaultTflmTarget;
  int64_t required_bytes = 0;       // the smallest arena that works (a multiple of 16)
  ArenaBound bound;                 // what sets required_bytes
  int64_t used_bytes = 0;           // arena_used_bytes() = nonpersistent_bytes + persistent_bytes
  int64_t nonpersistent_bytes = 0;  // the greedy plan: tensors + scratch buffers
  int64_t persistent_bytes = 0;
  PersistentBreakdown persistent;
  int64_t temp_peak_bytes = 0;      // the highest end of temporary memory from the arena start
  int64_t tensor_bytes = 0;         // sum of planned tensor sizes (before sharing)
  int64_t scratch_bytes = 0;        // sum of scratch buffer sizes (before sharing)
  std::vector<PlannedBuffer> buffers;
  // Operators not in the kernel table, one line each; empty when every
  // operator is modelled exactly.
  std::vector<std::string> approximations;

  nlohmann::json ToJson() const;  // target, figures, bound, breakdown, approximations, buffers
  std::string ToText() const;     // a few lines for `inspect`
};

// Throws Error when a tensor has a type TFLM cannot size (STRING, ...).
ArenaEstimate EstimateTflmArena(const Model& model, TflmTarget target);

}  // namespace tinyforge
