#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

std::string ShapeToString(const Shape& shape) {
  std::string s = "[";
  for (int i = 0; i < shape.rank(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape.dim(i));
  }
  return s + "]";
}

}  // namespace tinyforge::ref
