#include "libconvert/interp/fast/int8_gemm.h"

#include "libconvert/interp/fast/cpu.h"
#include "libconvert/interp/fast/fast_kernels.h"

namespace tinyforge::interp::fast {
namespace {

bool uint8_gemm_overridden = false;
GemmUint8Fn uint8_gemm_override = nullptr;

}  // namespace

GemmUint8Fn Uint8Form::Kernel() {
  if (uint8_gemm_overridden) return uint8_gemm_override;
  return Cpu().avx512_vnni ? &avx512::GemmUint8 : nullptr;
}

void OverrideUint8GemmForTesting(bool override, GemmUint8Fn kernel) {
  uint8_gemm_overridden = override;
  uint8_gemm_override = kernel;
}

}  // namespace tinyforge::interp::fast
