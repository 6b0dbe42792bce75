#include "libconvert/interp/ref/fixed_point.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace tinyforge::ref {
namespace {

// Raw value of a Q(integer_bits) number as a real.
double ToReal(int32_t raw, int integer_bits) {
  return std::ldexp(static_cast<double>(raw), integer_bits - 31);
}
int32_t FromReal(double x, int integer_bits) {
  return static_cast<int32_t>(std::llround(std::ldexp(x, 31 - integer_bits)));
}

// gemmlowp's exp truncates a Taylor series around -1/8 after the x^4 term,
// so on its [-1/4, 0) interval the error reaches (1/8)^5 / 5! ~ 2.6e-7, and
// logistic/tanh inherit it. 1e-6 leaves room for rounding while any wrong
// constant, shift or branch costs well over 1e-4.
constexpr double kTranscendentalTolerance = 1e-6;

TEST(FixedPoint, CountLeadingZeros) {
  EXPECT_EQ(CountLeadingZeros32(0), 32);
  EXPECT_EQ(CountLeadingZeros32(1), 31);
  EXPECT_EQ(CountLeadingZeros32(0x80000000u), 0);
  EXPECT_EQ(CountLeadingZeros32(0x00010000u), 15);
}

TEST(FixedPoint, SaturatingRoundingMultiplyByPOT) {
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(3, 2), 12);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(-3, 2), -12);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(1 << 29, 2), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(-(1 << 29), 2), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT((1 << 29) + 1, 1), (1 << 30) + 2);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(6, -2), 2);    // 1.5 -> 2
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(-6, -2), -2);  // -1.5 -> -2
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(5, -2), 1);    // 1.25 -> 1
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(77, 0), 77);
}

TEST(FixedPoint, RoundingHalfSum) {
  EXPECT_EQ(RoundingHalfSum(1, 2), 2);     // 1.5 -> 2
  EXPECT_EQ(RoundingHalfSum(-1, -2), -2);  // -1.5 -> -2
  EXPECT_EQ(RoundingHalfSum(4, 6), 5);
  const int32_t kMax = std::numeric_limits<int32_t>::max();
  EXPECT_EQ(RoundingHalfSum(kMax, kMax), kMax);  // no overflow
}

TEST(FixedPoint, ExpOnNegativeValuesMatchesExp) {
  EXPECT_EQ(ExpOnNegativeValues(0, 5), std::numeric_limits<int32_t>::max());
  const unsigned seed = 1234567;
  std::mt19937 rng(seed);
  for (int integer_bits : {0, 1, 4, 5, 6, 12}) {
    const double lowest = -std::min(std::ldexp(1.0, integer_bits), 40.0);
    std::uniform_real_distribution<double> xs(lowest, 0.0);
    for (int i = 0; i < 2000; ++i) {
      const int32_t raw = FromReal(xs(rng), integer_bits);
      const double x = ToReal(raw, integer_bits);
      const double got = ToReal(ExpOnNegativeValues(raw, integer_bits), 0);
      ASSERT_NEAR(got, std::exp(x), kTranscendentalTolerance)
          << "seed " << seed << " integer_bits " << integer_bits << " x " << x;
    }
  }
  // Below -32, formats with more than 5 integer bits return exactly zero.
  EXPECT_EQ(ExpOnNegativeValues(FromReal(-33.0, 6), 6), 0);
}

TEST(FixedPoint, ReciprocalFunctionsMatchDivision) {
  const unsigned seed = 99;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> raws(0, std::numeric_limits<int32_t>::max());
  for (int i = 0; i < 5000; ++i) {
    const int32_t raw = raws(rng);
    const double x = ToReal(raw, 0);
    ASSERT_NEAR(ToReal(OneOverOnePlusXForXIn01(raw), 0), 1.0 / (1.0 + x), kTranscendentalTolerance)
        << "seed " << seed << " x " << x;
    ASSERT_NEAR(ToReal(OneMinusXOverOnePlusXForXIn01(raw), 0), (1.0 - x) / (1.0 + x),
                kTranscendentalTolerance)
        << "seed " << seed << " x " << x;
  }
}

