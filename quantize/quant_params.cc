#include "quantize/quant_params.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "libconvert/base/error.h"

namespace tinyforge::quantize {
namespace {

// A scale below the smallest normal float (a zero, denormal or near-zero
// range from a calibration table or weights: under about 3e-36 wide) would
// be stored as 0 or a denormal, and every multiplier divided by it is
// infinite. Such a range is quantized as an empty one: its values, all
// within 1e-35 of zero, become the zero point.
bool ScaleIsNegligible(double scale) { return !(scale >= std::numeric_limits<float>::min()); }

}  // namespace

QuantParams AsymmetricParams(float min, float max, int32_t qmin, int32_t qmax) {
  const double lo = std::min<double>(min, 0.0);
  const double hi = std::max<double>(max, 0.0);
  const double levels = static_cast<double>(qmax) - static_cast<double>(qmin);
  const double scale = (hi - lo) / levels;
  if (ScaleIsNegligible(scale)) return {static_cast<float>(1.0 / levels), 0};
  // The zero point that maps `lo` to qmin, nudged to an integer: rounding
  // keeps 0.0 exact at the cost of moving the range by under half a step.
  const double zero_point = std::round(static_cast<double>(qmin) - lo / scale);
  const double clamped = std::clamp(zero_point, static_cast<double>(qmin), static_cast<double>(qmax));
  return {static_cast<float>(scale), static_cast<int32_t>(clamped)};
}

QuantParams SymmetricParams(float min, float max, int32_t qmax) {
  const double bound = std::max(std::fabs(static_cast<double>(min)), std::fabs(static_cast<double>(max)));
  if (ScaleIsNegligible(bound / qmax)) return {static_cast<float>(1.0 / qmax), 0};
  return {static_cast<float>(bound / qmax), 0};
}

QuantParams PowerOfTwoParams(float min, float max) {
  const double bound = std::max(std::fabs(static_cast<double>(min)), std::fabs(static_cast<double>(max)));
  if (!(bound > 0)) return {1.0f / 32768.0f, 0};
  // bound = m * 2^e with m in [0.5, 1): 2^e covers it, 2^(e-1) when m is 0.5.
  int exponent = 0;
  const double mantissa = std::frexp(bound, &exponent);
  if (mantissa == 0.5) --exponent;
  const double scale = std::ldexp(1.0, exponent - 15);
  if (ScaleIsNegligible(scale)) return {1.0f / 32768.0f, 0};
  return {static_cast<float>(scale), 0};
}

int32_t QuantizeValue(float x, const QuantParams& params, int32_t qmin, int32_t qmax) {
  const double q = std::round(static_cast<double>(x) / static_cast<double>(params.scale)) + params.zero_point;
  return static_cast<int32_t>(std::clamp(q, static_cast<double>(qmin), static_cast<double>(qmax)));
}

QuantizedWeights QuantizeWeights(const float* values, const std::vector<int32_t>& shape, int axis) {
  size_t count = 1;
  for (int32_t d : shape) count *= static_cast<size_t>(d);
  // Elements of channel c along `axis` are at (outer, c, inner) for the
  // products of the dims before and after it.
  size_t channels = 1, inner = count;
  if (axis >= 0) {
    if (static_cast<size_t>(axis) >= shape.size()) {
      throw Error("weight axis " + std::to_string(axis) + " is beyond the tensor's rank", ErrorCode::kInternal);
    }
    channels = static_cast<size_t>(shape[static_cast<size_t>(axis)]);
    inner = 1;
    for (size_t d = static_cast<size_t>(axis) + 1; d < shape.size(); ++d) inner *= static_cast<size_t>(shape[d]);
  }
  const size_t outer = channels == 0 || inner == 0 ? 0 : count / (channels * inner);
  auto channel_of = [&](size_t i) { return axis < 0 ? 0 : (i / inner) % channels; };

  std::vector<double> bound(channels, 0.0);
  for (size_t i = 0; i < outer * channels * inner; ++i) {
    bound[channel_of(i)] = std::max(bound[channel_of(i)], std::fabs(static_cast<double>(values[i])));
  }
  QuantizedWeights out;
  out.scales.resize(channels);
  for (size_t c = 0; c < channels; ++c) out.scales[c] = ScaleIsNegligible(bound[c] / 127.0) ? 1.0f : static_cast<float>(bound[c] / 127.0);
  out.values.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const QuantParams p{out.scales[channel_of(i)], 0};
    out.values[i] = static_cast<int8_t>(QuantizeValue(values[i], p, -127, 127));
  }
  return out;
}

QuantizedWeights16 QuantizeWeights16(const float* values, size_t n, int32_t qmax) {
  double bound = 0;
  for (size_t i = 0; i < n; ++i) bound = std::max(bound, std::fabs(static_cast<double>(values[i])));
  QuantizedWeights16 out;
  out.scale = ScaleIsNegligible(bound / qmax) ? 1.0f : static_cast<float>(bound / qmax);
  out.values.resize(n);
  for (size_t i = 0; i < n; ++i) {
    out.values[i] = static_cast<int16_t>(QuantizeValue(values[i], {out.scale, 0}, -qmax, qmax));
  }
  return out;
}

namespace {

template <typename T>
std::vector<T> QuantizeBias(const float* values, size_t n, float input_scale,
                            const std::vector<float>& weight_scales) {
  if (weight_scales.size() != 1 && weight_scales.size() != n) {
    throw Error("bias has " + std::to_string(n) + " elements but the weights have " +
                    std::to_string(weight_scales.size()) + " scales",
                ErrorCode::kInternal);
  }
  std::vector<T> out(n);
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
  constexpr double hi = static_cast<double>(std::numeric_limits<T>::max());
  for (size_t i = 0; i < n; ++i) {
    const double scale = static_cast<double>(input_scale) *
                         static_cast<double>(weight_scales[weight_scales.size() == 1 ? 0 : i]);
    const double q = std::round(static_cast<double>(values[i]) / scale);
    // Compare before converting: int64's max is not a double, and converting
    // an out-of-range double is undefined.
    if (q >= hi) {
      out[i] = std::numeric_limits<T>::max();
    } else if (q <= lo) {
      out[i] = std::numeric_limits<T>::min();
    } else {
      out[i] = static_cast<T>(q);
    }
  }
  return out;
}

}  // namespace

std::vector<int32_t> QuantizeBias32(const float* values, size_t n, float input_scale,
                                    const std::vector<float>& weight_scales) {
  return QuantizeBias<int32_t>(values, n, input_scale, weight_scales);
}

std::vector<int64_t> QuantizeBias64(const float* values, size_t n, float input_scale,
                                    const std::vector<float>& weight_scales) {
  return QuantizeBias<int64_t>(values, n, input_scale, weight_scales);
}

}  // namespace tinyforge::quantize
