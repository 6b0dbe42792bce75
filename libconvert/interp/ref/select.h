// SELECT_V2: output = condition ? x : y elementwise, the three inputs
// broadcast against each other (NumPy rules, up to kMaxSelectRank axes).
#pragma once

#include <array>
#include <cstddef>  // shape.h uses size_t
#include <cstdint>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

constexpr int kMaxSelectRank = 6;  // TFLM: 5

struct SelectParams {
  int64_t flat_size = 0;
  std::array<int64_t, kMaxSelectRank> output_dims{};  // extended with leading 1s
  // Element strides of each input per extended axis, 0 where broadcast.
  std::array<int64_t, kMaxSelectRank> condition_strides{};
  std::array<int64_t, kMaxSelectRank> x_strides{};
  std::array<int64_t, kMaxSelectRank> y_strides{};
};

// The output must be the broadcast of the three shapes (TFLM's rule: along
// each axis every size is 1 or the largest; a 0 makes the output 0). Throws
// tinyforge::Error naming the shapes otherwise.
SelectParams PrepareSelect(const Shape& condition, const Shape& x, const Shape& y, const Shape& output);

// T: float, int8_t, int16_t, int32_t.
template <typename T>
void Select(const SelectParams& params, const bool* condition, const T* x, const T* y, T* output);

}  // namespace tinyforge::ref
