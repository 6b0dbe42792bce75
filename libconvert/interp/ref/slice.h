// SLICE and STRIDED_SLICE: copy a (strided) box of the input. Pure data
// movement; every element type of the same size behaves alike.
#pragma once

#include <array>
#include <cstddef>  // shape.h uses size_t
#include <cstdint>
#include <vector>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// The largest rank handled (TFLM: SLICE 5D, STRIDED_SLICE 4D).
constexpr int kMaxSliceRank = 5;

// Output element at coordinate o reads input coordinate start + o * stride
// on every axis. Built by the Prepare functions below, which guarantee every
// read is in bounds.
struct StridedBox {
  int rank = 0;
  std::array<int64_t, kMaxSliceRank> output_dims{};  // extent of the box per axis
  std::array<int64_t, kMaxSliceRank> start{};        // first input coordinate per axis
  std::array<int64_t, kMaxSliceRank> stride{};       // input step per output step (may be < 0)
  std::array<int64_t, kMaxSliceRank> input_strides{};  // row-major element strides of the input
};

template <typename T>
void CopyStridedBox(const StridedBox& box, const T* input, T* output);

// SLICE with constant begin and size (one entry per input axis; size -1
// means "to the end"). Validates that the box lies inside the input and that
// `output` has the box's dims. Throws tinyforge::Error otherwise.
StridedBox PrepareSlice(const Shape& input, const std::vector<int64_t>& begin,
                        const std::vector<int64_t>& size, const Shape& output);

// SLICE whose begin is only known when the operator runs. The output shape
// (static in the model) fixes the box's extent; Prepare checks ranks only.
struct DynamicSliceParams {
  int rank = 0;
  std::array<int64_t, kMaxSliceRank> input_dims{};
  std::array<int64_t, kMaxSliceRank> output_dims{};
};
DynamicSliceParams PrepareDynamicSlice(const Shape& input, const Shape& output);

// output[o] = input[begin + o]. begin holds `begin_count` entries for axes
// 0..begin_count-1 (extra entries are ignored, missing ones are 0). An output
// element whose input coordinate is outside the input is 0: TFLM reads out
// of bounds there (undefined), so no value can match it.
template <typename T, typename Index>
void DynamicSlice(const DynamicSliceParams& params, const Index* begin, int begin_count, const T* input,
                  T* output);

// STRIDED_SLICE options (TFLM ignores ellipsis_mask and new_axis_mask, and
// so do we).
struct StridedSliceMasks {
  int32_t begin_mask = 0;
  int32_t end_mask = 0;
  int32_t shrink_axis_mask = 0;
  bool offset = false;  // end is relative to begin
};

// STRIDED_SLICE with constant begin/end/strides (one entry per input axis,
// or fewer: missing leading axes are taken whole), following TFLM's
// start/stop clamping. Validates the input rank (<= 4, as TFLM), non-zero
// strides and that `output` has the box's dims with shrunk axes removed.
StridedBox PrepareStridedSlice(const Shape& input, const std::vector<int64_t>& begin,
                               const std::vector<int64_t>& end, const std::vector<int64_t>& strides,
                               const StridedSliceMasks& masks, const Shape& output);

}  // namespace tinyforge::ref
