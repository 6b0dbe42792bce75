#include "libconvert/interp/ref/select.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/index_util.h"

namespace tinyforge::ref {
namespace {

TEST(Select, ThreeWayBroadcastMatchesNaive) {
  const unsigned seed = 8;
  std::mt19937 rng(seed);
  // condition [3, 1], x [1, 4], y [2, 1, 1] -> [2, 3, 4]
  const Shape sc{3, 1}, sx{1, 4}, sy{2, 1, 1}, so{2, 3, 4};
  bool cond[3];
  for (bool& c : cond) c = rng() % 2;
  const float x[] = {1, 2, 3, 4};
  const float y[] = {-1, -2};
  std::vector<float> out(24);
  Select(PrepareSelect(sc, sx, sy, so), cond, x, y, out.data());
  for (int64_t f = 0; f < 24; ++f) {
    const auto c = testing::Coords(f, so.dims());
    const float want = cond[c[1]] ? x[c[2]] : y[c[0]];
    ASSERT_EQ(out[static_cast<size_t>(f)], want) << "seed " << seed << " element " << f;
  }
}

TEST(Select, SameShapesAndScalars) {
  const bool cond[] = {true, false, true};
  const int8_t x[] = {1, 2, 3}, y[] = {-1, -2, -3};
  int8_t out[3];
  Select(PrepareSelect(Shape{3}, Shape{3}, Shape{3}, Shape{3}), cond, x, y, out);
  EXPECT_EQ(std::vector<int8_t>(out, out + 3), (std::vector<int8_t>{1, -2, 3}));
  // One element each with mixed ranks (TFLM's mixed-scalar case).
  const bool no[] = {false};
  Select(PrepareSelect(Shape{1}, Shape{}, Shape{1, 1}, Shape{1}), no, x, y, out);
  EXPECT_EQ(out[0], -1);
}

TEST(Select, PrepareRejects) {
  EXPECT_THROW(PrepareSelect(Shape{2}, Shape{3}, Shape{3}, Shape{3}), Error);
  EXPECT_THROW(PrepareSelect(Shape{3}, Shape{3}, Shape{3}, Shape{1, 3}), Error);
}

}  // namespace
}  // namespace tinyforge::ref
