// ARG_MAX and ARG_MIN along one axis: the index of the first largest
// (smallest) element, as TFLM compares (plain > and <, so a NaN never wins
// and never loses once it is the current best).
#pragma once

#include <cstddef>  // shape.h uses size_t
#include <cstdint>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

struct ArgMinMaxParams {
  int64_t outer_size = 1;
  int64_t axis_size = 0;
  int64_t inner_size = 1;
  bool is_arg_max = true;
};

// axis may be negative (counts from the back); output = input without the
// axis. Throws tinyforge::Error otherwise (also for an empty axis).
ArgMinMaxParams PrepareArgMinMax(const Shape& input, int axis, const Shape& output, bool is_arg_max);

// T: float, int8_t, int16_t, int32_t; Index: int32_t, int64_t.
template <typename T, typename Index>
void ArgMinMax(const ArgMinMaxParams& params, const T* input, Index* output);

}  // namespace tinyforge::ref
