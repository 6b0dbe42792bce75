#include "libconvert/interp/ref/prelu.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

template <typename T>
T PreluOne(const PreluQuantParams& p, T x, int8_t a) {
  const int32_t value = p.input_offset + x;
  int32_t y;
  if (value >= 0) {
    y = MultiplyByQuantizedMultiplier(value, p.identity_multiplier);
  } else {
    // |value| <= 65535 and |alpha| <= 255: the product fits int32.
    y = MultiplyByQuantizedMultiplier(value * (p.alpha_offset + a), p.alpha_multiplier);
  }
  return static_cast<T>(
      Clamp(y + p.output_offset, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

}  // namespace

void PreluFloat(const BroadcastPlan& plan, const float* input, const float* alpha, float* output) {
  BroadcastBinary(plan, input, alpha, output, [](float x, float a) { return x >= 0.0f ? x : x * a; });
}

PreluQuantParams PreparePreluQuantized(float input_scale, int32_t input_zero_point, float alpha_scale,
                                       int32_t alpha_zero_point, float output_scale, int32_t output_zero_point) {
  for (float s : {input_scale, alpha_scale, output_scale}) {
    if (!(s > 0.0f) || !std::isfinite(s)) {
      std::ostringstream out;
      out << "PRELU: scales must be positive and finite, got input " << input_scale << ", alpha " << alpha_scale
          << ", output " << output_scale << ".";
      throw Error(out.str());
    }
  }
  PreluQuantParams p;
  p.input_offset = -input_zero_point;
  p.alpha_offset = -alpha_zero_point;
  p.output_offset = output_zero_point;
  p.identity_multiplier = QuantizeMultiplier(static_cast<double>(input_scale) / static_cast<double>(output_scale));
  p.alpha_multiplier = QuantizeMultiplier(static_cast<double>(input_scale) * static_cast<double>(alpha_scale) /
                                          static_cast<double>(output_scale));
  return p;
}

void PreluInt8(const BroadcastPlan& plan, const PreluQuantParams& params, const int8_t* input, const int8_t* alpha,
               int8_t* output) {
  BroadcastBinary(plan, input, alpha, output, [&params](int8_t x, int8_t a) { return PreluOne(params, x, a); });
}

void PreluInt16(const BroadcastPlan& plan, const PreluQuantParams& params, const int16_t* input,
                const int8_t* alpha, int16_t* output) {
  BroadcastBinary(plan, input, alpha, output, [&params](int16_t x, int8_t a) { return PreluOne(params, x, a); });
}

}  // namespace tinyforge::ref
