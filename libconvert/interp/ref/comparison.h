// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL with
// broadcasting; the output is bool. int8 inputs are compared after TFLM's
// rescaling (each side: (q - zero_point) * 2^8 times its own scale as a Q31
// multiplier), so two inputs with different quantization compare by their
// approximate real values, exactly as TFLM decides.
#pragma once

#include <cstdint>

#include "libconvert/interp/ref/broadcast.h"
#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::ref {

enum class Comparison { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

// T: float, bool, int8_t (raw, no rescaling), int16_t, int32_t, int64_t.
template <typename T>
void Compare(Comparison op, const BroadcastPlan& plan, const T* input1, const T* input2, bool* output);

struct QuantizedComparisonParams {
  int left_shift = 8;
  int32_t input1_offset = 0;  // -zero_point
  int32_t input2_offset = 0;
  QuantizedMultiplier input1_multiplier;  // the input's scale, shift <= 0
  QuantizedMultiplier input2_multiplier;
};

// Scales must lie in (0, 1) (TFLM aborts otherwise); throws tinyforge::Error.
QuantizedComparisonParams PrepareQuantizedComparison(float input1_scale, int32_t input1_zero_point,
                                                     float input2_scale, int32_t input2_zero_point);

void Compare(Comparison op, const BroadcastPlan& plan, const QuantizedComparisonParams& params,
             const int8_t* input1, const int8_t* input2, bool* output);

}  // namespace tinyforge::ref
