#include "libconvert/interp/ref/broadcast.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

// Independent mapping: decompose the output flat index with div/mod over the
// output dims (right-aligned), and read the input coordinate modulo its dim
// (a size-1 axis always reads coordinate 0).
int64_t NaiveSourceIndex(int64_t out_index, const std::vector<int32_t>& out_dims,
                         const std::vector<int32_t>& in_dims) {
  const size_t lead = out_dims.size() - in_dims.size();
  std::vector<int64_t> coord(out_dims.size());
  for (size_t i = out_dims.size(); i-- > 0;) {
    coord[i] = out_index % out_dims[i];
    out_index /= out_dims[i];
  }
  int64_t index = 0;
  for (size_t i = 0; i < in_dims.size(); ++i) {
    index = index * in_dims[i] + coord[lead + i] % in_dims[i];
  }
  return index;
}

TEST(Broadcast, ShapeOfCompatibleShapes) {
  EXPECT_EQ(BroadcastShape(Shape{2, 1, 3}, Shape{4, 3}), (Shape{2, 4, 3}));
  EXPECT_EQ(BroadcastShape(Shape{}, Shape{5, 1}), (Shape{5, 1}));
  EXPECT_EQ(BroadcastShape(Shape{1, 7}, Shape{6, 1}), (Shape{6, 7}));
  EXPECT_EQ(BroadcastShape(Shape{3, 0}, Shape{1, 1}), (Shape{3, 0}));
}

TEST(Broadcast, IncompatibleShapesNameBothShapes) {
  try {
    BroadcastShape(Shape{2, 3}, Shape{4, 3});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[4, 3]"), std::string::npos) << msg;
  }
  EXPECT_THROW(BroadcastShape(Shape{1, 1, 1, 1, 1, 1, 2}, Shape{2}), Error);
}

TEST(Broadcast, PlanRejectsWrongOutputShape) {
  EXPECT_THROW(MakeBroadcastPlan(Shape{2, 3}, Shape{3}, Shape{3, 3}), Error);
  // Leading 1s on the output are accepted.
  EXPECT_NO_THROW(MakeBroadcastPlan(Shape{2, 3}, Shape{3}, Shape{1, 2, 3}));
}

TEST(Broadcast, EqualShapesTakeTheFlatPath) {
  EXPECT_FALSE(MakeBroadcastPlan(Shape{2, 3}, Shape{2, 3}, Shape{2, 3}).needs_broadcast);
  // Equal once left-padded: still no broadcast.
  EXPECT_FALSE(MakeBroadcastPlan(Shape{1, 2, 3}, Shape{2, 3}, Shape{1, 2, 3}).needs_broadcast);
  EXPECT_TRUE(MakeBroadcastPlan(Shape{2, 3}, Shape{1, 3}, Shape{2, 3}).needs_broadcast);
}

// Every output element must pair exactly the input elements NumPy pairs.
TEST(Broadcast, RandomShapesPairTheRightElements) {
  const unsigned seed = 1234567;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 300; ++trial) {
    const int rank = std::uniform_int_distribution<int>(0, kMaxBroadcastRank)(rng);
    std::vector<int32_t> out_dims(static_cast<size_t>(rank));
    for (auto& d : out_dims) d = std::uniform_int_distribution<int32_t>(1, 4)(rng);
    auto make_input = [&]() {
      const int in_rank = std::uniform_int_distribution<int>(0, rank)(rng);
      std::vector<int32_t> dims(out_dims.end() - in_rank, out_dims.end());
      for (auto& d : dims) {
        if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) d = 1;
      }
      return dims;
    };
    const std::vector<int32_t> a_dims = make_input();
    const std::vector<int32_t> b_dims = make_input();
    // The output keeps only the axes some input actually has at full size.
    std::vector<int32_t> expected_out(out_dims.size(), 1);
    for (const auto* in : {&a_dims, &b_dims}) {
      const size_t lead = out_dims.size() - in->size();
      for (size_t i = 0; i < in->size(); ++i) {
        if ((*in)[i] != 1) expected_out[lead + i] = (*in)[i];
      }
    }
    const Shape a(a_dims), b(b_dims), out(expected_out);
    const BroadcastPlan plan = MakeBroadcastPlan(a, b, out);
    std::vector<int32_t> av(static_cast<size_t>(a.FlatSize()));
    std::vector<int32_t> bv(static_cast<size_t>(b.FlatSize()));
    for (size_t i = 0; i < av.size(); ++i) av[i] = static_cast<int32_t>(i);
    for (size_t i = 0; i < bv.size(); ++i) bv[i] = static_cast<int32_t>(i);
    std::vector<int64_t> result(static_cast<size_t>(out.FlatSize()), -1);
    BroadcastBinary(plan, av.data(), bv.data(), result.data(),
                    [](int32_t x, int32_t y) { return int64_t{x} * 100000 + y; });
    for (int64_t i = 0; i < out.FlatSize(); ++i) {
      const int64_t ia = NaiveSourceIndex(i, expected_out, a_dims);
      const int64_t ib = NaiveSourceIndex(i, expected_out, b_dims);
      ASSERT_EQ(result[static_cast<size_t>(i)], ia * 100000 + ib)
          << "seed " << seed << " trial " << trial << " a " << ShapeToString(a) << " b "
          << ShapeToString(b) << " output index " << i;
    }
  }
}

}  // namespace
}  // namespace tinyforge::ref
