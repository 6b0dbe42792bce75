// NumPy-style broadcasting for binary elementwise kernels.
//
// Shapes are right-aligned and padded on the left with 1s; along each axis
// the two sizes must be equal or one of them must be 1. A plan is computed
// once (at Prepare) and then drives every Eval. Every output element
// out[i] = op(a[ia], b[ib]) is computed independently, so the visiting order
// does not influence results; what matters for TFLM bit-exactness is only
// the per-element arithmetic of each op.
#pragma once

#include <array>
#include <cstddef>  // shape.h uses size_t
#include <cstdint>
#include <string>

#include "libconvert/interp/ref/shape.h"

namespace tinyforge::ref {

// The largest rank a broadcast plan handles (TFLM's 6D broadcast kernels).
constexpr int kMaxBroadcastRank = 6;

// The broadcast result shape of `a` and `b`, with rank max(rank a, rank b).
// Throws tinyforge::Error naming both shapes when they are not compatible or
// exceed kMaxBroadcastRank.
Shape BroadcastShape(const Shape& a, const Shape& b);

// How to walk two inputs to produce one output. Dims are extended on the
// left to kMaxBroadcastRank so the loops have a fixed depth.
struct BroadcastPlan {
  // False when both inputs have the same extended shape: a flat loop over
  // flat_size elements is used (the fast path).
  bool needs_broadcast = false;
  // Number of output elements.
  int64_t flat_size = 0;
  // Output dims extended to kMaxBroadcastRank (leading 1s).
  std::array<int64_t, kMaxBroadcastRank> out_dims{};
  // Element stride of input a along each extended axis; 0 where a is
  // broadcast (its size is 1 and the output's is larger).
  std::array<int64_t, kMaxBroadcastRank> a_strides{};
  // Same for input b.
  std::array<int64_t, kMaxBroadcastRank> b_strides{};
};

// Builds the plan for inputs `a`, `b` writing an output of shape `out`.
// `out` must equal BroadcastShape(a, b) up to leading 1s. Throws
// tinyforge::Error naming the shapes otherwise.
BroadcastPlan MakeBroadcastPlan(const Shape& a, const Shape& b, const Shape& out);

// Applies out[i] = op(a[..], b[..]) for every output element following
// `plan`. Cannot fail; the plan guarantees every index is in range.
template <typename A, typename B, typename Out, typename Op>
void BroadcastBinary(const BroadcastPlan& plan, const A* a, const B* b, Out* out, Op op) {
  if (!plan.needs_broadcast) {
    for (int64_t i = 0; i < plan.flat_size; ++i) out[i] = op(a[i], b[i]);
    return;
  }
  if (plan.flat_size == 0) return;
  const auto& d = plan.out_dims;
  const auto& sa = plan.a_strides;
  const auto& sb = plan.b_strides;
  static_assert(kMaxBroadcastRank == 6, "the loop nest below has one level per axis");
  for (int64_t i0 = 0; i0 < d[0]; ++i0) {
    for (int64_t i1 = 0; i1 < d[1]; ++i1) {
      for (int64_t i2 = 0; i2 < d[2]; ++i2) {
        for (int64_t i3 = 0; i3 < d[3]; ++i3) {
          for (int64_t i4 = 0; i4 < d[4]; ++i4) {
            const int64_t a_base = i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3] + i4 * sa[4];
            const int64_t b_base = i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3] + i4 * sb[4];
            const A* a_row = a + a_base;
            const B* b_row = b + b_base;
            const int64_t inner = d[5];
            const int64_t a_step = sa[5];
            const int64_t b_step = sb[5];
            for (int64_t i5 = 0; i5 < inner; ++i5) {
              *out++ = op(a_row[i5 * a_step], b_row[i5 * b_step]);
            }
          }
        }
      }
    }
  }
}

}  // namespace tinyforge::ref
