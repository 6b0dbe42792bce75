#include "libconvert/interp/ref/unary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace tinyforge::ref {
namespace {

TEST(UnaryFloat, MatchesDoublePrecisionWithinOneUlpScale) {
  const unsigned seed = 2024;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> positive(1e-3f, 10.f), any(-6.f, 6.f);
  const int n = 500;
  std::vector<float> p(n), a(n), out(n);
  for (int i = 0; i < n; ++i) p[static_cast<size_t>(i)] = positive(rng), a[static_cast<size_t>(i)] = any(rng);
  auto check = [&](const char* name, const std::vector<float>& in, double (*f)(double)) {
    for (int i = 0; i < n; ++i) {
      const double want = f(in[static_cast<size_t>(i)]);
      ASSERT_NEAR(out[static_cast<size_t>(i)], want, 2e-6 * std::max(1.0, std::fabs(want)))
          << name << " seed " << seed << " x " << in[static_cast<size_t>(i)];
    }
  };
  Sqrt(n, p.data(), out.data());
  check("sqrt", p, [](double x) { return std::sqrt(x); });
  Rsqrt(n, p.data(), out.data());
  check("rsqrt", p, [](double x) { return 1 / std::sqrt(x); });
  Log(n, p.data(), out.data());
  check("log", p, [](double x) { return std::log(x); });
  Exp(n, a.data(), out.data());
  check("exp", a, [](double x) { return std::exp(x); });
  Abs(n, a.data(), out.data());
  check("abs", a, [](double x) { return std::fabs(x); });
  Neg(n, a.data(), out.data());
  check("neg", a, [](double x) { return -x; });
  Gelu(n, false, a.data(), out.data());
  check("gelu", a, [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); });
  Gelu(n, true, a.data(), out.data());
  check("gelu tanh", a, [](double x) {
    return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  });
}

TEST(UnaryFloat, NegativeSqrtIsNaN) {
  const float in[] = {-1.f, 0.f};
  float out[2];
  Sqrt(2, in, out);
  EXPECT_TRUE(std::isnan(out[0]));
  Rsqrt(2, in, out);
  EXPECT_TRUE(std::isnan(out[0]));
  EXPECT_TRUE(std::isinf(out[1]));
}

TEST(InvSqrt, MatchesRealValue) {
  // multiplier * 2^shift / 2^31 ~= 1/sqrt(x), to about 1e-6 relative.
  for (int32_t x : {2, 3, 4, 10, 100, 12345, 1 << 20, (1 << 29) + 7, std::numeric_limits<int32_t>::max()}) {
    const QuantizedMultiplier m = InvSqrtQuantizedMultiplierExp(x, -1);
    const double got = m.multiplier * std::ldexp(1.0, m.shift - 31);
    EXPECT_NEAR(got, 1 / std::sqrt(static_cast<double>(x)), 2e-6 / std::sqrt(static_cast<double>(x))) << x;
  }
  const QuantizedMultiplier one = InvSqrtQuantizedMultiplierExp(1, -1);
  EXPECT_EQ(one.multiplier, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(one.shift, 0);
}

// Quantized RSQRT must land within one step of the exact real result.
TEST(QuantizedRsqrt, WithinOneStepOfRealValue) {
  const float in_scale = 0.05f, out_scale = 0.02f;
  const int32_t in_zp = -20, out_zp = -100;
  const QuantizedRsqrtParams p = PrepareQuantizedRsqrt(in_scale, in_zp, out_scale, out_zp);
  std::vector<int8_t> in, out(256);
  for (int v = -128; v < 128; ++v) in.push_back(static_cast<int8_t>(v));
  Rsqrt(p, 256, in.data(), out.data());
  for (size_t i = 0; i < in.size(); ++i) {
    const int32_t q = in[i] - in_zp;
    if (q <= 0) {
      EXPECT_EQ(out[i], 127) << int(in[i]);
      continue;
    }
    const double real = 1 / std::sqrt(q * static_cast<double>(in_scale));
    const double want = std::min(127.0, std::max(-128.0, std::round(real / out_scale) + out_zp));
    EXPECT_NEAR(out[i], want, 1.0) << "input " << int(in[i]);
  }
}

TEST(QuantizedAbs, HandComputed) {
  // Same scale: |q - zp| + zp_out, clamped.
  const QuantizedAbsParams same = PrepareQuantizedAbs(0.1f, -10, 0.1f, -10);
  EXPECT_FALSE(same.needs_rescale);
  const int8_t in[] = {-128, -10, 0, 127};
  int8_t out[4];
  Abs(same, 4, in, out);
  EXPECT_EQ(std::vector<int8_t>(out, out + 4), (std::vector<int8_t>{108, -10, 0, 127}));
  // Output scale twice the input's: |q - zp| / 2 rounded half away, + zp_out.
  const QuantizedAbsParams half = PrepareQuantizedAbs(0.1f, 0, 0.2f, 5);
  const int8_t in2[] = {-7, 6, -128};
  Abs(half, 3, in2, out);
  EXPECT_EQ(std::vector<int8_t>(out, out + 3), (std::vector<int8_t>{9, 8, 69}));
  const int16_t raw[] = {-32768, -5, 7};
  int16_t raw_out[3];
  Abs(3, raw, raw_out);
  EXPECT_EQ(std::vector<int16_t>(raw_out, raw_out + 3), (std::vector<int16_t>{-32768, 5, 7}));
}

TEST(Cast, ConversionsAndSaturation) {
  const float f[] = {1.9f, -1.9f, 300.f, -300.f, std::nanf("")};
  int8_t i8[5];
  Cast(5, f, i8);
  EXPECT_EQ(std::vector<int8_t>(i8, i8 + 5), (std::vector<int8_t>{1, -1, 127, -128, 0}));
  const bool b[] = {true, false};
  float bf[2];
  Cast(2, b, bf);
  EXPECT_EQ(bf[0], 1.f);
  EXPECT_EQ(bf[1], 0.f);
  const int32_t big[] = {70000, -1};
  int16_t s[2];
  Cast(2, big, s);  // integer narrowing wraps like static_cast
  EXPECT_EQ(s[0], static_cast<int16_t>(70000 - 65536));
  EXPECT_EQ(s[1], -1);
  uint32_t u[2];
  Cast(2, big, u);
  EXPECT_EQ(u[1], 0xFFFFFFFFu);
}

}  // namespace
}  // namespace tinyforge::ref
