#include "libconvert/interp/fast/fast_table.h"

#include <algorithm>
#include <array>

namespace tinyforge::interp::fast {
namespace {

bool HasAvx2(const CpuFeatures& cpu) { return cpu.avx2_fma; }

using Op = tflite::BuiltinOperator;
constexpr tflite::TensorType kF32 = tflite::TensorType_FLOAT32;
constexpr tflite::TensorType kI8 = tflite::TensorType_INT8;

constexpr std::string_view kGemmInt8 =
    "int8 GEMM, exact int32 sums (AVX-512 VNNI vpdpbusd where present), the reference's requantization";
constexpr std::string_view kGemmFloat = "Eigen GEMM; sums in another order, within 1e-5 relative";

constexpr std::array<FastKernelRow, 10> kRows = {{
    {Op::BuiltinOperator_CONV_2D, kF32, "avx2+fma", kGemmFloat, HasAvx2},
    {Op::BuiltinOperator_CONV_2D, kI8, "avx2+fma; avx512-vnni", kGemmInt8, HasAvx2},
    {Op::BuiltinOperator_DEPTHWISE_CONV_2D, kF32, "avx2+fma", "padded plan, the reference's tap order: same bits",
     HasAvx2},
    {Op::BuiltinOperator_DEPTHWISE_CONV_2D, kI8, "avx2+fma", "tap pairs through vpmaddwd: same bits", HasAvx2},
    {Op::BuiltinOperator_FULLY_CONNECTED, kF32, "avx2+fma", kGemmFloat, HasAvx2},
    {Op::BuiltinOperator_FULLY_CONNECTED, kI8, "avx2+fma; avx512-vnni", kGemmInt8, HasAvx2},
    {Op::BuiltinOperator_BATCH_MATMUL, kF32, "avx2+fma", kGemmFloat, HasAvx2},
    {Op::BuiltinOperator_BATCH_MATMUL, kI8, "avx2+fma", "int8 GEMM, exact int32 sums: same bits", HasAvx2},
    {Op::BuiltinOperator_ADD, kI8, "avx2+fma", "same-shape inputs only: same bits", HasAvx2},
    {Op::BuiltinOperator_AVERAGE_POOL_2D, kI8, "avx2+fma", "same bits", HasAvx2},
}};

}  // namespace

Span<const FastKernelRow> FastKernelTable() { return {kRows.data(), kRows.size()}; }

const FastKernelRow* FindFastKernel(tflite::BuiltinOperator op, tflite::TensorType type) {
  const auto it = std::find_if(kRows.begin(), kRows.end(),
                               [&](const FastKernelRow& r) { return r.op == op && r.type == type; });
  return it == kRows.end() ? nullptr : &*it;
}

}  // namespace tinyforge::interp::fast
