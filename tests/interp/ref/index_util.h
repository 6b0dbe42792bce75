// Independent index arithmetic for the data-movement kernel tests: flat
// index <-> coordinates by repeated div/mod (the kernels use precomputed
// strides instead).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref::testing {

inline std::vector<int64_t> Coords(int64_t flat, const std::vector<int32_t>& dims) {
  std::vector<int64_t> c(dims.size());
  for (size_t i = dims.size(); i-- > 0;) {
    c[i] = flat % dims[i];
    flat /= dims[i];
  }
  return c;
}

inline int64_t Flat(const std::vector<int64_t>& coords, const std::vector<int32_t>& dims) {
  int64_t f = 0;
  for (size_t i = 0; i < dims.size(); ++i) f = f * dims[i] + coords[i];
  return f;
}

inline int64_t Product(const std::vector<int32_t>& dims) {
  int64_t n = 1;
  for (int32_t d : dims) n *= d;
  return n;
}

inline std::vector<int32_t> RandomDims(std::mt19937& rng, int rank, int32_t lo, int32_t hi) {
  std::vector<int32_t> d(static_cast<size_t>(rank));
  for (auto& x : d) x = std::uniform_int_distribution<int32_t>(lo, hi)(rng);
  return d;
}

// 0, 1, 2, ... as T (distinct values so a misplaced element is caught).
template <typename T>
std::vector<T> Iota(int64_t n) {
  std::vector<T> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<T>(i);
  return v;
}

}  // namespace tinyforge::ref::testing
