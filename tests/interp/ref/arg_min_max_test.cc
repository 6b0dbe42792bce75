#include "libconvert/interp/ref/arg_min_max.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/index_util.h"

namespace tinyforge::ref {
namespace {

TEST(ArgMinMax, HandComputedFirstIndexWinsTies) {
  // [[3, 7, 7], [-1, -5, -5]]
  const float in[] = {3, 7, 7, -1, -5, -5};
  int32_t out[3];
  ArgMinMax(PrepareArgMinMax(Shape{2, 3}, 1, Shape{2}, true), in, out);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], 0);
  ArgMinMax(PrepareArgMinMax(Shape{2, 3}, -1, Shape{2}, false), in, out);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 1);
  ArgMinMax(PrepareArgMinMax(Shape{2, 3}, 0, Shape{3}, true), in, out);
  EXPECT_EQ(std::vector<int32_t>(out, out + 3), (std::vector<int32_t>{0, 0, 0}));
}

TEST(ArgMinMax, RandomMatchesScan) {
  const unsigned seed = 21;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 100; ++trial) {
    const int rank = std::uniform_int_distribution<int>(1, 4)(rng);
    const auto dims = testing::RandomDims(rng, rank, 1, 4);
    const int axis = std::uniform_int_distribution<int>(0, rank - 1)(rng);
    std::vector<int32_t> out_dims = dims;
    out_dims.erase(out_dims.begin() + axis);
    std::vector<int8_t> in(static_cast<size_t>(testing::Product(dims)));
    for (auto& v : in) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-3, 3)(rng));
    std::vector<int32_t> out(static_cast<size_t>(testing::Product(out_dims)));
    const bool is_max = trial % 2 == 0;
    ArgMinMax(PrepareArgMinMax(Shape(dims), axis, Shape(out_dims), is_max), in.data(), out.data());
    for (int64_t f = 0; f < testing::Product(out_dims); ++f) {
      auto c = testing::Coords(f, out_dims);
      c.insert(c.begin() + axis, 0);
      int best = -1;
      int best_value = 0;
      for (int k = 0; k < dims[static_cast<size_t>(axis)]; ++k) {
        c[static_cast<size_t>(axis)] = k;
        const int v = in[static_cast<size_t>(testing::Flat(c, dims))];
        if (best < 0 || (is_max ? v > best_value : v < best_value)) best = k, best_value = v;
      }
      ASSERT_EQ(out[static_cast<size_t>(f)], best) << "seed " << seed << " trial " << trial;
    }
  }
}

TEST(ArgMinMax, PrepareRejects) {
  EXPECT_THROW(PrepareArgMinMax(Shape{2, 3}, 2, Shape{2}, true), Error);
  EXPECT_THROW(PrepareArgMinMax(Shape{2, 3}, 1, Shape{3}, true), Error);
}

}  // namespace
}  // namespace tinyforge::ref
