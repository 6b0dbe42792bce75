#include "libconvert/interp/ref/quant_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace tinyforge::ref {
namespace {

// The decomposition must reproduce the real multiplier to Q31 precision.
TEST(QuantizeMultiplier, ReconstructsRealValue) {
  for (double m : {0.5, 0.75, 1.0, 1.5, 0.0003, 3.9e-5, 12.0}) {
    const QuantizedMultiplier q = QuantizeMultiplier(m);
    EXPECT_GE(q.multiplier, 1 << 30) << m;
    const double back = q.multiplier * std::ldexp(1.0, q.shift - 31);
    EXPECT_NEAR(back, m, m * 1e-9) << m;
  }
  EXPECT_EQ(QuantizeMultiplier(0.0).multiplier, 0);
}

TEST(QuantizeMultiplier, MantissaRoundingUpCarriesIntoShift) {
  // Just below 1.0: the Q31 mantissa rounds to 2^31 and must carry.
  const QuantizedMultiplier q = QuantizeMultiplier(1.0 - 1e-12);
  EXPECT_EQ(q.multiplier, 1 << 30);
  EXPECT_EQ(q.shift, 1);
}

TEST(RoundingDivideByPOT, RoundsHalfAwayFromZero) {
  EXPECT_EQ(RoundingDivideByPOT(5, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(RoundingDivideByPOT(-5, 1), -3);  // -2.5 -> -3
  EXPECT_EQ(RoundingDivideByPOT(4, 1), 2);
  EXPECT_EQ(RoundingDivideByPOT(7, 2), 2);    // 1.75 -> 2
  EXPECT_EQ(RoundingDivideByPOT(-7, 2), -2);
  EXPECT_EQ(RoundingDivideByPOT(100, 0), 100);
}

TEST(SaturatingRoundingDoublingHighMul, SaturatesTheOnlyOverflow) {
  const int32_t kMin = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kMin, kMin), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1 << 30, 1 << 30), 1 << 29);
}

// Independent check: x * M computed in long double, rounded, differs from the
// fixed-point result by at most 1 (double rounding may be off by one).
TEST(MultiplyByQuantizedMultiplier, MatchesRealArithmeticWithinOne) {
  const unsigned seed = 20261121;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> xs(-(1 << 20), 1 << 20);
  std::uniform_real_distribution<double> ms(1e-4, 4.0);
  for (int i = 0; i < 10000; ++i) {
    const int32_t x = xs(rng);
    const double m = ms(rng);
    const QuantizedMultiplier q = QuantizeMultiplier(m);
    const long double exact = static_cast<long double>(x) * q.multiplier * std::ldexp(1.0L, q.shift - 31);
    const int32_t got = MultiplyByQuantizedMultiplier(x, q);
    EXPECT_LE(std::fabs(static_cast<long double>(got) - std::round(exact)), 1.0L)
        << "seed " << seed << " x=" << x << " m=" << m;
  }
}

TEST(CheckedLog2, NoPowerOfTwoForZeroNegativeOrInfinite) {
  int log2 = 7;
  EXPECT_TRUE(CheckedLog2(0.25f, &log2));
  EXPECT_EQ(log2, -2);
  for (const float x : {0.0f, -0.0f, -4.0f, INFINITY, NAN}) {
    EXPECT_FALSE(CheckedLog2(x, &log2)) << x;
    EXPECT_EQ(log2, 0) << x;
  }
}

TEST(QuantizedActivationRange, Relu6InQuantizedDomain) {
  // scale 0.05, zero point -128: 0.0 -> -128, 6.0 -> -128 + 120 = -8.
  const QuantizedRange r = QuantizedActivationRange(3, 0.05f, -128, -128, 127);
  EXPECT_EQ(r.min, -128);
  EXPECT_EQ(r.max, -8);
}

}  // namespace
}  // namespace tinyforge::ref
