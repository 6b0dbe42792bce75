#include "libconvert/interp/ref/depthwise_conv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/conv_test_util.h"

namespace tinyforge::ref {
namespace {

using testing::TestActivationRange;
using testing::TestOutSize;
using testing::TestPadBefore;

// Geometry worked out by the test itself, not by padding.cc.
struct DepthwiseGeometry {
  int n, h, w, c, m;   // input, depth multiplier
  int kh, kw;          // filter [1, kh, kw, c * m]
  int sh, sw, dh, dw;  // strides, dilations
  int oh, ow, ph, pw;  // output size, padding before
  int oc() const { return c * m; }
};

// tap(input_index, filter_index) for output (b, y, x, o), in (ky, kx) order.
template <typename Tap>
void ForEachDepthwiseTap(const DepthwiseGeometry& g, int b, int y, int x, int o, Tap tap) {
  const int ic = o / g.m;
  for (int ky = 0; ky < g.kh; ++ky) {
    for (int kx = 0; kx < g.kw; ++kx) {
      const int iy = y * g.sh - g.ph + ky * g.dh;
      const int ix = x * g.sw - g.pw + kx * g.dw;
      if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
      tap(((b * g.h + iy) * g.w + ix) * g.c + ic, (ky * g.kw + kx) * g.oc() + o);
    }
  }
}

class DepthwiseConvTester {
 public:
  DepthwiseConvTester& input(int n, int h, int w, int c) { n_ = n; h_ = h; w_ = w; c_ = c; return *this; }
  DepthwiseConvTester& filter(int kh, int kw) { kh_ = kh; kw_ = kw; return *this; }
  DepthwiseConvTester& depth_multiplier(int m) { m_ = m; return *this; }
  DepthwiseConvTester& stride(int h, int w) { sh_ = h; sw_ = w; return *this; }
  DepthwiseConvTester& dilation(int h, int w) { dh_ = h; dw_ = w; return *this; }
  DepthwiseConvTester& padding(Padding p) { padding_ = p; return *this; }
  DepthwiseConvTester& activation(int a) { activation_ = a; return *this; }
  DepthwiseConvTester& per_channel(bool v) { per_channel_ = v; return *this; }
  DepthwiseConvTester& bias(bool v) { bias_ = v; return *this; }

  void TestFloat(uint32_t seed) const {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const DepthwiseGeometry g = Geometry();
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> input(Size(g.n, g.h, g.w, g.c)), filter(Size(1, g.kh, g.kw, g.oc())),
        bias(g.oc());
    for (float& v : input) v = dist(rng);
    for (float& v : filter) v = dist(rng);
    for (float& v : bias) v = dist(rng);
    const DepthwiseConvParams params =
        PrepareDepthwiseConvFloat(Options(), InputShape(g), FilterShape(g), OutputShape(g));
    std::vector<float> output(Size(g.n, g.oh, g.ow, g.oc()), -99.0f);
    DepthwiseConvFloat(params, InputShape(g), input.data(), FilterShape(g), filter.data(),
                       bias_ ? bias.data() : nullptr, OutputShape(g), output.data());
    const FloatRange range = FloatActivationRange(activation_);
    int inside = 0;
    for (int b = 0, i = 0; b < g.n; ++b)
      for (int y = 0; y < g.oh; ++y)
        for (int x = 0; x < g.ow; ++x)
          for (int o = 0; o < g.oc(); ++o, ++i) {
            float sum_f = 0.0f;
            double sum_d = 0.0, magnitude = 0.0;
            ForEachDepthwiseTap(g, b, y, x, o, [&](int xi, int fi) {
              sum_f += input[xi] * filter[fi];
              sum_d += static_cast<double>(input[xi]) * filter[fi];
              magnitude += std::abs(static_cast<double>(input[xi]) * filter[fi]);
            });
            const float b_f = bias_ ? bias[o] : 0.0f;
            const float exact = std::min(std::max(sum_f + b_f, range.min), range.max);
            const double approx = std::min<double>(std::max<double>(sum_d + b_f, range.min), range.max);
            EXPECT_EQ(output[i], exact) << "output " << i;
            EXPECT_NEAR(output[i], approx, 1e-5 * (1.0 + magnitude)) << "output " << i;
            if (exact > range.min && exact < range.max) ++inside;
          }
    EXPECT_GT(inside, 0);
  }

