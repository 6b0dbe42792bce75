#include "libconvert/interp/ref/reduce.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

// A random reduction problem: shape, axes (possibly negative or repeated),
// and the output element each input element belongs to, computed by
// decomposing the input index and dropping the reduced coordinates.
struct Problem {
  Shape input;
  std::vector<int32_t> axes;
  std::vector<bool> reduced;
  int64_t num_outputs = 1;
  int64_t num_reduced = 1;
  std::vector<int64_t> output_of;  // per input flat index
};

Problem RandomProblem(std::mt19937& rng) {
  Problem p;
  const int rank = std::uniform_int_distribution<int>(1, 5)(rng);
  std::vector<int32_t> dims(static_cast<size_t>(rank));
  for (auto& d : dims) d = std::uniform_int_distribution<int32_t>(1, 5)(rng);
  p.input = Shape(dims);
  p.reduced.assign(static_cast<size_t>(rank), false);
  const int count = std::uniform_int_distribution<int>(1, rank + 1)(rng);
  for (int i = 0; i < count; ++i) {
    const int32_t a = std::uniform_int_distribution<int32_t>(0, rank - 1)(rng);
    p.reduced[static_cast<size_t>(a)] = true;
    p.axes.push_back(std::uniform_int_distribution<int>(0, 1)(rng) ? a - rank : a);
  }
  for (int i = 0; i < rank; ++i) {
    (p.reduced[static_cast<size_t>(i)] ? p.num_reduced : p.num_outputs) *= dims[static_cast<size_t>(i)];
  }
  for (int64_t f = 0; f < p.input.FlatSize(); ++f) {
    std::vector<int64_t> c(static_cast<size_t>(rank));
    int64_t rest = f;
    for (int i = rank - 1; i >= 0; --i) {
      c[static_cast<size_t>(i)] = rest % dims[static_cast<size_t>(i)];
      rest /= dims[static_cast<size_t>(i)];
    }
    int64_t o = 0;
    for (int i = 0; i < rank; ++i) {
      if (!p.reduced[static_cast<size_t>(i)]) o = o * dims[static_cast<size_t>(i)] + c[static_cast<size_t>(i)];
    }
    p.output_of.push_back(o);
  }
  return p;
}

// keep_dims output shape: reduced axes become 1.
Shape KeptShape(const Problem& p) {
  std::vector<int32_t> d = p.input.dims();
  for (size_t i = 0; i < d.size(); ++i) {
    if (p.reduced[i]) d[i] = 1;
  }
  return Shape(d);
}

TEST(Reduce, HandComputedFloatMeanAndSum) {
  // TFLM reduce_test 2D vectors: [[1..4], [5..8]] over axis 1.
  const float in[] = {1, 2, 3, 4, 5, 6, 7, 8};
  const auto p = PrepareReduce(Shape{2, 4}, {1}, Shape{2, 1});
  float out[2];
  Mean(p, in, out);
  EXPECT_EQ(out[0], 2.5f);
  EXPECT_EQ(out[1], 6.5f);
  Sum(p, in, out);
  EXPECT_EQ(out[0], 10.0f);
  EXPECT_EQ(out[1], 26.0f);
  // Over axes 0 and -1 (everything), without keep_dims.
  const auto all = PrepareReduce(Shape{2, 4}, {0, -1}, Shape{});
  Mean(all, in, out);
  EXPECT_EQ(out[0], 4.5f);
}

// Float sums must round exactly as TFLM's iterator does: walk the input in
// row-major order and add each element into its output's running float sum.
TEST(Reduce, FloatSumAndMeanRoundLikeRowMajorAccumulation) {
  const unsigned seed = 8080;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> values(-100.0f, 100.0f);
  for (int trial = 0; trial < 200; ++trial) {
    const Problem pr = RandomProblem(rng);
    std::vector<float> in(static_cast<size_t>(pr.input.FlatSize()));
    for (auto& v : in) v = values(rng);
    std::vector<float> running(static_cast<size_t>(pr.num_outputs), 0.0f);
    std::vector<double> exact(running.size(), 0.0);
    for (size_t f = 0; f < in.size(); ++f) {
      running[static_cast<size_t>(pr.output_of[f])] += in[f];
      exact[static_cast<size_t>(pr.output_of[f])] += in[f];
    }
    const auto params = PrepareReduce(pr.input, pr.axes, KeptShape(pr));
    std::vector<float> sum(running.size()), mean(running.size());
    Sum(params, in.data(), sum.data());
    Mean(params, in.data(), mean.data());
    for (size_t o = 0; o < running.size(); ++o) {
      ASSERT_EQ(sum[o], running[o]) << "seed " << seed << " trial " << trial << " output " << o;
      ASSERT_EQ(mean[o], running[o] / static_cast<float>(pr.num_reduced))
          << "seed " << seed << " trial " << trial << " output " << o;
      ASSERT_NEAR(sum[o], exact[o], 1e-3 * (1 + std::abs(exact[o])));
    }
  }
}

