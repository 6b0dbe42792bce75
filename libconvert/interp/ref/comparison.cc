#include "libconvert/interp/ref/comparison.h"

#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/quant_math.h"

namespace tinyforge::ref {
namespace {

// Runs the broadcast loop once per operator with `value` mapping each input
// element to the compared quantity.
template <typename T, typename Value>
void CompareWith(Comparison op, const BroadcastPlan& plan, const T* a, const T* b, bool* out, Value value) {
  switch (op) {
    case Comparison::kEqual:
      BroadcastBinary(plan, a, b, out, [&](T x, T y) { return value(x, 0) == value(y, 1); });
      break;
    case Comparison::kNotEqual:
      BroadcastBinary(plan, a, b, out, [&](T x, T y) { return value(x, 0) != value(y, 1); });
      break;
    case Comparison::kLess:
      BroadcastBinary(plan, a, b, out, [&](T x, T y) { return value(x, 0) < value(y, 1); });
      break;
    case Comparison::kLessEqual:
      BroadcastBinary(plan, a, b, out, [&](T x, T y) { return value(x, 0) <= value(y, 1); });
      break;
    case Comparison::kGreater:
      BroadcastBinary(plan, a, b, out, [&](T x, T y) { return value(x, 0) > value(y, 1); });
      break;
    case Comparison::kGreaterEqual:
      BroadcastBinary(plan, a, b, out, [&](T x, T y) { return value(x, 0) >= value(y, 1); });
      break;
  }
}

}  // namespace

template <typename T>
void Compare(Comparison op, const BroadcastPlan& plan, const T* input1, const T* input2, bool* output) {
  CompareWith(op, plan, input1, input2, output, [](T v, int) { return v; });
}

template void Compare<float>(Comparison, const BroadcastPlan&, const float*, const float*, bool*);
template void Compare<bool>(Comparison, const BroadcastPlan&, const bool*, const bool*, bool*);
template void Compare<int8_t>(Comparison, const BroadcastPlan&, const int8_t*, const int8_t*, bool*);
template void Compare<int16_t>(Comparison, const BroadcastPlan&, const int16_t*, const int16_t*, bool*);
template void Compare<int32_t>(Comparison, const BroadcastPlan&, const int32_t*, const int32_t*, bool*);
template void Compare<int64_t>(Comparison, const BroadcastPlan&, const int64_t*, const int64_t*, bool*);

QuantizedComparisonParams PrepareQuantizedComparison(float input1_scale, int32_t input1_zero_point,
                                                     float input2_scale, int32_t input2_zero_point) {
  for (float s : {input1_scale, input2_scale}) {
    if (!(s > 0.0f && s < 1.0f)) {
      throw Error(std::string("comparison: ") + kScaleRatioError + ", an int8 input scale of " + std::to_string(s) +
                  ", is outside (0, 1), which TFLM cannot rescale");
    }
  }
  QuantizedComparisonParams p;
  p.input1_offset = -input1_zero_point;
  p.input2_offset = -input2_zero_point;
  p.input1_multiplier = QuantizeMultiplier(static_cast<double>(input1_scale));
  p.input2_multiplier = QuantizeMultiplier(static_cast<double>(input2_scale));
  return p;
}

void Compare(Comparison op, const BroadcastPlan& plan, const QuantizedComparisonParams& params,
             const int8_t* input1, const int8_t* input2, bool* output) {
  const QuantizedComparisonParams p = params;
  CompareWith(op, plan, input1, input2, output, [p](int8_t v, int side) {
    const int32_t offset = side == 0 ? p.input1_offset : p.input2_offset;
    const QuantizedMultiplier& m = side == 0 ? p.input1_multiplier : p.input2_multiplier;
    const int32_t shifted = (static_cast<int32_t>(v) + offset) * (1 << p.left_shift);
    return MultiplyByQuantizedMultiplier(shifted, m);
  });
}

}  // namespace tinyforge::ref
