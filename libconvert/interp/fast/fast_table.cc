#include "libconvert/interp/fast/fast_table.h"

#include <algorithm>
#include <array>

namespace tinyforge::interp::fast {
namespace {

bool HasAvx2(const CpuFeatures& cpu) { return cpu.avx2_fma; }
bool AnyCpu(const CpuFeatures&) { return true; }

using Op = tflite::BuiltinOperator;
constexpr tflite::TensorType kF32 = tflite::TensorType_FLOAT32;
constexpr tflite::TensorType kI8 = tflite::TensorType_INT8;

constexpr std::string_view kGemmInt8 =
    "int8 GEMM, exact int32 sums (AVX-512 VNNI vpdpbusd where present), the reference's requantization fused "
    "into the tile: same bits";
constexpr std::string_view kGemmFloat = "packed FMA GEMM (AVX-512: weights over 64 KB streamed past 7-row tiles), "
                                        "bias and clamp fused; sums in another order, within 1e-5 relative";
// CONV_2D and DEPTHWISE_CONV_2D also take over an explicit PAD (H, W, real
// 0) that only they read: the PAD then runs only for observers.
constexpr std::string_view kConvFloat = "packed FMA GEMM (AVX-512: weights over 64 KB streamed past 7-row tiles, "
                                        "windows read in place of an im2col), bias and clamp fused, a PAD before it "
                                        "folded; sums in another order, within 1e-5 relative";
constexpr std::string_view kConvInt8 =
    "int8 GEMM, exact int32 sums (AVX-512 VNNI vpdpbusd where present), requantization fused, a PAD before it "
    "folded: same bits";
constexpr std::string_view kTable = "256x256 table of the reference's results (outputs of 1,024+ elements): same bits";
constexpr std::string_view kAddSub = "AVX-512: the reference's arithmetic on 16 lanes, split over threads (same "
                                     "shapes); else a 256x256 table of its results (outputs of 1,024+ elements): "
                                     "same bits";
constexpr std::string_view kFloatBinary = "same shapes: one vector operation, then the reference's clamp: same bits";
constexpr std::string_view kTranspose = "loops along the input's contiguous axis when it is longer (AVX-512: NCHW to "
                                        "NHWC of 3 channels interleaves whole rows): same bits";
constexpr std::string_view kMean = "reduced axes one contiguous block: rows of outputs, the reference's order: "
                                   "same bits";

constexpr std::array<FastKernelRow, 27> kRows = {{
    {Op::BuiltinOperator_CONV_2D, kF32, "avx2+fma; avx512-vnni", kConvFloat, HasAvx2},
    {Op::BuiltinOperator_CONV_2D, kI8, "avx2+fma; avx512-vnni", kConvInt8, HasAvx2},
    {Op::BuiltinOperator_DEPTHWISE_CONV_2D, kF32, "avx2+fma; avx512-vnni",
     "FMA over blocks of 8 channels (AVX-512: 16), a PAD before it folded; within 1e-5 relative (depth "
     "multiplier > 1: the reference's order, same bits)",
     HasAvx2},
    {Op::BuiltinOperator_DEPTHWISE_CONV_2D, kI8, "avx2+fma; avx512-vnni",
     "tap pairs through vpmaddwd (AVX-512: vpdpwssd over 32 channels, or 4 or 2 pixels of 8 or 16), "
     "requantization fused, a PAD before it folded: same bits",
     HasAvx2},
    {Op::BuiltinOperator_FULLY_CONNECTED, kF32, "avx2+fma; avx512-vnni", kGemmFloat, HasAvx2},
    {Op::BuiltinOperator_FULLY_CONNECTED, kI8, "avx2+fma; avx512-vnni", kGemmInt8, HasAvx2},
    {Op::BuiltinOperator_BATCH_MATMUL, kF32, "avx2+fma", "Eigen GEMM; sums in another order, within 1e-5 relative",
     HasAvx2},
    {Op::BuiltinOperator_BATCH_MATMUL, kI8, "avx2+fma", "int8 GEMM, exact int32 sums: same bits", HasAvx2},
    {Op::BuiltinOperator_ADD, kF32, "avx2+fma", kFloatBinary, HasAvx2},
    {Op::BuiltinOperator_ADD, kI8, "any; avx512-vnni", kAddSub, AnyCpu},
    {Op::BuiltinOperator_SUB, kF32, "avx2+fma", kFloatBinary, HasAvx2},
    {Op::BuiltinOperator_SUB, kI8, "any; avx512-vnni", kAddSub, AnyCpu},
    {Op::BuiltinOperator_MUL, kF32, "avx2+fma", kFloatBinary, HasAvx2},
    {Op::BuiltinOperator_MUL, kI8, "any", kTable, AnyCpu},
    {Op::BuiltinOperator_SQUARED_DIFFERENCE, kI8, "any", kTable, AnyCpu},
    {Op::BuiltinOperator_AVERAGE_POOL_2D, kF32, "avx2+fma", "eight channels a pass, the reference's order: same bits",
     HasAvx2},
    {Op::BuiltinOperator_AVERAGE_POOL_2D, kI8, "avx2+fma", "same bits", HasAvx2},
    {Op::BuiltinOperator_TRANSPOSE, kF32, "any", kTranspose, AnyCpu},
    {Op::BuiltinOperator_TRANSPOSE, kI8, "any", kTranspose, AnyCpu},
    {Op::BuiltinOperator_TRANSPOSE, tflite::TensorType_UINT8, "any", kTranspose, AnyCpu},
    {Op::BuiltinOperator_TRANSPOSE, tflite::TensorType_INT16, "any", kTranspose, AnyCpu},
    {Op::BuiltinOperator_TRANSPOSE, tflite::TensorType_INT32, "any", kTranspose, AnyCpu},
    {Op::BuiltinOperator_TRANSPOSE, tflite::TensorType_INT64, "any", kTranspose, AnyCpu},
    {Op::BuiltinOperator_TRANSPOSE, tflite::TensorType_BOOL, "any", kTranspose, AnyCpu},
    {Op::BuiltinOperator_MEAN, kF32, "any", kMean, AnyCpu},
    {Op::BuiltinOperator_MEAN, kI8, "any", kMean, AnyCpu},
    {Op::BuiltinOperator_SUM, kI8, "any", kMean, AnyCpu},
}};

}  // namespace

Span<const FastKernelRow> FastKernelTable() { return {kRows.data(), kRows.size()}; }

const FastKernelRow* FindFastKernel(tflite::BuiltinOperator op, tflite::TensorType type) {
  const auto it = std::find_if(kRows.begin(), kRows.end(),
                               [&](const FastKernelRow& r) { return r.op == op && r.type == type; });
  return it == kRows.end() ? nullptr : &*it;
}

}  // namespace tinyforge::interp::fast
