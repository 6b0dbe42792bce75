#include "libconvert/interp/ref/unary.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "libconvert/interp/ref/fixed_point.h"

namespace tinyforge::ref {
namespace {

template <typename F>
void Map(int64_t count, const float* input, float* output, F f) {
  for (int64_t i = 0; i < count; ++i) output[i] = f(input[i]);
}

}  // namespace

void Sqrt(int64_t count, const float* input, float* output) {
  Map(count, input, output, [](float x) { return std::sqrt(x); });
}
void Rsqrt(int64_t count, const float* input, float* output) {
  Map(count, input, output, [](float x) { return 1.f / std::sqrt(x); });
}
void Abs(int64_t count, const float* input, float* output) {
  Map(count, input, output, [](float x) { return std::abs(x); });
}
void Neg(int64_t count, const float* input, float* output) {
  Map(count, input, output, [](float x) { return -x; });
}
void Exp(int64_t count, const float* input, float* output) {
  Map(count, input, output, [](float x) { return std::exp(x); });
}
void Log(int64_t count, const float* input, float* output) {
  Map(count, input, output, [](float x) { return std::log(x); });
}

void Gelu(int64_t count, bool approximate, const float* input, float* output) {
  // sqrt(2 / pi) and 1 / sqrt(2), rounded to float.
  constexpr float kSqrtTwoOverPi = static_cast<float>(0.79788456080286535587989211986876);
  constexpr float kOneOverSqrtTwo = static_cast<float>(0.70710678118654752440084436210485);
  if (approximate) {
    Map(count, input, output, [&](float x) {
      return 0.5f * x * (1.f + std::tanh(kSqrtTwoOverPi * (x + 0.044715f * x * x * x)));
    });
  } else {
    Map(count, input, output, [&](float x) { return 0.5f * x * (1.f + std::erf(x * kOneOverSqrtTwo)); });
  }
}

QuantizedAbsParams PrepareQuantizedAbs(float input_scale, int32_t input_zero_point, float output_scale,
                                       int32_t output_zero_point) {
  QuantizedAbsParams p;
  p.input_zero_point = input_zero_point;
  p.output_zero_point = output_zero_point;
  p.needs_rescale = input_scale != output_scale;
  // The ratio is taken in float, then widened (as TFLM).
  if (p.needs_rescale) p.multiplier = QuantizeMultiplier(static_cast<double>(input_scale / output_scale));
  return p;
}

namespace {
template <typename T>
void QuantizedAbs(const QuantizedAbsParams& p, int64_t count, const T* input, T* output) {
  constexpr int32_t kMin = std::numeric_limits<T>::min();
  constexpr int32_t kMax = std::numeric_limits<T>::max();
  for (int64_t i = 0; i < count; ++i) {
    const int32_t value = std::abs(static_cast<int32_t>(input[i]) - p.input_zero_point);
    const int32_t scaled = p.needs_rescale ? MultiplyByQuantizedMultiplier(value, p.multiplier) : value;
    // Sum in 64 bits: TFLM sums in long (64-bit on its x86-64 build).
    const int64_t q = static_cast<int64_t>(scaled) + p.output_zero_point;
    output[i] = static_cast<T>(std::min<int64_t>(std::max<int64_t>(q, kMin), kMax));
  }
}
}  // namespace

void Abs(const QuantizedAbsParams& params, int64_t count, const int8_t* input, int8_t* output) {
  QuantizedAbs(params, count, input, output);
}
void Abs(const QuantizedAbsParams& params, int64_t count, const int16_t* input, int16_t* output) {
  QuantizedAbs(params, count, input, output);
}
void Abs(int64_t count, const int16_t* input, int16_t* output) {
  for (int64_t i = 0; i < count; ++i) {
    // |-32768| = 32768 wraps back to -32768, as TFLM's int16 store does.
    output[i] = static_cast<int16_t>(static_cast<uint16_t>(std::abs(static_cast<int32_t>(input[i]))));
  }
}

QuantizedMultiplier InvSqrtQuantizedMultiplierExp(int32_t input, int reverse_shift) {
  if (input <= 1) return {std::numeric_limits<int32_t>::max(), 0};
  int shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++shift;
  }
  const int max_left_shift_bits = CountLeadingZeros32(static_cast<uint32_t>(input)) - 1;
  const int left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  shift -= left_shift_bit_pairs;
  input <<= 2 * left_shift_bit_pairs;  // now in [2^27, 2^29)
  // Newton-Raphson for 1/sqrt in Q3 (3 integer bits), starting from 1, five
  // iterations: x <- 1.5 x - (input / 2) x^3.
  constexpr int kQ3 = 3;
  const int32_t q3_input = input >> 1;
  const int32_t half_input = SaturatingRoundingMultiplyByPOT(q3_input, -1);
  const int32_t one_and_half = (1 << 28) + (1 << 27);  // 1.5 in Q3
  int32_t x = 1 << 28;                                 // 1.0 in Q3
  for (int i = 0; i < 5; ++i) {
    // x^3: Q3 * Q3 = Q6, * Q3 = Q9, back to Q3.
    const int32_t x2 = SaturatingRoundingDoublingHighMul(x, x);
    const int32_t x3 = RescaleFixedPoint(SaturatingRoundingDoublingHighMul(x2, x), 3 * kQ3, kQ3);
    const int32_t a = SaturatingRoundingDoublingHighMul(one_and_half, x);  // Q6
    const int32_t b = SaturatingRoundingDoublingHighMul(half_input, x3);   // Q6
    x = RescaleFixedPoint(WrapSub32(a, b), 2 * kQ3, kQ3);
  }
  // Times sqrt(2)/2 in Q0 (Q3 * Q0 = Q3).
  constexpr int32_t kHalfSqrt2 = 1518500250;
  x = SaturatingRoundingDoublingHighMul(x, kHalfSqrt2);
  if (shift < 0) {
    x = static_cast<int32_t>(static_cast<uint32_t>(x) << -shift);
    shift = 0;
  }
  return {x, shift * reverse_shift};
}

