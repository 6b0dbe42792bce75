// TRANSPOSE: output axis i is input axis perm[i], for any permutation of up
// to kMaxTransposeRank axes. Pure data movement, so every element type of
// the same size behaves identically.
#pragma once

#include <array>
#include <cstddef>  // shape.h uses size_t
#include <cstdint>
#include <vector>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// The largest rank handled. (TFLM's TRANSPOSE Prepare accepts at most 5D.)
constexpr int kMaxTransposeRank = 6;

struct TransposeParams {
  int rank = 0;                                           // number of axes
  std::array<int64_t, kMaxTransposeRank> output_dims{};   // output.dim(i) = input.dim(perm[i])
  // Input element stride of each output axis: the row-major input stride of
  // axis perm[i].
  std::array<int64_t, kMaxTransposeRank> input_strides{};
};

// Validates perm (a permutation of 0..rank-1, rank <= kMaxTransposeRank) and
// that output.dim(i) == input.dim(perm[i]). Throws tinyforge::Error naming the
// shapes and perm otherwise.
TransposeParams PrepareTranspose(const Shape& input, const std::vector<int32_t>& perm,
                                 const Shape& output);

// output[o_0, ..., o_{r-1}] = input[i] with i_{perm[k]} = o_k.
// T: float, int8_t, uint8_t, int16_t, int32_t, int64_t, bool.
template <typename T>
void Transpose(const TransposeParams& params, const T* input, T* output);

}  // namespace tinyforge::ref
