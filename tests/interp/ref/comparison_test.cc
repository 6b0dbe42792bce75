#include "libconvert/interp/ref/comparison.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/index_util.h"

namespace tinyforge::ref {
namespace {

bool Expected(Comparison op, double a, double b) {
  switch (op) {
    case Comparison::kEqual: return a == b;
    case Comparison::kNotEqual: return a != b;
    case Comparison::kLess: return a < b;
    case Comparison::kLessEqual: return a <= b;
    case Comparison::kGreater: return a > b;
    case Comparison::kGreaterEqual: return a >= b;
  }
  return false;
}

const Comparison kAll[] = {Comparison::kEqual, Comparison::kNotEqual, Comparison::kLess,
                           Comparison::kLessEqual, Comparison::kGreater, Comparison::kGreaterEqual};

TEST(Compare, BroadcastInt32MatchesNaive) {
  const unsigned seed = 11;
  std::mt19937 rng(seed);
  // a [2, 1, 3], b [4, 1] -> [2, 4, 3]
  const Shape sa{2, 1, 3}, sb{4, 1}, so{2, 4, 3};
  std::vector<int32_t> a(6), b(4);
  for (auto& v : a) v = std::uniform_int_distribution<int32_t>(-2, 2)(rng);
  for (auto& v : b) v = std::uniform_int_distribution<int32_t>(-2, 2)(rng);
  const BroadcastPlan plan = MakeBroadcastPlan(sa, sb, so);
  for (Comparison op : kAll) {
    bool out[24];
    Compare(op, plan, a.data(), b.data(), out);
    for (int64_t f = 0; f < 24; ++f) {
      const auto c = testing::Coords(f, so.dims());
      const int32_t x = a[static_cast<size_t>(c[0] * 3 + c[2])];
      const int32_t y = b[static_cast<size_t>(c[1])];
      ASSERT_EQ(out[f], Expected(op, x, y)) << "seed " << seed << " op " << int(op) << " element " << f;
    }
  }
}

TEST(Compare, FloatAndBool) {
  const float a[] = {1.f, 2.f, -0.f}, b[] = {1.f, 1.f, 0.f};
  bool out[3];
  Compare(Comparison::kEqual, MakeBroadcastPlan(Shape{3}, Shape{3}, Shape{3}), a, b, out);
  EXPECT_TRUE(out[0]);
  EXPECT_FALSE(out[1]);
  EXPECT_TRUE(out[2]);  // -0 == 0
  const bool p[] = {true, false}, q[] = {true};
  bool o2[2];
  Compare(Comparison::kNotEqual, MakeBroadcastPlan(Shape{2}, Shape{1}, Shape{2}), p, q, o2);
  EXPECT_FALSE(o2[0]);
  EXPECT_TRUE(o2[1]);
}

// Quantized comparisons decide by real value whenever the two real values
// are clearly apart (more than both scales), and equal quantization compares
// raw values exactly.
TEST(Compare, Int8RescalesToRealValues) {
  const unsigned seed = 12;
  std::mt19937 rng(seed);
  const float s1 = 0.05f, s2 = 0.02f;
  const int32_t z1 = 3, z2 = -7;
  const QuantizedComparisonParams p = PrepareQuantizedComparison(s1, z1, s2, z2);
  const BroadcastPlan plan = MakeBroadcastPlan(Shape{1}, Shape{1}, Shape{1});
  int decided = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const int8_t a = static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
    const int8_t b = static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
    const double ra = s1 * (a - z1), rb = s2 * (b - z2);
    if (std::fabs(ra - rb) < 0.06) continue;
    ++decided;
    for (Comparison op : kAll) {
      bool out;
      Compare(op, plan, p, &a, &b, &out);
      ASSERT_EQ(out, Expected(op, ra, rb)) << "seed " << seed << " a " << int(a) << " b " << int(b);
    }
  }
  EXPECT_GT(decided, 1000);
  const QuantizedComparisonParams same = PrepareQuantizedComparison(s1, z1, s1, z1);
  for (int a = -128; a < 128; a += 3) {
    for (int b = -128; b < 128; b += 5) {
      const int8_t x = static_cast<int8_t>(a), y = static_cast<int8_t>(b);
      bool eq, lt;
      Compare(Comparison::kEqual, plan, same, &x, &y, &eq);
      Compare(Comparison::kLess, plan, same, &x, &y, &lt);
      ASSERT_EQ(eq, a == b);
      ASSERT_EQ(lt, a < b);
    }
  }
  EXPECT_THROW(PrepareQuantizedComparison(1.5f, 0, 0.1f, 0), Error);
}

}  // namespace
}  // namespace tinyforge::ref
