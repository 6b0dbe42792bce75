#include "libconvert/interp/ref/pooling.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/conv_test_util.h"

namespace tinyforge::ref {
namespace {

using testing::TestActivationRange;

class PoolTester {
 public:
  PoolTester& input(int n, int h, int w, int c) { n_ = n; h_ = h; w_ = w; c_ = c; return *this; }
  PoolTester& filter(int h, int w) { kh_ = h; kw_ = w; return *this; }
  PoolTester& stride(int h, int w) { sh_ = h; sw_ = w; return *this; }
  PoolTester& padding(Padding p) { padding_ = p; return *this; }
  PoolTester& activation(int a) { activation_ = a; return *this; }

  void TestFloat(uint32_t seed) const {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
    std::vector<float> input(static_cast<size_t>(n_) * h_ * w_ * c_);
    for (float& v : input) v = dist(rng);
    const PoolParams p = PreparePoolFloat(Options(), InputShape(), OutputShape());
    std::vector<float> avg(OutputCount(), -99.0f), max(OutputCount(), -99.0f);
    AveragePoolFloat(p, InputShape(), input.data(), OutputShape(), avg.data());
    MaxPoolFloat(p, InputShape(), input.data(), OutputShape(), max.data());
    const FloatRange range = FloatActivationRange(activation_);
    auto clamp = [&](float v) { return std::min(std::max(v, range.min), range.max); };
    ForEachOutput([&](size_t i, int b, int y, int x, int c) {
      float sum = 0.0f, m = std::numeric_limits<float>::lowest();
      double sum_d = 0.0;
      int count = 0;
      ForEachWindowElement(b, y, x, c, [&](size_t xi) {
        sum += input[xi];
        sum_d += input[xi];
        m = std::max(m, input[xi]);
        ++count;
      });
      ASSERT_GT(count, 0);
      EXPECT_EQ(avg[i], clamp(sum / static_cast<float>(count))) << "output " << i;
      EXPECT_NEAR(avg[i], std::min<double>(std::max<double>(sum_d / count, range.min), range.max),
                  1e-5) << "output " << i;
      EXPECT_EQ(max[i], clamp(m)) << "output " << i;
    });
  }

  template <typename T>
  void TestInteger(uint32_t seed) const {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const int32_t qmin = std::numeric_limits<T>::min();
    const int32_t qmax = std::numeric_limits<T>::max();
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int32_t> dist(qmin, qmax);
    std::vector<T> input(static_cast<size_t>(n_) * h_ * w_ * c_);
    for (T& v : input) v = static_cast<T>(dist(rng));
    // Scale so that RELU6 / RELU_N1_TO_1 cut the range only partly.
    const float scale = activation_ == 2 ? 1.5f / (qmax + 1) : 8.0f / (qmax + 1);
    const int32_t zp = sizeof(T) == 1 ? std::uniform_int_distribution<int32_t>(-20, 20)(rng) : 0;
    const auto [act_min, act_max] = TestActivationRange(activation_, scale, zp, qmin, qmax);
    const PoolParams p =
        sizeof(T) == 1 ? PreparePoolInt8(Options(), InputShape(), OutputShape(), scale, zp, scale, zp)
                       : PreparePoolInt16(Options(), InputShape(), OutputShape(), scale, zp, scale, zp);
    EXPECT_EQ(p.activation_min, act_min);
    EXPECT_EQ(p.activation_max, act_max);
    std::vector<T> avg(OutputCount(), 0x55), max(OutputCount(), 0x55);
    if constexpr (sizeof(T) == 1) {
      AveragePoolInt8(p, InputShape(), input.data(), OutputShape(), avg.data());
      MaxPoolInt8(p, InputShape(), input.data(), OutputShape(), max.data());
    } else {
      AveragePoolInt16(p, InputShape(), input.data(), OutputShape(), avg.data());
      MaxPoolInt16(p, InputShape(), input.data(), OutputShape(), max.data());
    }
    int inside = 0;
    ForEachOutput([&](size_t i, int b, int y, int x, int c) {
      int64_t sum = 0;
      int32_t m = qmin;
      int count = 0;
      ForEachWindowElement(b, y, x, c, [&](size_t xi) {
        sum += input[xi];
        m = std::max<int32_t>(m, input[xi]);
        ++count;
      });
      ASSERT_GT(count, 0);
      // Mean rounded half away from zero (std::round), exact in double here.
      const int32_t mean = static_cast<int32_t>(std::round(static_cast<double>(sum) / count));
      const int32_t expected_avg = std::clamp(mean, act_min, act_max);
      EXPECT_EQ(avg[i], expected_avg) << "output " << i << " sum " << sum << " count " << count;
      EXPECT_EQ(max[i], std::clamp(m, act_min, act_max)) << "output " << i;
      if (expected_avg > act_min && expected_avg < act_max) ++inside;
    });
    EXPECT_GT(inside, static_cast<int>(OutputCount()) / 4) << "test data mostly clamped";
  }