  void TestInt8(uint32_t seed) const {
    TestInteger<int8_t, int32_t>(seed, [](const DepthwiseConvParams& p, const Shape& is,
                                          const int8_t* in, const Shape& fs, const int8_t* f,
                                          const int32_t* b, const Shape& os, int8_t* out) {
      DepthwiseConvInt8(p, is, in, fs, f, b, os, out);
    });
  }
  void TestInt16x8(uint32_t seed) const {
    TestInteger<int16_t, int64_t>(seed, [](const DepthwiseConvParams& p, const Shape& is,
                                           const int16_t* in, const Shape& fs, const int8_t* f,
                                           const int64_t* b, const Shape& os, int16_t* out) {
      DepthwiseConvInt16x8(p, is, in, fs, f, b, os, out);
    });
  }

 private:
  template <typename T, typename Bias, typename Run>
  void TestInteger(uint32_t seed, Run run) const {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    constexpr bool kInt8 = sizeof(T) == 1;
    const int32_t qmin = std::numeric_limits<T>::min();
    const int32_t qmax = std::numeric_limits<T>::max();
    const DepthwiseGeometry g = Geometry();
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int32_t> input_dist(qmin, qmax);
    std::uniform_int_distribution<int32_t> weight_dist(-127, 127);
    std::uniform_int_distribution<int32_t> zp_dist(kInt8 ? -30 : 0, kInt8 ? 30 : 0);
    std::uniform_real_distribution<float> scale_dist(0.002f, 0.02f);
    std::uniform_int_distribution<int32_t> bias_dist(kInt8 ? -3000 : -300000, kInt8 ? 3000 : 300000);

    std::vector<T> input(Size(g.n, g.h, g.w, g.c));
    std::vector<int8_t> filter(Size(1, g.kh, g.kw, g.oc()));
    std::vector<Bias> bias(g.oc());
    for (T& v : input) v = static_cast<T>(input_dist(rng));
    for (int8_t& v : filter) v = static_cast<int8_t>(weight_dist(rng));
    for (Bias& v : bias) v = bias_dist(rng);
    ConvQuantization q;
    q.input_zero_point = zp_dist(rng);
    q.filter_scales.resize(per_channel_ ? g.oc() : 1);
    for (float& s : q.filter_scales) s = scale_dist(rng);
    auto filter_scale = [&](int o) { return q.filter_scales[per_channel_ ? o : 0]; };

    std::vector<int64_t> acc(Size(g.n, g.oh, g.ow, g.oc()));
    std::vector<double> real(acc.size());
    for (int b = 0, i = 0; b < g.n; ++b)
      for (int y = 0; y < g.oh; ++y)
        for (int x = 0; x < g.ow; ++x)
          for (int o = 0; o < g.oc(); ++o, ++i) {
            int64_t a = bias_ ? bias[o] : 0;
            ForEachDepthwiseTap(g, b, y, x, o, [&](int xi, int fi) {
              a += static_cast<int64_t>(filter[fi]) * (input[xi] - q.input_zero_point);
            });
            acc[i] = a;
            real[i] = static_cast<double>(filter_scale(o)) * static_cast<double>(a);
            if (kInt8) {
              ASSERT_LE(std::abs(a), int64_t{std::numeric_limits<int32_t>::max()});
            }
          }
    double max_abs = 1e-9;
    for (double r : real) max_abs = std::max(max_abs, std::abs(r));
    const double span = activation_ == 2 ? 1.5 : (activation_ == 3 ? 8.0 : 4.0);
    q.input_scale = static_cast<float>(span / max_abs);
    for (double& r : real) r *= static_cast<double>(q.input_scale);
    const auto [lo_it, hi_it] = std::minmax_element(real.begin(), real.end());
    const double lo = std::min(*lo_it, 0.0), hi = std::max(*hi_it, 0.0);
    if (kInt8) {
      q.output_scale = static_cast<float>((hi - lo) / 255.0);
      q.output_zero_point = static_cast<int32_t>(
          std::clamp<double>(std::round(-128.0 - lo / q.output_scale), -128, 127));
    } else {
      q.output_scale = static_cast<float>(std::max(-lo, hi) / 32767.0);
      q.output_zero_point = 0;
    }
    const auto [act_min, act_max] =
        TestActivationRange(activation_, q.output_scale, q.output_zero_point, qmin, qmax);

    const DepthwiseConvParams params =
        kInt8 ? PrepareDepthwiseConvInt8(Options(), InputShape(g), FilterShape(g), OutputShape(g), q)
              : PrepareDepthwiseConvInt16x8(Options(), InputShape(g), FilterShape(g),
                                            OutputShape(g), q);
    std::vector<T> output(acc.size(), 0x55);
    run(params, InputShape(g), input.data(), FilterShape(g), filter.data(),
        bias_ ? bias.data() : nullptr, OutputShape(g), output.data());

    int inside = 0;
    for (size_t i = 0; i < acc.size(); ++i) {
      const int o = static_cast<int>(i % g.oc());
      const QuantizedMultiplier m = QuantizeMultiplier(
          static_cast<double>(q.input_scale) * filter_scale(o) / static_cast<double>(q.output_scale));
      const int32_t scaled =
          kInt8 ? MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc[i]), m.multiplier, m.shift)
                : MultiplyByQuantizedMultiplier(acc[i], m.multiplier, m.shift);
      const int32_t exact = std::clamp(scaled + q.output_zero_point, act_min, act_max);
      const double approx = std::clamp<double>(
          std::round(real[i] / q.output_scale) + q.output_zero_point, act_min, act_max);
      EXPECT_EQ(output[i], exact) << "output " << i << " acc " << acc[i];
      EXPECT_NEAR(output[i], approx, 1.0) << "output " << i << " acc " << acc[i];
      if (exact > act_min && exact < act_max) ++inside;
    }
    EXPECT_GT(inside, static_cast<int>(acc.size()) / 4) << "test data mostly clamped";
  }

