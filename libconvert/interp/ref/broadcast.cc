#include "libconvert/interp/ref/broadcast.h"

#include <algorithm>

#include "libconvert/base/error.h"

namespace tinyforge::ref {

Shape BroadcastShape(const Shape& a, const Shape& b) {
  const int rank = std::max(a.rank(), b.rank());
  if (rank > kMaxBroadcastRank) {
    throw Error("cannot broadcast shapes " + ShapeToString(a) + " and " + ShapeToString(b) +
                ": rank " + std::to_string(rank) + " exceeds the supported maximum of " +
                std::to_string(kMaxBroadcastRank));
  }
  const Shape ea = a.Extended(rank);
  const Shape eb = b.Extended(rank);
  std::vector<int32_t> dims(static_cast<size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    const int32_t da = ea.dim(i);
    const int32_t db = eb.dim(i);
    if (da < 0 || db < 0) {
      throw Error("cannot broadcast shapes " + ShapeToString(a) + " and " + ShapeToString(b) +
                  ": negative dimension");
    }
    if (da != db && da != 1 && db != 1) {
      throw Error("cannot broadcast shapes " + ShapeToString(a) + " and " + ShapeToString(b) +
                  ": axis " + std::to_string(i) + " (counted after left-padding to rank " +
                  std::to_string(rank) + ") has sizes " + std::to_string(da) + " and " +
                  std::to_string(db) + "; sizes must be equal or one of them 1");
    }
    // A size-1 axis stretches to the other size; 1 vs 0 gives 0 as in NumPy.
    dims[static_cast<size_t>(i)] = da == 1 ? db : da;
  }
  return Shape(std::move(dims));
}

BroadcastPlan MakeBroadcastPlan(const Shape& a, const Shape& b, const Shape& out) {
  const Shape expected = BroadcastShape(a, b);
  const int rank = std::max(expected.rank(), out.rank());
  if (rank > kMaxBroadcastRank || expected.Extended(rank) != out.Extended(rank)) {
    throw Error("output shape " + ShapeToString(out) + " does not match the broadcast of " +
                ShapeToString(a) + " and " + ShapeToString(b) + ", which is " +
                ShapeToString(expected));
  }
  BroadcastPlan plan;
  plan.flat_size = expected.FlatSize();
  const Shape ea = a.Extended(kMaxBroadcastRank);
  const Shape eb = b.Extended(kMaxBroadcastRank);
  plan.needs_broadcast = ea != eb;
  int64_t stride_a = 1;
  int64_t stride_b = 1;
  for (int i = kMaxBroadcastRank - 1; i >= 0; --i) {
    const auto k = static_cast<size_t>(i);
    const int64_t da = ea.dim(i);
    const int64_t db = eb.dim(i);
    const int64_t dout = da == 1 ? db : da;
    plan.out_dims[k] = dout;
    plan.a_strides[k] = (da == 1 && dout != 1) ? 0 : stride_a;
    plan.b_strides[k] = (db == 1 && dout != 1) ? 0 : stride_b;
    stride_a *= da;
    stride_b *= db;
  }
  return plan;
}

}  // namespace tinyforge::ref
