#include "libconvert/interp/fast/int8_gemm.h"

#include "libconvert/interp/fast/cpu.h"
#include "libconvert/interp/fast/fast_kernels.h"

namespace tinyforge::interp::fast {
namespace {

bool uint8_gemm_overridden = false;
Uint8GemmKernels uint8_gemm_override;

}  // namespace

Uint8GemmKernels Uint8Form::Kernels() {
  if (uint8_gemm_overridden) return uint8_gemm_override;
  if (!Cpu().avx512_vnni) return {};
  return {&avx512::GemmUint8, &avx512::GemmUint8Requantize};
}

void OverrideUint8GemmForTesting(bool override, Uint8GemmKernels kernels) {
  uint8_gemm_overridden = override;
  uint8_gemm_override = kernels;
}

}  // namespace tinyforge::interp::fast
