// GATHER and GATHER_ND: copy slices of a tensor selected by int32 indices.
// Pure data movement; every element type of the same size behaves alike.
//
// Indices come from a tensor that may change between invocations, so the
// kernels check them while copying: an index outside the gathered axis
// (GATHER) or a slice outside the params (GATHER_ND) yields zeros for that
// slice. TFLM does not define this case (GATHER reads out of bounds, GATHER_ND
// aborts the invocation); valid indices give TFLM's exact bytes.
#pragma once

#include <array>
#include <cstddef>  // shape.h uses size_t
#include <cstdint>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

struct GatherParams {
  int64_t batch_size = 1;  // product of the first batch_dims input dims
  int64_t outer_size = 1;  // product of input dims [batch_dims, axis)
  int64_t axis_size = 0;   // input.dim(axis)
  int64_t inner_size = 1;  // product of input dims after axis (elements per slice)
  int64_t coord_size = 1;  // indices per batch: product of coords dims [batch_dims, rank)
};

// Validates like TFLM's Prepare (negative axis and batch_dims count from the
// back; batch_dims <= axis; batch dims of input and coords equal) and that
// `output` is input.dims[0, axis) + coords.dims[batch_dims, end) +
// input.dims(axis, end). Throws tinyforge::Error naming the shapes otherwise.
GatherParams PrepareGather(const Shape& input, const Shape& coords, int axis, int batch_dims,
                           const Shape& output);

// True when every coordinate is in [0, axis_size) (checked at Prepare for
// constant coordinates).
bool GatherCoordsInRange(const GatherParams& params, const int32_t* coords);

// output[b, o, c, i] = input[b, o, coords[b, c], i].
template <typename T>
void Gather(const GatherParams& params, const T* input, const int32_t* coords, T* output);

// TFLM's limit on the innermost indices dimension.
constexpr int kMaxGatherNdIndices = 5;

struct GatherNdParams {
  int64_t num_slices = 0;        // product of indices dims except the last
  int index_depth = 0;           // indices.dim(rank - 1): params axes indexed
  int64_t slice_size = 1;        // elements per gathered slice
  int64_t params_flat_size = 0;  // elements in params
  // Element stride of params axis j (j < index_depth).
  std::array<int64_t, kMaxGatherNdIndices> strides{};
};

// Validates like TFLM's Prepare and that `output` is indices.dims[0, rank-1)
// + params.dims[index_depth, end).
GatherNdParams PrepareGatherNd(const Shape& params, const Shape& indices, const Shape& output);

// True when every slice position lies inside params (TFLM's own bound check:
// only the flat position is checked, not each index against its axis).
bool GatherNdIndicesInRange(const GatherNdParams& params, const int32_t* indices);

// Slice i of the output is the params slice starting at flat position
// sum_j indices[i, j] * strides[j].
template <typename T>
void GatherNd(const GatherNdParams& params, const T* input, const int32_t* indices, T* output);

}  // namespace tinyforge::ref
