#include "libconvert/interp/ref/batch_matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/index_util.h"

namespace tinyforge::ref {
namespace {

TEST(BatchMatMul, HandComputed2D) {
  // [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  float out[4];
  BatchMatMul(PrepareBatchMatMul(Shape{2, 2}, Shape{2, 2}, false, false, Shape{2, 2}), a, b, out);
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{19, 22, 43, 50}));
  // adj_y: b given as its transpose.
  const float bt[] = {5, 7, 6, 8};
  BatchMatMul(PrepareBatchMatMul(Shape{2, 2}, Shape{2, 2}, false, true, Shape{2, 2}), a, bt, out);
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{19, 22, 43, 50}));
  // adj_x: a given as its transpose.
  const float at[] = {1, 3, 2, 4};
  BatchMatMul(PrepareBatchMatMul(Shape{2, 2}, Shape{2, 2}, true, false, Shape{2, 2}), at, b, out);
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{19, 22, 43, 50}));
}

struct Case {
  std::vector<int32_t> lhs, rhs, out;  // logical shapes before adjoint
  int64_t m, k, n;
};

// Naive per-element evaluation with coordinates: batch coordinate of the
// output mapped into each operand (mod its size for broadcasting).
template <typename T, typename Get>
double Naive(const std::vector<int32_t>& out_dims, int64_t f, const std::vector<int32_t>& ld,
             const std::vector<int32_t>& rd, bool adj_x, bool adj_y, int64_t k_size, Get get) {
  const auto c = testing::Coords(f, out_dims);
  const size_t r = out_dims.size();
  auto operand_coords = [&](const std::vector<int32_t>& d) {
    std::vector<int64_t> oc(d.size());
    for (size_t i = 0; i + 2 < d.size(); ++i) oc[i] = c[r - d.size() + i] % d[i];
    return oc;
  };
  double sum = 0;
  for (int64_t k = 0; k < k_size; ++k) {
    auto lc = operand_coords(ld), rc = operand_coords(rd);
    const size_t ln = ld.size(), rn = rd.size();
    if (adj_x) lc[ln - 2] = k, lc[ln - 1] = c[r - 2]; else lc[ln - 2] = c[r - 2], lc[ln - 1] = k;
    if (adj_y) rc[rn - 2] = c[r - 1], rc[rn - 1] = k; else rc[rn - 2] = k, rc[rn - 1] = c[r - 1];
    sum += get(testing::Flat(lc, ld), testing::Flat(rc, rd));
  }
  return sum;
}