  DepthwiseGeometry Geometry() const {
    DepthwiseGeometry g{};
    g.n = n_; g.h = h_; g.w = w_; g.c = c_; g.m = m_;
    g.kh = kh_; g.kw = kw_;
    g.sh = sh_; g.sw = sw_; g.dh = dh_; g.dw = dw_;
    g.oh = TestOutSize(padding_, h_, kh_, sh_, dh_);
    g.ow = TestOutSize(padding_, w_, kw_, sw_, dw_);
    g.ph = padding_ == Padding::kSame ? TestPadBefore(h_, g.oh, kh_, sh_, dh_) : 0;
    g.pw = padding_ == Padding::kSame ? TestPadBefore(w_, g.ow, kw_, sw_, dw_) : 0;
    return g;
  }
  DepthwiseConvOptions Options() const {
    DepthwiseConvOptions o;
    o.padding = padding_;
    o.stride_height = sh_; o.stride_width = sw_;
    o.dilation_height = dh_; o.dilation_width = dw_;
    o.depth_multiplier = m_;
    o.activation = activation_;
    return o;
  }
  static size_t Size(int a, int b, int c, int d) { return static_cast<size_t>(a) * b * c * d; }
  static Shape InputShape(const DepthwiseGeometry& g) { return {g.n, g.h, g.w, g.c}; }
  static Shape FilterShape(const DepthwiseGeometry& g) { return {1, g.kh, g.kw, g.oc()}; }
  static Shape OutputShape(const DepthwiseGeometry& g) { return {g.n, g.oh, g.ow, g.oc()}; }

  int n_ = 1, h_ = 5, w_ = 5, c_ = 3, m_ = 1;
  int kh_ = 3, kw_ = 3;
  int sh_ = 1, sw_ = 1, dh_ = 1, dw_ = 1;
  Padding padding_ = Padding::kSame;
  int activation_ = 0;
  bool per_channel_ = true;
  bool bias_ = true;
};

std::vector<DepthwiseConvTester> DepthwiseConfigurations() {
  using T = DepthwiseConvTester;
  return {
      T().input(1, 9, 9, 3).filter(3, 3).padding(Padding::kSame),
      T().input(1, 9, 9, 3).filter(3, 3).padding(Padding::kValid),
      T().input(2, 8, 9, 2).filter(3, 2).depth_multiplier(3).stride(2, 1).dilation(1, 2),
      T().input(1, 11, 10, 4).filter(2, 3).depth_multiplier(2).stride(3, 2).dilation(2, 1)
          .padding(Padding::kValid),
      T().input(1, 6, 6, 8).filter(1, 1).per_channel(false),
      T().input(1, 7, 7, 4).filter(3, 3).bias(false).activation(1),
      T().input(1, 7, 5, 3).filter(5, 3).depth_multiplier(2).activation(3).stride(2, 2),
      T().input(1, 5, 5, 2).filter(3, 3).depth_multiplier(4).activation(2).per_channel(false),
      T().input(1, 3, 3, 2).filter(5, 5),  // filter larger than input
  };
}

TEST(DepthwiseConv, FloatMatchesNaive) {
  uint32_t seed = 500;
  for (const DepthwiseConvTester& t : DepthwiseConfigurations()) t.TestFloat(seed++);
}

