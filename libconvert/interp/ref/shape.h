// Tensor shape as the pure kernels see it: row-major dims, NHWC for images.
// Kept deliberately small; kernels read dims once, then loop over pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace tinyforge::ref {

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int32_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int32_t> dims) : dims_(std::move(dims)) {}

  int rank() const { return static_cast<int>(dims_.size()); }
  int32_t dim(int i) const { return dims_[static_cast<size_t>(i)]; }
  const std::vector<int32_t>& dims() const { return dims_; }

  // Product of all dims (1 for a scalar).
  int64_t FlatSize() const {
    int64_t n = 1;
    for (int32_t d : dims_) n *= d;
    return n;
  }
  // Product of dims [begin, end).
  int64_t SizeOfDims(int begin, int end) const {
    int64_t n = 1;
    for (int i = begin; i < end; ++i) n *= dims_[static_cast<size_t>(i)];
    return n;
  }
  // The shape padded on the left with 1s to `rank` dims (for broadcasting).
  Shape Extended(int rank) const {
    std::vector<int32_t> d(static_cast<size_t>(rank > this->rank() ? rank - this->rank() : 0), 1);
    d.insert(d.end(), dims_.begin(), dims_.end());
    return Shape(std::move(d));
  }

  bool operator==(const Shape& o) const { return dims_ == o.dims_; }
  bool operator!=(const Shape& o) const { return dims_ != o.dims_; }

 private:
  std::vector<int32_t> dims_;
};

// "[1, 28, 28, 3]", for Prepare error messages.
std::string ShapeToString(const Shape& shape);

// A shape seen as rows of its last dimension, as the row-wise kernels
// (SOFTMAX, LOG_SOFTMAX, L2_NORMALIZATION) walk it: `outer` rows of `depth`
// elements; a scalar is one row of one element.
struct Rows {
  int64_t outer = 1;
  int64_t depth = 1;
};
inline Rows RowsOf(const Shape& shape) {
  Rows rows;
  if (shape.rank() == 0) return rows;
  rows.depth = shape.dim(shape.rank() - 1);
  rows.outer = rows.depth == 0 ? 0 : shape.FlatSize() / rows.depth;
  return rows;
}

}  // namespace tinyforge::ref
