// The sizes and alignments of TFLM's runtime structures that AllocateTensors
// places in the arena, for each target (tflite-micro 90b983c2,
// TF_LITE_STATIC_MEMORY, no compression). The kernels' own params and op-data
// structs are in the kernel table (arena_kernel_sizes.cc).
#pragma once

#include <cstdint>

#include "libconvert/model/schema/tflite_generated.h"
#include "libconvert/tflm/target.h"

namespace tinyforge::tflm_arena {

struct StructSize {
  int64_t bytes = 0;
  int64_t align = 1;
};

struct RuntimeLayout {
  // MicroAllocator::Create places these three in the arena's own tail.
  StructSize single_arena_buffer_allocator;  // 2 vtable pointers, 5 pointers, intptr_t, int
  StructSize greedy_memory_planner;          // vtable, counters and 4 array pointers
  StructSize micro_allocator;
  StructSize builtin_data_allocator;         // MicroBuiltinDataAllocator: vtable + pointer
  StructSize subgraph_allocations;           // per subgraph: eval tensors + nodes pointers
  StructSize eval_tensor;                    // TfLiteEvalTensor: data, dims, type
  StructSize node_and_registration;          // TfLiteNode + registration pointer
  StructSize tflite_tensor;                  // TfLiteTensor under TF_LITE_STATIC_MEMORY
  StructSize affine_quantization;            // TfLiteAffineQuantization
  StructSize scratch_buffer_request;         // internal::ScratchBufferRequest (in the head)
  StructSize scratch_buffer_handle;          // ScratchBufferHandle: a data pointer
  StructSize allocation_info;                // AllocationInfo, the planner's per-tensor record
  StructSize size_type;                      // size_t: the per-subgraph plan offsets
  StructSize pointer;                        // the interpreter's input/output tensor arrays
  // The bytes at the end of a temporary TfLiteTensor that no kernel reads
  // after its Prepare has made it (is_variable and the struct's padding), and
  // likewise at the end of a TfLiteAffineQuantization (quantized_dimension and
  // padding). A kernel's own tail allocation may land there harmlessly.
  int64_t tensor_unread_tail = 0;
  int64_t quantization_unread_tail = 0;
};

// kMaxScratchBuffersPerOp (micro_allocator.h): request slots kept free in the
// head for the operator being prepared.
inline constexpr int64_t kMaxScratchBuffersPerOp = 12;
// GreedyMemoryPlanner::per_buffer_size(): BufferRequirements (16) + a sorted
// size (4) + a sorted id (4) + a ListEntry (12) + an offset (4). Ints only, so
// the same on every target.
inline constexpr int64_t kPlannerBytesPerBuffer = 40;

const RuntimeLayout& LayoutFor(TflmTarget target);

inline int64_t AlignUp(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

// TfLiteIntArrayGetSizeInBytes: a size, then `n` ints (dims, zero points).
inline int64_t IntArrayBytes(int64_t n) { return 4 + 4 * n; }

// The channels of the TfLiteAffineQuantization TFLM fills for a tensor (one
// scale and zero point each), 0 for none: it fills one only when the
// flatbuffer gives both scales and zero points (micro_allocator.cc
// InitializeTfLiteTensorFromFlatbuffer).
inline int64_t QuantizationChannels(const tflite::TensorT& t) {
  const auto& q = t.quantization;
  if (!q || q->scale.empty() || q->zero_point.empty()) return 0;
  return static_cast<int64_t>(q->scale.size());
}

}  // namespace tinyforge::tflm_arena
