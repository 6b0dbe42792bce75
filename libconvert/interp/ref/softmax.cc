#include "libconvert/interp/ref/softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::ref {
namespace {

// Integer bits of the rescaled input differences (Q5.26: exp arguments down
// to -32) and of the sum of exps (Q12.19: sums up to 4096).
constexpr int kScaledDiffIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;

std::string Fmt(double v) {
  std::ostringstream s;
  s.precision(9);
  s << v;
  return s.str();
}

// |a - b| <= eps evaluated in float, as TFLM's TF_LITE_ENSURE_NEAR on floats.
bool Near(float a, float b, float eps) { return std::abs(a - b) <= eps; }

}  // namespace

SoftmaxInt8Params PrepareSoftmaxInt8Input(float beta, float input_scale) {
  // beta * input_scale mapped onto Q5.26, capped at the largest Q31 mantissa.
  const double real_multiplier =
      std::min(static_cast<double>(beta) * static_cast<double>(input_scale) *
                   static_cast<double>(int64_t{1} << (31 - kScaledDiffIntegerBits)),
               static_cast<double>((int64_t{1} << 31) - 1));
  if (!(real_multiplier > 1.0)) {
    // Worded as every other ratio no fixed-point multiplier holds
    // (kScaleRatioError), which the quantizer reports as bad input.
    throw Error(std::string("SOFTMAX int8: ") + kScaleRatioError + ", beta (" + Fmt(beta) + ") * input scale (" +
                Fmt(input_scale) + "), must be greater than 2^-26; TFLM rejects it too. Check the input "
                "quantization and the beta option.");
  }
  const QuantizedMultiplier q = QuantizeMultiplier(real_multiplier);
  SoftmaxInt8Params p;
  p.input_multiplier = q.multiplier;
  p.input_left_shift = q.shift;
  // The largest input difference whose rescaled value still fits Q5.26:
  // (2^5 - 1) * 2^26 / 2^left_shift, floored.
  const double radius = 1.0 * ((1 << kScaledDiffIntegerBits) - 1) *
                        static_cast<double>(int64_t{1} << (31 - kScaledDiffIntegerBits)) /
                        static_cast<double>(int64_t{1} << p.input_left_shift);
  p.diff_min = -static_cast<int32_t>(std::floor(radius));
  for (int32_t d = 0; d < 256 && -d >= p.diff_min; ++d) {
    // The input difference in Q5.26 (the "greater than one" multiply: shift
    // left, then doubling high multiply, no final rounding shift).
    const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(-d) << p.input_left_shift);
    p.exp_of_diff[static_cast<size_t>(d)] =
        ExpOnNegativeValues(SaturatingRoundingDoublingHighMul(shifted, p.input_multiplier), kScaledDiffIntegerBits);
  }
  return p;
}

namespace {

template <typename OutT>
void SoftmaxFromInt8(const SoftmaxInt8Params& params, const Shape& shape, const int8_t* input,
                     OutT* output) {
  constexpr int32_t kOutMin = std::numeric_limits<OutT>::min();
  constexpr int32_t kOutMax = std::numeric_limits<OutT>::max();
  constexpr int kOutBits = static_cast<int>(sizeof(OutT) * 8);
  const Rows rows = RowsOf(shape);

  auto exp_of = [&](int32_t diff) { return params.exp_of_diff[static_cast<size_t>(-diff)]; };

  for (int64_t r = 0; r < rows.outer; ++r) {
    const int8_t* in = input + r * rows.depth;
    OutT* out = output + r * rows.depth;
    int32_t max_in_row = std::numeric_limits<int8_t>::min();
    for (int64_t c = 0; c < rows.depth; ++c) max_in_row = std::max<int32_t>(max_in_row, in[c]);

    int32_t sum_of_exps = 0;  // Q12.19
    for (int64_t c = 0; c < rows.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff >= params.diff_min) {
        const int32_t e = exp_of(diff);
        sum_of_exps = WrappingAdd(sum_of_exps, RescaleFixedPoint(e, 0, kAccumulationIntegerBits));
      }
    }

    int num_bits_over_unit = 0;
    const int32_t reciprocal =
        GetReciprocal(sum_of_exps, kAccumulationIntegerBits, &num_bits_over_unit);
    // exp / sum is in Q0; shifting right by this exponent lands it on the
    // output's 2^-bits scale.
    const int exponent = num_bits_over_unit + 31 - kOutBits;

    for (int64_t c = 0; c < rows.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff < params.diff_min) {
        out[c] = static_cast<OutT>(kOutMin);
        continue;
      }
      const int32_t e = exp_of(diff);
      const int32_t product = SaturatingRoundingDoublingHighMul(reciprocal, e);
      // TFLM aborts for exponent > 31 (sums of exps >= 512 with int8 output);
      // every probability is then below half an output step, so 0 is the
      // value that shift would round to.
      const int32_t unsat =
          exponent > 31 ? 0 : (exponent < 0 ? product : RoundingDivideByPOT(product, exponent));
      out[c] = static_cast<OutT>(Clamp(unsat + kOutMin, kOutMin, kOutMax));
    }
  }
}

}  // namespace

SoftmaxFloatParams PrepareSoftmaxFloat(float beta) {
  SoftmaxFloatParams p;
  p.beta = beta;
  return p;
}

void SoftmaxFloat(const SoftmaxFloatParams& params, const Shape& shape, const float* input,
                  float* output) {
  const Rows rows = RowsOf(shape);
  for (int64_t r = 0; r < rows.outer; ++r) {
    const float* in = input + r * rows.depth;
    float* out = output + r * rows.depth;
    float max_in_row = std::numeric_limits<float>::lowest();
    for (int64_t c = 0; c < rows.depth; ++c) max_in_row = std::max(max_in_row, in[c]);
    float sum = 0.0f;
    for (int64_t c = 0; c < rows.depth; ++c) {
      const float e = std::exp((in[c] - max_in_row) * params.beta);
      out[c] = e;
      sum += e;
    }
    for (int64_t c = 0; c < rows.depth; ++c) out[c] = out[c] / sum;
  }
}

