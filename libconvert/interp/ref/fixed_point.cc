#include "libconvert/interp/ref/fixed_point.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::ref {
namespace {

constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();

// Q0 * Qi -> Q(0 + i): the fixed-point product is the doubling high multiply.
inline int32_t Mul(int32_t a, int32_t b) { return SaturatingRoundingDoublingHighMul(a, b); }

// Raw value of 2^exponent in Q(integer_bits).
inline int32_t ConstantPOT(int integer_bits, int exponent) {
  return int32_t{1} << (31 - integer_bits + exponent);
}

// Raw value of 1.0 in Q(integer_bits); Q0 cannot hold 1.0 and uses its max.
inline int32_t One(int integer_bits) {
  return integer_bits == 0 ? kInt32Max : ConstantPOT(integer_bits, 0);
}

// exp(a) on [-1/4, 0) for a in Q0: Taylor expansion around -1/8 to the 4th
// order. Constants are exp(-1/8) and 1/3 in Q0.
int32_t ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(int32_t a) {
  constexpr int32_t kExpMinusOneEighth = 1895147668;
  constexpr int32_t kOneThird = 715827883;
  const int32_t x = WrappingAdd(a, ConstantPOT(0, -3));
  const int32_t x2 = Mul(x, x);
  const int32_t x3 = Mul(x2, x);
  const int32_t x4 = Mul(x2, x2);
  const int32_t x4_over_4 = SaturatingRoundingMultiplyByPOT(x4, -2);
  const int32_t poly =
      SaturatingRoundingMultiplyByPOT(WrappingAdd(Mul(WrappingAdd(x4_over_4, x3), kOneThird), x2), -1);
  // Q0 is 32 bits wide, so gemmlowp's final addition does not saturate.
  return WrappingAdd(kExpMinusOneEighth, Mul(kExpMinusOneEighth, WrappingAdd(x, poly)));
}

// Three Newton-Raphson steps for 1 / (2 * half_denominator), starting from
// the minimax linear estimate 48/17 - 32/17 * d. Returns x in Q2.
int32_t NewtonReciprocalQ2(int32_t half_denominator) {
  constexpr int32_t kFortyEightOverSeventeen = 1515870810;       // Q2
  constexpr int32_t kMinusThirtyTwoOverSeventeen = -1010580540;  // Q2
  constexpr int kQ2 = 2;
  int32_t x =
      WrappingAdd(kFortyEightOverSeventeen, Mul(half_denominator, kMinusThirtyTwoOverSeventeen));
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = Mul(half_denominator, x);        // Q2
    const int32_t one_minus = WrapSub32(One(kQ2), half_denominator_times_x);  // Q2
    x = WrappingAdd(x, RescaleFixedPoint(Mul(x, one_minus), 2 * kQ2, kQ2));     // Q4 -> Q2
  }
  return x;
}

}  // namespace

int CountLeadingZeros32(uint32_t x) {
  if (x == 0) return 32;
  int n = 0;
  while ((x & 0x80000000u) == 0) {
    x <<= 1;
    ++n;
  }
  return n;
}

int32_t SaturatingRoundingMultiplyByPOT(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return RoundingDivideByPOT(x, -exponent);
  const int64_t shifted = static_cast<int64_t>(x) * (int64_t{1} << exponent);
  if (shifted > kInt32Max) return kInt32Max;
  if (shifted < kInt32Min) return kInt32Min;
  return static_cast<int32_t>(shifted);
}

int32_t RoundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + static_cast<int64_t>(b);
  const int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

