#include "libconvert/interp/ref/space_depth.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/index_util.h"

namespace tinyforge::ref {
namespace {

TEST(SpaceToDepth, HandComputedTensorFlowExample) {
  // [1, 2, 2, 1] = [[[1], [2]], [[3], [4]]] with block 2 -> [1, 1, 1, 4] = [1, 2, 3, 4].
  const float in[] = {1, 2, 3, 4};
  float out[4];
  SpaceToDepth(PrepareSpaceToDepth(Shape{1, 2, 2, 1}, 2, Shape{1, 1, 1, 4}), in, out);
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{1, 2, 3, 4}));
  // [1, 4, 4, 1] = 0..15 -> [1, 2, 2, 4]; output pixel (0, 1) gathers rows 0-1, cols 2-3.
  const auto big = testing::Iota<int8_t>(16);
  std::vector<int8_t> o(16);
  SpaceToDepth(PrepareSpaceToDepth(Shape{1, 4, 4, 1}, 2, Shape{1, 2, 2, 4}), big.data(), o.data());
  EXPECT_EQ(std::vector<int8_t>(o.begin() + 4, o.begin() + 8), (std::vector<int8_t>{2, 3, 6, 7}));
  EXPECT_EQ(std::vector<int8_t>(o.begin() + 8, o.begin() + 12), (std::vector<int8_t>{8, 9, 12, 13}));
}

TEST(SpaceToDepth, DepthToSpaceInvertsIt) {
  const unsigned seed = 5;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 50; ++trial) {
    const int32_t bs = std::uniform_int_distribution<int32_t>(1, 3)(rng);
    const auto d = testing::RandomDims(rng, 4, 1, 3);
    const Shape space{d[0], d[1] * bs, d[2] * bs, d[3]};
    const Shape depth{d[0], d[1], d[2], d[3] * bs * bs};
    const auto in = testing::Iota<float>(space.FlatSize());
    std::vector<float> mid(in.size()), back(in.size(), -1.f);
    SpaceToDepth(PrepareSpaceToDepth(space, bs, depth), in.data(), mid.data());
    DepthToSpace(PrepareDepthToSpace(depth, bs, space), mid.data(), back.data());
    ASSERT_EQ(back, in) << "seed " << seed << " trial " << trial;
    if (bs > 1 && d[2] > 1) {  // otherwise the layouts coincide
      ASSERT_NE(mid, in) << "seed " << seed << " trial " << trial;
    }
  }
}

TEST(SpaceToDepth, PrepareRejects) {
  EXPECT_THROW(PrepareSpaceToDepth(Shape{1, 3, 4, 1}, 2, Shape{1, 1, 2, 4}), Error);  // 3 % 2
  EXPECT_THROW(PrepareSpaceToDepth(Shape{1, 4, 4, 1}, 2, Shape{1, 2, 2, 2}), Error);  // depth
  EXPECT_THROW(PrepareDepthToSpace(Shape{1, 2, 2, 4}, 0, Shape{1, 2, 2, 4}), Error);  // block 0
  EXPECT_THROW(PrepareSpaceToDepth(Shape{4, 4, 1}, 2, Shape{2, 2, 4}), Error);        // rank
}

}  // namespace
}  // namespace tinyforge::ref
