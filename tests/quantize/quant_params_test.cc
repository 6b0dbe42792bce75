// The spec's arithmetic against values worked out by hand.
#include "quantize/quant_params.h"

#include <gtest/gtest.h>

#include <cmath>

#include "quantize/op_rules.h"
#include "quantize/range_choice.h"

namespace tinyforge::quantize {
namespace {

TEST(AsymmetricParams, CoversTheRangeWithZeroExact) {
  // [0, 1]: 255 steps of 1/255, 0.0 at -128.
  QuantParams p = AsymmetricParams(0.0f, 1.0f, -128, 127);
  EXPECT_FLOAT_EQ(p.scale, 1.0f / 255);
  EXPECT_EQ(p.zero_point, -128);
  // [-1, 1]: the exact zero point -0.5 is nudged to an integer so 0.0 stays
  // exact.
  p = AsymmetricParams(-1.0f, 1.0f, -128, 127);
  EXPECT_FLOAT_EQ(p.scale, 2.0f / 255);
  EXPECT_EQ(p.zero_point, std::lround(-128 + 127.5));
  // A range that excludes 0 is widened to include it: [2, 6] acts as [0, 6].
  p = AsymmetricParams(2.0f, 6.0f, -128, 127);
  EXPECT_FLOAT_EQ(p.scale, 6.0f / 255);
  EXPECT_EQ(p.zero_point, -128);
  p = AsymmetricParams(-6.0f, -2.0f, -128, 127);
  EXPECT_EQ(p.zero_point, 127);
  // All zeros stays a valid tensor.
  p = AsymmetricParams(0.0f, 0.0f, -128, 127);
  EXPECT_GT(p.scale, 0.0f);
}

TEST(SymmetricParams, UsesTheLargerMagnitude) {
  const QuantParams p = SymmetricParams(-3.0f, 1.5f, 32767);
  EXPECT_FLOAT_EQ(p.scale, 3.0f / 32767);
  EXPECT_EQ(p.zero_point, 0);
}

TEST(QuantizeValue, RoundsHalfAwayAndClamps) {
  const QuantParams p{0.5f, 10};
  EXPECT_EQ(QuantizeValue(0.25f, p, -128, 127), 11);   // 0.5 -> 1
  EXPECT_EQ(QuantizeValue(-0.25f, p, -128, 127), 9);   // -0.5 -> -1
  EXPECT_EQ(QuantizeValue(1000.0f, p, -128, 127), 127);
  EXPECT_EQ(QuantizeValue(-1000.0f, p, -128, 127), -128);
}

TEST(QuantizeWeights, PerChannelScalesMapEachPeakTo127) {
  // Shape [2, 3], channels on axis 0: rows {1, -2, 0.5} and {0, 0, 0}.
  const float w[] = {1.0f, -2.0f, 0.5f, 0.0f, 0.0f, 0.0f};
  const QuantizedWeights q = QuantizeWeights(w, {2, 3}, 0);
  ASSERT_EQ(q.scales.size(), 2u);
  EXPECT_FLOAT_EQ(q.scales[0], 2.0f / 127);
  EXPECT_FLOAT_EQ(q.scales[1], 1.0f);  // an all-zero channel
  EXPECT_EQ(q.values, (std::vector<int8_t>{64, -127, 32, 0, 0, 0}));  // round(63.5)=64, round(31.75)=32
  // Axis 1 (the last): channels are columns.
  const QuantizedWeights cols = QuantizeWeights(w, {2, 3}, 1);
  ASSERT_EQ(cols.scales.size(), 3u);
  EXPECT_FLOAT_EQ(cols.scales[1], 2.0f / 127);
  EXPECT_EQ(cols.values[1], -127);
  EXPECT_EQ(cols.values[0], 127);
  // Per tensor.
  const QuantizedWeights whole = QuantizeWeights(w, {2, 3}, -1);
  ASSERT_EQ(whole.scales.size(), 1u);
  EXPECT_EQ(whole.values[1], -127);
}

TEST(QuantizeBias, UsesInputTimesWeightScale) {
  const float b[] = {0.3f, -1.0f};
  const std::vector<int32_t> q = QuantizeBias32(b, 2, 0.1f, {0.01f, 0.02f});
  EXPECT_EQ(q[0], 300);   // 0.3 / 0.001
  EXPECT_EQ(q[1], -500);  // -1 / 0.002
  const float huge[] = {1e30f, -1e30f};
  const std::vector<int32_t> sat = QuantizeBias32(huge, 2, 1.0f, {1.0f});
  EXPECT_EQ(sat[0], INT32_MAX);
  EXPECT_EQ(sat[1], INT32_MIN);
  const std::vector<int64_t> wide = QuantizeBias64(huge, 2, 1.0f, {1.0f});
  EXPECT_EQ(wide[0], INT64_MAX);
  EXPECT_EQ(wide[1], INT64_MIN);
}

TEST(FixedOutputParams, AreTheSpecsValues) {
  auto is = [](QuantParams p, float scale, int zp) { return p.scale == scale && p.zero_point == zp; };
  EXPECT_TRUE(is(FixedOutputParams(tflite::BuiltinOperator_SOFTMAX, false), 1.0f / 256, -128));
  EXPECT_TRUE(is(FixedOutputParams(tflite::BuiltinOperator_LOGISTIC, false), 1.0f / 256, -128));
  EXPECT_TRUE(is(FixedOutputParams(tflite::BuiltinOperator_TANH, false), 1.0f / 128, 0));
  EXPECT_TRUE(is(FixedOutputParams(tflite::BuiltinOperator_L2_NORMALIZATION, false), 1.0f / 128, 0));
  EXPECT_TRUE(is(FixedOutputParams(tflite::BuiltinOperator_LOG_SOFTMAX, false), 16.0f / 256, 127));
  EXPECT_TRUE(is(FixedOutputParams(tflite::BuiltinOperator_TANH, true), 1.0f / 32768, 0));
}

TEST(RangeChoice, PercentileClipsOnlyTheTails) {
  // 10,000 values evenly over [0, 1) plus one outlier at 100.
  std::vector<float> v;
  for (int i = 0; i < 10000; ++i) v.push_back(static_cast<float>(i) / 10000);
  v.push_back(100.0f);
  Histogram h(0.0f, 100.0f);
  h.Add(v.data(), v.size());
  const auto [lo, hi] = PercentileRange(h, 99.9);
  EXPECT_EQ(lo, 0.0f);
  // The outlier is 0.01% of the values: clipped; the bulk is kept (one bin
  // is 100/2048 wide).
  EXPECT_GE(hi, 1.0f);
  EXPECT_LE(hi, 1.0f + 100.0f / 2048);
  const auto all = PercentileRange(h, 100.0);
  EXPECT_EQ(all.second, 100.0f);
}

TEST(RangeChoice, MseTradesClippingAgainstRounding) {
  // A million values over [0, 1) and one at 20. Keeping 20 costs rounding
  // noise on every value (1e6 · (20/255)² / 12 ≈ 513); clipping at h costs
  // (20 − h)² plus 1e6 · (h/255)² / 12, smallest at h = 40 / (2 + 2e6 /
  // (12 · 255²)) ≈ 8.77; the search grid steps by 0.5 there.
  std::vector<float> v;
  for (int i = 0; i < 1000000; ++i) v.push_back(static_cast<float>(i) / 1000000);
  v.push_back(20.0f);
  Histogram h(0.0f, 20.0f);
  h.Add(v.data(), v.size());
  const auto [lo, hi] = MseRange(h);
  EXPECT_EQ(lo, 0.0f);
  EXPECT_GE(hi, 8.5f);
  EXPECT_LE(hi, 9.0f);
  // A single far value among few is worth keeping: 10,000 values and 100.
  std::vector<float> few(v.begin(), v.begin() + 10000);
  few.push_back(100.0f);
  Histogram wide(0.0f, 100.0f);
  wide.Add(few.data(), few.size());
  EXPECT_GT(MseRange(wide).second, 90.0f);
}

}  // namespace
}  // namespace tinyforge::quantize