TEST(Reduce, MaxMinMatchNaiveAndTflmStartValues) {
  const unsigned seed = 9090;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    const Problem pr = RandomProblem(rng);
    std::vector<int8_t> in(static_cast<size_t>(pr.input.FlatSize()));
    for (auto& v : in) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
    std::vector<int> mx(static_cast<size_t>(pr.num_outputs), -1000), mn(mx.size(), 1000);
    for (size_t f = 0; f < in.size(); ++f) {
      auto& x = mx[static_cast<size_t>(pr.output_of[f])];
      auto& n = mn[static_cast<size_t>(pr.output_of[f])];
      x = std::max<int>(x, in[f]);
      n = std::min<int>(n, in[f]);
    }
    const auto params = PrepareReduce(pr.input, pr.axes, KeptShape(pr));
    std::vector<int8_t> omax(mx.size()), omin(mx.size());
    ReduceMax(params, in.data(), omax.data());
    ReduceMin(params, in.data(), omin.data());
    for (size_t o = 0; o < mx.size(); ++o) {
      ASSERT_EQ(omax[o], mx[o]) << "seed " << seed << " trial " << trial;
      ASSERT_EQ(omin[o], mn[o]) << "seed " << seed << " trial " << trial;
    }
  }
  // TFLM starts from lowest()/max() and replaces on strict comparison only.
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float in[] = {-inf, -inf, nan, 2.0f};
  const auto p = PrepareReduce(Shape{2, 2}, {1}, Shape{2});
  float out[2];
  ReduceMax(p, in, out);
  EXPECT_EQ(out[0], std::numeric_limits<float>::lowest());
  EXPECT_EQ(out[1], 2.0f);
  const float in_min[] = {inf, inf, 3.0f, nan};
  ReduceMin(p, in_min, out);
  EXPECT_EQ(out[0], std::numeric_limits<float>::max());
  EXPECT_EQ(out[1], 3.0f);
}

TEST(Reduce, MeanMultiplierFoldsTheCountLikeTflm) {
  // n = 3, scales equal: Q31(1.0) = 2^30 with shift 1; floor(log2 3) = 1, so
  // the multiplier becomes (2^30 << 1) / 3 = 715827882 with shift 0.
  const auto reduce = PrepareReduce(Shape{3}, {0}, Shape{1});
  const auto q = PrepareQuantizedMean(reduce, 0.5f, 0, 0.5f, 0);
  EXPECT_EQ(q.multiplier.multiplier, 715827882);
  EXPECT_EQ(q.multiplier.shift, 0);
  const auto s = PrepareQuantizedSum(reduce, 0.5f, 0, 0.5f, 0);
  EXPECT_EQ(s.multiplier.multiplier, 1 << 30);
  EXPECT_EQ(s.multiplier.shift, 1);
  // n = 2^40 would need a 40-bit pre-shift; TFLM caps it at 32.
  const auto big = PrepareReduce(Shape{1 << 20, 1 << 20}, {0, 1}, Shape{1});
  const auto qb = PrepareQuantizedMean(big, 1.0f, 0, 1.0f, 0);
  EXPECT_EQ(qb.multiplier.shift, 1 - 32);
  EXPECT_EQ(qb.multiplier.multiplier, static_cast<int32_t>((int64_t{1} << 62) >> 40));
  // With a multiplier of 8 (shift 4) the 32-bit cap, not 31 + shift, binds.
  const auto q8 = PrepareQuantizedMean(big, 8.0f, 0, 1.0f, 0);
  EXPECT_EQ(q8.multiplier.shift, 4 - 32);
  EXPECT_EQ(q8.multiplier.multiplier, 1 << 22);
}