int32_t ExpOnNegativeValues(int32_t a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  // Split a = (a mod 1/4) - 1/4 - remainder, so that a mod 1/4 - 1/4 lies in
  // [-1/4, 0) and the remainder is a sum of powers of two >= 1/4.
  const int32_t one_quarter = ConstantPOT(integer_bits, -2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_quarter = WrapSub32(a & mask, one_quarter);
  int32_t result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(
      RescaleFixedPoint(a_mod_quarter_minus_quarter, integer_bits, 0));
  const int32_t remainder = WrapSub32(a_mod_quarter_minus_quarter, a);

  // exp(-2^k) in Q0 for k = -2 .. 4: multiply in one factor per set bit of
  // the remainder (only bits the input format can hold).
  struct Factor {
    int exponent;
    int32_t multiplier;
  };
  constexpr Factor kFactors[] = {
      {-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
      {2, 39332535},    {3, 720401},      {4, 242},
  };
  for (const Factor& f : kFactors) {
    if (integer_bits > f.exponent) {
      const int bit = fractional_bits + f.exponent;
      if ((remainder & (int32_t{1} << bit)) != 0) result = Mul(result, f.multiplier);
    }
  }

  // Below -32 the product underflows; gemmlowp forces an exact zero there.
  if (integer_bits > 5) {
    const int32_t minus_32 = -(int32_t{1} << (36 - integer_bits));
    if (a < minus_32) result = 0;
  }
  if (a == 0) result = One(0);
  return result;
}

int32_t OneOverOnePlusXForXIn01(int32_t a) {
  const int32_t half_denominator = RoundingHalfSum(a, One(0));
  const int32_t x = NewtonReciprocalQ2(half_denominator);  // 1/(1+a) * 2, Q2
  // Halving x is a change of format Q2 -> Q1 with the same raw bits.
  return RescaleFixedPoint(x, 1, 0);
}

int32_t OneMinusXOverOnePlusXForXIn01(int32_t a) {
  const int32_t half_denominator = RoundingHalfSum(a, One(0));
  const int32_t x = NewtonReciprocalQ2(half_denominator);  // 2/(1+a), Q2
  return RescaleFixedPoint(WrapSub32(x, One(2)), 2, 0);
}

int32_t FixedPointTanh(int32_t a, int integer_bits) {
  const bool negative = a < 0;
  const int32_t minus_abs = negative ? a : WrapNeg32(a);
  // tanh(|a|) = (1 - exp(-2|a|)) / (1 + exp(-2|a|)); doubling a is a change
  // of format to one more integer bit with the same raw value.
  const int32_t t = OneMinusXOverOnePlusXForXIn01(ExpOnNegativeValues(minus_abs, integer_bits + 1));
  if (a == 0) return 0;
  return negative ? WrapNeg32(t) : t;
}

int32_t FixedPointLogistic(int32_t a, int integer_bits) {
  const bool positive = a > 0;
  const int32_t abs_a = positive ? a : WrapNeg32(a);
  const int32_t if_positive =
      OneOverOnePlusXForXIn01(ExpOnNegativeValues(WrapNeg32(abs_a), integer_bits));
  if (a == 0) return int32_t{1} << 30;  // 1/2 in Q0
  return positive ? if_positive : WrapSub32(One(0), if_positive);
}

int32_t GetReciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit) {
  const int headroom_plus_one = CountLeadingZeros32(static_cast<uint32_t>(x));
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  // x normalised to [1, 2), minus one, as a Q0 value in [0, 1).
  const uint32_t normalised =
      headroom_plus_one >= 32 ? 0u : static_cast<uint32_t>(x) << headroom_plus_one;
  const int32_t shifted_minus_one = static_cast<int32_t>(normalised - (uint32_t{1} << 31));
  return OneOverOnePlusXForXIn01(shifted_minus_one);
}

int32_t LogXForXGreaterThanOrEqualTo1(int32_t x, int input_integer_bits, int output_integer_bits) {
  // gemmlowp constants in Q0: log(2), sqrt(sqrt(1/2)), sqrt(1/2), 1/4 and the
  // coefficients of the rational approximation.
  constexpr int32_t kLog2 = 1488522236;
  constexpr int32_t kSqrtSqrtHalf = 1805811301;
  constexpr int32_t kSqrtHalf = 1518500250;
  constexpr int32_t kOneQuarter = 536870912;
  constexpr int32_t kAlphaN = 117049297;
  constexpr int32_t kAlphaD = 127690142;
  constexpr int32_t kAlphaI = 1057819769;
  constexpr int32_t kAlphaF = 638450708;
  const int accum_bits = output_integer_bits + 1;
  auto saturating_add = [](int32_t a, int32_t b) {
    return static_cast<int32_t>(std::clamp<int64_t>(int64_t{a} + b, kInt32Min, kInt32Max));
  };
  const int32_t shifted_quarter = RescaleFixedPoint(kOneQuarter, 0, accum_bits);

  // Two normalisations of x into [1/2, 1) (Q0): as is, and times sqrt(1/2);
  // the one closer to sqrt(sqrt(1/2)) gives the smaller r.
  const int32_t z_a = x;
  const int z_a_headroom_plus_1 = CountLeadingZeros32(static_cast<uint32_t>(z_a));
  const int32_t r_a_tmp = SaturatingRoundingMultiplyByPOT(z_a, z_a_headroom_plus_1 - 1);
  const int32_t r_a = SaturatingRoundingMultiplyByPOT(Mul(r_a_tmp, kSqrtHalf), 1);
  const int32_t z_a_pow_2_adj = saturating_add(
      SaturatingRoundingMultiplyByPOT(input_integer_bits - z_a_headroom_plus_1, 31 - accum_bits), shifted_quarter);
  const int32_t z_b = Mul(z_a, kSqrtHalf);
  const int z_b_headroom = CountLeadingZeros32(static_cast<uint32_t>(z_b)) - 1;
  const int32_t r_b = SaturatingRoundingMultiplyByPOT(z_a, z_b_headroom);
  const int32_t z_b_pow_2_adj = static_cast<int32_t>(std::clamp<int64_t>(
      int64_t{SaturatingRoundingMultiplyByPOT(input_integer_bits - z_b_headroom, 31 - accum_bits)} - shifted_quarter,
      kInt32Min, kInt32Max));
  const int32_t r = std::min(r_a, r_b);
  const int32_t z_pow_2_adj = std::max(z_a_pow_2_adj, z_b_pow_2_adj);

  // log(r) around sqrt(sqrt(1/2)): num / denom in q = 2 (r - sqrt(sqrt(1/2))).
  const int32_t p = RoundingHalfSum(r, kSqrtSqrtHalf);
  int32_t q = WrapSub32(r, kSqrtSqrtHalf);
  q = WrappingAdd(q, q);
  const int32_t common_sq = Mul(q, q);
  const int32_t num = WrappingAdd(Mul(q, r), Mul(Mul(q, common_sq), kAlphaN));
  const int32_t denom_minus_one =
      WrappingAdd(Mul(p, WrappingAdd(WrappingAdd(kAlphaI, q), Mul(kAlphaD, common_sq))), Mul(kAlphaF, q));
  const int32_t recip_denom = OneOverOnePlusXForXIn01(denom_minus_one);
  const int32_t num_scaled = RescaleFixedPoint(num, 0, accum_bits);
  const int32_t log_accum = WrappingAdd(Mul(z_pow_2_adj, kLog2), Mul(num_scaled, recip_denom));
  return RescaleFixedPoint(log_accum, accum_bits, output_integer_bits);
}

int16_t SaturatingRoundingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) {
    return std::numeric_limits<int16_t>::max();
  }
  const int32_t ab = static_cast<int32_t>(a) * static_cast<int32_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

