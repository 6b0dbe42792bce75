#include "libconvert/interp/ref/gather.h"

#include <algorithm>
#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"  // ShapeString

namespace tinyforge::ref {

GatherParams PrepareGather(const Shape& input, const Shape& coords, int axis, int batch_dims,
                           const Shape& output) {
  const std::string where = "GATHER: input " + ShapeToString(input) + ", indices " + ShapeToString(coords) +
                            ", axis " + std::to_string(axis) + ", batch_dims " + std::to_string(batch_dims);
  if (axis < 0) axis += input.rank();
  if (axis < 0 || axis >= input.rank()) throw Error(where + ": axis out of range");
  if (batch_dims < 0) batch_dims += coords.rank();
  if (batch_dims < 0 || batch_dims >= input.rank() || batch_dims > coords.rank() || batch_dims > axis) {
    throw Error(where + ": batch_dims must be in [0, min(axis, indices rank)]");
  }
  GatherParams p;
  for (int i = 0; i < batch_dims; ++i) {
    if (input.dim(i) != coords.dim(i)) throw Error(where + ": batch dimension " + std::to_string(i) + " differs");
    p.batch_size *= input.dim(i);
  }
  for (int i = batch_dims; i < axis; ++i) p.outer_size *= input.dim(i);
  p.axis_size = input.dim(axis);
  for (int i = axis + 1; i < input.rank(); ++i) p.inner_size *= input.dim(i);
  for (int i = batch_dims; i < coords.rank(); ++i) p.coord_size *= coords.dim(i);

  std::vector<int32_t> expected;
  for (int i = 0; i < axis; ++i) expected.push_back(input.dim(i));
  for (int i = batch_dims; i < coords.rank(); ++i) expected.push_back(coords.dim(i));
  for (int i = axis + 1; i < input.rank(); ++i) expected.push_back(input.dim(i));
  if (Shape(expected) != output) {
    throw Error(where + ": output shape " + ShapeToString(output) + " should be " + ShapeToString(Shape(expected)));
  }
  return p;
}

bool GatherCoordsInRange(const GatherParams& params, const int32_t* coords) {
  const int64_t n = params.batch_size * params.coord_size;
  return std::all_of(coords, coords + n, [&](int32_t c) { return c >= 0 && c < params.axis_size; });
}

template <typename T>
void Gather(const GatherParams& params, const T* input, const int32_t* coords, T* output) {
  const int64_t inner = params.inner_size;
  for (int64_t b = 0; b < params.batch_size; ++b) {
    const int32_t* batch_coords = coords + b * params.coord_size;
    for (int64_t o = 0; o < params.outer_size; ++o) {
      const T* source = input + (b * params.outer_size + o) * params.axis_size * inner;
      for (int64_t c = 0; c < params.coord_size; ++c) {
        const int32_t index = batch_coords[c];
        if (index >= 0 && index < params.axis_size) {
          std::copy(source + index * inner, source + (index + 1) * inner, output);
        } else {
          std::fill(output, output + inner, T{});
        }
        output += inner;
      }
    }
  }
}

GatherNdParams PrepareGatherNd(const Shape& params, const Shape& indices, const Shape& output) {
  const std::string where = "GATHER_ND: params " + ShapeToString(params) + ", indices " + ShapeToString(indices);
  if (params.rank() < 1) throw Error(where + ": params must be at least a vector");
  if (indices.rank() < 1) throw Error(where + ": indices must be at least a vector");
  const int depth = indices.dim(indices.rank() - 1);
  if (depth > params.rank()) throw Error(where + ": the last indices dimension exceeds the params rank");
  if (depth > kMaxGatherNdIndices || depth < 0) {
    throw Error(where + ": the last indices dimension must be at most " + std::to_string(kMaxGatherNdIndices));
  }
  GatherNdParams p;
  p.index_depth = depth;
  p.num_slices = indices.SizeOfDims(0, indices.rank() - 1);
  p.slice_size = params.SizeOfDims(depth, params.rank());
  p.params_flat_size = params.FlatSize();
  for (int j = 0; j < depth; ++j) p.strides[static_cast<size_t>(j)] = params.SizeOfDims(j + 1, params.rank());

  std::vector<int32_t> expected(indices.dims().begin(), indices.dims().end() - 1);
  for (int i = depth; i < params.rank(); ++i) expected.push_back(params.dim(i));
  if (Shape(expected) != output) {
    throw Error(where + ": output shape " + ShapeToString(output) + " should be " + ShapeToString(Shape(expected)));
  }
  return p;
}

namespace {
// Flat params position of slice i, or -1 when it is outside params.
int64_t SliceStart(const GatherNdParams& params, const int32_t* indices, int64_t i) {
  int64_t from = 0;
  for (int j = 0; j < params.index_depth; ++j) {
    from += static_cast<int64_t>(indices[i * params.index_depth + j]) * params.strides[static_cast<size_t>(j)];
  }
  if (from < 0 || from + params.slice_size > params.params_flat_size) return -1;
  return from;
}
}  // namespace

bool GatherNdIndicesInRange(const GatherNdParams& params, const int32_t* indices) {
  for (int64_t i = 0; i < params.num_slices; ++i) {
    if (SliceStart(params, indices, i) < 0) return false;
  }
  return true;
}

template <typename T>
void GatherNd(const GatherNdParams& params, const T* input, const int32_t* indices, T* output) {
  for (int64_t i = 0; i < params.num_slices; ++i) {
    T* dst = output + i * params.slice_size;
    const int64_t from = SliceStart(params, indices, i);
    if (from >= 0) {
      std::copy(input + from, input + from + params.slice_size, dst);
    } else {
      std::fill(dst, dst + params.slice_size, T{});
    }
  }
}

#define TINYFORGE_GATHER(T)                                                       \
  template void Gather<T>(const GatherParams&, const T*, const int32_t*, T*); \
  template void GatherNd<T>(const GatherNdParams&, const T*, const int32_t*, T*);
TINYFORGE_GATHER(float)
TINYFORGE_GATHER(int8_t)
TINYFORGE_GATHER(int16_t)
TINYFORGE_GATHER(int32_t)
TINYFORGE_GATHER(int64_t)
TINYFORGE_GATHER(bool)
#undef TINYFORGE_GATHER

}  // namespace tinyforge::ref
