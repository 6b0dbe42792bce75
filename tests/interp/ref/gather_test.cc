#include "libconvert/interp/ref/gather.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/index_util.h"

namespace tinyforge::ref {
namespace {

using testing::Coords;
using testing::Flat;
using testing::Iota;
using testing::Product;

TEST(Gather, HandComputedRowsAndColumns) {
  // [[0, 1, 2], [3, 4, 5]]: rows {1, 0}, then columns {2, 2, 0}.
  const float in[] = {0, 1, 2, 3, 4, 5};
  const int32_t rows[] = {1, 0};
  std::vector<float> out(6);
  Gather(PrepareGather(Shape{2, 3}, Shape{2}, 0, 0, Shape{2, 3}), in, rows, out.data());
  EXPECT_EQ(out, (std::vector<float>{3, 4, 5, 0, 1, 2}));
  const int32_t cols[] = {2, 2, 0};
  Gather(PrepareGather(Shape{2, 3}, Shape{3}, -1, 0, Shape{2, 3}), in, cols, out.data());
  EXPECT_EQ(out, (std::vector<float>{2, 2, 0, 5, 5, 3}));
}

// output[i0.., j.., k..] = input[i0.., coords[j..], k..], batch_dims = 0,
// computed element by element from coordinates.
TEST(Gather, RandomMatchesCoordinateFormula) {
  const unsigned seed = 4242;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    const int rank = std::uniform_int_distribution<int>(1, 4)(rng);
    const auto in_dims = testing::RandomDims(rng, rank, 1, 4);
    const int axis = std::uniform_int_distribution<int>(0, rank - 1)(rng);
    const auto coord_dims = testing::RandomDims(rng, std::uniform_int_distribution<int>(0, 2)(rng), 1, 3);
    std::vector<int32_t> coords(static_cast<size_t>(Product(coord_dims)));
    for (auto& c : coords) c = std::uniform_int_distribution<int32_t>(0, in_dims[static_cast<size_t>(axis)] - 1)(rng);
    std::vector<int32_t> out_dims(in_dims.begin(), in_dims.begin() + axis);
    out_dims.insert(out_dims.end(), coord_dims.begin(), coord_dims.end());
    out_dims.insert(out_dims.end(), in_dims.begin() + axis + 1, in_dims.end());
    const auto input = Iota<int8_t>(Product(in_dims));
    std::vector<int8_t> output(static_cast<size_t>(Product(out_dims)), -1);
    const GatherParams p = PrepareGather(Shape(in_dims), Shape(coord_dims), axis, 0, Shape(out_dims));
    ASSERT_TRUE(GatherCoordsInRange(p, coords.data()));
    Gather(p, input.data(), coords.data(), output.data());
    const int cr = static_cast<int>(coord_dims.size());
    for (int64_t f = 0; f < Product(out_dims); ++f) {
      const auto oc = Coords(f, out_dims);
      std::vector<int64_t> cc(oc.begin() + axis, oc.begin() + axis + cr);
      std::vector<int64_t> ic(oc.begin(), oc.begin() + axis);
      ic.push_back(coords[static_cast<size_t>(Flat(cc, coord_dims))]);
      ic.insert(ic.end(), oc.begin() + axis + cr, oc.end());
      ASSERT_EQ(output[static_cast<size_t>(f)], input[static_cast<size_t>(Flat(ic, in_dims))])
          << "seed " << seed << " trial " << trial << " element " << f;
    }
  }
}

TEST(Gather, BatchDims) {
  // input [2, 3], coords [2, 2], batch_dims 1: row b gathers its own columns.
  const int32_t in[] = {10, 11, 12, 20, 21, 22};
  const int32_t coords[] = {2, 0, 1, 1};
  std::vector<int32_t> out(4);
  Gather(PrepareGather(Shape{2, 3}, Shape{2, 2}, 1, 1, Shape{2, 2}), in, coords, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{12, 10, 21, 21}));
}

TEST(Gather, OutOfRangeCoordinateGivesZeros) {
  const float in[] = {1, 2, 3, 4};
  const int32_t coords[] = {1, 2, -1};
  std::vector<float> out(6, 9.f);
  const GatherParams p = PrepareGather(Shape{2, 2}, Shape{3}, 0, 0, Shape{3, 2});
  EXPECT_FALSE(GatherCoordsInRange(p, coords));
  Gather(p, in, coords, out.data());
  EXPECT_EQ(out, (std::vector<float>{3, 4, 0, 0, 0, 0}));
}

TEST(Gather, PrepareRejectsBadShapes) {
  EXPECT_THROW(PrepareGather(Shape{2, 3}, Shape{2}, 2, 0, Shape{2, 2}), Error);      // axis
  EXPECT_THROW(PrepareGather(Shape{2, 3}, Shape{2}, 0, 0, Shape{2, 2}), Error);      // output
  EXPECT_THROW(PrepareGather(Shape{2, 3}, Shape{3, 2}, 1, 1, Shape{2, 2}), Error);   // batch dim
}

TEST(GatherNd, HandComputed) {
  // params [2, 2, 2] = 0..7; indices [[1, 0], [0, 1]] pick rows [4, 5], [2, 3].
  const auto params = Iota<float>(8);
  const int32_t idx[] = {1, 0, 0, 1};
  std::vector<float> out(4);
  GatherNd(PrepareGatherNd(Shape{2, 2, 2}, Shape{2, 2}, Shape{2, 2}), params.data(), idx, out.data());
  EXPECT_EQ(out, (std::vector<float>{4, 5, 2, 3}));
  // Full depth: scalars.
  const int32_t full[] = {1, 1, 1, 0, 0, 1};
  std::vector<float> out2(2);
  GatherNd(PrepareGatherNd(Shape{2, 2, 2}, Shape{2, 3}, Shape{2}), params.data(), full, out2.data());
  EXPECT_EQ(out2, (std::vector<float>{7, 1}));
}

TEST(GatherNd, BoundCheckIsOnTheFlatPositionLikeTflm) {
  // params [2, 3]: index [0, 4] is position 4 (inside), [1, 3] is 6 (outside).
  const auto params = Iota<int8_t>(6);
  const int32_t ok[] = {0, 4};
  const int32_t bad[] = {0, 4, 1, 3};
  const GatherNdParams p1 = PrepareGatherNd(Shape{2, 3}, Shape{1, 2}, Shape{1});
  EXPECT_TRUE(GatherNdIndicesInRange(p1, ok));
  const GatherNdParams p2 = PrepareGatherNd(Shape{2, 3}, Shape{2, 2}, Shape{2});
  EXPECT_FALSE(GatherNdIndicesInRange(p2, bad));
  std::vector<int8_t> out(2, -1);
  GatherNd(p2, params.data(), bad, out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{4, 0}));
}

TEST(GatherNd, PrepareRejectsBadShapes) {
  EXPECT_THROW(PrepareGatherNd(Shape{2, 2}, Shape{1, 3}, Shape{1}), Error);  // depth > rank
  EXPECT_THROW(PrepareGatherNd(Shape{2, 2}, Shape{1, 1}, Shape{1}), Error);  // output
  EXPECT_THROW(PrepareGatherNd(Shape{1, 1, 1, 1, 1, 1}, Shape{1, 6}, Shape{1}), Error);  // depth > 5
}

}  // namespace
}  // namespace tinyforge::ref