 private:
  // Textbook output size and padding, independent of padding.cc.
  int OutH() const { return padding_ == Padding::kSame ? (h_ + sh_ - 1) / sh_ : (h_ - kh_) / sh_ + 1; }
  int OutW() const { return padding_ == Padding::kSame ? (w_ + sw_ - 1) / sw_ : (w_ - kw_) / sw_ + 1; }
  int PadH() const { return padding_ == Padding::kSame ? std::max(0, (OutH() - 1) * sh_ + kh_ - h_) / 2 : 0; }
  int PadW() const { return padding_ == Padding::kSame ? std::max(0, (OutW() - 1) * sw_ + kw_ - w_) / 2 : 0; }
  size_t OutputCount() const { return static_cast<size_t>(n_) * OutH() * OutW() * c_; }

  template <typename F>
  void ForEachOutput(F f) const {
    size_t i = 0;
    for (int b = 0; b < n_; ++b)
      for (int y = 0; y < OutH(); ++y)
        for (int x = 0; x < OutW(); ++x)
          for (int c = 0; c < c_; ++c) f(i++, b, y, x, c);
  }
  // visit(input_index) for the window's in-bounds elements, (ky, kx) order.
  template <typename F>
  void ForEachWindowElement(int b, int y, int x, int c, F visit) const {
    for (int ky = 0; ky < kh_; ++ky) {
      for (int kx = 0; kx < kw_; ++kx) {
        const int iy = y * sh_ - PadH() + ky, ix = x * sw_ - PadW() + kx;
        if (iy < 0 || iy >= h_ || ix < 0 || ix >= w_) continue;
        visit(((static_cast<size_t>(b) * h_ + iy) * w_ + ix) * c_ + c);
      }
    }
  }

  PoolOptions Options() const {
    PoolOptions o;
    o.padding = padding_;
    o.stride_height = sh_; o.stride_width = sw_;
    o.filter_height = kh_; o.filter_width = kw_;
    o.activation = activation_;
    return o;
  }
  Shape InputShape() const { return {n_, h_, w_, c_}; }
  Shape OutputShape() const { return {n_, OutH(), OutW(), c_}; }

