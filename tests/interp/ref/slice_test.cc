#include "libconvert/interp/ref/slice.h"

#include <gtest/gtest.h>

#include <limits>
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

TEST(Slice, HandComputed) {
  // [[0, 1, 2], [3, 4, 5], [6, 7, 8]], begin [1, 0], size [2, -1].
  const auto in = Iota<float>(9);
  std::vector<float> out(6);
  CopyStridedBox(PrepareSlice(Shape{3, 3}, {1, 0}, {2, -1}, Shape{2, 3}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{3, 4, 5, 6, 7, 8}));
  std::vector<float> out2(2);
  CopyStridedBox(PrepareSlice(Shape{3, 3}, {2, 1}, {1, 2}, Shape{1, 2}), in.data(), out2.data());
  EXPECT_EQ(out2, (std::vector<float>{7, 8}));
}

TEST(Slice, PrepareRejectsBoxesOutsideTheInput) {
  EXPECT_THROW(PrepareSlice(Shape{3}, {2}, {2}, Shape{2}), Error);
  EXPECT_THROW(PrepareSlice(Shape{3}, {-1}, {1}, Shape{1}), Error);
  EXPECT_THROW(PrepareSlice(Shape{3}, {0}, {2}, Shape{3}), Error);  // output disagrees
  EXPECT_THROW(PrepareSlice(Shape{3, 3}, {0}, {2}, Shape{2, 3}), Error);  // begin too short
}

TEST(DynamicSlice, InsideCopiesAndOutsideGivesZeros) {
  const auto in = Iota<int32_t>(12);  // [3, 4]
  const DynamicSliceParams p = PrepareDynamicSlice(Shape{3, 4}, Shape{2, 2});
  std::vector<int32_t> out(4, -1);
  const int32_t begin[] = {1, 2};
  DynamicSlice(p, begin, 2, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{6, 7, 10, 11}));
  const int64_t shifted[] = {2, 3};  // rows 2..3, columns 3..4: only [2, 3] inside
  DynamicSlice(p, shifted, 2, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{11, 0, 0, 0}));
  const int32_t short_begin[] = {1};  // missing axis starts at 0
  DynamicSlice(p, short_begin, 1, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{4, 5, 8, 9}));
  // Begin values at the ends of int64 (a hostile file's): all outside, no
  // overflow computing where.
  constexpr int64_t kSliceBeginMax = std::numeric_limits<int64_t>::max();
  const int64_t huge[] = {kSliceBeginMax, std::numeric_limits<int64_t>::min()};
  DynamicSlice(p, huge, 2, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{0, 0, 0, 0}));
  const int64_t one_huge[] = {1, kSliceBeginMax - 1};
  DynamicSlice(p, one_huge, 2, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{0, 0, 0, 0}));
}

// Python-style reference: the indices range(start, stop, stride) visits on
// one axis, after TFLM's clamping, written as an explicit loop.
std::vector<int64_t> AxisIndices(int64_t size, int64_t b, int64_t e, int64_t s, bool begin_mask, bool end_mask,
                                 bool shrink) {
  auto clamp = [](int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); };
  int64_t start = b < 0 ? b + size : b;
  start = s > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
  if (begin_mask) start = s > 0 ? 0 : size - 1;
  if (shrink) return {start};
  int64_t stop = e < 0 ? e + size : e;
  stop = s > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
  if (end_mask) stop = s > 0 ? size : -1;
  std::vector<int64_t> v;
  for (int64_t i = start; s > 0 ? i < stop : i > stop; i += s) v.push_back(i);
  return v;
}

TEST(StridedSlice, RandomMatchesPerAxisIndexLists) {
  const unsigned seed = 777;
  std::mt19937 rng(seed);
  int checked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int rank = std::uniform_int_distribution<int>(1, 4)(rng);
    const auto dims = testing::RandomDims(rng, rank, 1, 5);
    std::vector<int64_t> b(static_cast<size_t>(rank)), e(b.size()), s(b.size());
    StridedSliceMasks masks;
    std::vector<std::vector<int64_t>> lists;
    std::vector<int32_t> out_dims;
    for (int i = 0; i < rank; ++i) {
      const auto k = static_cast<size_t>(i);
      b[k] = std::uniform_int_distribution<int64_t>(-6, 6)(rng);
      e[k] = std::uniform_int_distribution<int64_t>(-6, 6)(rng);
      do s[k] = std::uniform_int_distribution<int64_t>(-3, 3)(rng); while (s[k] == 0);
      const bool bm = rng() % 4 == 0, em = rng() % 4 == 0;
      // shrink only where the begin lands inside the axis
      int64_t wrapped = b[k] < 0 ? b[k] + dims[k] : b[k];
      const bool sh = rng() % 5 == 0 && s[k] > 0 && !bm && wrapped >= 0 && wrapped < dims[k];
      masks.begin_mask |= bm << i;
      masks.end_mask |= em << i;
      masks.shrink_axis_mask |= sh << i;
      lists.push_back(AxisIndices(dims[k], b[k], e[k], s[k], bm, em, sh));
      if (!sh) out_dims.push_back(static_cast<int32_t>(lists.back().size()));
    }
    const StridedBox box = PrepareStridedSlice(Shape(dims), b, e, s, masks, Shape(out_dims));
    const auto input = Iota<int16_t>(Product(dims));
    int64_t total = 1;
    for (const auto& l : lists) total *= static_cast<int64_t>(l.size());
    std::vector<int16_t> output(static_cast<size_t>(total), -1);
    CopyStridedBox(box, input.data(), output.data());
    std::vector<int32_t> list_dims;
    for (const auto& l : lists) list_dims.push_back(static_cast<int32_t>(l.size()));
    for (int64_t f = 0; f < total; ++f) {
      const auto c = Coords(f, list_dims);
      std::vector<int64_t> ic;
      for (size_t k = 0; k < lists.size(); ++k) ic.push_back(lists[k][static_cast<size_t>(c[k])]);
      ASSERT_EQ(output[static_cast<size_t>(f)], input[static_cast<size_t>(Flat(ic, dims))])
          << "seed " << seed << " trial " << trial;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 400);
}

TEST(StridedSlice, HandComputedReverseAndShrink) {
  const auto in = Iota<float>(6);  // [2, 3]
  std::vector<float> out(3);
  // Row 1 reversed: begin [1, -1], end [2, -4], strides [1, -1], shrink axis 0.
  StridedSliceMasks m;
  m.shrink_axis_mask = 1;
  CopyStridedBox(PrepareStridedSlice(Shape{2, 3}, {1, -1}, {2, -4}, {1, -1}, m, Shape{3}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{5, 4, 3}));
}

TEST(StridedSlice, PrepareRejects) {
  StridedSliceMasks m;
  EXPECT_THROW(PrepareStridedSlice(Shape{4}, {0}, {4}, {0}, m, Shape{4}), Error);  // zero stride
  EXPECT_THROW(PrepareStridedSlice(Shape{4}, {0}, {4}, {2}, m, Shape{3}), Error);  // output
  EXPECT_THROW(PrepareStridedSlice(Shape{1, 1, 1, 1, 1}, {0, 0, 0, 0, 0}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, m,
                                   Shape{1, 1, 1, 1, 1}),
               Error);  // rank 5
}

}  // namespace
}  // namespace tinyforge::ref
