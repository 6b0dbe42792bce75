// How much flash and static RAM TFLM's own code takes in a firmware that runs
// a given model: the runtime core plus the kernels of exactly the operators
// the model uses (one MicroMutableOpResolver::AddXxx each).
//
// The figures (code_size_data.inc) are measured, not guessed: scripts/
// measure_tflm_code_size.sh builds tflite-micro 90b983c2 (the commit of
// ops.h) for a Cortex-M4F with arm-none-eabi-gcc 12 at -O2, the compiler and
// flags of ../shared/tflm-m4 (reference kernels), links a MicroInterpreter
// program with --gc-sections, once with an empty resolver (the core) and once
// per operator, and takes the differences. Operators sharing helpers count
// them once each, so the sum is a slight over-estimate; another compiler,
// -Os, or the CMSIS-NN kernels give other sizes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/model/model.h"

namespace tinyforge {

struct TflmKernelCodeSize {
  std::string resolver_method;  // "AddConv2D"
  int64_t flash_bytes = 0;
  int64_t static_ram_bytes = 0;  // .data + .bss the kernel adds
  bool measured = true;          // false: no measurement, the largest measured kernel assumed
};

struct TflmCodeSize {
  int64_t core_flash_bytes = 0;       // interpreter, allocator, planner, flatbuffer reader, libc parts
  int64_t core_static_ram_bytes = 0;  // their .data + .bss
  std::vector<TflmKernelCodeSize> kernels;  // one per resolver method the model needs, by size (largest first)

  int64_t KernelFlashBytes() const;
  int64_t FlashBytes() const { return core_flash_bytes + KernelFlashBytes(); }
  int64_t StaticRamBytes() const;
};

// TFLM's code for the operators of `model` (every subgraph). Operators TFLM
// has no kernel for are left out (inspect lists them separately).
TflmCodeSize EstimateTflmCodeSize(const Model& model);

// The measured flash bytes of one resolver method's kernel; -1 when not measured.
int64_t TflmKernelFlashBytes(const std::string& resolver_method);

}  // namespace tinyforge
