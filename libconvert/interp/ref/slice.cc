#include "libconvert/interp/ref/slice.h"

#include <algorithm>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"  // ShapeString

namespace tinyforge::ref {
namespace {

std::string ListString(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::array<int64_t, kMaxSliceRank> RowMajorStrides(const Shape& shape) {
  std::array<int64_t, kMaxSliceRank> strides{};
  int64_t stride = 1;
  for (int i = shape.rank() - 1; i >= 0; --i) {
    strides[static_cast<size_t>(i)] = stride;
    stride *= shape.dim(i);
  }
  return strides;
}

// The box padded on the left to kMaxSliceRank axes of extent 1.
StridedBox Padded(const StridedBox& box) {
  StridedBox p;
  p.rank = kMaxSliceRank;
  const int lead = kMaxSliceRank - box.rank;
  for (int i = 0; i < kMaxSliceRank; ++i) {
    const auto k = static_cast<size_t>(i);
    if (i < lead) {
      p.output_dims[k] = 1;
    } else {
      const auto s = static_cast<size_t>(i - lead);
      p.output_dims[k] = box.output_dims[s];
      p.start[k] = box.start[s];
      p.stride[k] = box.stride[s];
      p.input_strides[k] = box.input_strides[s];
    }
  }
  return p;
}

}  // namespace

template <typename T>
void CopyStridedBox(const StridedBox& box, const T* input, T* output) {
  const StridedBox b = Padded(box);
  const auto& d = b.output_dims;
  for (int64_t x : d) {
    if (x <= 0) return;
  }
  // Input offset of output coordinate o on axis k: (start + o * stride) * input_stride.
  std::array<int64_t, kMaxSliceRank> base{}, step{};
  for (size_t k = 0; k < static_cast<size_t>(kMaxSliceRank); ++k) {
    base[k] = b.start[k] * b.input_strides[k];
    step[k] = b.stride[k] * b.input_strides[k];
  }
  static_assert(kMaxSliceRank == 5, "the loop nest below has one level per axis");
  for (int64_t i0 = 0; i0 < d[0]; ++i0) {
    const int64_t o0 = base[0] + i0 * step[0];
    for (int64_t i1 = 0; i1 < d[1]; ++i1) {
      const int64_t o1 = o0 + base[1] + i1 * step[1];
      for (int64_t i2 = 0; i2 < d[2]; ++i2) {
        const int64_t o2 = o1 + base[2] + i2 * step[2];
        for (int64_t i3 = 0; i3 < d[3]; ++i3) {
          const T* row = input + o2 + base[3] + i3 * step[3] + base[4];
          for (int64_t i4 = 0; i4 < d[4]; ++i4) *output++ = row[i4 * step[4]];
        }
      }
    }
  }
}

StridedBox PrepareSlice(const Shape& input, const std::vector<int64_t>& begin,
                        const std::vector<int64_t>& size, const Shape& output) {
  const std::string where = "SLICE: input " + ShapeToString(input) + ", begin " + ListString(begin) + ", size " +
                            ListString(size) + ", output " + ShapeToString(output);
  const int rank = input.rank();
  if (rank > kMaxSliceRank) throw Error(where + ": rank exceeds " + std::to_string(kMaxSliceRank));
  if (static_cast<int>(begin.size()) != rank || static_cast<int>(size.size()) != rank) {
    throw Error(where + ": begin and size need one entry per input axis");
  }
  if (output.rank() != rank) throw Error(where + ": output rank differs from the input rank");
  StridedBox box;
  box.rank = rank;
  box.input_strides = RowMajorStrides(input);
  for (int i = 0; i < rank; ++i) {
    const auto k = static_cast<size_t>(i);
    // begin first, then the extent against what is left after it: no sum of
    // two hostile int64 values (begin + size overflowed, found by fuzzing).
    if (begin[k] < 0 || begin[k] > input.dim(i)) {
      throw Error(where + ": axis " + std::to_string(i) + " is outside the input");
    }
    const int64_t extent = size[k] == -1 ? input.dim(i) - begin[k] : size[k];
    if (extent < 0 || extent > input.dim(i) - begin[k]) {
      throw Error(where + ": axis " + std::to_string(i) + " is outside the input");
    }
    if (extent != output.dim(i)) {
      throw Error(where + ": output axis " + std::to_string(i) + " should have size " + std::to_string(extent));
    }
    box.output_dims[k] = extent;
    box.start[k] = begin[k];
    box.stride[k] = 1;
  }
  return box;
}

DynamicSliceParams PrepareDynamicSlice(const Shape& input, const Shape& output) {
  const std::string where = "SLICE: input " + ShapeToString(input) + ", output " + ShapeToString(output);
  if (input.rank() > kMaxSliceRank) throw Error(where + ": rank exceeds " + std::to_string(kMaxSliceRank));
  if (output.rank() != input.rank()) throw Error(where + ": output rank differs from the input rank");
  DynamicSliceParams p;
  p.rank = input.rank();
  for (int i = 0; i < p.rank; ++i) {
    if (output.dim(i) > input.dim(i)) {
      throw Error(where + ": output axis " + std::to_string(i) + " is larger than the input's");
    }
    p.input_dims[static_cast<size_t>(i)] = input.dim(i);
    p.output_dims[static_cast<size_t>(i)] = output.dim(i);
  }
  return p;
}

template <typename T, typename Index>
void DynamicSlice(const DynamicSliceParams& params, const Index* begin, int begin_count, const T* input,
                  T* output) {
  StridedBox box;
  box.rank = params.rank;
  bool inside = true;
  int64_t stride = 1;
  for (int i = params.rank - 1; i >= 0; --i) {
    const auto k = static_cast<size_t>(i);
    const int64_t start = i < begin_count ? static_cast<int64_t>(begin[i]) : 0;
    box.output_dims[k] = params.output_dims[k];
    box.start[k] = start;
    box.stride[k] = 1;
    box.input_strides[k] = stride;
    stride *= params.input_dims[k];
    if (start < 0 || start > params.input_dims[k] - params.output_dims[k]) inside = false;
  }
  if (inside) {
    CopyStridedBox(box, input, output);
    return;
  }
  // Some elements fall outside: copy element by element, 0 outside.
  int64_t count = 1;
  for (int i = 0; i < params.rank; ++i) count *= params.output_dims[static_cast<size_t>(i)];
  for (int64_t flat = 0; flat < count; ++flat) {
    int64_t rest = flat;
    int64_t offset = 0;
    bool valid = true;
    for (int i = params.rank - 1; i >= 0; --i) {
      const auto k = static_cast<size_t>(i);
      // start is the file's begin value: compared before any sum or
      // product, so a huge one cannot overflow.
      const int64_t within = rest % params.output_dims[k];
      rest /= params.output_dims[k];
      if (box.start[k] < -within || box.start[k] >= params.input_dims[k] - within) {
        valid = false;
      } else {
        offset += (box.start[k] + within) * box.input_strides[k];
      }
    }
    output[flat] = valid ? input[offset] : T{};
  }
}

namespace {

int64_t ClampTo(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

}  // namespace

StridedBox PrepareStridedSlice(const Shape& input, const std::vector<int64_t>& begin,
                               const std::vector<int64_t>& end, const std::vector<int64_t>& strides,
                               const StridedSliceMasks& masks, const Shape& output) {
  const std::string where = "STRIDED_SLICE: input " + ShapeToString(input) + ", begin " + ListString(begin) +
                            ", end " + ListString(end) + ", strides " + ListString(strides) + ", output " +
                            ShapeToString(output);
  constexpr int kMaxStridedSliceRank = 4;
  const int rank = input.rank();
  if (rank > kMaxStridedSliceRank) throw Error(where + ": input rank exceeds 4");
  const int count = static_cast<int>(begin.size());
  if (static_cast<int>(end.size()) != count || static_cast<int>(strides.size()) != count || count > rank) {
    throw Error(where + ": begin, end and strides need the same length, at most the input rank");
  }
  // Missing leading axes are taken whole (TFLM pads the indices the same way).
  const int pad = rank - count;
  StridedBox box;
  box.rank = rank;
  box.input_strides = RowMajorStrides(input);
  std::vector<int32_t> expected;
  for (int i = 0; i < rank; ++i) {
    const auto k = static_cast<size_t>(i);
    const int64_t axis_size = input.dim(i);
    int64_t start, stop, stride;
    bool shrink = false;
    if (i < pad) {
      start = 0;
      stop = axis_size;
      stride = 1;
    } else {
      const auto j = static_cast<size_t>(i - pad);
      const int bit = i - pad;
      stride = strides[j];
      if (stride == 0) throw Error(where + ": strides must be non-zero");
      shrink = (masks.shrink_axis_mask >> bit) & 1;
      // Start: wrap negative, clamp, then the begin mask wins.
      start = begin[j];
      if (start < 0) start += axis_size;
      start = stride > 0 ? ClampTo(start, 0, axis_size) : ClampTo(start, -1, axis_size - 1);
      if ((masks.begin_mask >> bit) & 1) start = stride > 0 ? 0 : axis_size - 1;
      if (shrink) {
        stop = start >= axis_size ? start : start + 1;
      } else {
        stop = end[j];
        if (masks.offset) stop += start;
        if (stop < 0) stop += axis_size;
        stop = stride > 0 ? ClampTo(stop, 0, axis_size) : ClampTo(stop, -1, axis_size - 1);
        if ((masks.end_mask >> bit) & 1) stop = stride > 0 ? axis_size : -1;
      }
    }
    // Number of iterations of "for (x = start; stride > 0 ? x < stop : x > stop; x += stride)".
    int64_t n = 0;
    if (stride > 0 && stop > start) n = (stop - start + stride - 1) / stride;
    if (stride < 0 && stop < start) n = (start - stop + (-stride) - 1) / (-stride);
    if (n > 0 && (start < 0 || start >= axis_size || start + (n - 1) * stride < 0 ||
                  start + (n - 1) * stride >= axis_size)) {
      throw Error(where + ": axis " + std::to_string(i) + " reads outside the input");
    }
    box.output_dims[k] = n;
    box.start[k] = n > 0 ? start : 0;
    box.stride[k] = stride;
    if (!shrink) expected.push_back(static_cast<int32_t>(n));
    else if (n != 1) throw Error(where + ": shrunk axis " + std::to_string(i) + " selects no element");
  }
  if (Shape(expected) != output) {
    throw Error(where + ": output shape should be " + ShapeToString(Shape(expected)));
  }
  return box;
}

#define TINYFORGE_SLICE(T)                                                                              \
  template void CopyStridedBox<T>(const StridedBox&, const T*, T*);                                     \
  template void DynamicSlice<T, int32_t>(const DynamicSliceParams&, const int32_t*, int, const T*, T*); \
  template void DynamicSlice<T, int64_t>(const DynamicSliceParams&, const int64_t*, int, const T*, T*);
TINYFORGE_SLICE(float)
TINYFORGE_SLICE(int8_t)
TINYFORGE_SLICE(int16_t)
TINYFORGE_SLICE(int32_t)
TINYFORGE_SLICE(int64_t)
TINYFORGE_SLICE(bool)
#undef TINYFORGE_SLICE

}  // namespace tinyforge::ref
