#include "libconvert/interp/ref/concatenation.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

TEST(Concatenation, HandComputedAxis1) {
  // [[1, 2], [3, 4]] ++ [[5], [6]] along axis 1 (also given as -1).
  const float a[] = {1, 2, 3, 4};
  const float b[] = {5, 6};
  const float* inputs[] = {a, b};
  for (int axis : {1, -1}) {
    std::vector<float> out(6);
    Concatenation(PrepareConcatenation({Shape{2, 2}, Shape{2, 1}}, axis, Shape{2, 3}), inputs,
                  out.data());
    EXPECT_EQ(out, (std::vector<float>{1, 2, 5, 3, 4, 6})) << "axis " << axis;
  }
}

// Expected by coordinates: output element (outer..., k, inner...) comes from
// the input whose axis range contains k.
TEST(Concatenation, RandomShapesMatchCoordinates) {
  const unsigned seed = 55;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    const int rank = std::uniform_int_distribution<int>(1, kMaxConcatenationRank)(rng);
    const int axis = std::uniform_int_distribution<int>(0, rank - 1)(rng);
    const int count = std::uniform_int_distribution<int>(1, kMaxConcatenationInputs)(rng);
    std::vector<int32_t> base(static_cast<size_t>(rank));
    for (auto& d : base) d = std::uniform_int_distribution<int32_t>(1, 3)(rng);
    std::vector<Shape> shapes;
    std::vector<std::vector<int32_t>> data;
    std::vector<int32_t> starts;  // first output coordinate along axis per input
    int32_t total = 0;
    for (int n = 0; n < count; ++n) {
      std::vector<int32_t> dims = base;
      dims[static_cast<size_t>(axis)] = std::uniform_int_distribution<int32_t>(0, 3)(rng);
      starts.push_back(total);
      total += dims[static_cast<size_t>(axis)];
      shapes.emplace_back(dims);
      std::vector<int32_t> v(static_cast<size_t>(shapes.back().FlatSize()));
      for (size_t i = 0; i < v.size(); ++i) v[i] = n * 1000 + static_cast<int32_t>(i);
      data.push_back(v);
    }
    std::vector<int32_t> out_dims = base;
    out_dims[static_cast<size_t>(axis)] = total;
    const Shape out(out_dims);
    std::vector<const int32_t*> ptrs;
    for (const auto& v : data) ptrs.push_back(v.data());
    std::vector<int32_t> output(static_cast<size_t>(out.FlatSize()), -1);
    Concatenation(PrepareConcatenation(shapes, axis, out), ptrs.data(), output.data());
    for (int64_t o = 0; o < out.FlatSize(); ++o) {
      std::vector<int32_t> c(static_cast<size_t>(rank));
      int64_t rest = o;
      for (int i = rank - 1; i >= 0; --i) {
        c[static_cast<size_t>(i)] = static_cast<int32_t>(rest % out_dims[static_cast<size_t>(i)]);
        rest /= out_dims[static_cast<size_t>(i)];
      }
      int n = count - 1;
      while (starts[static_cast<size_t>(n)] > c[static_cast<size_t>(axis)] ||
             shapes[static_cast<size_t>(n)].dim(axis) == 0) {
        --n;
      }
      c[static_cast<size_t>(axis)] -= starts[static_cast<size_t>(n)];
      int64_t src = 0;
      for (int i = 0; i < rank; ++i) {
        src = src * shapes[static_cast<size_t>(n)].dim(i) + c[static_cast<size_t>(i)];
      }
      ASSERT_EQ(output[static_cast<size_t>(o)], data[static_cast<size_t>(n)][static_cast<size_t>(src)])
          << "seed " << seed << " trial " << trial << " axis " << axis << " output index " << o;
    }
  }
}

TEST(Concatenation, PrepareRejectsMismatchedShapes) {
  EXPECT_THROW(PrepareConcatenation({Shape{2, 2}, Shape{3, 1}}, 1, Shape{2, 3}), Error);
  EXPECT_THROW(PrepareConcatenation({Shape{2, 2}, Shape{2, 1}}, 1, Shape{2, 4}), Error);
  EXPECT_THROW(PrepareConcatenation({Shape{2, 2}, Shape{2, 1}}, 2, Shape{2, 3}), Error);
  EXPECT_THROW(PrepareConcatenation({Shape{2, 2}, Shape{2}}, 1, Shape{2, 3}), Error);
  EXPECT_THROW(PrepareConcatenation({}, 0, Shape{2}), Error);
  EXPECT_THROW(PrepareConcatenation(std::vector<Shape>(11, Shape{1}), 0, Shape{11}), Error);
  try {
    PrepareConcatenation({Shape{2, 2}, Shape{3, 1}}, 1, Shape{2, 3});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[3, 1]"), std::string::npos) << e.what();
  }
}

TEST(Concatenation, QuantizationChecks) {
  EXPECT_NO_THROW(CheckConcatenationInt8Quantization({0.5f, 0.5f}, {3, 3}, 0.5f, 3));
  EXPECT_THROW(CheckConcatenationInt8Quantization({0.5f, 0.25f}, {3, 3}, 0.5f, 3), Error);
  EXPECT_THROW(CheckConcatenationInt8Quantization({0.5f, 0.5f}, {3, 2}, 0.5f, 3), Error);
  EXPECT_NO_THROW(CheckConcatenationInt16Quantization({0, 0}, 0));
  EXPECT_THROW(CheckConcatenationInt16Quantization({0, 1}, 0), Error);
  EXPECT_THROW(CheckConcatenationInt16Quantization({0, 0}, 2), Error);
}

}  // namespace
}  // namespace tinyforge::ref
