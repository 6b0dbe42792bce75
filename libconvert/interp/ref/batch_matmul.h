// BATCH_MATMUL: output[..., m, n] = sum_k lhs[..., m, k] * rhs[..., k, n]
// with lhs / rhs optionally given transposed (adj_x / adj_y) and the batch
// axes (all but the last two, up to three of them) broadcast NumPy-style.
// Sums run over k in increasing order, as TFLM's reference kernel does.
#pragma once

#include <array>
#include <cstddef>  // shape.h uses size_t
#include <cstdint>

#include "libconvert/interp/ref/quant_math.h"
#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

constexpr int kMaxBatchMatMulRank = 5;
constexpr int kMaxBatchMatMulBatchAxes = kMaxBatchMatMulRank - 2;

struct BatchMatMulParams {
  int64_t rows = 0;   // m: output rows
  int64_t depth = 0;  // k: accumulation depth
  int64_t cols = 0;   // n: output columns
  bool adj_x = false;  // lhs stored as [..., k, m]
  bool adj_y = false;  // rhs stored as [..., n, k]
  // Output batch dims, extended on the left with 1s.
  std::array<int64_t, kMaxBatchMatMulBatchAxes> batch_dims{};
  // Matrix strides of lhs and rhs per batch axis; 0 where broadcast.
  std::array<int64_t, kMaxBatchMatMulBatchAxes> lhs_batch_strides{};
  std::array<int64_t, kMaxBatchMatMulBatchAxes> rhs_batch_strides{};
};

// Ranks 2..5; batch axes broadcastable; depths equal; `output` equal to
// broadcast batch dims + [m, n]. Throws tinyforge::Error otherwise.
BatchMatMulParams PrepareBatchMatMul(const Shape& lhs, const Shape& rhs, bool adj_x, bool adj_y,
                                     const Shape& output);

void BatchMatMul(const BatchMatMulParams& params, const float* lhs, const float* rhs, float* output);

// Integer variant: acc = sum (lhs - lhs_zp) * (rhs - rhs_zp) in int32 (int8)
// or int64 (int16), out = clamp(M * acc + out_zp) with
// M = float(lhs_scale * rhs_scale) / out_scale.
struct QuantizedBatchMatMulParams {
  int32_t lhs_zero_point = 0;
  int32_t rhs_zero_point = 0;
  int32_t output_zero_point = 0;
  QuantizedMultiplier multiplier;
  int32_t output_min = 0;  // the output type's range
  int32_t output_max = 0;
};
// int16 requires all zero points 0 (TFLM); throws tinyforge::Error.
QuantizedBatchMatMulParams PrepareQuantizedBatchMatMulInt8(float lhs_scale, int32_t lhs_zero_point,
                                                           float rhs_scale, int32_t rhs_zero_point,
                                                           float output_scale, int32_t output_zero_point);
QuantizedBatchMatMulParams PrepareQuantizedBatchMatMulInt16(float lhs_scale, int32_t lhs_zero_point,
                                                            float rhs_scale, int32_t rhs_zero_point,
                                                            float output_scale, int32_t output_zero_point);

void BatchMatMul(const BatchMatMulParams& params, const QuantizedBatchMatMulParams& quant, const int8_t* lhs,
                 const int8_t* rhs, int8_t* output);
void BatchMatMul(const BatchMatMulParams& params, const QuantizedBatchMatMulParams& quant, const int16_t* lhs,
                 const int16_t* rhs, int16_t* output);

}  // namespace tinyforge::ref
