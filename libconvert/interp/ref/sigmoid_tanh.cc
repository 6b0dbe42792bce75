// LOGISTIC and TANH (float, int8, int16): TFLM's reference arithmetic,
// declared in activations.h.
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

// round(65536 / (1 + exp(-x))) sampled at x = i / 24 (the int16 kernels'
// input unit is 1/(3 * 4096) and each entry spans 2^9 of them), saturated to
// 65535. These are TFLM's published table values (sigmoid_table_uint16);
// they deviate from the formula by up to one unit, so they are data, not
// something to recompute.
constexpr uint16_t kSigmoidTable[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794,
    41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443,
    48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374,
    54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544,
    58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279,
    61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990,
    63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030,
    64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652,
    64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019,
    65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234,
    65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476,
    65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501,
    65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
    65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529,
    65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532,
    65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534,
    65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
};

int64_t Count(const Shape& shape) { return shape.FlatSize(); }

// ---- LOGISTIC / TANH, int8

constexpr int kSigmoidInputIntegerBits = 4;  // Q4.27 input to the fixed-point functions

SigmoidFamilyInt8Params PrepareSigmoidFamilyInt8(const char* op, float input_scale,
                                                 int32_t input_zero_point) {
  SigmoidFamilyInt8Params p;
  p.input_zero_point = input_zero_point;
  const double real_multiplier =
      static_cast<double>(input_scale) * static_cast<double>(1 << (31 - kSigmoidInputIntegerBits));
  // TFLM decomposes with frexp directly (no carry on a mantissa rounding up
  // to 1.0); a float scale has 24 significant bits, so it never does.
  int exponent = 0;
  const double mantissa = std::frexp(real_multiplier, &exponent);
  if (!(input_scale > 0.0f) || exponent < 0) {
    throw Error(std::string(op) + " int8: input scale " + FormatFloat(input_scale) +
                " is outside the supported range [2^-28, inf); check the input quantization.");
  }
  p.input_left_shift = exponent;
  p.input_multiplier =
      static_cast<int32_t>(std::round(mantissa * static_cast<double>(int64_t{1} << 31)));
  // (2^4 - 1) * 2^27 / 2^left_shift, floored: the input magnitude whose
  // rescaled value would no longer fit Q4.27. ldexp, not TFLM's 1LL <<
  // left_shift: the same value for every shift below 63, and defined above
  // it (a huge scale: radius 0, every output saturates).
  const double radius = std::ldexp(static_cast<double>((1 << kSigmoidInputIntegerBits) - 1),
                                   (31 - kSigmoidInputIntegerBits) - p.input_left_shift);
  p.input_range_radius = static_cast<int32_t>(std::floor(radius));
  return p;
}

// ---- LOGISTIC / TANH, int16

constexpr int kInt16InputIntegerBits = 3;  // the kernels' nominal input format, Q3.12
constexpr int kInt16OutputFractionalBits = 15;

SigmoidFamilyInt16Params PrepareSigmoidFamilyInt16(const char* op, float input_scale,
                                                   int32_t input_zero_point, float output_scale,
                                                   int32_t output_zero_point, int max_pot_shift) {
  if (input_zero_point != 0 || output_zero_point != 0) {
    throw Error(std::string(op) + " int16: zero points must be 0 (symmetric int16), got input " +
                std::to_string(input_zero_point) + " and output " +
                std::to_string(output_zero_point) + ".");
  }
  SigmoidFamilyInt16Params p;
  int input_log2 = 0;
  bool pot = CheckedLog2(input_scale, &input_log2);
  p.input_left_shift = (15 - kInt16InputIntegerBits) + input_log2;
  pot = pot && p.input_left_shift >= 0 && p.input_left_shift <= max_pot_shift;
  if (pot) {
    p.input_multiplier = 0;
  } else {
    // Find the integer factor onto units of 1/(3 * 4096), with as many
    // fractional bits (undone by the right shift) as keep it <= 32767.
    double multiplier = static_cast<double>(input_scale) * 4096.0 * 3.0;
    p.input_left_shift = 0;
    while (multiplier <= 32767.0 / 2.0 && p.input_left_shift <= 30) {
      ++p.input_left_shift;
      multiplier *= 2.0;
    }
    if (!(multiplier <= 32767.0)) {
      throw Error(std::string(op) + " int16: input scale " + FormatFloat(input_scale) +
                  " is too large (the kernel supports scales up to about 2.67); check the "
                  "input quantization.");
    }
    p.input_multiplier = static_cast<int32_t>(multiplier);
    // 0 would read as the power-of-two encoding above (3 << 31 in TFLM, an
    // int overflow): a scale below 2^-31 / 12288 has no factor here.
    if (p.input_multiplier == 0) {
      throw Error(std::string(op) + " int16: input scale " + FormatFloat(input_scale) +
                  " is too small (the kernel supports scales down to about 4e-14); check the "
                  "input quantization.");
    }
  }
  int output_log2 = 0;
  if (!CheckedLog2(output_scale, &output_log2) || output_log2 != -kInt16OutputFractionalBits) {
    throw Error(std::string(op) + " int16: the output scale must be 2^-15, got " +
                FormatFloat(output_scale) + ".");
  }
  return p;
}

