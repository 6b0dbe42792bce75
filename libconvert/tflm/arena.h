// The tensor arena TensorFlow Lite Micro needs for a model: what
// MicroInterpreter::arena_used_bytes() reports after AllocateTensors(), computed
// statically from the model alone (no kernels run, so models our interpreter
// cannot run are estimated too).
//
// The model of TFLM's allocations (tflite-micro 90b983c2, reference kernels,
// TF_LITE_STATIC_MEMORY, no compression, x86-64: 8-byte pointers):
//
// The arena has two ends. Persistent allocations grow down from the tail
// (SingleArenaBufferAllocator::AllocatePersistentBuffer: tail = align_down(
// tail - size, alignment)); the non-persistent "head" holds the memory plan.
//   arena_used_bytes = head (the greedy plan's high-water mark)
//                    + tail (every persistent allocation with its padding).
// The arena is taken as 16-byte aligned with a 16-aligned end, so the padding
// of each tail allocation is exact: used = align_up(used + size, alignment).
//
// Persistent allocations, in the order TFLM makes them (sizes from the
// x86-64 layouts of the structs):
//   runtime       SingleArenaBufferAllocator 72, GreedyMemoryPlanner 72,
//                 MicroAllocator 72 (MicroAllocator::Create), the builtin-data
//                 allocator 16 (StartModelAllocation), SubgraphAllocations
//                 16 per subgraph.
//   eval tensors  TfLiteEvalTensor 24 per tensor of every subgraph (constant
//                 tensors too: the array is indexed by tensor).
//   nodes         NodeAndRegistration 64 per operator of every subgraph
//                 (TfLiteNode 56 under TF_LITE_STATIC_MEMORY + a pointer).
//   params        the builtin data each op's Parse function allocates
//                 (TfLiteConvParams 28, ...; none for ops without options),
//                 with the struct's own alignment.
//   op data       each kernel's Init (the op-data struct: OpDataConv 72, ...)
//                 and Prepare (per-channel multiplier/shift arrays, LUTs,
//                 output dims made writable, ...) allocations through
//                 MicroContext::AllocatePersistentBuffer: 16-byte aligned.
//   scratch handles  ScratchBufferHandle 8 per scratch request (when any).
//   variables     every variable tensor's buffer (is_variable; e.g. LSTM
//                 state), 16-aligned, unless offline planned.
//   io tensors    the interpreter's input/output pointer arrays (8 per tensor,
//                 16-aligned) and a persistent TfLiteTensor (64) per subgraph-0
//                 input and output, plus, when it has quantization parameters,
//                 TfLiteAffineQuantization (24) and a zero-point TfLiteIntArray
//                 (4 + 4 per channel).
// Temporary allocations (TfLiteTensors made during Prepare, the planner's
// bookkeeping) are released before AllocateTensors returns and do not count.
//
// Non-persistent: the buffers the GreedyMemoryPlanner places
//   - every tensor whose data is not in the flatbuffer (no constant buffer),
//     that is not a variable and has a non-zero byte size, in every subgraph;
//     size = elements x TfLiteTypeSizeOf (INT4 counts 1 byte per element),
//     rounded up to 16;
//   - every scratch buffer a kernel requests in Prepare, rounded up to 16.
// Lifetimes ("allocation scopes", AllocationInfoBuilder): subgraph 0 is walked
// in operator order; each operator opens a new scope. A subgraph's inputs are
// created at the scope where the walk enters it (so they live from the start);
// an operator's outputs are created at its scope; inputs and outputs are last
// used at its scope; the subgraph's outputs are extended to the scope after
// its last operator (so they live to the end). IF / WHILE / CALL_ONCE walk the
// subgraphs they call, each in a new scope, between marking the operator's
// outputs and its inputs. Tensors of subgraphs no control-flow op reaches are
// still planned, with lifetime [-1, -1] (TFLM leaves them unmarked). A scratch
// buffer lives from its operator's scope to the end of the subgraphs it calls.
// There is no in-place sharing: a RESHAPE output gets its own buffer. An
// "OfflineMemoryAllocation" metadata buffer fixes the offsets of the tensors
// it gives (-1: planned online); offline-planned variables join the plan.
//
// The greedy planner (GreedyMemoryPlanner::CalculateOffsetsIfNeeded): offline
// buffers first, at their offsets; the online buffers sorted by size,
// largest first, ties broken by the LATER-added buffer first (TFLM fills the
// sort array in reverse add order and bubble-sorts stably); each is placed at
// the lowest offset, scanning the buffers already placed that overlap it in
// time in offset order, where the gap before the next one is large enough
// (first fit); the plan's size is the largest offset + size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/model/model.h"

namespace tinyforge {

// TFLM's arena alignment (MicroArenaBufferAlignment()).
inline constexpr int64_t kTflmArenaAlignment = 16;

// --- The greedy planner, a pure function --------------------------------------

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

// Places `buffers` the way TFLM's GreedyMemoryPlanner does (see above).
PlannerResult PlanGreedy(const std::vector<PlannerBuffer>& buffers);

// --- What one kernel takes from the arena: the kernel table -------------------

// Bytes per element as TFLM's TfLiteTypeSizeOf gives them (INT4: 1, RESOURCE:
// 4); 0 for types TFLM cannot size (STRING, VARIANT, ...).
int64_t TflmTypeSize(tflite::TensorType type);

// The arena use of one operator's TFLM kernel besides its tensors. Filled from
// the one table in arena_kernel_sizes.cc.
struct KernelArenaUse {
  // The TfLiteXxxParams struct the op's Parse function allocates (0: none).
  int64_t params_bytes = 0;
  int64_t params_align = 1;
  // Init: the op-data struct (0: Init allocates nothing).
  int64_t init_bytes = 0;
  // Prepare: each further AllocatePersistentBuffer, in order.
  std::vector<int64_t> prepare_bytes;
  // Prepare: each RequestScratchBufferInArena, in order.
  std::vector<int64_t> scratch_bytes;
  // False when the op is not in the table (custom ops, builtins without a
  // row): the sizes are then a generous guess, and `note` says so.
  bool modelled = true;
  std::string note;
};

// True when the kernel table has a row for `op` (its arena use is modelled,
// not guessed).
bool TflmArenaModelled(tflite::BuiltinOperator op);

// The kernel table's answer for operator `op` of subgraph `sg`.
KernelArenaUse TflmKernelArenaUse(const Model& model, size_t sg, const tflite::OperatorT& op);

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

struct ArenaEstimate {
  int64_t total_bytes = 0;          // = nonpersistent_bytes + persistent_bytes
  int64_t nonpersistent_bytes = 0;  // the greedy plan: tensors + scratch buffers
  int64_t persistent_bytes = 0;
  PersistentBreakdown persistent;
  int64_t tensor_bytes = 0;         // sum of planned tensor sizes (before sharing)
  int64_t scratch_bytes = 0;        // sum of scratch buffer sizes (before sharing)
  std::vector<PlannedBuffer> buffers;
  // Operators not in the kernel table, one line each; empty when every
  // operator is modelled exactly.
  std::vector<std::string> approximations;

  nlohmann::json ToJson() const;  // totals, breakdown, approximations, buffers
  std::string ToText() const;     // a few lines for `inspect`
};

// Throws Error when a tensor has a type TFLM cannot size (STRING, ...).
ArenaEstimate EstimateTflmArena(const Model& model);

}  // namespace tinyforge
