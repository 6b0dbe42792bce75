// Which SIMD kernels this CPU can run, decided once at run time, so one
// x86-64 binary runs everywhere and uses AVX2/FMA, and AVX-512 VNNI, where
// the CPU has them.
#pragma once

namespace tinyforge::interp::fast {

struct CpuFeatures {
  bool avx2_fma = false;     // AVX2 and FMA: the *_avx2.cc kernels
  bool avx512_vnni = false;  // AVX-512 F, BW, VL and VNNI: the *_avx512.cc kernels
};

// Detected with __builtin_cpu_supports on first use (x86-64); all false
// elsewhere.
const CpuFeatures& Cpu();

// "avx2+fma", "avx512-vnni+avx2+fma" or "none": what the fast kernels use.
const char* CpuFeaturesName();

}  // namespace tinyforge::interp::fast
