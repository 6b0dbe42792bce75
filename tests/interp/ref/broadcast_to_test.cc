#include "libconvert/interp/ref/broadcast_to.h"

#include <gtest/gtest.h>

#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/index_util.h"

namespace tinyforge::ref {
namespace {

TEST(BroadcastTo, HandComputed) {
  const float in[] = {1, 2, 3};
  std::vector<float> out(6);
  BroadcastTo(PrepareBroadcastTo(Shape{1, 3}, {2, 3}, Shape{2, 3}), in, out.data());
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 1, 2, 3}));
  BroadcastTo(PrepareBroadcastTo(Shape{3, 1}, {3, 2}, Shape{3, 2}), in, out.data());
  EXPECT_EQ(out, (std::vector<float>{1, 1, 2, 2, 3, 3}));
}

TEST(BroadcastTo, NewLeadingAxesAndInnerRepeat) {
  // [2, 1] -> [2, 2, 3]: element (i, j, k) = in[j].
  const int16_t in[] = {5, 9};
  std::vector<int16_t> out(12);
  BroadcastTo(PrepareBroadcastTo(Shape{2, 1}, {2, 2, 3}, Shape{2, 2, 3}), in, out.data());
  for (int64_t f = 0; f < 12; ++f) {
    const auto c = testing::Coords(f, {2, 2, 3});
    EXPECT_EQ(out[static_cast<size_t>(f)], in[c[1]]) << f;
  }
}

TEST(BroadcastTo, PrepareRejects) {
  EXPECT_THROW(PrepareBroadcastTo(Shape{2, 3}, {3, 3}, Shape{3, 3}), Error);  // 2 -> 3
  EXPECT_THROW(PrepareBroadcastTo(Shape{3}, {2, 3}, Shape{3, 3}), Error);     // values differ
  EXPECT_THROW(PrepareBroadcastTo(Shape{1, 3}, {3}, Shape{3}), Error);        // rank drops
  EXPECT_THROW(PrepareBroadcastTo(Shape{1}, {1, 1, 1, 1, 1, 1}, Shape{1, 1, 1, 1, 1, 1}), Error);  // > 5D
}

}  // namespace
}  // namespace tinyforge::ref
