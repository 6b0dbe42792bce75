// Fast BATCH_MATMUL: int8 through the int16 GEMM (both operands carry zero
// points), float through Eigen.
#include "libconvert/interp/fast/fast_kernels.h"

#include <algorithm>

#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/int8_gemm.h"

namespace tinyforge::interp::fast {
namespace {

// Calls matrix(lhs_offset, rhs_offset, output_offset) for each batch entry
// of a BATCH_MATMUL, in output order.
template <typename Fn>
void ForEachBatchMatrix(const ref::BatchMatMulParams& p, Fn matrix) {
  int64_t out = 0;
  for (int64_t b0 = 0; b0 < p.batch_dims[0]; ++b0) {
    for (int64_t b1 = 0; b1 < p.batch_dims[1]; ++b1) {
      for (int64_t b2 = 0; b2 < p.batch_dims[2]; ++b2, out += p.rows * p.cols) {
        const int64_t lo = b0 * p.lhs_batch_strides[0] + b1 * p.lhs_batch_strides[1] + b2 * p.lhs_batch_strides[2];
        const int64_t ro = b0 * p.rhs_batch_strides[0] + b1 * p.rhs_batch_strides[1] + b2 * p.rhs_batch_strides[2];
        matrix(lo, ro, out);
      }
    }
  }
}

}  // namespace

EvalFn BatchMatMulInt8(const ref::BatchMatMulParams& params, const ref::QuantizedBatchMatMulParams& quant,
                       const int8_t* lhs, const int8_t* rhs, int8_t* output) {
  if (!Available() || !Int16Holds(-int64_t{quant.lhs_zero_point}) || !Int16Holds(-int64_t{quant.rhs_zero_point})) {
    return {};
  }
  const ref::BatchMatMulParams p = params;
  const ref::QuantizedBatchMatMulParams q = quant;
  // Element strides of lhs along (m, k) and rhs along (k, n).
  const int64_t lhs_m = p.adj_x ? 1 : p.depth, lhs_k = p.adj_x ? p.rows : 1;
  const int64_t rhs_k = p.adj_y ? 1 : p.cols, rhs_n = p.adj_y ? p.depth : 1;
  return [=] {
    ForEachBatchMatrix(p, [&](int64_t lo, int64_t ro, int64_t oo) {
      // Both operands carry zero points, so the weights (rhs - its zero
      // point) need int16: this GEMM stays in Int16Form.
      ChunkedGemm<Int16Form> gemm(
          p.rows, p.cols, p.depth,
          [&](int64_t n, int64_t k) { return rhs[ro + k * rhs_k + n * rhs_n] - q.rhs_zero_point; }, 0, nullptr);
      gemm.Run(
          p.rows,
          [&](int64_t begin, int64_t n, int16_t* dst, int64_t stride) {
            for (int64_t m = begin; m < begin + n; ++m) {
              for (int64_t k = 0; k < p.depth; ++k) {
                dst[(m - begin) * stride + k] = static_cast<int16_t>(lhs[lo + m * lhs_m + k * lhs_k] - q.lhs_zero_point);
              }
            }
          },
          [&](int64_t begin, int64_t rows, const int32_t* acc, int64_t acc_stride) {
            for (int64_t m = begin; m < begin + rows; ++m) {
              const int32_t* a = acc + (m - begin) * acc_stride;
              int8_t* y = output + oo + m * p.cols;
              for (int64_t n = 0; n < p.cols; ++n) {
                const int32_t v =
                    ref::MultiplyByQuantizedMultiplier(a[n], q.multiplier.multiplier, q.multiplier.shift) +
                    q.output_zero_point;
                y[n] = static_cast<int8_t>(std::min(std::max(v, q.output_min), q.output_max));
              }
            }
          });
    });
  };
}

EvalFn BatchMatMulFloat(const ref::BatchMatMulParams& params, const float* lhs, const float* rhs,
                        float* output) {
  if (!Available()) return {};
  const ref::BatchMatMulParams p = params;
  const int64_t lhs_m = p.adj_x ? 1 : p.depth, lhs_k = p.adj_x ? p.rows : 1;
  const int64_t rhs_k = p.adj_y ? 1 : p.cols, rhs_n = p.adj_y ? p.depth : 1;
  return [=] {
    ForEachBatchMatrix(p, [&](int64_t lo, int64_t ro, int64_t oo) {
      avx2::MatMulFloat(lhs + lo, p.rows, p.depth, lhs_m, lhs_k, rhs + ro, p.cols, rhs_k, rhs_n, output + oo);
    });
  };
}

}  // namespace tinyforge::interp::fast
