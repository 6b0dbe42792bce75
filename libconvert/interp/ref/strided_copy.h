// Gathering a 6-D view of an input into a dense output: the one loop nest
// behind BROADCAST_TO (stride 0 on broadcast axes) and TRANSPOSE (permuted
// strides). Shorter ranks are left-padded with axes of size 1.
#pragma once

#include <array>
#include <cstdint>

namespace tinyforge::ref {

constexpr int kStridedCopyRank = 6;

// output[i0..i5] = input[sum(ik * strides[k])], in row-major order of `dims`.
// Writes nothing when any dim is 0.
template <typename T>
void StridedCopy(const std::array<int64_t, kStridedCopyRank>& dims,
                 const std::array<int64_t, kStridedCopyRank>& strides, const T* input, T* output) {
  const auto& d = dims;
  const auto& s = strides;
  for (int64_t i0 = 0; i0 < d[0]; ++i0) {
    for (int64_t i1 = 0; i1 < d[1]; ++i1) {
      for (int64_t i2 = 0; i2 < d[2]; ++i2) {
        for (int64_t i3 = 0; i3 < d[3]; ++i3) {
          for (int64_t i4 = 0; i4 < d[4]; ++i4) {
            const T* row = input + i0 * s[0] + i1 * s[1] + i2 * s[2] + i3 * s[3] + i4 * s[4];
            for (int64_t i5 = 0; i5 < d[5]; ++i5) *output++ = row[i5 * s[5]];
          }
        }
      }
    }
  }
}

}  // namespace tinyforge::ref