TEST(FixedPoint, TanhAndLogisticMatchFloatingPoint) {
  EXPECT_EQ(FixedPointTanh(0, 4), 0);
  EXPECT_EQ(FixedPointLogistic(0, 4), 1 << 30);
  const unsigned seed = 4242;
  std::mt19937 rng(seed);
  for (int integer_bits : {0, 3, 4}) {
    const double limit = std::ldexp(1.0, integer_bits);
    std::uniform_real_distribution<double> xs(-limit, limit);
    for (int i = 0; i < 3000; ++i) {
      const int32_t raw = FromReal(xs(rng), integer_bits);
      if (raw == std::numeric_limits<int32_t>::min()) continue;
      const double x = ToReal(raw, integer_bits);
      ASSERT_NEAR(ToReal(FixedPointTanh(raw, integer_bits), 0), std::tanh(x),
                  kTranscendentalTolerance)
          << "seed " << seed << " x " << x;
      ASSERT_NEAR(ToReal(FixedPointLogistic(raw, integer_bits), 0), 1.0 / (1.0 + std::exp(-x)),
                  kTranscendentalTolerance)
          << "seed " << seed << " x " << x;
    }
  }
}

TEST(FixedPoint, GetReciprocal) {
  const unsigned seed = 7;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> xs(1.0, 4000.0);
  for (int i = 0; i < 2000; ++i) {
    const int32_t raw = FromReal(xs(rng), 12);
    int bits = 0;
    const int32_t s = GetReciprocal(raw, 12, &bits);
    const double got = std::ldexp(ToReal(s, 0), -bits);
    const double want = 1.0 / ToReal(raw, 12);
    ASSERT_NEAR(got / want, 1.0, 1e-6) << "seed " << seed << " x " << ToReal(raw, 12);
  }
  int bits = -1;
  GetReciprocal(FromReal(1.0, 12), 12, &bits);  // 1.0 needs no shift
  EXPECT_EQ(bits, 0);
  GetReciprocal(FromReal(4.0, 12), 12, &bits);  // 1/4 = (1/1) / 2^2
  EXPECT_EQ(bits, 2);
}

TEST(FixedPoint, Int16Primitives) {
  EXPECT_EQ(SaturatingRoundingDoublingHighMul16(-32768, -32768), 32767);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul16(16384, 16384), 8192);  // 0.5 * 0.5
  EXPECT_EQ(SaturatingRoundingDoublingHighMul16(3, 16384), 2);         // 1.5 -> 2
  // Ties go toward +inf: the nudge for negative products is 1 - 2^14.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul16(-3, 16384), -1);  // -1.5 -> -1
  EXPECT_EQ(SaturatingRoundingDoublingHighMul16(-5, 16384), -2);  // -2.5 -> -2
  EXPECT_EQ(RoundingDivideByPOT16(5, 1), 3);
  EXPECT_EQ(RoundingDivideByPOT16(-5, 1), -3);
  EXPECT_EQ(RoundingDivideByPOT16(-32768, 15), -1);
  EXPECT_EQ(RoundingDivideByPOT16(16384, 15), 1);  // 0.5 -> 1
  EXPECT_EQ(RoundingDivideByPOT16(16383, 15), 0);
  // gemmlowp's int16 mask wraps to -1 from exponent 16 on: non-negative
  // inputs give 1 and negative ones -1 (worked through by hand from its
  // definition: remainder = x, threshold = -1 + (x < 0)).
  EXPECT_EQ(RoundingDivideByPOT16(0, 16), 1);
  EXPECT_EQ(RoundingDivideByPOT16(1000, 20), 1);
  EXPECT_EQ(RoundingDivideByPOT16(-1000, 20), -1);
}

float Exp(float x) { return std::exp(x); }

TEST(FixedPoint, Int16LutInterpolatesTheFunction) {
  // exp on [-10, 0] as int16 softmax builds it: input scale 10/65535 with
  // zero point 32767, output scale 2/65535.
  int16_t lut[kInt16LutSize];
  PopulateInt16Lut(10.0f / 65535.0f, 32767, 2.0f / 65535.0f, 0, Exp, lut);
  EXPECT_EQ(lut[kInt16LutSize - 1], 32767);  // exp(0) = 1 saturates at 32767.5
  const unsigned seed = 31;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> qs(-32768, 32767);
  for (int i = 0; i < 5000; ++i) {
    const int16_t q = static_cast<int16_t>(qs(rng));
    // The lookup splits the int16 range into 512 segments of 128 values
    // spanning the table's input range [-10, 0], so q sits at this x (which
    // differs from the dequantized 10/65535 * (q - 32767) by up to 1.5e-4).
    const double x = -10.0 + (q + 32768) * 10.0 / 65536.0;
    const double want = std::exp(x) * 65535.0 / 2.0;
    // Linear interpolation over segments h = 10/512 wide errs by at most
    // h^2/8 * max(exp'') = 1.53 output units; the sample and the
    // interpolation are each rounded (0.5 + 0.5).
    ASSERT_NEAR(LookupInt16Lut(q, lut), want, 2.53) << "seed " << seed << " q " << q;
  }
}

}  // namespace
}  // namespace tinyforge::ref
