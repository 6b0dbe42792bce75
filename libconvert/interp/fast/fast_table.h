// Which (operator, type) rows of the kernel table have a fast kernel, and
// what the CPU needs for it: the one list `tinyforge ops` prints. Kernels
// report the fast kernel they chose (PrepareContext::NoteFastKernel); the
// tests hold this list and those reports to each other on every row's
// example model, so neither can drift.
#pragma once

#include <string_view>

#include "libconvert/base/span.h"
#include "libconvert/interp/fast/cpu.h"
#include "libconvert/model/schema/tflite_generated.h"

namespace tinyforge::interp::fast {

struct FastKernelRow {
  tflite::BuiltinOperator op;
  tflite::TensorType type;
  std::string_view cpu;   // what the CPU needs: "any", "avx2+fma" or "avx2+fma; avx512-vnni"
  std::string_view what;  // one line: how it differs from the reference
  // Whether this CPU runs it, and whether the example models' parameters are
  // inside its vector forms (otherwise the reference kernel runs).
  bool (*available)(const CpuFeatures&);
};

Span<const FastKernelRow> FastKernelTable();

// The row for (op, type), or nullptr.
const FastKernelRow* FindFastKernel(tflite::BuiltinOperator op, tflite::TensorType type);

}  // namespace tinyforge::interp::fast
