#include "libconvert/interp/ref/resize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

TEST(ResizeNearestNeighbor, HandComputedSources) {
  // 2 -> 3 without flags: floor(y * 2/3) = 0, 0, 1.
  EXPECT_EQ(NearestNeighborSource(0, 2, 3, false, false), 0);
  EXPECT_EQ(NearestNeighborSource(1, 2, 3, false, false), 0);
  EXPECT_EQ(NearestNeighborSource(2, 2, 3, false, false), 1);
  // 4 -> 5 half pixel: floor((x + .5) * .8) = 0, 1, 2, 2, 3.
  const int32_t hp[] = {0, 1, 2, 2, 3};
  for (int x = 0; x < 5; ++x) EXPECT_EQ(NearestNeighborSource(x, 4, 5, false, true), hp[x]) << x;
  // 3 -> 5 align corners: round(x * 0.5) = 0, 1, 1, 2, 2 (0.5 rounds away from zero).
  const int32_t ac[] = {0, 1, 1, 2, 2};
  for (int x = 0; x < 5; ++x) EXPECT_EQ(NearestNeighborSource(x, 3, 5, true, false), ac[x]) << x;
}

TEST(ResizeNearestNeighbor, HandComputedImage) {
  // [1, 2, 4, 1] -> [1, 3, 5, 1] (the golden single_resize_nearest_neighbor's shapes).
  const float in[] = {0, 1, 2, 3, 10, 11, 12, 13};
  std::vector<float> out(15);
  ResizeNearestNeighbor(PrepareResizeNearestNeighbor(Shape{1, 2, 4, 1}, {3, 5}, false, false, Shape{1, 3, 5, 1}),
                        in, out.data());
  // columns floor(x * 0.8) = 0, 0, 1, 2, 3; rows 0, 0, 1.
  EXPECT_EQ(out, (std::vector<float>{0, 0, 1, 2, 3, 0, 0, 1, 2, 3, 10, 10, 11, 12, 13}));
}

// Float bilinear against a double-precision evaluation of the same formula.
TEST(ResizeBilinear, FloatMatchesDoubleReference) {
  const unsigned seed = 31;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.f, 1.f);
  for (int trial = 0; trial < 30; ++trial) {
    const int32_t h = std::uniform_int_distribution<int32_t>(1, 5)(rng), w = std::uniform_int_distribution<int32_t>(1, 5)(rng);
    const int32_t oh = std::uniform_int_distribution<int32_t>(1, 9)(rng), ow = std::uniform_int_distribution<int32_t>(1, 9)(rng);
    const bool align = trial % 3 == 1, half = trial % 3 == 2;
    std::vector<float> in(static_cast<size_t>(h * w * 2));
    for (auto& v : in) v = value(rng);
    std::vector<float> out(static_cast<size_t>(oh * ow * 2));
    ResizeBilinear(PrepareResizeBilinear(Shape{1, h, w, 2}, {oh, ow}, align, half, Shape{1, oh, ow, 2}), in.data(),
                   out.data());
    auto source = [&](int32_t o, int32_t n, int32_t on, int32_t* lo, int32_t* hi) {
      const double scale = (align && on > 1) ? double(n - 1) / (on - 1) : double(n) / on;
      const double p = half ? (o + 0.5) * scale - 0.5 : o * scale;
      *lo = std::max(0, static_cast<int32_t>(std::floor(p)));
      *hi = std::min(n - 1, static_cast<int32_t>(std::ceil(p)));
      return p - *lo;
    };
    for (int32_t y = 0; y < oh; ++y) {
      for (int32_t x = 0; x < ow; ++x) {
        int32_t y0, y1, x0, x1;
        const double fy = source(y, h, oh, &y0, &y1), fx = source(x, w, ow, &x0, &x1);
        for (int32_t c = 0; c < 2; ++c) {
          auto at = [&](int32_t yy, int32_t xx) { return double(in[static_cast<size_t>((yy * w + xx) * 2 + c)]); };
          const double want = at(y0, x0) * (1 - fy) * (1 - fx) + at(y1, x0) * fy * (1 - fx) +
                              at(y0, x1) * (1 - fy) * fx + at(y1, x1) * fy * fx;
          ASSERT_NEAR(out[static_cast<size_t>((y * ow + x) * 2 + c)], want, 1e-5)
              << "seed " << seed << " trial " << trial;
        }
      }
    }
  }
}

TEST(ResizeBilinear, Int8HandComputed) {
  // [1, 1, 2, 1] = {-100, 50} -> width 4: scale 0.5 in 10-bit = 512; x positions
  // 0, 512, 1024, 1536 -> values -100, (-100 + 50) / 2 = -25, 50, 50.
  const int8_t in[] = {-100, 50};
  int8_t out[4];
  ResizeBilinear(PrepareResizeBilinear(Shape{1, 1, 2, 1}, {1, 4}, false, false, Shape{1, 1, 4, 1}), in, out);
  EXPECT_EQ(std::vector<int8_t>(out, out + 4), (std::vector<int8_t>{-100, -25, 50, 50}));
  // -25.5 would round away from zero: {-101, 50} midpoint = -25.5 -> -26.
  const int8_t in2[] = {-101, 50};
  ResizeBilinear(PrepareResizeBilinear(Shape{1, 1, 2, 1}, {1, 4}, false, false, Shape{1, 1, 4, 1}), in2, out);
  EXPECT_EQ(out[1], -26);
}

TEST(Resize, PrepareRejects) {
  EXPECT_THROW(PrepareResizeBilinear(Shape{1, 2, 2, 1}, {4, 4}, true, true, Shape{1, 4, 4, 1}), Error);
  EXPECT_THROW(PrepareResizeNearestNeighbor(Shape{1, 2, 2, 1}, {4, 4}, false, false, Shape{1, 4, 3, 1}), Error);
  EXPECT_THROW(PrepareResizeNearestNeighbor(Shape{2, 2, 1}, {4, 4}, false, false, Shape{4, 4, 1}), Error);
  EXPECT_THROW(PrepareResizeNearestNeighbor(Shape{1, 2, 2, 1}, {0, 4}, false, false, Shape{1, 0, 4, 1}), Error);
}

}  // namespace
}  // namespace tinyforge::ref
