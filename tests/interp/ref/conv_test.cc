#include "libconvert/interp/ref/conv.h"

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

// Geometry worked out by the test itself (textbook formulas), not by
// padding.cc.
struct ConvGeometry {
  int n, h, w, c;          // input
  int oc, kh, kw, kc;      // filter [oc, kh, kw, kc]
  int sh, sw, dh, dw;      // strides, dilations
  int oh, ow, ph, pw;      // output size, padding before
};

// Calls tap(input_index, filter_index) for each input/filter pair feeding
// output (b, y, x, o), in TFLM's order (ky, kx, input channel).
template <typename Tap>
void ForEachTap(const ConvGeometry& g, int b, int y, int x, int o, Tap tap) {
  const int group = o / (g.oc / (g.c / g.kc));
  for (int ky = 0; ky < g.kh; ++ky) {
    for (int kx = 0; kx < g.kw; ++kx) {
      const int iy = y * g.sh - g.ph + ky * g.dh;
      const int ix = x * g.sw - g.pw + kx * g.dw;
      if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
      for (int ic = 0; ic < g.kc; ++ic) {
        tap(((b * g.h + iy) * g.w + ix) * g.c + group * g.kc + ic,
            ((o * g.kh + ky) * g.kw + kx) * g.kc + ic);
      }
    }
  }
}

class ConvTester {
 public:
  ConvTester& input(int n, int h, int w, int c) { n_ = n; h_ = h; w_ = w; c_ = c; return *this; }
  // kc = 0 means the full input depth (no groups).
  ConvTester& filter(int oc, int kh, int kw, int kc = 0) {
    oc_ = oc; kh_ = kh; kw_ = kw; kc_ = kc; return *this;
  }
  ConvTester& stride(int h, int w) { sh_ = h; sw_ = w; return *this; }
  ConvTester& dilation(int h, int w) { dh_ = h; dw_ = w; return *this; }
  ConvTester& padding(Padding p) { padding_ = p; return *this; }
  ConvTester& activation(int a) { activation_ = a; return *this; }
  ConvTester& per_channel(bool v) { per_channel_ = v; return *this; }
  ConvTester& bias(bool v) { bias_ = v; return *this; }

