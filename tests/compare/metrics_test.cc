#include "libconvert/compare/metrics.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "libconvert/base/error.h"

namespace tinyforge {
namespace {

TEST(ErrorStatsTest, MatchesHandComputedValues) {
  // reference (1, 2, 3, 4), candidate (1, 2.5, 2, 4): errors (0, .5, -1, 0).
  const float ref[] = {1, 2, 3, 4};
  const float cand[] = {1, 2.5f, 2, 4};
  ErrorStats s;
  s.Add(ref, cand, 4);
  EXPECT_EQ(s.count(), 4u);
  EXPECT_DOUBLE_EQ(s.max_abs(), 1.0);
  EXPECT_DOUBLE_EQ(s.mae(), 1.5 / 4);
  EXPECT_DOUBLE_EQ(s.rmse(), std::sqrt(1.25 / 4));
  const double dot = 1 + 5 + 6 + 16;
  EXPECT_DOUBLE_EQ(s.cosine(), dot / (std::sqrt(30.0) * std::sqrt(1 + 6.25 + 4 + 16)));
  EXPECT_DOUBLE_EQ(s.snr_db(), 10 * std::log10(30.0 / 1.25));
}

TEST(ErrorStatsTest, MergeEqualsOneAccumulation) {
  const float ref[] = {0.5f, -1, 2, 7, 3};
  const float cand[] = {0.25f, -1.5f, 2, 6, 3.5f};
  ErrorStats all, first, second;
  all.Add(ref, cand, 5);
  first.Add(ref, cand, 2);
  second.Add(ref + 2, cand + 2, 3);
  first.Merge(second);
  EXPECT_EQ(first.count(), all.count());
  EXPECT_DOUBLE_EQ(first.rmse(), all.rmse());
  EXPECT_DOUBLE_EQ(first.cosine(), all.cosine());
  EXPECT_DOUBLE_EQ(first.max_abs(), all.max_abs());
}

TEST(ErrorStatsTest, EdgeCases) {
  const float zeros[] = {0, 0};
  const float ones[] = {1, 1};
  ErrorStats same;
  same.Add(ones, ones, 2);
  EXPECT_EQ(same.snr_db(), std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(same.cosine(), 1.0);
  ErrorStats both_zero;
  both_zero.Add(zeros, zeros, 2);
  EXPECT_DOUBLE_EQ(both_zero.cosine(), 1.0);
  ErrorStats one_zero;
  one_zero.Add(zeros, ones, 2);
  EXPECT_DOUBLE_EQ(one_zero.cosine(), 0.0);
  EXPECT_DOUBLE_EQ(ErrorStats().rmse(), 0.0);
}

TEST(ArgMaxTest, FirstOfEqualMaxima) {
  const float v[] = {1, 3, -2, 3};
  EXPECT_EQ(ArgMax(v, 4), 1u);
}

TEST(LabelsTest, AcceptsIntegerVectorsAndRejectsTheRest) {
  NpyArray a = NpyArray::Zeros(DType::kUInt8, {3});
  a.MutableView<uint8_t>()[1] = 7;
  EXPECT_EQ(LabelsFromArray(a, "y.npy"), (std::vector<int64_t>{0, 7, 0}));
  NpyArray column = NpyArray::Zeros(DType::kInt64, {2, 1});
  EXPECT_EQ(LabelsFromArray(column, "y.npy").size(), 2u);
  NpyArray f = NpyArray::Zeros(DType::kFloat32, {3});
  EXPECT_THROW(LabelsFromArray(f, "y.npy"), Error);
  NpyArray wide = NpyArray::Zeros(DType::kInt32, {3, 2});
  EXPECT_THROW(LabelsFromArray(wide, "y.npy"), Error);
  NpyArray neg = NpyArray::Zeros(DType::kInt8, {2});
  neg.MutableView<int8_t>()[1] = -1;
  try {
    LabelsFromArray(neg, "y.npy");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("y.npy: label 1 is negative"), std::string::npos);
  }
}

TEST(ConfusionMatrixTest, CountsGrowsAndMerges) {
  ConfusionMatrix m;
  m.Add(0, 0);
  m.Add(1, 2);
  m.Add(2, 2);
  EXPECT_EQ(m.classes(), 3u);
  EXPECT_EQ(m.at(1, 2), 1u);
  EXPECT_EQ(m.correct(), 2u);
  EXPECT_DOUBLE_EQ(m.accuracy(), 2.0 / 3);
  ConfusionMatrix more(5);
  more.Add(4, 4);
  m.Merge(more);
  EXPECT_EQ(m.classes(), 5u);
  EXPECT_EQ(m.total(), 4u);
  EXPECT_EQ(m.at(4, 4), 1u);
  EXPECT_EQ(m.at(1, 2), 1u);
}

}  // namespace
}  // namespace tinyforge
