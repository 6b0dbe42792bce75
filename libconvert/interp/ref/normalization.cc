#include "libconvert/interp/ref/normalization.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/fixed_point.h"
#include "libconvert/interp/ref/quant_math.h"
#include "libconvert/interp/ref/unary.h"

namespace tinyforge::ref {
namespace {

// Fixed-point formats of the int8 LOG_SOFTMAX: input differences Q5.26, sum
// of exps Q12.19, output Q4.27 before the final shift.
constexpr int kInputIntegerBits = 5;
constexpr int kLogSoftmaxSumIntegerBits = 12;
constexpr int kOutputIntegerBits = 4;

}  // namespace

void L2NormalizationFloat(const Shape& shape, const float* input, float* output) {
  constexpr float kEpsilon = 1e-6f;
  const Rows rows = RowsOf(shape);
  for (int64_t r = 0; r < rows.outer; ++r) {
    const float* in = input + r * rows.depth;
    float* out = output + r * rows.depth;
    float squared = 0;
    for (int64_t c = 0; c < rows.depth; ++c) squared += in[c] * in[c];
    const float norm = std::max(std::sqrt(squared), kEpsilon);
    for (int64_t c = 0; c < rows.depth; ++c) out[c] = in[c] / norm;
  }
}

void L2NormalizationInt8(int32_t input_zero_point, const Shape& shape, const int8_t* input, int8_t* output) {
  constexpr int kOutputScaleBits = 7;  // output scale 2^-7
  const Rows rows = RowsOf(shape);
  for (int64_t r = 0; r < rows.outer; ++r) {
    const int8_t* in = input + r * rows.depth;
    int8_t* out = output + r * rows.depth;
    int32_t squared = 0;
    for (int64_t c = 0; c < rows.depth; ++c) {
      const int32_t d = in[c] - input_zero_point;
      squared = WrappingAdd(squared, d * d);
    }
    const QuantizedMultiplier inv_norm = InvSqrtQuantizedMultiplierExp(squared, -1);
    for (int64_t c = 0; c < rows.depth; ++c) {
      const int32_t y = MultiplyByQuantizedMultiplier(in[c] - input_zero_point, inv_norm.multiplier,
                                                      inv_norm.shift + kOutputScaleBits);
      out[c] = static_cast<int8_t>(Clamp(y, -128, 127));
    }
  }
}

void LogSoftmaxFloat(const Shape& shape, const float* input, float* output) {
  const Rows rows = RowsOf(shape);
  for (int64_t r = 0; r < rows.outer; ++r) {
    const float* in = input + r * rows.depth;
    float* out = output + r * rows.depth;
    float max = std::numeric_limits<float>::lowest();
    for (int64_t c = 0; c < rows.depth; ++c) max = std::max(max, in[c]);
    float sum = 0.f;
    for (int64_t c = 0; c < rows.depth; ++c) sum += std::exp(in[c] - max);
    const float log_sum = std::log(sum);
    for (int64_t c = 0; c < rows.depth; ++c) out[c] = in[c] - max - log_sum;
  }
}

LogSoftmaxInt8Params PrepareLogSoftmaxInt8(float input_scale, float output_scale, int32_t output_zero_point) {
  constexpr float kOutputScale = 16.0f / 256.0f;
  constexpr int32_t kOutputZeroPoint = 127;
  if (output_scale != kOutputScale || output_zero_point != kOutputZeroPoint) {
    std::ostringstream out;
    out << "LOG_SOFTMAX int8: the output must have scale 16/256 and zero point 127 (TFLM requires them), got "
        << output_scale << " and " << output_zero_point << ".";
    throw Error(out.str());
  }
  LogSoftmaxInt8Params p;
  p.input = PrepareSoftmaxInt8Input(1.0f, input_scale);
  // What the input multiplier undoes: 2^(31 - left shift) / multiplier.
  const double reverse = static_cast<double>(int64_t{1} << (31 - p.input.input_left_shift)) /
                         static_cast<double>(p.input.input_multiplier);
  const QuantizedMultiplier m = QuantizeMultiplierSmallerThanOne(reverse);
  p.reverse_scaling_divisor = m.multiplier;
  p.reverse_scaling_shift = m.shift;
  return p;
}

void LogSoftmaxInt8(const LogSoftmaxInt8Params& params, const Shape& shape, const int8_t* input, int8_t* output) {
  const Rows rows = RowsOf(shape);
  const SoftmaxInt8Params& in_params = params.input;
  auto to_q5 = [&](int32_t diff) {
    return MultiplyByQuantizedMultiplier(diff, in_params.input_multiplier, in_params.input_left_shift);
  };
  for (int64_t r = 0; r < rows.outer; ++r) {
    const int8_t* in = input + r * rows.depth;
    int8_t* out = output + r * rows.depth;
    int32_t max_in_row = std::numeric_limits<int8_t>::min();
    for (int64_t c = 0; c < rows.depth; ++c) max_in_row = std::max<int32_t>(max_in_row, in[c]);

    int32_t sum_of_exps = 0;  // Q12.19
    for (int64_t c = 0; c < rows.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff >= in_params.diff_min) {
        const int32_t e = ExpOnNegativeValues(to_q5(diff), kInputIntegerBits);
        sum_of_exps = WrappingAdd(sum_of_exps, RescaleFixedPoint(e, 0, kLogSoftmaxSumIntegerBits));
      }
    }
    const int32_t log_sum =
        LogXForXGreaterThanOrEqualTo1(sum_of_exps, kLogSoftmaxSumIntegerBits, kInputIntegerBits);  // Q5.26
    // The smallest Q5.26 value plus log_sum, back in input quanta: a
    // difference at or below it would underflow the output.
    const int32_t shifted_log_sum = WrappingAdd(log_sum, std::numeric_limits<int32_t>::min());
    const int32_t adjusted_diff_min =
        std::max(in_params.diff_min - 1, MultiplyByQuantizedMultiplier(shifted_log_sum, params.reverse_scaling_divisor,
                                                                       params.reverse_scaling_shift));
    for (int64_t c = 0; c < rows.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff > adjusted_diff_min) {
        const int32_t y = RoundingDivideByPOT(WrapSub32(to_q5(diff), log_sum),
                                              31 - kInputIntegerBits - kOutputIntegerBits) +
                          127;
        out[c] = static_cast<int8_t>(Clamp(y, -128, 127));
      } else {
        out[c] = -128;
      }
    }
  }
}

}  // namespace tinyforge::ref
