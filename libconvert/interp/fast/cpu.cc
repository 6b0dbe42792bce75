#include "libconvert/interp/fast/cpu.h"

#include "libconvert/interp/fast/fast_kernels.h"

namespace tinyforge::interp::fast {
namespace {

CpuFeatures Detect() {
  CpuFeatures f;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  f.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  f.avx512_vnni = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#endif
  return f;
}

}  // namespace

const CpuFeatures& Cpu() {
  static const CpuFeatures features = Detect();
  return features;
}

const char* CpuFeaturesName() {
  const CpuFeatures& f = Cpu();
  if (f.avx512_vnni && f.avx2_fma) return "avx512-vnni+avx2+fma";
  return f.avx2_fma ? "avx2+fma" : "none";
}

bool Available() { return Cpu().avx2_fma; }

}  // namespace tinyforge::interp::fast