SoftmaxInt8Params PrepareSoftmaxInt8(float beta, float input_scale, float output_scale,
                                     int32_t output_zero_point) {
  if (output_zero_point != -128 || output_scale != 1.0f / 256.0f) {
    throw Error("SOFTMAX int8: the output must have scale 1/256 and zero point -128, got scale " +
                Fmt(output_scale) + " and zero point " + std::to_string(output_zero_point) +
                "; requantize the model with the fixed softmax output parameters.");
  }
  return PrepareSoftmaxInt8Input(beta, input_scale);
}

SoftmaxInt8Params PrepareSoftmaxInt8ToInt16(float beta, float input_scale, float output_scale,
                                            int32_t output_zero_point) {
  if (output_zero_point != -32768 ||
      !Near(output_scale, 1.0f / 65536.0f, 0.001f * 1.0f / 65536.0f)) {
    throw Error(
        "SOFTMAX int8->int16: the output must have scale 1/65536 and zero point -32768, "
        "got scale " +
        Fmt(output_scale) + " and zero point " + std::to_string(output_zero_point) + ".");
  }
  return PrepareSoftmaxInt8Input(beta, input_scale);
}

void SoftmaxInt8(const SoftmaxInt8Params& params, const Shape& shape, const int8_t* input,
                 int8_t* output) {
  SoftmaxFromInt8(params, shape, input, output);
}

void SoftmaxInt8ToInt16(const SoftmaxInt8Params& params, const Shape& shape, const int8_t* input,
                        int16_t* output) {
  SoftmaxFromInt8(params, shape, input, output);
}

SoftmaxInt16Params PrepareSoftmaxInt16(float beta, float input_scale, int32_t input_zero_point,
                                       float output_scale, int32_t output_zero_point) {
  if (input_zero_point != 0 || output_zero_point != 0) {
    throw Error("SOFTMAX int16: input and output zero points must be 0 (symmetric int16), got " +
                std::to_string(input_zero_point) + " and " + std::to_string(output_zero_point) +
                ".");
  }
  if (!Near(output_scale, 1.0f / 32768.0f, 0.001f * 1.0f / 32768.0f)) {
    throw Error("SOFTMAX int16: the output scale must be 1/32768, got " + Fmt(output_scale) + ".");
  }
  SoftmaxInt16Params p;
  // Rescales input differences so that [-10, 0] spans [-65535, 0].
  const QuantizedMultiplier q = QuantizeMultiplier(static_cast<double>(input_scale) *
                                                   static_cast<double>(beta) / (10.0 / 65535.0));
  p.input_multiplier = q.multiplier;
  p.input_shift = q.shift;

  const int32_t range = std::numeric_limits<int16_t>::max() - std::numeric_limits<int16_t>::min();
  PopulateInt16Lut(
      10.0f / static_cast<float>(range), std::numeric_limits<int16_t>::max(),
      2.0f / static_cast<float>(range), 0, [](float x) { return std::exp(x); }, p.exp_lut.data());
  PopulateInt16Lut(
      1.0f / static_cast<float>(range), std::numeric_limits<int16_t>::min(),
      2.0f / static_cast<float>(range), 0, [](float x) { return 1.0f / (1.0f + x); },
      p.one_over_one_plus_x_lut.data());
  return p;
}

void SoftmaxInt16(const SoftmaxInt16Params& params, const Shape& shape, const int16_t* input,
                  int16_t* output) {
  const Rows rows = RowsOf(shape);
  for (int64_t r = 0; r < rows.outer; ++r) {
    const int16_t* in = input + r * rows.depth;
    int16_t* out = output + r * rows.depth;
    int32_t max_in_row = std::numeric_limits<int16_t>::min();
    for (int64_t c = 0; c < rows.depth; ++c) max_in_row = std::max<int32_t>(max_in_row, in[c]);

    // exp of each difference in Q0.15, kept in the output row; their sum in
    // Q16.15.
    int32_t sum_of_exps = 0;
    for (int64_t c = 0; c < rows.depth; ++c) {
      const int32_t scaled = MultiplyByQuantizedMultiplier(
          in[c] - max_in_row, params.input_multiplier, params.input_shift);
      // Shift [-65535, 0] onto the table's input range [-32768, 32767].
      const int16_t table_in = static_cast<int16_t>(Clamp(scaled + 32767, -32768, 32767));
      out[c] = LookupInt16Lut(table_in, params.exp_lut.data());
      sum_of_exps += out[c];
    }

    // Normalise the sum to [1, 2) in Q2.13 (one bit of headroom left),
    // then map [1, 2) onto the reciprocal table's input [-32768, 32767].
    const int headroom_plus_one = CountLeadingZeros32(static_cast<uint32_t>(sum_of_exps));
    const int32_t shifted_sum = static_cast<int32_t>(
        ((static_cast<int64_t>(sum_of_exps) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    const int16_t table_in =
        static_cast<int16_t>(Clamp(shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767));
    const int16_t reciprocal = LookupInt16Lut(table_in, params.one_over_one_plus_x_lut.data());

    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (int64_t c = 0; c < rows.depth; ++c) {
      const int32_t result = static_cast<int32_t>(
          (static_cast<int64_t>(out[c]) * static_cast<int64_t>(reciprocal) + round) >> right_shift);
      out[c] = static_cast<int16_t>(Clamp(result, 0, 32767));
    }
  }
}

}  // namespace tinyforge::ref
