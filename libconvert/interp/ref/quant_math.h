// The one home of integer requantization arithmetic. Every integer kernel
// rescales its int32 accumulators through these functions so that results
// match TensorFlow Lite Micro's reference kernels bit for bit (TFLM's default
// build: "double rounding", i.e. a saturating rounding doubling high multiply
// followed by a rounding right shift).
#pragma once

#include <cstdint>
#include <limits>

namespace tinyforge::ref {

// A real multiplier M stored as M = quantized_multiplier * 2^(shift - 31),
// with quantized_multiplier in [2^30, 2^31) (or 0 when M == 0).
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int shift = 0;  // positive: left shift, negative: right shift
};

// frexp-based decomposition with round-half-away-from-zero of the Q31
// mantissa; a mantissa that rounds up to 2^31 carries into the exponent.
// Shifts below -31 flush the multiplier to zero, as TFLM does. Throws Error
// (for the calling Prepare) on a NaN or infinite multiplier, or one of
// magnitude 2^31 or more, which TFLM's fixed-point multiply cannot shift by.
QuantizedMultiplier QuantizeMultiplier(double real_multiplier);

// How those Errors start: the quantizer tells a model whose scales (from the
// calibration ranges and weights it was given) have no fixed-point ratio
// apart from a model it got wrong.
inline constexpr char kScaleRatioError[] = "a quantization scale ratio";

// For multipliers known to be < 1 (most conv/fc rescales): same as
// QuantizeMultiplier; kept as a name because TFLM's Prepare code uses both.
inline QuantizedMultiplier QuantizeMultiplierSmallerThanOne(double m) {
  return QuantizeMultiplier(m);
}

// gemmlowp SaturatingRoundingDoublingHighMul: (a*b*2 + 2^31 rounding) >> 32,
// saturating the single overflow case a == b == INT32_MIN.
int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b);

// gemmlowp RoundingDivideByPOT: arithmetic right shift by `exponent` rounding
// half away from zero. exponent in [0, 31].
int32_t RoundingDivideByPOT(int32_t x, int exponent);

// TFLM MultiplyByQuantizedMultiplier (double rounding): left shift first when
// shift > 0, then the doubling high multiply, then the rounding right shift.
int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t quantized_multiplier, int shift);
inline int32_t MultiplyByQuantizedMultiplier(int32_t x, QuantizedMultiplier m) {
  return MultiplyByQuantizedMultiplier(x, m.multiplier, m.shift);
}
// The int64 accumulator variant used by 16x8 kernels (int64 bias).
int32_t MultiplyByQuantizedMultiplier(int64_t x, int32_t quantized_multiplier, int shift);

// Clamp range of a fused activation in the quantized domain of an output
// with (scale, zero_point), intersected with [qmin, qmax]. act: 0 NONE,
// 1 RELU, 2 RELU_N1_TO_1, 3 RELU6 (the schema's ActivationFunctionType values).
struct QuantizedRange {
  int32_t min;
  int32_t max;
};
QuantizedRange QuantizedActivationRange(int act, float scale, int32_t zero_point,
                                        int32_t qmin, int32_t qmax);

// The same for float kernels: [lowest, max] for NONE, [0, inf) RELU, etc.
struct FloatRange {
  float min;
  float max;
};
FloatRange FloatActivationRange(int act);

inline int32_t Clamp(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}
inline float ClampF(float v, float lo, float hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

// TFLM's CheckedLog2: log2 of x through natural logs in float, rounded to
// *log2; true when x is within 1e-3 (in log2 units) of that power of two.
// x <= 0 or not finite: false, *log2 = 0.
bool CheckedLog2(float x, int* log2);

}  // namespace tinyforge::ref
