#include "libconvert/interp/ref/pad.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/index_util.h"

namespace tinyforge::ref {
namespace {

using testing::Coords;

// Input coordinate along one axis for an output coordinate, from the
// definition: a coordinate is "inside" when before <= o < before + size.
// Mirror modes bounce off the edges; REFLECT excludes the edge element.
int64_t MirrorSource(int64_t o, int64_t before, int64_t size, bool reflect) {
  int64_t i = o - before;  // position relative to the data
  if (i < 0) return reflect ? -i : -i - 1;
  if (i >= size) return reflect ? 2 * (size - 1) - i : 2 * size - 1 - i;
  return i;
}

int64_t Flatten(const std::vector<int64_t>& c, const std::vector<int32_t>& dims) {
  int64_t f = 0;
  for (size_t i = 0; i < dims.size(); ++i) f = f * dims[i] + c[i];
  return f;
}

TEST(Pad, HandComputed2D) {
  // [[1, 2], [3, 4]] padded by ((1, 0), (0, 2)) with 9.
  const Shape in{2, 2}, out{3, 4};
  const auto p = PreparePad(in, {1, 0, 0, 2}, out);
  const float input[] = {1, 2, 3, 4};
  std::vector<float> output(12, -1.0f);
  Pad(p, input, 9.0f, output.data());
  const std::vector<float> expected = {9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9};
  EXPECT_EQ(output, expected);
}

TEST(Pad, RandomShapesMatchDefinition) {
  const unsigned seed = 9001;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    const int rank = std::uniform_int_distribution<int>(0, kMaxPadRank)(rng);
    std::vector<int32_t> in_dims, out_dims, paddings;
    for (int i = 0; i < rank; ++i) {
      const int32_t d = std::uniform_int_distribution<int32_t>(1, 4)(rng);
      const int32_t b = std::uniform_int_distribution<int32_t>(0, 2)(rng);
      const int32_t a = std::uniform_int_distribution<int32_t>(0, 2)(rng);
      in_dims.push_back(d);
      out_dims.push_back(d + b + a);
      paddings.push_back(b);
      paddings.push_back(a);
    }
    const Shape in(in_dims), out(out_dims);
    const auto params = PreparePad(in, paddings, out);
    std::vector<int8_t> input(static_cast<size_t>(in.FlatSize()));
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int8_t>(i % 100);
    std::vector<int8_t> output(static_cast<size_t>(out.FlatSize()), 0);
    const int8_t pad_value = -77;
    Pad(params, input.data(), pad_value, output.data());
    for (int64_t o = 0; o < out.FlatSize(); ++o) {
      const auto c = Coords(o, out_dims);
      bool inside = true;
      std::vector<int64_t> src(c.size());
      for (size_t k = 0; k < c.size(); ++k) {
        src[k] = c[k] - paddings[2 * k];
        inside = inside && src[k] >= 0 && src[k] < in_dims[k];
      }
      const int8_t expected = inside ? input[static_cast<size_t>(Flatten(src, in_dims))] : pad_value;
      ASSERT_EQ(output[static_cast<size_t>(o)], expected)
          << "seed " << seed << " trial " << trial << " output index " << o;
    }
  }
}

TEST(Pad, PrepareRejectsBadPaddings) {
  EXPECT_THROW(PreparePad(Shape{2, 2}, {1, 0, 0}, Shape{3, 2}), Error);      // odd count
  EXPECT_THROW(PreparePad(Shape{2, 2}, {1, 0, 0, 0}, Shape{4, 2}), Error);   // wrong output
  EXPECT_THROW(PreparePad(Shape{2, 2}, {-1, 0, 0, 0}, Shape{1, 2}), Error);  // negative
  EXPECT_THROW(PreparePad(Shape{1, 1, 1, 1, 1, 1}, std::vector<int32_t>(12, 0),
                          Shape{1, 1, 1, 1, 1, 1}),
               Error);  // 6D
  try {
    PreparePad(Shape{2, 3}, {0, 0, 0, 0}, Shape{2, 4});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 3]"), std::string::npos) << e.what();
  }
}