// The input rescaled onto units of 1/(3 * 4096), rounded.
inline int32_t ToSigmoidTableUnits(int16_t x, int32_t multiplier, int left_shift) {
  const int64_t round = left_shift > 0 ? (int64_t{1} << (left_shift - 1)) : 0;
  return static_cast<int32_t>((static_cast<int64_t>(x) * multiplier + round) >> left_shift);
}

// Resolves the power-of-two encoding of SigmoidFamilyInt16Params.
inline void EffectiveInt16Factor(const SigmoidFamilyInt16Params& p, int32_t* multiplier,
                                 int* left_shift) {
  if (p.input_multiplier == 0) {
    *multiplier = 3 << p.input_left_shift;
    *left_shift = 0;
  } else {
    *multiplier = p.input_multiplier;
    *left_shift = p.input_left_shift;
  }
}

}  // namespace

// ============================================================== LOGISTIC

void LogisticFloat(const Shape& shape, const float* input, float* output) {
  // TFLM's cut-offs: above ~16.62 the float result is 1; below -9 exp(x)
  // alone is accurate.
  constexpr float kCutoffUpper = 16.619047164916992188f;
  constexpr float kCutoffLower = -9.0f;
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) {
    const float x = input[i];
    float y;
    if (x > kCutoffUpper) {
      y = 1.0f;
    } else if (x < kCutoffLower) {
      y = std::exp(x);
    } else {
      y = 1.0f / (1.0f + std::exp(-x));
    }
    output[i] = y;
  }
}

LogisticInt8Params PrepareLogisticInt8(float input_scale, int32_t input_zero_point,
                                       float /*output_scale*/, int32_t output_zero_point) {
  if (output_zero_point != std::numeric_limits<int8_t>::min()) {
    throw Error("LOGISTIC int8: the output zero point must be -128 (scale 1/256), got " +
                std::to_string(output_zero_point) + ".");
  }
  return PrepareSigmoidFamilyInt8("LOGISTIC", input_scale, input_zero_point);
}

void LogisticInt8(const LogisticInt8Params& p, const Shape& shape, const int8_t* input,
                  int8_t* output) {
  constexpr int kOutputIntegerBits = 8;  // Q0.31 -> 1/256 steps
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = static_cast<int32_t>(input[i]) - p.input_zero_point;
    if (x <= -p.input_range_radius) {
      output[i] = std::numeric_limits<int8_t>::min();
    } else if (x >= p.input_range_radius) {
      output[i] = std::numeric_limits<int8_t>::max();
    } else {
      const int32_t x_q4 = MultiplyByQuantizedMultiplier(x, p.input_multiplier, p.input_left_shift);
      const int32_t y_q0 = FixedPointLogistic(x_q4, kSigmoidInputIntegerBits);
      const int32_t y = RoundingDivideByPOT(y_q0, 31 - kOutputIntegerBits) - 128;
      output[i] = static_cast<int8_t>(Clamp(y, -128, 127));
    }
  }
}

LogisticInt16Params PrepareLogisticInt16(float input_scale, int32_t input_zero_point,
                                         float output_scale, int32_t output_zero_point) {
  return PrepareSigmoidFamilyInt16("LOGISTIC", input_scale, input_zero_point, output_scale,
                                   output_zero_point, /*max_pot_shift=*/0);
}

