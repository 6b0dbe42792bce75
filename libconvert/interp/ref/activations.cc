// RELU, RELU6, LEAKY_RELU and HARD_SWISH (float, int8, int16): TFLM's
// reference arithmetic, declared in activations.h (LOGISTIC and TANH are in
// sigmoid_tanh.cc).
#include "libconvert/interp/ref/activations.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/base/text_format.h"
#include "libconvert/interp/ref/fixed_point.h"
#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::ref {
namespace {

int64_t Count(const Shape& shape) { return shape.FlatSize(); }

// ---- RELU

template <typename T>
ReluQuantizedParams PrepareReluQuantized(float input_scale, int32_t input_zero_point,
                                         float output_scale, int32_t output_zero_point) {
  ReluQuantizedParams p;
  // The ratio is taken in float, then widened, as TFLM does.
  const QuantizedMultiplier m = QuantizeMultiplier(static_cast<double>(input_scale / output_scale));
  p.output_multiplier = m.multiplier;
  p.output_shift = m.shift;
  // roundf(0 / scale) is 0: the lower clamp is the output's zero point.
  p.activation_min = std::max<int32_t>(std::numeric_limits<T>::min(), output_zero_point);
  p.activation_max = std::numeric_limits<T>::max();
  p.input_zero_point = input_zero_point;
  p.output_zero_point = output_zero_point;
  return p;
}

template <typename T>
void ReluQuantized(const ReluQuantizedParams& p, const Shape& shape, const T* input, T* output) {
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t centred = WrapSub32(input[i], p.input_zero_point);
    const int32_t v =
        WrappingAdd(p.output_zero_point,
                  MultiplyByQuantizedMultiplier(centred, p.output_multiplier, p.output_shift));
    output[i] = static_cast<T>(Clamp(v, p.activation_min, p.activation_max));
  }
}

// ---- RELU6

template <typename T>
Relu6QuantizedParams PrepareRelu6Quantized(float input_scale, int32_t input_zero_point) {
  Relu6QuantizedParams p;
  p.zero = input_zero_point;
  // round(6 / scale) in float, plus the zero point, saturated to T.
  const double six = static_cast<double>(std::round(6.0f / input_scale)) + input_zero_point;
  const double lo = std::numeric_limits<T>::min();
  const double hi = std::numeric_limits<T>::max();
  p.six = static_cast<int32_t>(std::isnan(six) ? hi : std::min(std::max(six, lo), hi));
  return p;
}

template <typename T>
void Relu6Quantized(const Relu6QuantizedParams& p, const Shape& shape, const T* input, T* output) {
  const int64_t n = Count(shape);
  const T lower = static_cast<T>(p.zero);
  const T upper = static_cast<T>(p.six);
  for (int64_t i = 0; i < n; ++i) {
    const T v = input[i];
    output[i] = v > upper ? upper : (v < lower ? lower : v);
  }
}

// ---- LEAKY_RELU

LeakyReluQuantizedParams PrepareLeakyReluQuantized(float alpha, float input_scale,
                                                   int32_t input_zero_point, float output_scale,
                                                   int32_t output_zero_point) {
  LeakyReluQuantizedParams p;
  p.input_zero_point = input_zero_point;
  p.output_zero_point = output_zero_point;
  // Both ratios are formed in float, then widened, as TFLM does.
  const QuantizedMultiplier a =
      QuantizeMultiplier(static_cast<double>(input_scale * alpha / output_scale));
  const QuantizedMultiplier id =
      QuantizeMultiplier(static_cast<double>(input_scale / output_scale));
  if (a.multiplier == std::numeric_limits<int32_t>::min()) {
    throw Error("LEAKY_RELU: alpha " + FormatFloat(alpha) +
                " gives a multiplier of exactly -2^k, which TFLM cannot negate; nudge alpha.");
  }
  p.output_multiplier_alpha = a.multiplier;
  p.output_shift_alpha = a.shift;
  p.output_multiplier_identity = id.multiplier;
  p.output_shift_identity = id.shift;
  return p;
}