template <typename T>
void CheckQuantizedMeanOrSum(bool mean, unsigned seed) {
  std::mt19937 rng(seed);
  const bool is8 = sizeof(T) == 1;
  std::uniform_real_distribution<float> scale_dist(0.01f, 0.1f);
  std::uniform_int_distribution<int32_t> zp_dist(is8 ? -100 : 0, is8 ? 100 : 0);
  std::uniform_int_distribution<int32_t> values(std::numeric_limits<T>::min(),
                                                std::numeric_limits<T>::max());
  const double qmin = std::numeric_limits<T>::min(), qmax = std::numeric_limits<T>::max();
  for (int trial = 0; trial < 200; ++trial) {
    const Problem pr = RandomProblem(rng);
    const float in_scale = scale_dist(rng);
    const int32_t in_zp = zp_dist(rng);
    // SUM needs a coarser output scale to stay mostly in range.
    const float out_scale = scale_dist(rng) * (mean ? 1.0f : 4.0f);
    const int32_t out_zp = zp_dist(rng);
    std::vector<T> in(static_cast<size_t>(pr.input.FlatSize()));
    for (auto& v : in) v = static_cast<T>(values(rng));
    std::vector<double> real(static_cast<size_t>(pr.num_outputs), 0.0);
    for (size_t f = 0; f < in.size(); ++f) {
      real[static_cast<size_t>(pr.output_of[f])] += in_scale * (static_cast<double>(in[f]) - in_zp);
    }
    const auto params = PrepareReduce(pr.input, pr.axes, KeptShape(pr));
    const auto q = mean ? PrepareQuantizedMean(params, in_scale, in_zp, out_scale, out_zp)
                        : PrepareQuantizedSum(params, in_scale, in_zp, out_scale, out_zp);
    std::vector<T> out(real.size());
    QuantizedMeanOrSum(params, q, in.data(), out.data());
    for (size_t o = 0; o < real.size(); ++o) {
      const double r = mean ? real[o] / static_cast<double>(pr.num_reduced) : real[o];
      const double expected = std::min(std::max(std::round(r / out_scale) + out_zp, qmin), qmax);
      ASSERT_LE(std::abs(out[o] - expected), 1)
          << (mean ? "mean" : "sum") << " seed " << seed << " trial " << trial << " output " << o
          << " input " << pr.input.FlatSize() << " elements";
    }
  }
}

TEST(Reduce, QuantizedMeanAndSumWithinOneOfRealArithmetic) {
  CheckQuantizedMeanOrSum<int8_t>(true, 501);
  CheckQuantizedMeanOrSum<int8_t>(false, 502);
  CheckQuantizedMeanOrSum<int16_t>(true, 503);
  CheckQuantizedMeanOrSum<int16_t>(false, 504);
}

TEST(Reduce, EmptyReductionFollowsTflm) {
  // A zero-sized reduced axis: quantized outputs are raw 0 (not the zero
  // point), float sums 0, max/min the start value.
  const auto p = PrepareReduce(Shape{2, 0}, {1}, Shape{2});
  const auto q = PrepareQuantizedMean(p, 0.5f, 3, 0.5f, 7);
  int8_t out8[2] = {99, 99};
  QuantizedMeanOrSum(p, q, static_cast<const int8_t*>(nullptr), out8);
  EXPECT_EQ(out8[0], 0);
  EXPECT_EQ(out8[1], 0);
  float outf[2] = {9, 9};
  Mean(p, static_cast<const float*>(nullptr), outf);
  EXPECT_EQ(outf[0], 0.0f);
  ReduceMax(p, static_cast<const float*>(nullptr), outf);
  EXPECT_EQ(outf[0], std::numeric_limits<float>::lowest());
}

TEST(Reduce, PrepareResolvesAxesAndChecksOutput) {
  // Duplicates and negative axes resolve to the same reduction.
  const auto a = PrepareReduce(Shape{2, 3, 4}, {1, -2, 1}, Shape{2, 4});
  EXPECT_EQ(a.num_outputs, 8);
  EXPECT_EQ(a.num_reduced, 3);
  // A scalar input ignores its axes.
  const auto s = PrepareReduce(Shape{}, {0, 5}, Shape{});
  EXPECT_EQ(s.num_outputs, 1);
  EXPECT_EQ(s.num_reduced, 1);
  EXPECT_THROW(PrepareReduce(Shape{2, 3}, {2}, Shape{2}), Error);
  EXPECT_THROW(PrepareReduce(Shape{2, 3}, {-3}, Shape{2}), Error);
  try {
    PrepareReduce(Shape{2, 3}, {1}, Shape{3});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 3]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(CheckReduceMinMaxQuantization(0.5f, 1, 0.5f, 2), Error);
  EXPECT_NO_THROW(CheckReduceMinMaxQuantization(0.5f, 1, 0.5f, 1));
}

}  // namespace
}  // namespace tinyforge::ref