TEST(DepthwiseConv, Int8MatchesNaive) {
  uint32_t seed = 600;
  for (const DepthwiseConvTester& t : DepthwiseConfigurations()) t.TestInt8(seed++);
}

TEST(DepthwiseConv, Int16x8MatchesNaive) {
  uint32_t seed = 700;
  for (const DepthwiseConvTester& t : DepthwiseConfigurations()) t.TestInt16x8(seed++);
}

TEST(DepthwiseConv, FloatHandComputedDepthMultiplier) {
  // 1x2x2x1 input, depth multiplier 2, 2x2 filter, VALID: one output pixel
  // with two channels reading the same input channel.
  const std::vector<float> input{1, 2, 3, 4};
  // filter [1, 2, 2, 2]: channel 0 weights {1, 1, 1, 1}, channel 1 {1, 0, 0, -1}.
  const std::vector<float> filter{1, 1, 1, 0, 1, 0, 1, -1};
  const std::vector<float> bias{10, 20};
  DepthwiseConvOptions o;
  o.padding = Padding::kValid;
  o.depth_multiplier = 2;
  const DepthwiseConvParams p =
      PrepareDepthwiseConvFloat(o, {1, 2, 2, 1}, {1, 2, 2, 2}, {1, 1, 1, 2});
  std::vector<float> out(2);
  DepthwiseConvFloat(p, {1, 2, 2, 1}, input.data(), {1, 2, 2, 2}, filter.data(), bias.data(),
                     {1, 1, 1, 2}, out.data());
  EXPECT_EQ(out, (std::vector<float>{20, 17}));  // 10 + 10, 1 - 4 + 20
}

TEST(DepthwiseConv, Int8HandComputed) {
  // 1x1x1x2 input, 1x1 filter, per-channel scales.
  const std::vector<int8_t> input{7, -9};
  const std::vector<int8_t> filter{3, -5};
  const std::vector<int32_t> bias{4, 0};
  ConvQuantization q;
  q.input_scale = 1.0f;
  q.input_zero_point = 1;  // values 6, -10
  q.filter_scales = {0.5f, 0.25f};
  q.output_scale = 1.0f;
  q.output_zero_point = -2;
  const DepthwiseConvParams p =
      PrepareDepthwiseConvInt8(DepthwiseConvOptions{}, {1, 1, 1, 2}, {1, 1, 1, 2}, {1, 1, 1, 2}, q);
  std::vector<int8_t> out(2);
  DepthwiseConvInt8(p, {1, 1, 1, 2}, input.data(), {1, 1, 1, 2}, filter.data(), bias.data(),
                    {1, 1, 1, 2}, out.data());
  // (18 + 4) * 0.5 = 11 -> 9; 50 * 0.25 = 12.5 -> 13 (half away from zero) -> 11.
  EXPECT_EQ(out, (std::vector<int8_t>{9, 11}));
}

TEST(DepthwiseConvPrepare, RejectsInconsistentShapes) {
  DepthwiseConvOptions o;
  o.depth_multiplier = 2;
  // 3 channels x 2 = 6 output channels, filter has 4.
  EXPECT_THROW(PrepareDepthwiseConvFloat(o, {1, 4, 4, 3}, {1, 3, 3, 4}, {1, 4, 4, 4}), Error);
  // Filter dim 0 must be 1.
  EXPECT_THROW(PrepareDepthwiseConvFloat(o, {1, 4, 4, 3}, {2, 3, 3, 6}, {1, 4, 4, 6}), Error);
  // Output spatial size wrong.
  EXPECT_THROW(PrepareDepthwiseConvFloat(o, {1, 4, 4, 3}, {1, 3, 3, 6}, {1, 3, 3, 6}), Error);
  EXPECT_NO_THROW(PrepareDepthwiseConvFloat(o, {1, 4, 4, 3}, {1, 3, 3, 6}, {1, 4, 4, 6}));
  ConvQuantization q;
  q.input_scale = 0.1f;
  q.output_scale = 0.1f;
  q.filter_scales = {0.1f, 0.1f, 0.1f};  // neither 1 nor 6
  EXPECT_THROW(PrepareDepthwiseConvInt8(o, {1, 4, 4, 3}, {1, 3, 3, 6}, {1, 4, 4, 6}, q), Error);
  q.filter_scales = {0.1f};
  q.output_zero_point = 1;
  EXPECT_THROW(PrepareDepthwiseConvInt16x8(o, {1, 4, 4, 3}, {1, 3, 3, 6}, {1, 4, 4, 6}, q), Error);
}

}  // namespace
}  // namespace tinyforge::ref