QuantizedRsqrtParams PrepareQuantizedRsqrt(float input_scale, int32_t input_zero_point, float output_scale,
                                           int32_t output_zero_point) {
  QuantizedRsqrtParams p;
  p.input_zero_point = input_zero_point;
  p.output_zero_point = output_zero_point;
  // sqrt and product in float, the reciprocal in double (as TFLM).
  p.multiplier = QuantizeMultiplier(1. / static_cast<double>(std::sqrt(input_scale) * output_scale));
  return p;
}

void Rsqrt(const QuantizedRsqrtParams& p, int64_t count, const int8_t* input, int8_t* output) {
  constexpr int32_t kMin = std::numeric_limits<int8_t>::min();
  constexpr int32_t kMax = std::numeric_limits<int8_t>::max();
  constexpr int kShift = 20;  // keeps the intermediate an integer
  for (int64_t i = 0; i < count; ++i) {
    const int32_t value = static_cast<int32_t>(input[i]) - p.input_zero_point;
    if (value <= 0) {
      output[i] = static_cast<int8_t>(kMax);
      continue;
    }
    const QuantizedMultiplier inv_sqrt = InvSqrtQuantizedMultiplierExp(value, -1);
    const int32_t data = MultiplyByQuantizedMultiplier(1, inv_sqrt.multiplier, inv_sqrt.shift + kShift);
    const int64_t q = static_cast<int64_t>(MultiplyByQuantizedMultiplier(data, p.multiplier.multiplier,
                                                                          p.multiplier.shift - kShift)) +
                      p.output_zero_point;
    output[i] = static_cast<int8_t>(std::min<int64_t>(std::max<int64_t>(q, kMin), kMax));
  }
}

namespace {
template <typename From, typename To>
To CastOne(From v) {
  if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To> && !std::is_same_v<To, bool>) {
    if (std::isnan(v)) return 0;
    constexpr double kLo = static_cast<double>(std::numeric_limits<To>::min());
    constexpr double kHi = static_cast<double>(std::numeric_limits<To>::max());
    const double t = std::trunc(static_cast<double>(v));
    if (t <= kLo) return std::numeric_limits<To>::min();
    if (t >= kHi) return std::numeric_limits<To>::max();
    return static_cast<To>(t);
  } else {
    return static_cast<To>(v);
  }
}
}  // namespace

template <typename From, typename To>
void Cast(int64_t count, const From* input, To* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = CastOne<From, To>(input[i]);
}

#define TINYFORGE_CAST_TO(From)                                     \
  template void Cast<From, int8_t>(int64_t, const From*, int8_t*);   \
  template void Cast<From, int16_t>(int64_t, const From*, int16_t*); \
  template void Cast<From, int32_t>(int64_t, const From*, int32_t*); \
  template void Cast<From, uint32_t>(int64_t, const From*, uint32_t*); \
  template void Cast<From, float>(int64_t, const From*, float*);
TINYFORGE_CAST_TO(int8_t)
TINYFORGE_CAST_TO(int16_t)
TINYFORGE_CAST_TO(int32_t)
TINYFORGE_CAST_TO(uint32_t)
TINYFORGE_CAST_TO(float)
TINYFORGE_CAST_TO(bool)
#undef TINYFORGE_CAST_TO

}  // namespace tinyforge::ref