  int n_ = 1, h_ = 6, w_ = 6, c_ = 3;
  int kh_ = 2, kw_ = 2, sh_ = 2, sw_ = 2;
  Padding padding_ = Padding::kValid;
  int activation_ = 0;
};

std::vector<PoolTester> Configurations() {
  return {
      PoolTester().input(1, 6, 6, 3).filter(2, 2).stride(2, 2),
      PoolTester().input(2, 7, 9, 4).filter(3, 3).stride(2, 2).padding(Padding::kSame),
      PoolTester().input(1, 8, 5, 2).filter(3, 2).stride(1, 2).padding(Padding::kSame),
      PoolTester().input(1, 9, 9, 5).filter(4, 3).stride(3, 1).padding(Padding::kValid),
      PoolTester().input(1, 5, 5, 3).filter(5, 5).stride(1, 1).padding(Padding::kSame).activation(1),
      PoolTester().input(1, 6, 7, 3).filter(2, 3).stride(2, 2).padding(Padding::kSame).activation(3),
      PoolTester().input(1, 4, 4, 6).filter(2, 2).stride(1, 1).activation(2),
      PoolTester().input(1, 7, 7, 2).filter(7, 7).stride(1, 1),  // global pooling
  };
}

TEST(Pooling, FloatMatchesNaive) {
  uint32_t seed = 1200;
  for (const PoolTester& t : Configurations()) t.TestFloat(seed++);
}

TEST(Pooling, Int8MatchesNaive) {
  uint32_t seed = 1300;
  for (const PoolTester& t : Configurations()) t.TestInteger<int8_t>(seed++);
}

TEST(Pooling, Int16MatchesNaive) {
  uint32_t seed = 1400;
  for (const PoolTester& t : Configurations()) t.TestInteger<int16_t>(seed++);
}

TEST(Pooling, Int8AverageRoundsHalfAwayFromZero) {
  // 1x1x2x4 input pooled by a 1x2 window: per channel (1, 2), (-1, -2),
  // (-3, -4), (0, -1), i.e. means 1.5, -1.5, -3.5, -0.5.
  const std::vector<int8_t> input{1, -1, -3, 0, 2, -2, -4, -1};
  PoolOptions o;
  o.filter_height = 1;
  o.filter_width = 2;
  const PoolParams p = PreparePoolInt8(o, {1, 1, 2, 4}, {1, 1, 1, 4}, 0.1f, 0, 0.1f, 0);
  std::vector<int8_t> out(4);
  AveragePoolInt8(p, {1, 1, 2, 4}, input.data(), {1, 1, 1, 4}, out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{2, -2, -4, -1}));
}

TEST(Pooling, SamePaddingIsExcludedFromAverageAndMax) {
  // 2x2 image under a 3x3 SAME window: every window sees all four values.
  const std::vector<float> input{-1, -2, -3, -4};
  PoolOptions o;
  o.padding = Padding::kSame;
  o.filter_height = o.filter_width = 3;
  const PoolParams p = PreparePoolFloat(o, {1, 2, 2, 1}, {1, 2, 2, 1});
  std::vector<float> avg(4), max(4);
  AveragePoolFloat(p, {1, 2, 2, 1}, input.data(), {1, 2, 2, 1}, avg.data());
  MaxPoolFloat(p, {1, 2, 2, 1}, input.data(), {1, 2, 2, 1}, max.data());
  EXPECT_EQ(avg, std::vector<float>(4, -2.5f));  // padding counted as 0 would give -10/9
  EXPECT_EQ(max, std::vector<float>(4, -1.0f));  // padding counted as 0 would give 0

  const std::vector<int8_t> q_input{10, 20, 30, 41};
  const PoolParams pq = PreparePoolInt8(o, {1, 2, 2, 1}, {1, 2, 2, 1}, 0.5f, 3, 0.5f, 3);
  std::vector<int8_t> q_avg(4);
  AveragePoolInt8(pq, {1, 2, 2, 1}, q_input.data(), {1, 2, 2, 1}, q_avg.data());
  EXPECT_EQ(q_avg, std::vector<int8_t>(4, 25));  // 101 / 4 = 25.25
}

TEST(PoolingPrepare, RequiresMatchingQuantization) {
  PoolOptions o;  // 1x1 window, VALID
  EXPECT_THROW(PreparePoolInt8(o, {1, 2, 2, 1}, {1, 2, 2, 1}, 0.5f, 0, 0.25f, 0), Error);
  EXPECT_THROW(PreparePoolInt8(o, {1, 2, 2, 1}, {1, 2, 2, 1}, 0.5f, 0, 0.5f, 1), Error);
  EXPECT_NO_THROW(PreparePoolInt16(o, {1, 2, 2, 1}, {1, 2, 2, 1}, 0.5f, 0, 0.5f + 1e-7f, 0));
  // Output shape disagreeing with the window geometry.
  EXPECT_THROW(PreparePoolFloat(o, {1, 2, 2, 1}, {1, 1, 2, 1}), Error);
  // Unsupported fused activation.
  o.activation = 4;
  EXPECT_THROW(PreparePoolFloat(o, {1, 2, 2, 1}, {1, 2, 2, 1}), Error);
}

}  // namespace
}  // namespace tinyforge::ref
