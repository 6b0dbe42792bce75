#include "libconvert/interp/ref/transpose.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"  // ShapeString

namespace tinyforge::ref {
namespace {

TEST(Transpose, HandComputed2DAnd3D) {
  // [[0, 1, 2], [3, 4, 5]]^T = [[0, 3], [1, 4], [2, 5]]
  const int32_t in2[] = {0, 1, 2, 3, 4, 5};
  std::vector<int32_t> out(6);
  Transpose(PrepareTranspose(Shape{2, 3}, {1, 0}, Shape{3, 2}), in2, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{0, 3, 1, 4, 2, 5}));
  // Shape [2, 1, 3] with perm [2, 0, 1] -> [3, 2, 1].
  Transpose(PrepareTranspose(Shape{2, 1, 3}, {2, 0, 1}, Shape{3, 2, 1}), in2, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{0, 3, 1, 4, 2, 5}));
}

// Scatter formulation: walk the input in order and compute where each
// element lands (the kernel gathers in output order instead).
TEST(Transpose, RandomPermutationsMatchScatter) {
  const unsigned seed = 2718;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 300; ++trial) {
    const int rank = std::uniform_int_distribution<int>(0, kMaxTransposeRank)(rng);
    std::vector<int32_t> dims(static_cast<size_t>(rank));
    for (auto& d : dims) d = std::uniform_int_distribution<int32_t>(1, 4)(rng);
    std::vector<int32_t> perm(static_cast<size_t>(rank));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<int32_t> out_dims(static_cast<size_t>(rank));
    for (size_t i = 0; i < perm.size(); ++i) out_dims[i] = dims[static_cast<size_t>(perm[i])];
    const Shape in(dims), out(out_dims);
    std::vector<int16_t> input(static_cast<size_t>(in.FlatSize()));
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int16_t>(i);
    std::vector<int16_t> output(input.size(), -1);
    Transpose(PrepareTranspose(in, perm, out), input.data(), output.data());
    std::vector<int16_t> expected(input.size(), -1);
    for (int64_t f = 0; f < in.FlatSize(); ++f) {
      std::vector<int64_t> c(static_cast<size_t>(rank));
      int64_t rest = f;
      for (int i = rank - 1; i >= 0; --i) {
        c[static_cast<size_t>(i)] = rest % dims[static_cast<size_t>(i)];
        rest /= dims[static_cast<size_t>(i)];
      }
      int64_t o = 0;
      for (int i = 0; i < rank; ++i) {
        o = o * out_dims[static_cast<size_t>(i)] + c[static_cast<size_t>(perm[static_cast<size_t>(i)])];
      }
      expected[static_cast<size_t>(o)] = input[static_cast<size_t>(f)];
    }
    ASSERT_EQ(output, expected) << "seed " << seed << " trial " << trial << " input "
                                << ShapeToString(in);
  }
}

TEST(Transpose, FloatAndInt8AreMovedBitExactly) {
  const float in[] = {-0.0f, 1.5f, 3.25f, -7.0f};
  float out[4];
  Transpose(PrepareTranspose(Shape{2, 2}, {1, 0}, Shape{2, 2}), in, out);
  EXPECT_TRUE(std::signbit(out[0]));
  EXPECT_EQ(out[1], 3.25f);
  EXPECT_EQ(out[2], 1.5f);
  const int8_t in8[] = {-128, 127, 0, 1};
  int8_t out8[4];
  Transpose(PrepareTranspose(Shape{2, 2}, {1, 0}, Shape{2, 2}), in8, out8);
  EXPECT_EQ(out8[1], 0);
  EXPECT_EQ(out8[2], 127);
}

TEST(Transpose, PrepareRejectsInvalidPermutations) {
  EXPECT_THROW(PrepareTranspose(Shape{2, 3}, {0, 0}, Shape{2, 2}), Error);
  EXPECT_THROW(PrepareTranspose(Shape{2, 3}, {0, 2}, Shape{2, 3}), Error);
  EXPECT_THROW(PrepareTranspose(Shape{2, 3}, {1, 0}, Shape{2, 3}), Error);
  EXPECT_THROW(PrepareTranspose(Shape{2, 3}, {1}, Shape{3}), Error);
  EXPECT_THROW(PrepareTranspose(Shape{1, 1, 1, 1, 1, 1, 1}, {0, 1, 2, 3, 4, 5, 6},
                                Shape{1, 1, 1, 1, 1, 1, 1}),
               Error);
  try {
    PrepareTranspose(Shape{2, 3}, {1, 0}, Shape{2, 3});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 3]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tinyforge::ref