TEST(BatchMatMul, RandomBroadcastAndAdjointMatchNaive) {
  const unsigned seed = 1234;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 120; ++trial) {
    const int64_t m = std::uniform_int_distribution<int>(1, 4)(rng), k = std::uniform_int_distribution<int>(1, 5)(rng),
                  n = std::uniform_int_distribution<int>(1, 4)(rng);
    const bool adj_x = rng() % 2, adj_y = rng() % 2;
    const int lb = std::uniform_int_distribution<int>(0, 3)(rng), rb = std::uniform_int_distribution<int>(0, 3)(rng);
    const int batch_rank = std::max(lb, rb);
    const auto full = testing::RandomDims(rng, batch_rank, 1, 3);
    std::vector<int32_t> ld, rd;
    for (int i = batch_rank - lb; i < batch_rank; ++i) ld.push_back(rng() % 3 == 0 ? 1 : full[static_cast<size_t>(i)]);
    for (int i = batch_rank - rb; i < batch_rank; ++i) rd.push_back(rng() % 3 == 0 ? 1 : full[static_cast<size_t>(i)]);
    std::vector<int32_t> out_dims(static_cast<size_t>(batch_rank));
    for (int i = 0; i < batch_rank; ++i) {
      const int li = i - (batch_rank - lb), ri = i - (batch_rank - rb);
      const int32_t a = li >= 0 ? ld[static_cast<size_t>(li)] : 1, b = ri >= 0 ? rd[static_cast<size_t>(ri)] : 1;
      out_dims[static_cast<size_t>(i)] = std::max(a, b);
    }
    for (int32_t x : adj_x ? std::vector<int32_t>{int32_t(k), int32_t(m)} : std::vector<int32_t>{int32_t(m), int32_t(k)}) ld.push_back(x);
    for (int32_t x : adj_y ? std::vector<int32_t>{int32_t(n), int32_t(k)} : std::vector<int32_t>{int32_t(k), int32_t(n)}) rd.push_back(x);
    out_dims.push_back(static_cast<int32_t>(m));
    out_dims.push_back(static_cast<int32_t>(n));
    const BatchMatMulParams p = PrepareBatchMatMul(Shape(ld), Shape(rd), adj_x, adj_y, Shape(out_dims));

    std::vector<float> lf(static_cast<size_t>(testing::Product(ld))), rf(static_cast<size_t>(testing::Product(rd)));
    std::uniform_real_distribution<float> u(-1, 1);
    for (auto& v : lf) v = u(rng);
    for (auto& v : rf) v = u(rng);
    std::vector<float> of(static_cast<size_t>(testing::Product(out_dims)));
    BatchMatMul(p, lf.data(), rf.data(), of.data());

    std::vector<int8_t> li(lf.size()), ri(rf.size());
    for (auto& v : li) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
    for (auto& v : ri) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-127, 127)(rng));
    const QuantizedBatchMatMulParams q = PrepareQuantizedBatchMatMulInt8(0.02f, 5, 0.01f, 0, 0.1f, -3);
    std::vector<int8_t> oi(of.size());
    BatchMatMul(p, q, li.data(), ri.data(), oi.data());

    for (int64_t f = 0; f < testing::Product(out_dims); ++f) {
      const double want = Naive<float>(out_dims, f, ld, rd, adj_x, adj_y, k, [&](int64_t a, int64_t b) {
        return double(lf[static_cast<size_t>(a)]) * rf[static_cast<size_t>(b)];
      });
      ASSERT_NEAR(of[static_cast<size_t>(f)], want, 1e-5) << "seed " << seed << " trial " << trial;
      const double acc = Naive<int8_t>(out_dims, f, ld, rd, adj_x, adj_y, k, [&](int64_t a, int64_t b) {
        return double(li[static_cast<size_t>(a)] - 5) * (ri[static_cast<size_t>(b)] - 0);
      });
      // M = 0.02 * 0.01 / 0.1 = 0.002; the Q31 product differs from the real
      // one only by rounding, so allow one step.
      const double real = std::min(127.0, std::max(-128.0, std::round(acc * 0.002) - 3));
      ASSERT_NEAR(oi[static_cast<size_t>(f)], real, 1.0) << "seed " << seed << " trial " << trial;
      const int32_t exact = std::min<int32_t>(127, std::max<int32_t>(-128, MultiplyByQuantizedMultiplier(
          static_cast<int32_t>(acc), q.multiplier) - 3));
      ASSERT_EQ(oi[static_cast<size_t>(f)], exact) << "seed " << seed << " trial " << trial;
    }
  }
}

TEST(BatchMatMul, PrepareRejects) {
  EXPECT_THROW(PrepareBatchMatMul(Shape{2, 3}, Shape{2, 3}, false, false, Shape{2, 3}), Error);  // depth
  EXPECT_THROW(PrepareBatchMatMul(Shape{2, 2, 3}, Shape{3, 3, 4}, false, false, Shape{3, 2, 4}), Error);  // batch
  EXPECT_THROW(PrepareBatchMatMul(Shape{2, 3}, Shape{3, 4}, false, false, Shape{2, 5}), Error);  // output
  EXPECT_THROW(PrepareBatchMatMul(Shape{3}, Shape{3, 4}, false, false, Shape{4}), Error);  // rank 1
  EXPECT_THROW(PrepareQuantizedBatchMatMulInt16(0.1f, 1, 0.1f, 0, 0.1f, 0), Error);
}

}  // namespace
}  // namespace tinyforge::ref
