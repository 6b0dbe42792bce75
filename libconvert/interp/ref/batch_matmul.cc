#include "libconvert/interp/ref/batch_matmul.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"  // ShapeString

namespace tinyforge::ref {

BatchMatMulParams PrepareBatchMatMul(const Shape& lhs, const Shape& rhs, bool adj_x, bool adj_y,
                                     const Shape& output) {
  const std::string where = "BATCH_MATMUL: lhs " + ShapeToString(lhs) + (adj_x ? " (adjoint)" : "") + ", rhs " +
                            ShapeToString(rhs) + (adj_y ? " (adjoint)" : "") + ", output " + ShapeToString(output);
  for (const Shape* s : {&lhs, &rhs}) {
    if (s->rank() < 2 || s->rank() > kMaxBatchMatMulRank) throw Error(where + ": operands must have rank 2 to 5");
  }
  BatchMatMulParams p;
  p.adj_x = adj_x;
  p.adj_y = adj_y;
  const int lr = lhs.rank(), rr = rhs.rank();
  p.rows = adj_x ? lhs.dim(lr - 1) : lhs.dim(lr - 2);
  p.depth = adj_x ? lhs.dim(lr - 2) : lhs.dim(lr - 1);
  const int64_t rhs_depth = adj_y ? rhs.dim(rr - 1) : rhs.dim(rr - 2);
  p.cols = adj_y ? rhs.dim(rr - 2) : rhs.dim(rr - 1);
  if (rhs_depth != p.depth) {
    throw Error(where + ": the accumulation depths differ (" + std::to_string(p.depth) + " and " +
                std::to_string(rhs_depth) + ")");
  }
  // Batch axes, right-aligned and extended to kMaxBatchMatMulBatchAxes.
  const int out_rank = std::max(lr, rr);
  const Shape lb = Shape(std::vector<int32_t>(lhs.dims().begin(), lhs.dims().end() - 2)).Extended(kMaxBatchMatMulBatchAxes);
  const Shape rb = Shape(std::vector<int32_t>(rhs.dims().begin(), rhs.dims().end() - 2)).Extended(kMaxBatchMatMulBatchAxes);
  std::vector<int32_t> expected;
  int64_t lhs_stride = lhs.dim(lr - 1) * static_cast<int64_t>(lhs.dim(lr - 2));
  int64_t rhs_stride = rhs.dim(rr - 1) * static_cast<int64_t>(rhs.dim(rr - 2));
  for (int i = kMaxBatchMatMulBatchAxes - 1; i >= 0; --i) {
    const auto k = static_cast<size_t>(i);
    const int64_t a = lb.dim(i), b = rb.dim(i);
    if (a != b && a != 1 && b != 1) throw Error(where + ": the batch axes do not broadcast");
    p.batch_dims[k] = a == 1 ? b : a;
    p.lhs_batch_strides[k] = a == 1 ? 0 : lhs_stride;
    p.rhs_batch_strides[k] = b == 1 ? 0 : rhs_stride;
    lhs_stride *= a;
    rhs_stride *= b;
  }
  for (int i = kMaxBatchMatMulBatchAxes - (out_rank - 2); i < kMaxBatchMatMulBatchAxes; ++i) {
    expected.push_back(static_cast<int32_t>(p.batch_dims[static_cast<size_t>(i)]));
  }
  expected.push_back(static_cast<int32_t>(p.rows));
  expected.push_back(static_cast<int32_t>(p.cols));
  if (Shape(expected) != output) throw Error(where + ": the output shape should be " + ShapeToString(Shape(expected)));
  return p;
}

namespace {

// Calls matrix(lhs_offset, rhs_offset, output_offset) for each batch entry.
template <typename Fn>
void ForEachMatrix(const BatchMatMulParams& p, Fn matrix) {
  const int64_t out_matrix = p.rows * p.cols;
  int64_t out = 0;
  for (int64_t b0 = 0; b0 < p.batch_dims[0]; ++b0) {
    for (int64_t b1 = 0; b1 < p.batch_dims[1]; ++b1) {
      for (int64_t b2 = 0; b2 < p.batch_dims[2]; ++b2) {
        matrix(b0 * p.lhs_batch_strides[0] + b1 * p.lhs_batch_strides[1] + b2 * p.lhs_batch_strides[2],
               b0 * p.rhs_batch_strides[0] + b1 * p.rhs_batch_strides[1] + b2 * p.rhs_batch_strides[2], out);
        out += out_matrix;
      }
    }
  }
}

// Element strides of lhs along (m, k) and rhs along (k, n).
struct MatrixStrides {
  int64_t lhs_m, lhs_k, rhs_k, rhs_n;
};
MatrixStrides Strides(const BatchMatMulParams& p) {
  return {p.adj_x ? 1 : p.depth, p.adj_x ? p.rows : 1, p.adj_y ? 1 : p.cols, p.adj_y ? p.depth : 1};
}

template <typename T, typename Acc>
void QuantizedBatchMatMul(const BatchMatMulParams& p, const QuantizedBatchMatMulParams& q, const T* lhs,
                          const T* rhs, T* output) {
  const MatrixStrides s = Strides(p);
  ForEachMatrix(p, [&](int64_t lo, int64_t ro, int64_t oo) {
    for (int64_t m = 0; m < p.rows; ++m) {
      for (int64_t n = 0; n < p.cols; ++n) {
        Acc total = 0;
        for (int64_t k = 0; k < p.depth; ++k) {
          const Acc a = static_cast<Acc>(lhs[lo + m * s.lhs_m + k * s.lhs_k]) - q.lhs_zero_point;
          const Acc b = static_cast<Acc>(rhs[ro + k * s.rhs_k + n * s.rhs_n]) - q.rhs_zero_point;
          total += b * a;
        }
        int32_t v = MultiplyByQuantizedMultiplier(total, q.multiplier.multiplier, q.multiplier.shift);
        v += q.output_zero_point;
        output[oo + m * p.cols + n] = static_cast<T>(std::min(std::max(v, q.output_min), q.output_max));
      }
    }
  });
}

QuantizedBatchMatMulParams PrepareQuantized(float lhs_scale, int32_t lhs_zero_point, float rhs_scale,
                                            int32_t rhs_zero_point, float output_scale, int32_t output_zero_point) {
  QuantizedBatchMatMulParams q;
  // The scale product is taken in float, then widened (as TFLM).
  const double product = static_cast<double>(lhs_scale * rhs_scale);
  if (!(product >= 0) || !(output_scale > 0)) throw Error("BATCH_MATMUL: invalid quantization scales");
  q.multiplier = QuantizeMultiplier(product / static_cast<double>(output_scale));
  q.lhs_zero_point = lhs_zero_point;
  q.rhs_zero_point = rhs_zero_point;
  q.output_zero_point = output_zero_point;
  return q;
}

}  // namespace

void BatchMatMul(const BatchMatMulParams& p, const float* lhs, const float* rhs, float* output) {
  const MatrixStrides s = Strides(p);
  ForEachMatrix(p, [&](int64_t lo, int64_t ro, int64_t oo) {
    for (int64_t m = 0; m < p.rows; ++m) {
      for (int64_t n = 0; n < p.cols; ++n) {
        float total = 0.0f;
        for (int64_t k = 0; k < p.depth; ++k) {
          total += rhs[ro + k * s.rhs_k + n * s.rhs_n] * lhs[lo + m * s.lhs_m + k * s.lhs_k];
        }
        output[oo + m * p.cols + n] = total;
      }
    }
  });
}

QuantizedBatchMatMulParams PrepareQuantizedBatchMatMulInt8(float lhs_scale, int32_t lhs_zero_point,
                                                           float rhs_scale, int32_t rhs_zero_point,
                                                           float output_scale, int32_t output_zero_point) {
  QuantizedBatchMatMulParams q = PrepareQuantized(lhs_scale, lhs_zero_point, rhs_scale, rhs_zero_point,
                                                  output_scale, output_zero_point);
  q.output_min = std::numeric_limits<int8_t>::min();
  q.output_max = std::numeric_limits<int8_t>::max();
  return q;
}

QuantizedBatchMatMulParams PrepareQuantizedBatchMatMulInt16(float lhs_scale, int32_t lhs_zero_point,
                                                            float rhs_scale, int32_t rhs_zero_point,
                                                            float output_scale, int32_t output_zero_point) {
  if (lhs_zero_point != 0 || rhs_zero_point != 0 || output_zero_point != 0) {
    throw Error("BATCH_MATMUL: int16 operands need zero points of 0");
  }
  QuantizedBatchMatMulParams q = PrepareQuantized(lhs_scale, lhs_zero_point, rhs_scale, rhs_zero_point,
                                                  output_scale, output_zero_point);
  q.output_min = std::numeric_limits<int16_t>::min();
  q.output_max = std::numeric_limits<int16_t>::max();
  return q;
}

void BatchMatMul(const BatchMatMulParams& params, const QuantizedBatchMatMulParams& quant, const int8_t* lhs,
                 const int8_t* rhs, int8_t* output) {
  QuantizedBatchMatMul<int8_t, int32_t>(params, quant, lhs, rhs, output);
}

void BatchMatMul(const BatchMatMulParams& params, const QuantizedBatchMatMulParams& quant, const int16_t* lhs,
                 const int16_t* rhs, int16_t* output) {
  QuantizedBatchMatMul<int16_t, int64_t>(params, quant, lhs, rhs, output);
}

}  // namespace tinyforge::ref
