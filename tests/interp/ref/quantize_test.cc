#include "libconvert/interp/ref/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

TEST(Quantize, FloatToInt8HandCases) {
  const AffineQuantizeParams p = PrepareQuantizeFromFloat(0.5f, -3);
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> in = {0.0f,   0.25f,   -0.25f, 0.75f, 1.0f,
                                 100.0f, -100.0f, inf,    -inf,  std::nanf("")};
  std::vector<int8_t> out(in.size());
  QuantizeFloatToInt8(p, Shape({static_cast<int32_t>(in.size())}), in.data(), out.data());
  // 0.25 / 0.5 = 0.5 rounds away from zero to 1; 0.75 / 0.5 = 1.5 -> 2.
  EXPECT_EQ(out, (std::vector<int8_t>{-3, -2, -4, -1, -1, 127, -128, 127, -128, -3}));
}

TEST(Quantize, FloatToInt16HandCases) {
  const AffineQuantizeParams p = PrepareQuantizeFromFloat(1.0f / 32768, 0);
  const std::vector<float> in = {0.5f, -1.0f, 1.0f, 2.0f / 32768 + 1e-9f};
  std::vector<int16_t> out(in.size());
  QuantizeFloatToInt16(p, Shape({4}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int16_t>{16384, -32768, 32767, 2}));
}

TEST(Quantize, FloatRoundTripWithinHalfStep) {
  const unsigned seed = 5;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> xs(-2.0f, 2.0f);
  const float scale = 4.0f / 255;
  const int32_t zp = 1;
  std::vector<float> in(1000), back(1000);
  for (float& v : in) v = xs(rng);
  std::vector<int8_t> q(1000);
  QuantizeFloatToInt8(PrepareQuantizeFromFloat(scale, zp), Shape({1000}), in.data(), q.data());
  Dequantize(PrepareDequantize(scale, zp), Shape({1000}), q.data(), back.data());
  for (size_t i = 0; i < in.size(); ++i) {
    const float lo = scale * (-128 - zp), hi = scale * (127 - zp);
    const float clamped = std::min(std::max(in[i], lo), hi);
    ASSERT_NEAR(back[i], clamped, scale / 2 * 1.0001f) << "seed " << seed << " x " << in[i];
  }
}

TEST(Quantize, DequantizeHandCases) {
  const DequantizeParams p = PrepareDequantize(0.25f, 10);
  const std::vector<int8_t> i8 = {10, 14, -128};
  const std::vector<int16_t> i16 = {-32768, 10, 32767};
  const std::vector<uint8_t> u8 = {0, 10, 255};
  std::vector<float> out(3);
  Dequantize(p, Shape({3}), i8.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{0.0f, 1.0f, -34.5f}));
  Dequantize(p, Shape({3}), i16.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{-8194.5f, 0.0f, 8189.25f}));
  Dequantize(p, Shape({3}), u8.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{-2.5f, 0.0f, 61.25f}));
}

// Requantization vs real arithmetic: round(in_scale / out_scale * (q - in_zp))
// + out_zp, clamped. The fixed-point path rounds twice and its Q31
// multiplier is itself rounded, so it may differ by one step.
template <typename InT, typename OutT>
void CheckRequantizeNearReal(unsigned seed, int32_t in_lo, int32_t in_hi, int32_t zp_lo,
                             int32_t zp_hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> log_scale(std::log(1e-3f), std::log(1.0f));
  std::uniform_int_distribution<int32_t> ins(in_lo, in_hi);
  std::uniform_int_distribution<int32_t> zps(zp_lo, zp_hi);
  constexpr int32_t kMin = std::numeric_limits<OutT>::min();
  constexpr int32_t kMax = std::numeric_limits<OutT>::max();
  for (int iter = 0; iter < 50; ++iter) {
    const float in_scale = std::exp(log_scale(rng)), out_scale = std::exp(log_scale(rng));
    const int32_t in_zp = zps(rng), out_zp = zps(rng);
    const RequantizeParams p = PrepareRequantize(in_scale, in_zp, out_scale, out_zp);
    std::vector<InT> in(500);
    for (InT& v : in) v = static_cast<InT>(ins(rng));
    std::vector<OutT> out(in.size());
    Requantize(p, Shape({500}), in.data(), out.data());
    for (size_t i = 0; i < in.size(); ++i) {
      const double real =
          static_cast<double>(in_scale) / out_scale * (static_cast<double>(in[i]) - in_zp);
      const double want = std::min<double>(kMax, std::max<double>(kMin, std::round(real) + out_zp));
      ASSERT_NEAR(static_cast<double>(out[i]), want, 1.0)
          << "seed " << seed << " iter " << iter << " in " << static_cast<int64_t>(in[i]);
    }
  }
}