template <typename T>
void LeakyReluQuantized(const LeakyReluQuantizedParams& p, const Shape& shape, const T* input,
                        T* output) {
  const int64_t n = Count(shape);
  // A negative alpha is applied as a positive multiplier and a negation.
  const bool alpha_negative = p.output_multiplier_alpha < 0;
  const int32_t alpha_magnitude =
      alpha_negative ? -p.output_multiplier_alpha : p.output_multiplier_alpha;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t centred = WrapSub32(input[i], p.input_zero_point);
    int32_t v = p.output_zero_point;
    if (centred >= 0) {
      v = WrappingAdd(v, MultiplyByQuantizedMultiplier(centred, p.output_multiplier_identity,
                                                     p.output_shift_identity));
    } else {
      const int32_t scaled =
          MultiplyByQuantizedMultiplier(centred, alpha_magnitude, p.output_shift_alpha);
      v = WrappingAdd(v, alpha_negative ? WrapNeg32(scaled) : scaled);
    }
    output[i] =
        static_cast<T>(Clamp(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
  }
}

// ---- HARD_SWISH helpers (int16 fixed point)

// Q31 multiplier rounded to Q15, saturating at 32767.
int16_t DownScaleToInt16Multiplier(int32_t multiplier) {
  constexpr int32_t kRounding = 1 << 15;
  if (multiplier >= std::numeric_limits<int32_t>::max() - kRounding) {
    return std::numeric_limits<int16_t>::max();
  }
  return static_cast<int16_t>((multiplier + kRounding) >> 16);
}

// value * 2^amount saturated to int16.
int16_t SaturatingLeftShift16(int16_t value, int amount) {
  // Any nonzero int16 saturates well before a shift of 31.
  const int64_t shifted = static_cast<int64_t>(value) * (int64_t{1} << std::min(amount, 31));
  return static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(shifted, -32768), 32767));
}

// (a * b * 2) / 2^16 truncated toward zero; -32768 * -32768 saturates.
int16_t SaturatingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min())
    return std::numeric_limits<int16_t>::max();
  const int32_t ab = static_cast<int32_t>(a) * static_cast<int32_t>(b);
  return static_cast<int16_t>(ab / (1 << 15));
}

}  // namespace

// ================================================================== RELU

void ReluFloat(const Shape& shape, const float* input, float* output) {
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) output[i] = input[i] < 0.0f ? 0.0f : input[i];
}

ReluQuantizedParams PrepareReluInt8(float input_scale, int32_t input_zero_point, float output_scale,
                                    int32_t output_zero_point) {
  return PrepareReluQuantized<int8_t>(input_scale, input_zero_point, output_scale,
                                      output_zero_point);
}

ReluQuantizedParams PrepareReluInt16(float input_scale, int32_t input_zero_point,
                                     float output_scale, int32_t output_zero_point) {
  if (input_zero_point != 0 || output_zero_point != 0) {
    throw Error("RELU int16: zero points must be 0 (symmetric int16), got input " +
                std::to_string(input_zero_point) + " and output " +
                std::to_string(output_zero_point) + ".");
  }
  return PrepareReluQuantized<int16_t>(input_scale, input_zero_point, output_scale,
                                       output_zero_point);
}

void ReluInt8(const ReluQuantizedParams& params, const Shape& shape, const int8_t* input,
              int8_t* output) {
  ReluQuantized(params, shape, input, output);
}

void ReluInt16(const ReluQuantizedParams& params, const Shape& shape, const int16_t* input,
               int16_t* output) {
  ReluQuantized(params, shape, input, output);
}

// ================================================================= RELU6

void Relu6Float(const Shape& shape, const float* input, float* output) {
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) {
    const float v = input[i];
    output[i] = v > 6.0f ? 6.0f : (v < 0.0f ? 0.0f : v);
  }
}

Relu6QuantizedParams PrepareRelu6Int8(float input_scale, int32_t input_zero_point) {
  return PrepareRelu6Quantized<int8_t>(input_scale, input_zero_point);
}

Relu6QuantizedParams PrepareRelu6Int16(float input_scale, int32_t input_zero_point) {
  return PrepareRelu6Quantized<int16_t>(input_scale, input_zero_point);
}

void Relu6Int8(const Relu6QuantizedParams& params, const Shape& shape, const int8_t* input,
               int8_t* output) {
  Relu6Quantized(params, shape, input, output);
}

void Relu6Int16(const Relu6QuantizedParams& params, const Shape& shape, const int16_t* input,
                int16_t* output) {
  Relu6Quantized(params, shape, input, output);
}

// ============================================================ LEAKY_RELU

LeakyReluFloatParams PrepareLeakyReluFloat(float alpha) {
  LeakyReluFloatParams p;
  p.alpha = alpha;
  return p;
}

void LeakyReluFloat(const LeakyReluFloatParams& params, const Shape& shape, const float* input,
                    float* output) {
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) {
    const float v = input[i];
    output[i] = v > 0.0f ? v : v * params.alpha;
  }
}

LeakyReluQuantizedParams PrepareLeakyReluInt8(float alpha, float input_scale,
                                              int32_t input_zero_point, float output_scale,
                                              int32_t output_zero_point) {
  return PrepareLeakyReluQuantized(alpha, input_scale, input_zero_point, output_scale,
                                   output_zero_point);
}

