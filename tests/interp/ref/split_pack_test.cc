#include "libconvert/interp/ref/split_pack.h"

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

TEST(Split, HandComputedUnevenParts) {
  // [2, 3] split on axis 1 into sizes 1 and 2.
  const auto in = Iota<float>(6);
  std::vector<float> a(2), b(4);
  float* outs[] = {a.data(), b.data()};
  SplitParts(PrepareSplit(Shape{2, 3}, -1, {Shape{2, 1}, Shape{2, 2}}), in.data(), outs);
  EXPECT_EQ(a, (std::vector<float>{0, 3}));
  EXPECT_EQ(b, (std::vector<float>{1, 2, 4, 5}));
}

TEST(Split, EmptyPartsAmongFilledOnes) {
  // [2, 3] split on axis 1 into sizes 0, 2, 0, 1 (SPLIT_V allows empty parts).
  const auto in = Iota<float>(6);
  std::vector<float> a(4), b(2);
  float empty = -1.0f;
  float* outs[] = {&empty, a.data(), &empty, b.data()};
  SplitParts(PrepareSplit(Shape{2, 3}, -1, {Shape{2, 0}, Shape{2, 2}, Shape{2, 0}, Shape{2, 1}}), in.data(), outs);
  EXPECT_EQ(a, (std::vector<float>{0, 1, 3, 4}));
  EXPECT_EQ(b, (std::vector<float>{2, 5}));
  EXPECT_EQ(empty, -1.0f);
}

// Element (.., p, ..) of part k comes from input position offset_k + p on
// the axis.
TEST(Split, RandomMatchesCoordinates) {
  const unsigned seed = 99;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    const int rank = std::uniform_int_distribution<int>(1, 4)(rng);
    auto dims = testing::RandomDims(rng, rank, 1, 4);
    const int axis = std::uniform_int_distribution<int>(0, rank - 1)(rng);
    const int parts = std::uniform_int_distribution<int>(1, 3)(rng);
    std::vector<std::vector<int32_t>> out_dims;
    int32_t total = 0;
    for (int k = 0; k < parts; ++k) {
      out_dims.push_back(dims);
      out_dims.back()[static_cast<size_t>(axis)] = std::uniform_int_distribution<int32_t>(0, 3)(rng);
      total += out_dims.back()[static_cast<size_t>(axis)];
    }
    dims[static_cast<size_t>(axis)] = total;
    std::vector<Shape> shapes;
    for (const auto& d : out_dims) shapes.emplace_back(d);
    const auto input = Iota<int32_t>(Product(dims));
    std::vector<std::vector<int32_t>> outputs;
    std::vector<int32_t*> pointers;
    for (const auto& d : out_dims) outputs.emplace_back(static_cast<size_t>(Product(d)), -1);
    for (auto& o : outputs) pointers.push_back(o.data());
    SplitParts(PrepareSplit(Shape(dims), axis, shapes), input.data(), pointers.data());
    int64_t offset = 0;
    for (int k = 0; k < parts; ++k) {
      const auto& d = out_dims[static_cast<size_t>(k)];
      for (int64_t f = 0; f < Product(d); ++f) {
        auto c = Coords(f, d);
        c[static_cast<size_t>(axis)] += offset;
        ASSERT_EQ(outputs[static_cast<size_t>(k)][static_cast<size_t>(f)], input[static_cast<size_t>(Flat(c, dims))])
            << "seed " << seed << " trial " << trial;
      }
      offset += d[static_cast<size_t>(axis)];
    }
  }
}

TEST(PackUnpack, HandComputedAndRoundTrip) {
  const float a[] = {1, 2, 3}, b[] = {4, 5, 6};
  const float* ins[] = {a, b};
  std::vector<float> out(6);
  JoinParts(PreparePack({Shape{3}, Shape{3}}, 1, Shape{3, 2}), ins, out.data());
  EXPECT_EQ(out, (std::vector<float>{1, 4, 2, 5, 3, 6}));
  JoinParts(PreparePack({Shape{3}, Shape{3}}, 0, Shape{2, 3}), ins, out.data());
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  // UNPACK along axis 1 of [3, 2] recovers a and b.
  const float packed[] = {1, 4, 2, 5, 3, 6};
  std::vector<float> x(3), y(3);
  float* outs[] = {x.data(), y.data()};
  SplitParts(PrepareUnpack(Shape{3, 2}, -1, {Shape{3}, Shape{3}}), packed, outs);
  EXPECT_EQ(x, (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(y, (std::vector<float>{4, 5, 6}));
}

TEST(SplitPack, PrepareRejects) {
  EXPECT_THROW(PrepareSplit(Shape{2, 3}, 1, {Shape{2, 1}, Shape{2, 1}}), Error);  // sizes add to 2
  EXPECT_THROW(PrepareSplit(Shape{2, 3}, 2, {Shape{2, 3}}), Error);               // axis
  EXPECT_THROW(PrepareSplit(Shape{2, 3}, 1, {Shape{1, 3}}), Error);               // other axis differs
  EXPECT_THROW(PreparePack({Shape{3}, Shape{2}}, 0, Shape{2, 3}), Error);
  EXPECT_THROW(PreparePack({Shape{3}}, 0, Shape{2, 3}), Error);  // count
  EXPECT_THROW(PrepareUnpack(Shape{2, 3}, 0, {Shape{3}}), Error);
}

}  // namespace
}  // namespace tinyforge::ref