int16_t RoundingDivideByPOT16(int16_t x, int exponent) {
  // Every intermediate is narrowed to int16 as gemmlowp's int16 path does.
  const int16_t mask = static_cast<int16_t>((int64_t{1} << exponent) - 1);
  const int16_t remainder = static_cast<int16_t>(x & mask);
  const int16_t threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  const int16_t shifted = static_cast<int16_t>(x >> exponent);
  return static_cast<int16_t>(shifted + (remainder > threshold ? 1 : 0));
}

void PopulateInt16Lut(float input_scale, int32_t input_zero_point, float output_scale,
                      int32_t output_zero_point, float (*f)(float), int16_t* lut) {
  constexpr int32_t kQMin = std::numeric_limits<int16_t>::min();
  constexpr int32_t kQMax = std::numeric_limits<int16_t>::max();
  constexpr int kSteps = kInt16LutSize - 1;
  // Operation order and float precision follow TFLM so the table bits match.
  const float input_min = input_scale * static_cast<float>(kQMin - input_zero_point);
  const float input_max = input_scale * static_cast<float>(kQMax - input_zero_point);
  const float output_min = output_scale * static_cast<float>(kQMin - output_zero_point);
  const float output_max = output_scale * static_cast<float>(kQMax - output_zero_point);
  const float step = (input_max - input_min) / static_cast<float>(kSteps);
  const float half_step = step / 2.0f;
  const float to_table = static_cast<float>(kQMax - kQMin + 1) / (output_max - output_min);
  const float table_min = static_cast<float>(kQMin);
  const float table_max = static_cast<float>(kQMax);
  auto clamp_to_table = [&](float v) {
    return static_cast<int16_t>(std::min(std::max(v, table_min), table_max));
  };

  for (int i = 0; i < kSteps; ++i) {
    const float at_start = input_min + static_cast<float>(i) * step;
    const float y_start = f(at_start);
    const float y_mid = f(at_start + half_step);
    const float y_end = f(input_min + static_cast<float>(i + 1) * step);
    const float sample = std::round(y_start * to_table);
    const float interpolated_mid =
        std::round((y_end * to_table + std::round(y_start * to_table)) / 2.0f);
    const float exact_mid = std::round(y_mid * to_table);
    const float bias = std::round((interpolated_mid - exact_mid) / 2.0f);
    lut[i] = clamp_to_table(sample - bias);
  }
  lut[kSteps] = clamp_to_table(std::round(f(input_max) * to_table));
}

int16_t LookupInt16Lut(int16_t value, const int16_t* lut) {
  // The top 9 bits pick the segment (offset so that -32768 maps to entry 0),
  // the low 7 bits are the position inside it.
  const int index = 256 + (value >> 7);
  const int position = value & 0x7f;
  const int16_t base = lut[index];
  const int16_t slope = static_cast<int16_t>(lut[index + 1] - lut[index]);
  const int delta = (slope * position + 64) >> 7;
  return static_cast<int16_t>(base + delta);
}

}  // namespace tinyforge::ref
