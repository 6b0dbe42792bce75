#include "libconvert/tflm/arena_layout.h"

namespace tinyforge::tflm_arena {
namespace {

// x86-64: 8-byte pointers and size_t, 4-byte enums. The structs are declared
// in arena_allocator/single_arena_buffer_allocator.h,
// memory_planner/greedy_memory_planner.h, micro_allocator.h,
// micro_allocation_info.h and tensorflow/lite/core/c/common.h; the figures
// are g++'s sizeof/alignof of each, and reproduce the arena_used_bytes TFLM
// reports on every golden.
constexpr RuntimeLayout kHostLayout = {
    /*single_arena_buffer_allocator=*/{72, 8},
    /*greedy_memory_planner=*/{72, 8},
    /*micro_allocator=*/{72, 8},
    /*builtin_data_allocator=*/{16, 8},
    /*subgraph_allocations=*/{16, 8},
    /*eval_tensor=*/{24, 8},
    /*node_and_registration=*/{64, 8},
    /*tflite_tensor=*/{64, 8},
    /*affine_quantization=*/{24, 8},
    /*scratch_buffer_request=*/{16, 8},
    /*scratch_buffer_handle=*/{8, 8},
    /*allocation_info=*/{32, 8},
    /*size_type=*/{8, 8},
    /*pointer=*/{8, 8},
    /*tensor_unread_tail=*/8,
    /*quantization_unread_tail=*/8,
};

// Cortex-M4 (arm-none-eabi-gcc, -mcpu=cortex-m4 -mthumb -mfloat-abi=hard):
// 4-byte pointers and size_t, and short enums, the toolchain's default ABI:
// a C enum whose values fit in a byte is one byte, so TfLiteType in
// TfLiteEvalTensor and TfLiteTensor takes one byte. The figures are
// arm-none-eabi-g++'s sizeof/alignof, and reproduce the arena_used_bytes of
// ../shared/tflm-m4 on every golden.
constexpr RuntimeLayout kCortexM4Layout = {
    /*single_arena_buffer_allocator=*/{36, 4},
    /*greedy_memory_planner=*/{44, 4},
    /*micro_allocator=*/{36, 4},
    /*builtin_data_allocator=*/{8, 4},
    /*subgraph_allocations=*/{8, 4},
    /*eval_tensor=*/{12, 4},
    /*node_and_registration=*/{32, 4},
    /*tflite_tensor=*/{32, 4},
    /*affine_quantization=*/{12, 4},
    /*scratch_buffer_request=*/{12, 4},
    /*scratch_buffer_handle=*/{4, 4},
    /*allocation_info=*/{24, 4},
    /*size_type=*/{4, 4},
    /*pointer=*/{4, 4},
    /*tensor_unread_tail=*/2,
    /*quantization_unread_tail=*/4,
};

}  // namespace

const RuntimeLayout& LayoutFor(TflmTarget target) {
  return target == TflmTarget::kCortexM4 ? kCortexM4Layout : kHostLayout;
}

}  // namespace tinyforge::tflm_arena
