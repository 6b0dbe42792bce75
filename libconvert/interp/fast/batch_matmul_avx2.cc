// Float BATCH_MATMUL through Eigen's GEMM, compiled with -mavx2 -mfma.
// This is the only file of the program that may include Eigen (see
// avx2_kernels.h).
#include <Eigen/Core>

#include "libconvert/interp/fast/avx2_kernels.h"

namespace tinyforge::interp::fast::avx2 {
namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Strided = Eigen::Map<const Eigen::MatrixXf, 0, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;

}  // namespace

void MatMulFloat(const float* lhs, int64_t m, int64_t k, int64_t lhs_m_stride, int64_t lhs_k_stride,
                 const float* rhs, int64_t n, int64_t rhs_k_stride, int64_t rhs_n_stride, float* out) {
  // Column-major maps: outer stride between columns, inner between rows.
  Strided L(lhs, m, k, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(lhs_k_stride, lhs_m_stride));
  Strided R(rhs, k, n, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(rhs_n_stride, rhs_k_stride));
  Eigen::Map<RowMajor> C(out, m, n);
  C.noalias() = L * R;
}

}  // namespace tinyforge::interp::fast::avx2
