#include "libconvert/interp/ref/arg_min_max.h"

#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"  // ShapeString

namespace tinyforge::ref {

ArgMinMaxParams PrepareArgMinMax(const Shape& input, int axis, const Shape& output, bool is_arg_max) {
  const std::string where = std::string(is_arg_max ? "ARG_MAX" : "ARG_MIN") + ": input " + ShapeToString(input) +
                            ", axis " + std::to_string(axis) + ", output " + ShapeToString(output);
  const int a = axis < 0 ? axis + input.rank() : axis;
  if (a < 0 || a >= input.rank()) throw Error(where + ": axis out of range");
  std::vector<int32_t> expected = input.dims();
  expected.erase(expected.begin() + a);
  if (Shape(expected) != output) throw Error(where + ": the output shape should be " + ShapeToString(Shape(expected)));
  if (input.dim(a) <= 0) throw Error(where + ": the axis is empty");
  ArgMinMaxParams p;
  p.outer_size = input.SizeOfDims(0, a);
  p.axis_size = input.dim(a);
  p.inner_size = input.SizeOfDims(a + 1, input.rank());
  p.is_arg_max = is_arg_max;
  return p;
}

template <typename T, typename Index>
void ArgMinMax(const ArgMinMaxParams& p, const T* input, Index* output) {
  for (int64_t o = 0; o < p.outer_size; ++o) {
    for (int64_t i = 0; i < p.inner_size; ++i) {
      const T* column = input + o * p.axis_size * p.inner_size + i;
      T best = column[0];
      Index best_index = 0;
      for (int64_t k = 1; k < p.axis_size; ++k) {
        const T v = column[k * p.inner_size];
        if (p.is_arg_max ? v > best : v < best) {
          best = v;
          best_index = static_cast<Index>(k);
        }
      }
      *output++ = best_index;
    }
  }
}

#define TINYFORGE_ARG(T)                                                              \
  template void ArgMinMax<T, int32_t>(const ArgMinMaxParams&, const T*, int32_t*); \
  template void ArgMinMax<T, int64_t>(const ArgMinMaxParams&, const T*, int64_t*);
TINYFORGE_ARG(float)
TINYFORGE_ARG(int8_t)
TINYFORGE_ARG(int16_t)
TINYFORGE_ARG(int32_t)
#undef TINYFORGE_ARG

}  // namespace tinyforge::ref