TEST(Pad, Int8PadValues) {
  EXPECT_EQ(Int8DefaultPadValue(-128), -128);
  EXPECT_EQ(Int8DefaultPadValue(5), 5);
  EXPECT_THROW(Int8DefaultPadValue(128), Error);
  EXPECT_NO_THROW(CheckInt8PadConstantQuantization(0.5f, 3, 0.5f, 3));
  EXPECT_THROW(CheckInt8PadConstantQuantization(0.5f, 3, 0.5f, 4), Error);
  EXPECT_THROW(CheckInt8PadConstantQuantization(0.25f, 3, 0.5f, 3), Error);
}

TEST(MirrorPad, HandComputed1D) {
  const float input[] = {1, 2, 3};
  std::vector<float> out(7);
  MirrorPad(PrepareMirrorPad(Shape{3}, {2, 2}, MirrorPadMode::kReflect, Shape{7}), input,
            out.data());
  EXPECT_EQ(out, (std::vector<float>{3, 2, 1, 2, 3, 2, 1}));
  MirrorPad(PrepareMirrorPad(Shape{3}, {2, 2}, MirrorPadMode::kSymmetric, Shape{7}), input,
            out.data());
  EXPECT_EQ(out, (std::vector<float>{2, 1, 1, 2, 3, 3, 2}));
}

TEST(MirrorPad, RandomShapesMatchDefinition) {
  const unsigned seed = 31337;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    const bool reflect = trial % 2 == 0;
    const int rank = std::uniform_int_distribution<int>(1, 5)(rng);
    std::vector<int32_t> in_dims, out_dims;
    std::vector<int64_t> paddings;
    for (int i = 0; i < rank; ++i) {
      const int32_t d = std::uniform_int_distribution<int32_t>(1, 4)(rng);
      const int32_t limit = reflect ? d - 1 : d;
      const int32_t b = std::uniform_int_distribution<int32_t>(0, limit)(rng);
      const int32_t a = std::uniform_int_distribution<int32_t>(0, limit)(rng);
      in_dims.push_back(d);
      out_dims.push_back(d + b + a);
      paddings.push_back(b);
      paddings.push_back(a);
    }
    const Shape in(in_dims), out(out_dims);
    const auto params = PrepareMirrorPad(
        in, paddings, reflect ? MirrorPadMode::kReflect : MirrorPadMode::kSymmetric, out);
    std::vector<int32_t> input(static_cast<size_t>(in.FlatSize()));
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int32_t>(i * 7 + 1);
    std::vector<int32_t> output(static_cast<size_t>(out.FlatSize()), 0);
    MirrorPad(params, input.data(), output.data());
    for (int64_t o = 0; o < out.FlatSize(); ++o) {
      const auto c = Coords(o, out_dims);
      std::vector<int64_t> src(c.size());
      for (size_t k = 0; k < c.size(); ++k) {
        src[k] = MirrorSource(c[k], paddings[2 * k], in_dims[k], reflect);
      }
      ASSERT_EQ(output[static_cast<size_t>(o)], input[static_cast<size_t>(Flatten(src, in_dims))])
          << "seed " << seed << " trial " << trial << (reflect ? " REFLECT" : " SYMMETRIC")
          << " output index " << o;
    }
  }
}

TEST(MirrorPad, PrepareRejectsPaddingsBeyondTheMirror) {
  // REFLECT of a size-3 axis allows at most 2; SYMMETRIC at most 3.
  EXPECT_THROW(PrepareMirrorPad(Shape{3}, {3, 0}, MirrorPadMode::kReflect, Shape{6}), Error);
  EXPECT_NO_THROW(PrepareMirrorPad(Shape{3}, {3, 0}, MirrorPadMode::kSymmetric, Shape{6}));
  EXPECT_THROW(PrepareMirrorPad(Shape{3}, {0, 4}, MirrorPadMode::kSymmetric, Shape{7}), Error);
  EXPECT_THROW(PrepareMirrorPad(Shape{3}, {1, 1}, MirrorPadMode::kSymmetric, Shape{6}), Error);
}

}  // namespace
}  // namespace tinyforge::ref
