// Scalar fixed-point arithmetic in the formats gemmlowp's fixedpoint library
// uses, which TFLM's softmax, logistic and tanh kernels are built on.
//
// A value "Qi" below is an int32 raw value r with i integer bits and 31 - i
// fractional bits: real = r / 2^(31 - i). Q0 covers [-1, 1). Functions take
// the number of integer bits as a run-time argument where gemmlowp takes a
// template parameter; the arithmetic, rounding and saturation are the same,
// so results are identical bit for bit. Additions that gemmlowp leaves to
// wrap around (plain int32 +, -, negation) wrap here too, without UB.
#pragma once

#include <cstdint>

namespace tinyforge::ref {

// Two's complement wrap-around arithmetic without signed-overflow UB: the
// int32/int64 arithmetic TFLM's accumulators and gemmlowp rely on.
inline int32_t WrappingAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int32_t WrapSub32(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
inline int32_t WrapNeg32(int32_t a) { return static_cast<int32_t>(0u - static_cast<uint32_t>(a)); }

// Number of leading zero bits of x; 32 for x == 0.
int CountLeadingZeros32(uint32_t x);

// x * 2^exponent. exponent > 0: left shift saturating to the int32 range;
// exponent < 0: rounding (half away from zero) right shift. exponent in
// [-31, 31].
int32_t SaturatingRoundingMultiplyByPOT(int32_t x, int exponent);

// Converts a raw value from Q(src_integer_bits) to Q(dst_integer_bits),
// saturating when the destination has fewer integer bits.
inline int32_t RescaleFixedPoint(int32_t x, int src_integer_bits, int dst_integer_bits) {
  return SaturatingRoundingMultiplyByPOT(x, src_integer_bits - dst_integer_bits);
}

// (a + b) / 2 rounded half away from zero, computed without overflow.
int32_t RoundingHalfSum(int32_t a, int32_t b);

// exp(a) for a <= 0 given in Q(integer_bits), integer_bits in [0, 29];
// result in Q0 (exp(0) is the Q0 maximum, 2^31 - 1).
int32_t ExpOnNegativeValues(int32_t a, int integer_bits);

// 1 / (1 + a) for a in [0, 1) given in Q0; result in Q0 (in (1/2, 1]).
int32_t OneOverOnePlusXForXIn01(int32_t a);

// (1 - a) / (1 + a) for a in [0, 1) given in Q0; result in Q0.
int32_t OneMinusXOverOnePlusXForXIn01(int32_t a);

// tanh(a) for a given in Q(integer_bits); result in Q0.
int32_t FixedPointTanh(int32_t a, int integer_bits);

// 1 / (1 + exp(-a)) for a given in Q(integer_bits); result in Q0.
int32_t FixedPointLogistic(int32_t a, int integer_bits);

// log(x) for x >= 1 given in Q(input_integer_bits); result in
// Q(output_integer_bits) (TFLM's log_x_for_x_greater_than_or_equal_to_1:
// a rational approximation around sqrt(sqrt(1/2)) after normalising x to
// [1/2, 1), computed with one extra integer bit of headroom).
int32_t LogXForXGreaterThanOrEqualTo1(int32_t x, int input_integer_bits, int output_integer_bits);

// Reciprocal of a positive x given in Q(x_integer_digits): returns a Q0 value
// s in [1/2, 1] and sets *num_bits_over_unit = b such that 1/x == s / 2^b.
int32_t GetReciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit);

// The int16 counterparts of the gemmlowp primitives (Q0.15 raw values).
// (a * b * 2) / 2^16 rounded half away from zero; a == b == -32768
// saturates to 32767.
int16_t SaturatingRoundingDoublingHighMul16(int16_t a, int16_t b);
// gemmlowp's RoundingDivideByPOT instantiated for int16, exponent in [0, 31].
// Its mask is computed in int16, so for exponent >= 16 the mask wraps to -1
// and the result differs from a true rounding shift; callers that must match
// TFLM rely on that.
int16_t RoundingDivideByPOT16(int16_t x, int exponent);

// Piecewise-linear int16 lookup tables, built and read as TFLM's
// LUTPopulate<int16_t> / LUTLookup do (int16 softmax uses two of them).
// The table samples f at 512 equal steps over the input range of int16
// values [-32768, 32767] dequantized with (input_scale, input_zero_point),
// plus the end point, in the output quantization (output_scale,
// output_zero_point); each sample is biased by half the interpolation error
// at its segment's midpoint. All arithmetic is float, as in TFLM.
constexpr int kInt16LutSize = 513;
void PopulateInt16Lut(float input_scale, int32_t input_zero_point, float output_scale,
                      int32_t output_zero_point, float (*f)(float), int16_t* lut);
// f(value) by linear interpolation between the two table entries around
// value (7 fractional bits of position, rounded).
int16_t LookupInt16Lut(int16_t value, const int16_t* lut);

}  // namespace tinyforge::ref