LeakyReluQuantizedParams PrepareLeakyReluInt16(float alpha, float input_scale,
                                               int32_t input_zero_point, float output_scale,
                                               int32_t output_zero_point) {
  return PrepareLeakyReluQuantized(alpha, input_scale, input_zero_point, output_scale,
                                   output_zero_point);
}

void LeakyReluInt8(const LeakyReluQuantizedParams& params, const Shape& shape, const int8_t* input,
                   int8_t* output) {
  LeakyReluQuantized(params, shape, input, output);
}

void LeakyReluInt16(const LeakyReluQuantizedParams& params, const Shape& shape,
                    const int16_t* input, int16_t* output) {
  LeakyReluQuantized(params, shape, input, output);
}

// ============================================================ HARD_SWISH

void HardSwishFloat(const Shape& shape, const float* input, float* output) {
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) {
    const float x = input[i];
    output[i] = x * std::min(6.0f, std::max(0.0f, x + 3.0f)) / 6.0f;
  }
}

HardSwishInt8Params PrepareHardSwishInt8(float input_scale, int32_t input_zero_point,
                                         float output_scale, int32_t output_zero_point) {
  HardSwishInt8Params p;
  p.input_zero_point = static_cast<int16_t>(input_zero_point);
  p.output_zero_point = static_cast<int16_t>(output_zero_point);
  // All scale ratios in float, widened to double for the decomposition.
  const float hires_input_scale = (1.0f / 128.0f) * input_scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const QuantizedMultiplier out =
      QuantizeMultiplier(static_cast<double>(hires_input_scale / output_scale));
  const QuantizedMultiplier reluish =
      QuantizeMultiplier(static_cast<double>(hires_input_scale / reluish_scale));
  if (out.multiplier < 0 || reluish.multiplier < 0) {
    throw Error("HARD_SWISH int8: scales must be positive, got input " + FormatFloat(input_scale) +
                " and output " + FormatFloat(output_scale) + ".");
  }
  if (out.shift > 0) {
    throw Error(
        std::string("HARD_SWISH int8: ") + kScaleRatioError + ", input scale / (128 * output scale), must be < 1, "
        "got input scale " +
        FormatFloat(input_scale) + " and output scale " + FormatFloat(output_scale) +
        "; TFLM rejects it too. Check the output quantization.");
  }
  p.output_multiplier_fixedpoint_int16 = DownScaleToInt16Multiplier(out.multiplier);
  p.output_multiplier_exponent = out.shift;
  p.reluish_multiplier_fixedpoint_int16 = DownScaleToInt16Multiplier(reluish.multiplier);
  p.reluish_multiplier_exponent = reluish.shift;
  return p;
}

void HardSwishInt8(const HardSwishInt8Params& p, const Shape& shape, const int8_t* input,
                   int8_t* output) {
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) {
    // Every step is narrowed to int16 exactly where TFLM's int16 arithmetic
    // narrows.
    const int16_t x = static_cast<int16_t>(input[i] - p.input_zero_point);
    const int16_t x_hires = static_cast<int16_t>(x * (1 << 7));  // input_scale / 128 units
    // x on the output scale, before the final right shift.
    const int16_t x_preshift_output =
        SaturatingRoundingDoublingHighMul16(x_hires, p.output_multiplier_fixedpoint_int16);

    // relu6(x + 3) / 6 as a Q0.15 value in [0, 1]: first x / 3 in [-1, 1]
    // (saturating; 3.0 is 32768), then (v + 1) / 2.
    int16_t reluish = x_hires;
    if (p.reluish_multiplier_exponent > 0) {
      reluish = SaturatingLeftShift16(reluish, p.reluish_multiplier_exponent - 1);
    }
    reluish = SaturatingRoundingDoublingHighMul16(reluish, p.reluish_multiplier_fixedpoint_int16);
    if (p.reluish_multiplier_exponent > 0) {
      reluish = SaturatingLeftShift16(reluish, 1);
    }
    if (p.reluish_multiplier_exponent < 0) {
      reluish = RoundingDivideByPOT16(reluish, -p.reluish_multiplier_exponent);
    }
    reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);

    // Truncating (not rounding) multiply: TFLM uses it to offset the bias of
    // the rounding multiplies above.
    const int16_t preshift = SaturatingDoublingHighMul16(reluish, x_preshift_output);
    int16_t y = RoundingDivideByPOT16(preshift, -p.output_multiplier_exponent);
    y = static_cast<int16_t>(y + p.output_zero_point);
    y = std::min<int16_t>(y, std::numeric_limits<int8_t>::max());
    y = std::max<int16_t>(y, std::numeric_limits<int8_t>::min());
    output[i] = static_cast<int8_t>(y);
  }
}

}  // namespace tinyforge::ref