TEST(Quantize, RequantizeWithinOneStepOfReal) {
  CheckRequantizeNearReal<int8_t, int8_t>(101, -128, 127, -128, 127);
  CheckRequantizeNearReal<int8_t, int16_t>(102, -128, 127, -100, 100);
  CheckRequantizeNearReal<int8_t, int32_t>(103, -128, 127, -100, 100);
  CheckRequantizeNearReal<int16_t, int8_t>(104, -32768, 32767, -50, 50);
  CheckRequantizeNearReal<int16_t, int16_t>(105, -32768, 32767, -50, 50);
  CheckRequantizeNearReal<int16_t, int32_t>(106, -32768, 32767, -50, 50);
  CheckRequantizeNearReal<int32_t, int8_t>(107, -100000, 100000, -50, 50);
  CheckRequantizeNearReal<int32_t, int16_t>(108, -100000, 100000, -50, 50);
  CheckRequantizeNearReal<uint8_t, int8_t>(109, 0, 255, 0, 100);
  CheckRequantizeNearReal<int8_t, uint8_t>(110, -128, 127, 0, 100);
}

TEST(Quantize, RequantizeSameScaleIsExact) {
  // Equal scales: a pure zero-point shift, e.g. int8 <-> uint8 flips the top
  // bit when the zero points are 128 apart.
  const RequantizeParams to_u8 = PrepareRequantize(0.1f, 5, 0.1f, 133);
  const std::vector<int8_t> in = {-128, -1, 0, 5, 127};
  std::vector<uint8_t> out(5);
  Requantize(to_u8, Shape({5}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<uint8_t>{0, 127, 128, 133, 255}));
  const RequantizeParams shift = PrepareRequantize(0.1f, 0, 0.1f, 10);
  std::vector<int8_t> out8(5);
  Requantize(shift, Shape({5}), in.data(), out8.data());
  EXPECT_EQ(out8, (std::vector<int8_t>{-118, 9, 10, 15, 127}));
}

TEST(Quantize, RequantizeHalvingRoundsTiesUp) {
  // Scale ratio 1/2 on int16 -> int8: 3 -> 1.5 -> 2, -3 -> -1.5 -> -1
  // (gemmlowp's rounding sends ties toward +infinity).
  const RequantizeParams p = PrepareRequantize(0.5f, 0, 1.0f, 0);
  const std::vector<int16_t> in = {3, -3, 4, 1000};
  std::vector<int8_t> out(4);
  Requantize(p, Shape({4}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{2, -1, 2, 127}));
}

TEST(Quantize, PrepareRejectsBadScales) {
  EXPECT_THROW(PrepareQuantizeFromFloat(0.0f, 0), Error);
  EXPECT_THROW(PrepareQuantizeFromFloat(-1.0f, 0), Error);
  EXPECT_THROW(PrepareRequantize(0.1f, 0, std::nanf(""), 0), Error);
  EXPECT_THROW(PrepareDequantize(std::numeric_limits<float>::infinity(), 0), Error);
}

}  // namespace
}  // namespace tinyforge::ref
