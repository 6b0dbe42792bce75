// Which AVX-512 kernels the fast ops use, and the tests' override.
#include "libconvert/interp/fast/avx512_kernels.h"
#include "libconvert/interp/fast/cpu.h"
#include "libconvert/interp/fast/fast_kernels.h"

namespace tinyforge::interp::fast {
namespace {

bool overridden = false;
Avx512Kernels override_kernels;

}  // namespace

Avx512Kernels ChosenAvx512Kernels() {
  if (overridden) return override_kernels;
  if (!Cpu().avx512_vnni) return {};
  return avx512::Kernels();
}

void OverrideAvx512KernelsForTesting(bool override, Avx512Kernels kernels) {
  overridden = override;
  override_kernels = kernels;
}

}  // namespace tinyforge::interp::fast
