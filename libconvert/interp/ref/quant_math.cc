#include "libconvert/interp/ref/quant_math.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "libconvert/base/error.h"

namespace tinyforge::ref {

QuantizedMultiplier QuantizeMultiplier(double real_multiplier) {
  QuantizedMultiplier result;
  // Multipliers are ratios of a model's scales (and LEAKY_RELU's alpha, which
  // may be negative): a NaN, infinite or huge one (a zero or denormal scale
  // divided by) has no fixed-point form, and converting or shifting by it is
  // undefined (found by fuzzing). Every caller is a Prepare, where the Error
  // refuses the operator.
  if (!std::isfinite(real_multiplier)) {
    throw Error(std::string(kScaleRatioError) + " is " + std::to_string(real_multiplier) +
                ": the scales must be finite and not zero");
  }
  if (real_multiplier == 0.0) return result;
  int shift = 0;
  const double mantissa = std::frexp(real_multiplier, &shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(mantissa * (1LL << 31)));
  if (q_fixed == (1LL << 31)) {  // the mantissa rounded up to 1.0
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) {  // too small to represent: flush to zero like TFLM
    shift = 0;
    q_fixed = 0;
  }
  if (shift > 31) {  // TFLM's multiply shifts an int32 left by it
    throw Error(std::string(kScaleRatioError) + " of " + std::to_string(real_multiplier) +
                " is too large for fixed-point arithmetic (over 2^31): a scale is near zero");
  }
  result.multiplier = static_cast<int32_t>(q_fixed);
  result.shift = shift;
  return result;
}

int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  const bool overflow = a == b && a == std::numeric_limits<int32_t>::min();
  if (overflow) return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  // Division (not shift) truncates toward zero, which is what gemmlowp does.
  return static_cast<int32_t>((ab + nudge) / (1LL << 31));
}

int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t quantized_multiplier, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  // TFLM multiplies in int32 and relies on two's complement wrap-around;
  // do the same without signed-overflow UB.
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(shifted, quantized_multiplier),
                             right_shift);
}

int32_t MultiplyByQuantizedMultiplier(int64_t x, int32_t quantized_multiplier, int shift) {
  // TFLM's 64-bit path: the multiplier is reduced to 16 bits (rounded) and the
  // product is shifted right with rounding by 15 - shift.
  const int32_t reduced_multiplier =
      quantized_multiplier < 0x7FFF0000 ? ((quantized_multiplier + (1 << 15)) >> 16) : 0x7FFF;
  // TFLM's int64 product wraps on a hostile x (a file's int64 LSTM bias
  // near 2^53, found by fuzzing): the same bits in unsigned arithmetic,
  // without the undefined behaviour. A shift of 15 or more (a huge
  // multiplier) has no rounding term in TFLM's formula either.
  const int total_shift = 15 - shift;
  const uint64_t product = static_cast<uint64_t>(x) * static_cast<uint64_t>(static_cast<int64_t>(reduced_multiplier));
  if (total_shift <= 0) return static_cast<int32_t>(static_cast<int64_t>(product << -total_shift));
  const auto rounded = static_cast<int64_t>(product + (uint64_t{1} << (total_shift - 1)));
  return static_cast<int32_t>(rounded >> total_shift);
}

QuantizedRange QuantizedActivationRange(int act, float scale, int32_t zero_point,
                                        int32_t qmin, int32_t qmax) {
  // As TFLM: zero_point + round(f / scale) in float. A hostile scale (0,
  // denormal; found by fuzzing) makes that infinite, NaN or past int32, where
  // TFLM's cast is undefined: saturate, so the clamp below gives qmin or qmax.
  auto quantize = [&](float f) {
    const float r = std::round(f / scale);
    if (std::isnan(r)) return zero_point;
    const double q = std::clamp(static_cast<double>(zero_point) + static_cast<double>(r), -2147483648.0, 2147483647.0);
    return static_cast<int32_t>(q);
  };
  switch (act) {
    case 1:  // RELU
      return {std::max(qmin, quantize(0.0f)), qmax};
    case 2:  // RELU_N1_TO_1
      return {std::max(qmin, quantize(-1.0f)), std::min(qmax, quantize(1.0f))};
    case 3:  // RELU6
      return {std::max(qmin, quantize(0.0f)), std::min(qmax, quantize(6.0f))};
    default:
      return {qmin, qmax};
  }
}

FloatRange FloatActivationRange(int act) {
  switch (act) {
    case 1:
      return {0.0f, std::numeric_limits<float>::max()};
    case 2:
      return {-1.0f, 1.0f};
    case 3:
      return {0.0f, 6.0f};
    default:
      return {std::numeric_limits<float>::lowest(), std::numeric_limits<float>::max()};
  }
}

bool CheckedLog2(float x, int* log2) {
  // A file's scale may be 0 (the loader keeps it) or denormal: log2 of 0 is
  // -inf, which no int holds. TFLM converts it anyway (undefined); here it
  // is no power of two.
  if (!(x > 0.0f) || !std::isfinite(x)) {
    *log2 = 0;
    return false;
  }
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2 = static_cast<int>(rounded);
  return std::abs(x_log2 - rounded) < 1e-3f;
}

}  // namespace tinyforge::ref
