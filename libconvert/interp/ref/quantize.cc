#include "libconvert/interp/ref/quantize.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/fixed_point.h"
#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::ref {
namespace {

void CheckScale(const char* what, float scale) {
  if (!(scale > 0.0f) || !std::isfinite(scale)) {
    std::ostringstream s;
    s << "QUANTIZE/DEQUANTIZE: " << what << " scale must be a positive finite number, got " << scale
      << "; check the tensor's quantization parameters.";
    throw Error(s.str());
  }
}

template <typename OutT>
void AffineQuantize(const AffineQuantizeParams& p, const Shape& shape, const float* input,
                    OutT* output) {
  constexpr int32_t kMin = std::numeric_limits<OutT>::min();
  constexpr int32_t kMax = std::numeric_limits<OutT>::max();
  // Quotients beyond these bounds cannot come back into the output range
  // after adding a zero point, so saturating them there is exact.
  constexpr float kLimit = 2147483520.0f;  // largest float below 2^31
  const int64_t n = shape.FlatSize();
  for (int64_t i = 0; i < n; ++i) {
    const float q = std::round(input[i] / p.scale);
    int32_t unclamped;
    if (std::isnan(q)) {
      unclamped = p.zero_point;
    } else if (q >= kLimit) {
      unclamped = kMax;
    } else if (q <= -kLimit) {
      unclamped = kMin;
    } else {
      unclamped = WrappingAdd(static_cast<int32_t>(q), p.zero_point);
    }
    output[i] = static_cast<OutT>(Clamp(unclamped, kMin, kMax));
  }
}

template <typename InT>
void DequantizeImpl(const DequantizeParams& p, const Shape& shape, const InT* input,
                    float* output) {
  const int64_t n = shape.FlatSize();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t centred = static_cast<int32_t>(input[i]) - p.zero_point;
    output[i] = static_cast<float>(p.scale * centred);
  }
}

}  // namespace

AffineQuantizeParams PrepareQuantizeFromFloat(float output_scale, int32_t output_zero_point) {
  CheckScale("output", output_scale);
  AffineQuantizeParams p;
  p.scale = output_scale;
  p.zero_point = output_zero_point;
  return p;
}

void QuantizeFloatToInt8(const AffineQuantizeParams& params, const Shape& shape, const float* input,
                         int8_t* output) {
  AffineQuantize(params, shape, input, output);
}

void QuantizeFloatToInt16(const AffineQuantizeParams& params, const Shape& shape,
                          const float* input, int16_t* output) {
  AffineQuantize(params, shape, input, output);
}

RequantizeParams PrepareRequantize(float input_scale, int32_t input_zero_point, float output_scale,
                                   int32_t output_zero_point) {
  CheckScale("input", input_scale);
  CheckScale("output", output_scale);
  RequantizeParams p;
  // Both scales are widened before dividing (unlike RELU, which divides in
  // float), as TFLM's QUANTIZE Prepare does.
  const QuantizedMultiplier m =
      QuantizeMultiplier(static_cast<double>(input_scale) / static_cast<double>(output_scale));
  p.multiplier = m.multiplier;
  p.shift = m.shift;
  p.input_zero_point = input_zero_point;
  p.output_zero_point = output_zero_point;
  return p;
}

template <typename InT, typename OutT>
void Requantize(const RequantizeParams& params, const Shape& shape, const InT* input,
                OutT* output) {
  constexpr int32_t kMin = std::numeric_limits<OutT>::min();
  constexpr int32_t kMax = std::numeric_limits<OutT>::max();
  // TFLM has a shortcut (flip the top bit) for int8 <-> uint8 at equal
  // scales with zero points 128 apart; the general path below gives the same
  // bits there, since a multiplier of exactly 1.0 is applied exactly.
  const int64_t n = shape.FlatSize();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t centred = WrapSub32(static_cast<int32_t>(input[i]), params.input_zero_point);
    const int32_t v =
        WrappingAdd(MultiplyByQuantizedMultiplier(centred, params.multiplier, params.shift),
                  params.output_zero_point);
    output[i] = static_cast<OutT>(Clamp(v, kMin, kMax));
  }
}

template void Requantize<int8_t, int8_t>(const RequantizeParams&, const Shape&, const int8_t*,
                                         int8_t*);
template void Requantize<int8_t, uint8_t>(const RequantizeParams&, const Shape&, const int8_t*,
                                          uint8_t*);
template void Requantize<int8_t, int16_t>(const RequantizeParams&, const Shape&, const int8_t*,
                                          int16_t*);
template void Requantize<int8_t, int32_t>(const RequantizeParams&, const Shape&, const int8_t*,
                                          int32_t*);
template void Requantize<uint8_t, int8_t>(const RequantizeParams&, const Shape&, const uint8_t*,
                                          int8_t*);
template void Requantize<int16_t, int8_t>(const RequantizeParams&, const Shape&, const int16_t*,
                                          int8_t*);
template void Requantize<int16_t, int16_t>(const RequantizeParams&, const Shape&, const int16_t*,
                                           int16_t*);
template void Requantize<int16_t, int32_t>(const RequantizeParams&, const Shape&, const int16_t*,
                                           int32_t*);
template void Requantize<int32_t, int8_t>(const RequantizeParams&, const Shape&, const int32_t*,
                                          int8_t*);
template void Requantize<int32_t, int16_t>(const RequantizeParams&, const Shape&, const int32_t*,
                                           int16_t*);

DequantizeParams PrepareDequantize(float input_scale, int32_t input_zero_point) {
  CheckScale("input", input_scale);
  DequantizeParams p;
  p.scale = static_cast<double>(input_scale);
  p.zero_point = input_zero_point;
  return p;
}

void Dequantize(const DequantizeParams& params, const Shape& shape, const int8_t* input,
                float* output) {
  DequantizeImpl(params, shape, input, output);
}
void Dequantize(const DequantizeParams& params, const Shape& shape, const int16_t* input,
                float* output) {
  DequantizeImpl(params, shape, input, output);
}
void Dequantize(const DequantizeParams& params, const Shape& shape, const uint8_t* input,
                float* output) {
  DequantizeImpl(params, shape, input, output);
}

}  // namespace tinyforge::ref
