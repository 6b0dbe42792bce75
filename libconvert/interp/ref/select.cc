#include "libconvert/interp/ref/select.h"

#include <algorithm>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"  // ShapeString

namespace tinyforge::ref {

SelectParams PrepareSelect(const Shape& condition, const Shape& x, const Shape& y, const Shape& output) {
  const std::string where = "SELECT_V2: condition " + ShapeToString(condition) + ", x " + ShapeToString(x) + ", y " +
                            ShapeToString(y) + ", output " + ShapeToString(output);
  if (condition.FlatSize() == 1 && x.FlatSize() == 1 && y.FlatSize() == 1 && output.FlatSize() == 1) {
    // One element each, whatever the ranks (TFLM's "mixed scalar" case).
    SelectParams p;
    p.flat_size = 1;
    p.output_dims.fill(1);
    return p;
  }
  const int rank = std::max({condition.rank(), x.rank(), y.rank()});
  if (rank > kMaxSelectRank) throw Error(where + ": rank exceeds " + std::to_string(kMaxSelectRank));
  if (output.rank() != rank) throw Error(where + ": the output rank should be " + std::to_string(rank));
  const Shape shapes[3] = {condition.Extended(kMaxSelectRank), x.Extended(kMaxSelectRank),
                           y.Extended(kMaxSelectRank)};
  const Shape out = output.Extended(kMaxSelectRank);
  SelectParams p;
  std::array<int64_t, 3> stride = {1, 1, 1};
  std::array<std::array<int64_t, kMaxSelectRank>*, 3> strides = {&p.condition_strides, &p.x_strides,
                                                                  &p.y_strides};
  for (int i = kMaxSelectRank - 1; i >= 0; --i) {
    const auto k = static_cast<size_t>(i);
    int64_t lo = shapes[0].dim(i), hi = shapes[0].dim(i);
    for (const Shape& s : shapes) {
      lo = std::min<int64_t>(lo, s.dim(i));
      hi = std::max<int64_t>(hi, s.dim(i));
    }
    if (lo == 0) hi = 0;
    for (size_t t = 0; t < 3; ++t) {
      const int64_t d = shapes[t].dim(i);
      if (d != 1 && d != hi) throw Error(where + ": the shapes do not broadcast");
      (*strides[t])[k] = d == 1 ? 0 : stride[t];
      stride[t] *= d;
    }
    if (out.dim(i) != hi) throw Error(where + ": the output shape does not match the broadcast shape");
    p.output_dims[k] = hi;
  }
  p.flat_size = output.FlatSize();
  return p;
}

template <typename T>
void Select(const SelectParams& p, const bool* condition, const T* x, const T* y, T* output) {
  if (p.flat_size == 0) return;
  const auto& d = p.output_dims;
  const auto& sc = p.condition_strides;
  const auto& sx = p.x_strides;
  const auto& sy = p.y_strides;
  static_assert(kMaxSelectRank == 6, "the loop nest below has one level per axis");
  for (int64_t i0 = 0; i0 < d[0]; ++i0) {
    for (int64_t i1 = 0; i1 < d[1]; ++i1) {
      for (int64_t i2 = 0; i2 < d[2]; ++i2) {
        for (int64_t i3 = 0; i3 < d[3]; ++i3) {
          for (int64_t i4 = 0; i4 < d[4]; ++i4) {
            const bool* c = condition + i0 * sc[0] + i1 * sc[1] + i2 * sc[2] + i3 * sc[3] + i4 * sc[4];
            const T* xr = x + i0 * sx[0] + i1 * sx[1] + i2 * sx[2] + i3 * sx[3] + i4 * sx[4];
            const T* yr = y + i0 * sy[0] + i1 * sy[1] + i2 * sy[2] + i3 * sy[3] + i4 * sy[4];
            for (int64_t i5 = 0; i5 < d[5]; ++i5) {
              *output++ = c[i5 * sc[5]] ? xr[i5 * sx[5]] : yr[i5 * sy[5]];
            }
          }
        }
      }
    }
  }
}

template void Select<float>(const SelectParams&, const bool*, const float*, const float*, float*);
template void Select<int8_t>(const SelectParams&, const bool*, const int8_t*, const int8_t*, int8_t*);
template void Select<int16_t>(const SelectParams&, const bool*, const int16_t*, const int16_t*, int16_t*);
template void Select<int32_t>(const SelectParams&, const bool*, const int32_t*, const int32_t*, int32_t*);

}  // namespace tinyforge::ref
