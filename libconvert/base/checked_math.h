// Sizes computed from numbers in a file (shape products, MAC counts, byte
// and arena sums) in one checked form: an overflow is reported, never
// wrapped into a negative or small size that a later allocation or loop
// would trust.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace tinyforge {

// a * b, or nullopt when it does not fit int64.
inline std::optional<int64_t> CheckedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// a + b, or nullopt when it does not fit int64.
inline std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// a + b where either may already be an overflow (nullopt): for running
// totals, which stay nullopt once they overflowed.
inline std::optional<int64_t> CheckedSum(std::optional<int64_t> a, std::optional<int64_t> b) {
  return a && b ? CheckedAdd(*a, *b) : std::nullopt;
}

// The product of `dims` (1 for none), or nullopt when a dim is negative or
// the product does not fit int64.
template <typename Int>
std::optional<int64_t> CheckedProduct(const std::vector<Int>& dims) {
  int64_t n = 1;
  for (const Int d : dims) {
    if (d < 0) return std::nullopt;
    const std::optional<int64_t> next = CheckedMul(n, static_cast<int64_t>(d));
    if (!next) return std::nullopt;
    n = *next;
  }
  return n;
}

}  // namespace tinyforge
