// The selection arithmetic of magnitude pruning, without a model: counts,
// tiles, block norms and the deterministic order of ties.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "libconvert/base/error.h"
#include "prune/magnitude.h"
#include "prune/pruner.h"

namespace tinyforge::prune {
namespace {

TEST(TargetCount, RoundsHalfAwayFromZero) {
  EXPECT_EQ(TargetCount(0.5, 7), 4);   // 3.5 -> 4
  EXPECT_EQ(TargetCount(0.5, 8), 4);
  EXPECT_EQ(TargetCount(0.3, 10), 3);
  EXPECT_EQ(TargetCount(0.25, 6), 2);  // 1.5 -> 2
  EXPECT_EQ(TargetCount(0.0, 100), 0);
  EXPECT_EQ(TargetCount(1.0, 100), 100);
  EXPECT_EQ(TargetCount(0.9, 50176), 45158);  // 45158.4
}

TEST(Tiling, MatrixIsAllDimsButLastByLast) {
  Tiling t;
  ASSERT_TRUE(MakeTiling({8, 3, 3, 4}, {1, 4}, &t));
  EXPECT_EQ(t.rows, 72);
  EXPECT_EQ(t.cols, 4);
  EXPECT_EQ(t.tiles(), 72);
  ASSERT_TRUE(MakeTiling({32, 1568}, {2, 4}, &t));
  EXPECT_EQ(t.tiles(), 16 * 392);
  EXPECT_FALSE(MakeTiling({8, 3, 3, 1}, {1, 4}, &t));  // 1 column: 1x4 cannot cover it
  EXPECT_FALSE(MakeTiling({3, 8}, {2, 1}, &t));
}

TEST(Tiling, NormsAndElementsOfTiles) {
  // 2 x 4 matrix, 1x2 tiles: [1 2 | 0 0]
  //                          [3 4 | 0 5]
  const std::vector<float> v = {1, 2, 0, 0, 3, 4, 0, 5};
  Tiling t;
  ASSERT_TRUE(MakeTiling({2, 4}, {1, 2}, &t));
  const std::vector<double> norms = TileNorms(v, t);
  ASSERT_EQ(norms.size(), 4u);
  EXPECT_DOUBLE_EQ(norms[0], std::sqrt(5.0));
  EXPECT_DOUBLE_EQ(norms[1], 0.0);
  EXPECT_DOUBLE_EQ(norms[2], 5.0);
  EXPECT_DOUBLE_EQ(norms[3], 5.0);
  std::vector<int64_t> e;
  TileElements(t, 3, e);
  EXPECT_EQ(e, (std::vector<int64_t>{6, 7}));
  // 2x2 tiles over the same matrix: tile 1 is columns 2..3 of both rows.
  ASSERT_TRUE(MakeTiling({2, 4}, {2, 2}, &t));
  e.clear();
  TileElements(t, 1, e);
  EXPECT_EQ(e, (std::vector<int64_t>{2, 3, 6, 7}));
  EXPECT_DOUBLE_EQ(TileNorms(v, t)[1], 5.0);
}

TEST(SmallestK, TiesGoToTheEarlierTensorThenTheLowerIndex) {
  std::vector<Candidate> c = {{1.0, 1, 0}, {1.0, 0, 5}, {0.5, 2, 9}, {1.0, 0, 2}, {2.0, 0, 0}};
  const std::vector<Candidate> k3 = SmallestK(c, 3);
  ASSERT_EQ(k3.size(), 3u);
  EXPECT_EQ(k3[0].tensor, 2u);
  EXPECT_EQ(k3[1].tensor, 0u);
  EXPECT_EQ(k3[1].tile, 2);
  EXPECT_EQ(k3[2].tensor, 0u);
  EXPECT_EQ(k3[2].tile, 5);
  EXPECT_EQ(SmallestK(c, 0).size(), 0u);
  EXPECT_EQ(SmallestK(c, 99).size(), 5u);
}

TEST(Flags, LayerOverride) {
  const LayerOverride o = ParseLayerOverride("dense_1/.*=0.75");
  EXPECT_EQ(o.pattern, "dense_1/.*");
  EXPECT_DOUBLE_EQ(o.sparsity, 0.75);
  // The last '=' separates, so a pattern may hold '='.
  EXPECT_EQ(ParseLayerOverride("a=b=0.1").pattern, "a=b");
  for (const char* bad : {"dense", "=0.5", "dense=", "dense=1.5", "dense=-0.1", "dense=nan", "dense=abc",
                          "dense[=0.5", "(=0.5"}) {
    SCOPED_TRACE(bad);
    try {
      ParseLayerOverride(bad);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadInput);
      EXPECT_NE(std::string(e.what()).find("--layer"), std::string::npos) << e.what();
    }
  }
}

TEST(Flags, BlockShape) {
  const BlockShape b = ParseBlockShape("2x4");
  EXPECT_EQ(b.rows, 2);
  EXPECT_EQ(b.cols, 4);
  for (const char* bad : {"4", "0x4", "1x", "x4", "1.5x4", "-1x4", "1x4x2", "axb"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(ParseBlockShape(bad), Error);
  }
}

}  // namespace
}  // namespace tinyforge::prune