  void TestFloat(uint32_t seed) const {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const ConvGeometry g = Geometry();
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> input(Size(g.n, g.h, g.w, g.c)), filter(Size(g.oc, g.kh, g.kw, g.kc)),
        bias(g.oc);
    for (float& v : input) v = dist(rng);
    for (float& v : filter) v = dist(rng);
    for (float& v : bias) v = dist(rng);
    const ConvParams params = PrepareConvFloat(Options(), InputShape(g), FilterShape(g),
                                               OutputShape(g));
    std::vector<float> output(Size(g.n, g.oh, g.ow, g.oc), -99.0f);
    ConvFloat(params, InputShape(g), input.data(), FilterShape(g), filter.data(),
              bias_ ? bias.data() : nullptr, OutputShape(g), output.data());

    const FloatRange range = FloatActivationRange(activation_);
    int inside = 0;
    for (int b = 0, i = 0; b < g.n; ++b)
      for (int y = 0; y < g.oh; ++y)
        for (int x = 0; x < g.ow; ++x)
          for (int o = 0; o < g.oc; ++o, ++i) {
            float sum_f = 0.0f;
            double sum_d = 0.0, magnitude = 0.0;
            ForEachTap(g, b, y, x, o, [&](int xi, int fi) {
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
    TestInteger<int8_t, int32_t, int32_t>(seed, /*acc32=*/true,
        [](const ConvParams& p, const Shape& is, const int8_t* in, const Shape& fs,
           const int8_t* f, const int32_t* b, const Shape& os, int8_t* out) {
          ConvInt8(p, is, in, fs, f, b, os, out);
        });
  }
  void TestInt16x8(uint32_t seed) const {
    TestInteger<int16_t, int64_t, int64_t>(seed, /*acc32=*/false,
        [](const ConvParams& p, const Shape& is, const int16_t* in, const Shape& fs,
           const int8_t* f, const int64_t* b, const Shape& os, int16_t* out) {
          ConvInt16x8(p, is, in, fs, f, b, os, out);
        });
  }
  void TestInt16x8Acc32(uint32_t seed) const {
    TestInteger<int16_t, int32_t, int32_t>(seed, /*acc32=*/true,
        [](const ConvParams& p, const Shape& is, const int16_t* in, const Shape& fs,
           const int8_t* f, const int32_t* b, const Shape& os, int16_t* out) {
          ConvInt16x8Acc32(p, is, in, fs, f, b, os, out);
        });
  }

 private:
  template <typename T, typename Bias, typename Acc, typename Run>
  void TestInteger(uint32_t seed, bool acc32, Run run) const {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    constexpr bool kInt8 = sizeof(T) == 1;
    const int32_t qmin = std::numeric_limits<T>::min();
    const int32_t qmax = std::numeric_limits<T>::max();
    const ConvGeometry g = Geometry();
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int32_t> input_dist(qmin, qmax);
    std::uniform_int_distribution<int32_t> weight_dist(-127, 127);
    std::uniform_int_distribution<int32_t> zp_dist(kInt8 ? -30 : 0, kInt8 ? 30 : 0);
    std::uniform_real_distribution<float> scale_dist(0.002f, 0.02f);
    std::uniform_int_distribution<int32_t> bias_dist(kInt8 ? -3000 : -300000, kInt8 ? 3000 : 300000);

    std::vector<T> input(Size(g.n, g.h, g.w, g.c));
    std::vector<int8_t> filter(Size(g.oc, g.kh, g.kw, g.kc));
    std::vector<Bias> bias(g.oc);
    for (T& v : input) v = static_cast<T>(input_dist(rng));
    for (int8_t& v : filter) v = static_cast<int8_t>(weight_dist(rng));
    for (Bias& v : bias) v = bias_dist(rng);
    ConvQuantization q;
    q.input_zero_point = zp_dist(rng);
    q.filter_scales.resize(per_channel_ ? g.oc : 1);
    for (float& s : q.filter_scales) s = scale_dist(rng);
    auto filter_scale = [&](int o) { return q.filter_scales[per_channel_ ? o : 0]; };

    // Exact accumulators (int64) and real-valued results.
    std::vector<int64_t> acc(Size(g.n, g.oh, g.ow, g.oc));
    std::vector<double> real(acc.size());
    for (int b = 0, i = 0; b < g.n; ++b)
      for (int y = 0; y < g.oh; ++y)
        for (int x = 0; x < g.ow; ++x)
          for (int o = 0; o < g.oc; ++o, ++i) {
            int64_t a = bias_ ? bias[o] : 0;
            ForEachTap(g, b, y, x, o, [&](int xi, int fi) {
              a += static_cast<int64_t>(filter[fi]) * (input[xi] - q.input_zero_point);
            });
            acc[i] = a;
            real[i] = static_cast<double>(filter_scale(o)) * static_cast<double>(a);
            if (acc32) {
              ASSERT_LE(std::abs(a), int64_t{std::numeric_limits<int32_t>::max()});
            }
          }
    // Input scale so that results span about +-8 (RELU6), +-1.5 (RELU_N1_TO_1)
    // or +-4, so that clamping cuts only part of them.
    double max_abs = 1e-9;
    for (double r : real) max_abs = std::max(max_abs, std::abs(r));
    const double span = activation_ == 2 ? 1.5 : (activation_ == 3 ? 8.0 : 4.0);
    q.input_scale = static_cast<float>(span / max_abs);
    for (size_t i = 0; i < real.size(); ++i) real[i] *= static_cast<double>(q.input_scale);
    // Output quantization spanning the results.
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

    const ConvParams params =
        kInt8 ? PrepareConvInt8(Options(), InputShape(g), FilterShape(g), OutputShape(g), q)
              : PrepareConvInt16x8(Options(), InputShape(g), FilterShape(g), OutputShape(g), q);
    EXPECT_EQ(params.quant.activation_min, act_min);
    EXPECT_EQ(params.quant.activation_max, act_max);
    std::vector<T> output(acc.size(), 0x55);
    run(params, InputShape(g), input.data(), FilterShape(g), filter.data(),
        bias_ ? bias.data() : nullptr, OutputShape(g), output.data());

    int inside = 0;
    for (size_t i = 0; i < acc.size(); ++i) {
      const int o = static_cast<int>(i % g.oc);
      const QuantizedMultiplier m = QuantizeMultiplier(
          static_cast<double>(q.input_scale) * filter_scale(o) / static_cast<double>(q.output_scale));
      const int32_t scaled =
          acc32 ? MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc[i]), m.multiplier, m.shift)
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

  ConvGeometry Geometry() const {
    ConvGeometry g{};
    g.n = n_; g.h = h_; g.w = w_; g.c = c_;
    g.oc = oc_; g.kh = kh_; g.kw = kw_; g.kc = kc_ == 0 ? c_ : kc_;
    g.sh = sh_; g.sw = sw_; g.dh = dh_; g.dw = dw_;
    g.oh = TestOutSize(padding_, h_, kh_, sh_, dh_);
    g.ow = TestOutSize(padding_, w_, kw_, sw_, dw_);
    g.ph = padding_ == Padding::kSame ? TestPadBefore(h_, g.oh, kh_, sh_, dh_) : 0;
    g.pw = padding_ == Padding::kSame ? TestPadBefore(w_, g.ow, kw_, sw_, dw_) : 0;
    return g;
  }
  ConvOptions Options() const {
    ConvOptions o;
    o.padding = padding_;
    o.stride_height = sh_; o.stride_width = sw_;
    o.dilation_height = dh_; o.dilation_width = dw_;
    o.activation = activation_;
    return o;
  }
  static size_t Size(int a, int b, int c, int d) { return static_cast<size_t>(a) * b * c * d; }
  static Shape InputShape(const ConvGeometry& g) { return {g.n, g.h, g.w, g.c}; }
  static Shape FilterShape(const ConvGeometry& g) { return {g.oc, g.kh, g.kw, g.kc}; }
  static Shape OutputShape(const ConvGeometry& g) { return {g.n, g.oh, g.ow, g.oc}; }

  int n_ = 1, h_ = 5, w_ = 5, c_ = 3;
  int oc_ = 4, kh_ = 3, kw_ = 3, kc_ = 0;
  int sh_ = 1, sw_ = 1, dh_ = 1, dw_ = 1;
  Padding padding_ = Padding::kSame;
  int activation_ = 0;
  bool per_channel_ = true;
  bool bias_ = true;
};

// The configurations every dtype runs.
std::vector<ConvTester> ConvConfigurations() {
  return {
      ConvTester().input(1, 9, 9, 3).filter(4, 3, 3).padding(Padding::kSame),
      ConvTester().input(1, 9, 9, 3).filter(4, 3, 3).padding(Padding::kValid),
      ConvTester().input(2, 9, 8, 3).filter(5, 3, 2).stride(2, 1).dilation(1, 2).padding(Padding::kSame),
      ConvTester().input(1, 10, 11, 2).filter(3, 2, 3).stride(3, 2).dilation(2, 1).padding(Padding::kValid),
      ConvTester().input(1, 6, 6, 8).filter(6, 1, 1).per_channel(false),
      ConvTester().input(1, 7, 7, 4).filter(4, 3, 3).bias(false).activation(1),
      ConvTester().input(1, 7, 5, 3).filter(2, 5, 3).activation(3).stride(2, 2),
      ConvTester().input(1, 6, 6, 6).filter(4, 3, 3, 3),   // 2 groups
      ConvTester().input(1, 5, 5, 6).filter(6, 2, 2, 2).padding(Padding::kValid),  // 3 groups
      ConvTester().input(1, 4, 4, 2).filter(3, 5, 5).activation(2),  // filter larger than input
  };
}

TEST(Conv, FloatMatchesNaive) {
  uint32_t seed = 100;
  for (const ConvTester& t : ConvConfigurations()) t.TestFloat(seed++);
}

TEST(Conv, Int8MatchesNaive) {
  uint32_t seed = 200;
  for (const ConvTester& t : ConvConfigurations()) t.TestInt8(seed++);
}

TEST(Conv, Int16x8MatchesNaive) {
  uint32_t seed = 300;
  for (const ConvTester& t : ConvConfigurations()) t.TestInt16x8(seed++);
}

TEST(Conv, Int16x8Acc32MatchesNaive) {
  uint32_t seed = 400;
  for (const ConvTester& t : ConvConfigurations()) t.TestInt16x8Acc32(seed++);
}

TEST(Conv, FloatHandComputedValid) {
  // 3x3 image 1..9, 2x2 filter [1 2; 3 4], VALID.
  const std::vector<float> input{1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<float> filter{1, 2, 3, 4};
  ConvOptions o;
  o.padding = Padding::kValid;
  const ConvParams p = PrepareConvFloat(o, {1, 3, 3, 1}, {1, 2, 2, 1}, {1, 2, 2, 1});
  std::vector<float> out(4);
  const float bias = 0.5f;
  ConvFloat(p, {1, 3, 3, 1}, input.data(), {1, 2, 2, 1}, filter.data(), &bias, {1, 2, 2, 1},
            out.data());
  EXPECT_EQ(out, (std::vector<float>{37.5f, 47.5f, 67.5f, 77.5f}));
}

TEST(Conv, FloatHandComputedSameStride2) {
  // 3x3 ones filter, stride 2, SAME: one row/column of padding before.
  const std::vector<float> input{1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<float> filter(9, 1.0f);
  ConvOptions o;
  o.padding = Padding::kSame;
  o.stride_height = o.stride_width = 2;
  const ConvParams p = PrepareConvFloat(o, {1, 3, 3, 1}, {1, 3, 3, 1}, {1, 2, 2, 1});
  EXPECT_EQ(p.padding.height, 1);
  EXPECT_EQ(p.padding.width, 1);
  std::vector<float> out(4);
  ConvFloat(p, {1, 3, 3, 1}, input.data(), {1, 3, 3, 1}, filter.data(), nullptr, {1, 2, 2, 1},
            out.data());
  EXPECT_EQ(out, (std::vector<float>{12, 16, 24, 28}));
}

TEST(Conv, Int8HandComputedPerChannel) {
  // 1x1 conv, 2 input channels, 2 output channels.
  const std::vector<int8_t> input{10, -20};
  const std::vector<int8_t> filter{1, 2, 3, -1};
  const std::vector<int32_t> bias{100, -50};
  ConvQuantization q;
  q.input_scale = 0.5f;
  q.input_zero_point = -1;  // offsets: 11, -19
  q.filter_scales = {0.25f, 1.0f};
  q.output_scale = 1.0f;
  q.output_zero_point = 3;
  const ConvParams p = PrepareConvInt8(ConvOptions{}, {1, 1, 1, 2}, {2, 1, 1, 2}, {1, 1, 1, 2}, q);
  EXPECT_EQ(p.quant.input_offset, 1);
  EXPECT_EQ(p.quant.output_offset, 3);
  EXPECT_EQ(p.quant.output_multiplier, (std::vector<int32_t>{1 << 30, 1 << 30}));
  EXPECT_EQ(p.quant.output_shift, (std::vector<int32_t>{-2, 0}));  // 0.125, 0.5
  std::vector<int8_t> out(2);
  ConvInt8(p, {1, 1, 1, 2}, input.data(), {2, 1, 1, 2}, filter.data(), bias.data(), {1, 1, 1, 2},
           out.data());
  // acc0 = 11 - 38 + 100 = 73 -> 73/8 = 9.125 -> 9 (+3); acc1 = 33 + 19 - 50 = 2 -> 1 (+3).
  EXPECT_EQ(out, (std::vector<int8_t>{12, 4}));
}

TEST(Conv, Int8AccumulatorWrapsLikeInt32) {
  // A bias near INT32_MAX makes TFLM's int32 accumulator wrap; the result
  // must follow two's complement (and not trip the sanitizer).
  const std::vector<int8_t> input{127};
  const std::vector<int8_t> filter{127};
  const std::vector<int32_t> bias{std::numeric_limits<int32_t>::max() - 100};
  ConvQuantization q;
  q.input_scale = 1.0f;
  q.input_zero_point = 0;
  q.filter_scales = {1.0f};
  q.output_scale = 2.0f;  // multiplier 0.5: no left shift that would wrap again
  const ConvParams p = PrepareConvInt8(ConvOptions{}, {1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}, q);
  int8_t out = 0;
  ConvInt8(p, {1, 1, 1, 1}, input.data(), {1, 1, 1, 1}, filter.data(), bias.data(), {1, 1, 1, 1},
           &out);
  EXPECT_EQ(out, -128);  // wrapped to a large negative value, clamped
}

TEST(Conv, Int16x8AccumulatesBeyond32Bits) {
  // 1x1 conv over 600 channels of 32767 x 127: 2.5e9 > 2^31 must not wrap.
  constexpr int kDepth = 600;
  const std::vector<int16_t> input(kDepth, 32767);
  const std::vector<int8_t> filter(kDepth, 127);
  ConvQuantization q;
  q.input_scale = 1.0f / 32768;
  q.filter_scales = {1.0f / 127};
  q.output_scale = 0.05f;  // real result ~600 -> ~12000
  const Shape in_shape{1, 1, 1, kDepth}, f_shape{1, 1, 1, kDepth}, out_shape{1, 1, 1, 1};
  const ConvParams p = PrepareConvInt16x8(ConvOptions{}, in_shape, f_shape, out_shape, q);
  int16_t out = 0;
  ConvInt16x8(p, in_shape, input.data(), f_shape, filter.data(), nullptr, out_shape, &out);
  const int64_t acc = int64_t{kDepth} * 32767 * 127;
  const QuantizedMultiplier m = QuantizeMultiplier(static_cast<double>(q.input_scale) *
                                                   static_cast<double>(q.filter_scales[0]) /
                                                   static_cast<double>(q.output_scale));
  EXPECT_EQ(out, MultiplyByQuantizedMultiplier(acc, m.multiplier, m.shift));
  EXPECT_NEAR(out, 11999.6, 1.0);
}

TEST(ConvPrepare, PerTensorScaleIsBroadcastWithDoubleProduct) {
  ConvQuantization q;
  q.input_scale = 0.0123f;
  q.input_zero_point = 5;
  q.filter_scales = {0.00771f};
  q.output_scale = 0.0457f;
  const ConvQuantParams p = PrepareConvQuantParams("TEST", q, 3, 0, -128, 127);
  const QuantizedMultiplier m = QuantizeMultiplier(static_cast<double>(q.input_scale) *
                                                   static_cast<double>(q.filter_scales[0]) /
                                                   static_cast<double>(q.output_scale));
  EXPECT_EQ(p.output_multiplier, std::vector<int32_t>(3, m.multiplier));
  EXPECT_EQ(p.output_shift, std::vector<int32_t>(3, m.shift));
  EXPECT_EQ(p.input_offset, -5);
}

TEST(ConvPrepare, ActivationRanges) {
  ConvQuantization q;
  q.input_scale = 1.0f;
  q.filter_scales = {1.0f};
  q.output_scale = 0.05f;
  q.output_zero_point = -10;
  ConvQuantParams p = PrepareConvQuantParams("TEST", q, 1, 3, -128, 127);  // RELU6
  EXPECT_EQ(p.activation_min, -10);
  EXPECT_EQ(p.activation_max, 110);
  p = PrepareConvQuantParams("TEST", q, 1, 2, -128, 127);  // RELU_N1_TO_1
  EXPECT_EQ(p.activation_min, -30);
  EXPECT_EQ(p.activation_max, 10);
  p = PrepareConvQuantParams("TEST", q, 1, 1, -32768, 32767);  // RELU, int16 range
  EXPECT_EQ(p.activation_min, -10);
  EXPECT_EQ(p.activation_max, 32767);
  EXPECT_THROW(PrepareConvQuantParams("TEST", q, 1, 4, -128, 127), Error);  // TANH
}

TEST(ConvPrepare, RejectsInconsistentInputs) {
  ConvQuantization q;
  q.input_scale = 0.1f;
  q.filter_scales = {0.1f, 0.2f};
  q.output_scale = 0.1f;
  const ConvOptions o;
  // Three output channels but two scales.
  EXPECT_THROW(PrepareConvInt8(o, {1, 4, 4, 2}, {3, 3, 3, 2}, {1, 4, 4, 3}, q), Error);
  q.filter_scales = {0.1f};
  // Output spatial size disagrees with SAME padding.
  EXPECT_THROW(PrepareConvInt8(o, {1, 4, 4, 2}, {3, 3, 3, 2}, {1, 2, 2, 3}, q), Error);
  // Filter depth 3 does not divide input depth 4.
  EXPECT_THROW(PrepareConvFloat(o, {1, 4, 4, 4}, {3, 3, 3, 3}, {1, 4, 4, 3}), Error);
  // 2 groups but 3 output channels.
  EXPECT_THROW(PrepareConvFloat(o, {1, 4, 4, 4}, {3, 3, 3, 2}, {1, 4, 4, 3}), Error);
  // Not 4-D.
  EXPECT_THROW(PrepareConvFloat(o, {4, 4, 4}, {3, 3, 3, 4}, {1, 4, 4, 3}), Error);
  // 16x8 with a nonzero zero point.
  q.input_zero_point = 3;
  EXPECT_THROW(PrepareConvInt16x8(o, {1, 4, 4, 2}, {3, 3, 3, 2}, {1, 4, 4, 3}, q), Error);
  q.input_zero_point = 0;
  q.output_scale = 0.0f;
  EXPECT_THROW(PrepareConvInt8(o, {1, 4, 4, 2}, {3, 3, 3, 2}, {1, 4, 4, 3}, q), Error);
  // The consistent version is accepted.
  q.output_scale = 0.1f;
  EXPECT_NO_THROW(PrepareConvInt8(o, {1, 4, 4, 2}, {3, 3, 3, 2}, {1, 4, 4, 3}, q));
}

}  // namespace
}  // namespace tinyforge::ref