void LogisticInt16(const LogisticInt16Params& p, const Shape& shape, const int16_t* input,
                   int16_t* output) {
  int32_t multiplier = 0;
  int left_shift = 0;
  EffectiveInt16Factor(p, &multiplier, &left_shift);
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = ToSigmoidTableUnits(input[i], multiplier, left_shift);
    // Interpolate sigmoid(|x| / 12288) with 9 fractional bits: table steps
    // are 2^9 input units (1/24).
    const uint32_t abs_x = static_cast<uint32_t>(std::abs(x));
    const uint32_t segment = abs_x >> 9;
    uint32_t y;  // Q0.25
    if (segment >= 255) {
      y = uint32_t{0x7FFF} << 10;
    } else {
      const uint32_t lo = kSigmoidTable[segment];
      const uint32_t hi = kSigmoidTable[segment + 1];
      y = (lo << 9) + (abs_x & 0x1FF) * (hi - lo);
    }
    // sigmoid(-x) = 1 - sigmoid(x); round to Q0.15.
    y = x >= 0 ? y + (1u << 9) : (1u << 25) - y + (1u << 9) - 1;
    output[i] = static_cast<int16_t>(y >> 10);
  }
}

// ================================================================== TANH

void TanhFloat(const Shape& shape, const float* input, float* output) {
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) output[i] = std::tanh(input[i]);
}

TanhInt8Params PrepareTanhInt8(float input_scale, int32_t input_zero_point, float /*output_scale*/,
                               int32_t /*output_zero_point*/) {
  return PrepareSigmoidFamilyInt8("TANH", input_scale, input_zero_point);
}

void TanhInt8(const TanhInt8Params& p, const Shape& shape, const int8_t* input, int8_t* output) {
  constexpr int kOutputFractionalBits = 7;  // 1/128 steps
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = static_cast<int32_t>(input[i]) - p.input_zero_point;
    if (x <= -p.input_range_radius) {
      output[i] = std::numeric_limits<int8_t>::min();
    } else if (x >= p.input_range_radius) {
      output[i] = std::numeric_limits<int8_t>::max();
    } else {
      const int32_t x_q4 = MultiplyByQuantizedMultiplier(x, p.input_multiplier, p.input_left_shift);
      const int32_t y_q0 = FixedPointTanh(x_q4, kSigmoidInputIntegerBits);
      const int32_t y = RoundingDivideByPOT(y_q0, 31 - kOutputFractionalBits);
      output[i] = static_cast<int8_t>(Clamp(y, -128, 127));
    }
  }
}

TanhInt16Params PrepareTanhInt16(float input_scale, int32_t input_zero_point, float output_scale,
                                 int32_t output_zero_point) {
  return PrepareSigmoidFamilyInt16("TANH", input_scale, input_zero_point, output_scale,
                                   output_zero_point, /*max_pot_shift=*/1);
}

void TanhInt16(const TanhInt16Params& p, const Shape& shape, const int16_t* input,
               int16_t* output) {
  int32_t multiplier = 0;
  int left_shift = 0;
  EffectiveInt16Factor(p, &multiplier, &left_shift);
  const int64_t n = Count(shape);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = ToSigmoidTableUnits(input[i], multiplier, left_shift);
    // tanh(x) = 2 * sigmoid(2x) - 1: the same table read with 8 fractional
    // bits (steps of 2^8 units of 1/12288 are 1/48 of x, i.e. 1/24 of 2x).
    const uint32_t abs_x = static_cast<uint32_t>(std::abs(x));
    const uint32_t segment = abs_x >> 8;
    int32_t y;  // sigmoid(2|x|) in Q0.24
    if (segment >= 255) {
      y = static_cast<int32_t>(uint32_t{0xFFFF} << 8);
    } else {
      const uint32_t lo = kSigmoidTable[segment];
      const uint32_t hi = kSigmoidTable[segment + 1];
      y = static_cast<int32_t>((lo << 8) + (abs_x & 0xFF) * (hi - lo));
    }
    // sigmoid - 1/2 is tanh / 2; mirror for negative x, round, and keep
    // tanh with 15 fractional bits.
    y = x >= 0 ? y - (1 << 23) + (1 << 7) : -y + (1 << 23) + (1 << 7) - 1;
    output[i] = static_cast<int16_t>(y >> 8);
  }
}

}  // namespace tinyforge::ref
