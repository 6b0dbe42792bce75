#include "libconvert/interp/ref/fully_connected.h"

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

// TFLM's requantization multiplier for FULLY_CONNECTED: per tensor, the scales
// are multiplied in float; per channel, in double.
QuantizedMultiplier ExpectedMultiplier(const ConvQuantization& q, int channel) {
  if (q.filter_scales.size() == 1) {
    const float product = q.input_scale * q.filter_scales[0];
    return QuantizeMultiplier(static_cast<double>(product) / static_cast<double>(q.output_scale));
  }
  return QuantizeMultiplier(static_cast<double>(q.input_scale) *
                            static_cast<double>(q.filter_scales[static_cast<size_t>(channel)]) /
                            static_cast<double>(q.output_scale));
}

class FullyConnectedTester {
 public:
  FullyConnectedTester& batches(int b) { batches_ = b; return *this; }
  FullyConnectedTester& input_channels(int c) { in_ = c; return *this; }
  FullyConnectedTester& output_channels(int c) { out_ = c; return *this; }
  // Shapes [2, batches / 2, channels] instead of [batches, channels].
  FullyConnectedTester& keep_num_dims(bool v) { keep_dims_ = v; return *this; }
  FullyConnectedTester& activation(int a) { activation_ = a; return *this; }
  FullyConnectedTester& per_channel(bool v) { per_channel_ = v; return *this; }
  FullyConnectedTester& bias(bool v) { bias_ = v; return *this; }

  void TestFloat(uint32_t seed) const {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> input(Count(in_)), weights(static_cast<size_t>(out_) * in_), bias(out_);
    for (float& v : input) v = dist(rng);
    for (float& v : weights) v = dist(rng);
    for (float& v : bias) v = dist(rng);
    const FullyConnectedParams p =
        PrepareFullyConnectedFloat(activation_, InputShape(), WeightsShape(), OutputShape());
    std::vector<float> output(Count(out_), -99.0f);
    FullyConnectedFloat(p, InputShape(), input.data(), WeightsShape(), weights.data(),
                        bias_ ? bias.data() : nullptr, OutputShape(), output.data());
    const FloatRange range = FloatActivationRange(activation_);
    int inside = 0;
    for (int b = 0; b < batches_; ++b) {
      for (int o = 0; o < out_; ++o) {
        float sum_f = 0.0f;
        double sum_d = 0.0, magnitude = 0.0;
        for (int d = 0; d < in_; ++d) {
          const float x = input[static_cast<size_t>(b) * in_ + d];
          const float w = weights[static_cast<size_t>(o) * in_ + d];
          sum_f += x * w;
          sum_d += static_cast<double>(x) * w;
          magnitude += std::abs(static_cast<double>(x) * w);
        }
        const float b_f = bias_ ? bias[o] : 0.0f;
        const float exact = std::min(std::max(sum_f + b_f, range.min), range.max);
        const double approx = std::min<double>(std::max<double>(sum_d + b_f, range.min), range.max);
        const size_t i = static_cast<size_t>(b) * out_ + o;
        EXPECT_EQ(output[i], exact) << "output " << i;
        EXPECT_NEAR(output[i], approx, 1e-5 * (1.0 + magnitude)) << "output " << i;
        if (exact > range.min && exact < range.max) ++inside;
      }
    }
    EXPECT_GT(inside, 0);
  }

  void TestInt8(uint32_t seed) const {
    TestInteger<int8_t, int32_t>(seed, true, [](auto&&... args) { FullyConnectedInt8(args...); });
  }
  void TestInt16x8(uint32_t seed) const {
    TestInteger<int16_t, int64_t>(seed, false, [](auto&&... args) { FullyConnectedInt16x8(args...); });
  }
  void TestInt16x8Acc32(uint32_t seed) const {
    TestInteger<int16_t, int32_t>(seed, true,
                                  [](auto&&... args) { FullyConnectedInt16x8Acc32(args...); });
  }

 private:
  template <typename T, typename Bias, typename Run>
  void TestInteger(uint32_t seed, bool acc32, Run run) const {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    constexpr bool kInt8 = sizeof(T) == 1;
    const int32_t qmin = std::numeric_limits<T>::min();
    const int32_t qmax = std::numeric_limits<T>::max();
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int32_t> input_dist(qmin, qmax);
    std::uniform_int_distribution<int32_t> weight_dist(-127, 127);
    // TFLM applies zero points in the 16x8 FULLY_CONNECTED kernel too.
    std::uniform_int_distribution<int32_t> zp_dist(kInt8 ? -30 : -300, kInt8 ? 30 : 300);
    std::uniform_real_distribution<float> scale_dist(0.002f, 0.02f);
    std::uniform_int_distribution<int32_t> bias_dist(kInt8 ? -3000 : -300000, kInt8 ? 3000 : 300000);

    std::vector<T> input(Count(in_));
    std::vector<int8_t> weights(static_cast<size_t>(out_) * in_);
    std::vector<Bias> bias(out_);
    for (T& v : input) v = static_cast<T>(input_dist(rng));
    for (int8_t& v : weights) v = static_cast<int8_t>(weight_dist(rng));
    for (Bias& v : bias) v = bias_dist(rng);
    ConvQuantization q;
    q.input_zero_point = zp_dist(rng);
    q.filter_scales.resize(per_channel_ ? out_ : 1);
    for (float& s : q.filter_scales) s = scale_dist(rng);
    auto filter_scale = [&](int o) { return q.filter_scales[per_channel_ ? o : 0]; };

    std::vector<int64_t> acc(Count(out_));
    std::vector<double> real(acc.size());
    for (int b = 0; b < batches_; ++b) {
      for (int o = 0; o < out_; ++o) {
        int64_t a = bias_ ? bias[o] : 0;
        for (int d = 0; d < in_; ++d) {
          a += static_cast<int64_t>(weights[static_cast<size_t>(o) * in_ + d]) *
               (input[static_cast<size_t>(b) * in_ + d] - q.input_zero_point);
        }
        const size_t i = static_cast<size_t>(b) * out_ + o;
        acc[i] = a;
        real[i] = static_cast<double>(filter_scale(o)) * static_cast<double>(a);
        if (acc32) {
          ASSERT_LE(std::abs(a), int64_t{std::numeric_limits<int32_t>::max()});
        }
      }
    }
    double max_abs = 1e-9;
    for (double r : real) max_abs = std::max(max_abs, std::abs(r));
    const double span = activation_ == 2 ? 1.5 : (activation_ == 3 ? 8.0 : 4.0);
    q.input_scale = static_cast<float>(span / max_abs);
    for (double& r : real) r *= static_cast<double>(q.input_scale);
    const auto [lo_it, hi_it] = std::minmax_element(real.begin(), real.end());
    const double lo = std::min(*lo_it, 0.0), hi = std::max(*hi_it, 0.0);
    const double levels = static_cast<double>(qmax) - qmin;
    q.output_scale = static_cast<float>((hi - lo) / levels);
    q.output_zero_point = static_cast<int32_t>(
        std::clamp<double>(std::round(qmin - lo / q.output_scale), qmin, qmax));
    const auto [act_min, act_max] =
        TestActivationRange(activation_, q.output_scale, q.output_zero_point, qmin, qmax);

    // The bias scale the quantizer would have written: input x weight scale.
    const std::optional<float> bias_scale =
        bias_ ? std::optional<float>(q.input_scale * q.filter_scales[0]) : std::nullopt;
    const FullyConnectedParams params =
        kInt8 ? PrepareFullyConnectedInt8(activation_, InputShape(), WeightsShape(), OutputShape(),
                                          q, bias_scale)
              : PrepareFullyConnectedInt16x8(activation_, InputShape(), WeightsShape(),
                                             OutputShape(), q, bias_scale);
    std::vector<T> output(acc.size(), 0x55);
    run(params, InputShape(), input.data(), WeightsShape(), weights.data(),
        bias_ ? bias.data() : nullptr, OutputShape(), output.data());

    int inside = 0;
    for (size_t i = 0; i < acc.size(); ++i) {
      const int o = static_cast<int>(i % out_);
      const QuantizedMultiplier m = ExpectedMultiplier(q, o);
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

  size_t Count(int channels) const { return static_cast<size_t>(batches_) * channels; }
  Shape InputShape() const {
    return keep_dims_ ? Shape{2, batches_ / 2, in_} : Shape{batches_, in_};
  }
  Shape WeightsShape() const { return {out_, in_}; }
  Shape OutputShape() const {
    return keep_dims_ ? Shape{2, batches_ / 2, out_} : Shape{batches_, out_};
  }

  int batches_ = 1, in_ = 8, out_ = 4;
  bool keep_dims_ = false;
  int activation_ = 0;
  bool per_channel_ = false;
  bool bias_ = true;
};

std::vector<FullyConnectedTester> FullyConnectedConfigurations() {
  using T = FullyConnectedTester;
  return {
      T().batches(1).input_channels(22).output_channels(19),
      T().batches(3).input_channels(16).output_channels(7).per_channel(true),
      T().batches(2).input_channels(5).output_channels(9).bias(false),
      T().batches(2).input_channels(31).output_channels(4).bias(false).per_channel(true),
      T().batches(4).input_channels(12).output_channels(6).keep_num_dims(true),
      T().batches(2).input_channels(40).output_channels(10).activation(1),
      T().batches(3).input_channels(17).output_channels(8).activation(3).per_channel(true),
      T().batches(2).input_channels(9).output_channels(12).activation(2),
      T().batches(4).input_channels(1).output_channels(1),
  };
}

TEST(FullyConnected, FloatMatchesNaive) {
  uint32_t seed = 800;
  for (const FullyConnectedTester& t : FullyConnectedConfigurations()) t.TestFloat(seed++);
}

TEST(FullyConnected, Int8MatchesNaive) {
  uint32_t seed = 900;
  for (const FullyConnectedTester& t : FullyConnectedConfigurations()) t.TestInt8(seed++);
}

TEST(FullyConnected, Int16x8MatchesNaive) {
  uint32_t seed = 1000;
  for (const FullyConnectedTester& t : FullyConnectedConfigurations()) t.TestInt16x8(seed++);
}

TEST(FullyConnected, Int16x8Acc32MatchesNaive) {
  uint32_t seed = 1100;
  for (const FullyConnectedTester& t : FullyConnectedConfigurations()) t.TestInt16x8Acc32(seed++);
}

TEST(FullyConnected, FloatAddsBiasAfterTheSum) {
  // 1e8 + 1 - 1e8 in float: summing (1e8 + 1) first loses the 1, so the
  // result is the bias alone; adding the bias earlier would differ.
  const std::vector<float> input{1e8f, 1.0f, -1e8f};
  const std::vector<float> weights{1.0f, 1.0f, 1.0f};
  const float bias = 0.25f;
  const FullyConnectedParams p = PrepareFullyConnectedFloat(0, {1, 3}, {1, 3}, {1, 1});
  float out = -1.0f;
  FullyConnectedFloat(p, {1, 3}, input.data(), {1, 3}, weights.data(), &bias, {1, 1}, &out);
  EXPECT_EQ(out, 0.25f);
}

TEST(FullyConnected, Int8HandComputedNoBias) {
  const std::vector<int8_t> input{3, -4, 5, 0};  // 2 batches x 2
  const std::vector<int8_t> weights{2, 1, -1, 3};  // 2 out x 2 in
  ConvQuantization q;
  q.input_scale = 0.5f;
  q.input_zero_point = -1;  // values 4, -3 | 6, 1
  q.filter_scales = {0.5f};
  q.output_scale = 1.0f;
  q.output_zero_point = 10;
  const FullyConnectedParams p =
      PrepareFullyConnectedInt8(0, {2, 2}, {2, 2}, {2, 2}, q, std::nullopt);
  std::vector<int8_t> out(4);
  FullyConnectedInt8(p, {2, 2}, input.data(), {2, 2}, weights.data(), nullptr, {2, 2}, out.data());
  // batch 0: 8-3 = 5, -4-9 = -13; batch 1: 12+1 = 13, -6+3 = -3; times 0.25
  // (multiplier 2^30, shift -1), with TFLM's double rounding: the doubling
  // high multiply halves with rounding (5 -> 3, -13 -> -6, 13 -> 7, -3 -> -1),
  // then the rounding shift halves again (3 -> 2, -6 -> -3, 7 -> 4, -1 -> -1).
  // Single rounding would give 1 and 3 for 1.25 and 3.25. Plus 10.
  EXPECT_EQ(out, (std::vector<int8_t>{12, 7, 14, 9}));
}

TEST(FullyConnected, Int16x8AccumulatesBeyond32Bits) {
  // 1000 x 32767 x 127 = 4161409000 > 2^31: the int64 path must not wrap.
  constexpr int kDepth = 1000;
  const std::vector<int16_t> input(kDepth, 32767);
  const std::vector<int8_t> weights(kDepth, 127);
  const std::vector<int64_t> bias{-1000};
  ConvQuantization q;
  q.input_scale = 1.0f / 32768;
  q.filter_scales = {1.0f / 127};
  q.output_scale = 0.05f;  // real result ~1000 -> ~20000
  const FullyConnectedParams p =
      PrepareFullyConnectedInt16x8(0, {1, kDepth}, {1, kDepth}, {1, 1}, q, std::nullopt);
  int16_t out = 0;
  FullyConnectedInt16x8(p, {1, kDepth}, input.data(), {1, kDepth}, weights.data(), bias.data(),
                        {1, 1}, &out);
  const int64_t acc = int64_t{kDepth} * 32767 * 127 - 1000;
  const QuantizedMultiplier m = ExpectedMultiplier(q, 0);
  EXPECT_EQ(out, MultiplyByQuantizedMultiplier(acc, m.multiplier, m.shift));
  EXPECT_NEAR(out, 19999.7, 1.0);
}

TEST(FullyConnectedPrepare, PerTensorMultiplierUsesFloatProduct) {
  // Find scales where the float and double products give different Q31
  // multipliers; FULLY_CONNECTED must use the float one, CONV_2D the double.
  std::mt19937 rng(1234);
  std::uniform_real_distribution<float> dist(0.001f, 0.1f);
  int differing = 0;
  for (int trial = 0; trial < 2000 && differing < 5; ++trial) {
    ConvQuantization q;
    q.input_scale = dist(rng);
    q.filter_scales = {dist(rng)};
    q.output_scale = dist(rng);
    const QuantizedMultiplier from_float = QuantizeMultiplier(
        static_cast<double>(q.input_scale * q.filter_scales[0]) / q.output_scale);
    const QuantizedMultiplier from_double = QuantizeMultiplier(
        static_cast<double>(q.input_scale) * q.filter_scales[0] / q.output_scale);
    if (from_float.multiplier == from_double.multiplier) continue;
    ++differing;
    SCOPED_TRACE(::testing::Message() << "trial " << trial);
    const FullyConnectedParams fc =
        PrepareFullyConnectedInt8(0, {1, 4}, {2, 4}, {1, 2}, q, std::nullopt);
    EXPECT_EQ(fc.quant.output_multiplier, std::vector<int32_t>(2, from_float.multiplier));
    EXPECT_EQ(fc.quant.output_shift, std::vector<int32_t>(2, from_float.shift));
    const ConvQuantParams conv = PrepareConvQuantParams("CONV_2D", q, 2, 0, -128, 127);
    EXPECT_EQ(conv.output_multiplier, std::vector<int32_t>(2, from_double.multiplier));
  }
  EXPECT_EQ(differing, 5);
}

TEST(FullyConnectedPrepare, RejectsInconsistentInputs) {
  ConvQuantization q;
  q.input_scale = 0.1f;
  q.filter_scales = {0.1f};
  q.output_scale = 0.1f;
  // Bias scale far from input x weight scale (per-tensor check).
  EXPECT_THROW(PrepareFullyConnectedInt8(0, {1, 4}, {2, 4}, {1, 2}, q, 0.5f), Error);
  EXPECT_NO_THROW(PrepareFullyConnectedInt8(0, {1, 4}, {2, 4}, {1, 2}, q, 0.01f));
  // Input element count disagrees with batches x input channels.
  EXPECT_THROW(PrepareFullyConnectedFloat(0, {1, 5}, {2, 4}, {1, 2}), Error);
  // Output channels disagree with the weights.
  EXPECT_THROW(PrepareFullyConnectedFloat(0, {1, 4}, {2, 4}, {1, 3}), Error);
  // Weights not 2-D.
  EXPECT_THROW(PrepareFullyConnectedFloat(0, {1, 4}, {1, 2, 4}, {1, 2}), Error);
  // Three scales for two output channels.
  q.filter_scales = {0.1f, 0.1f, 0.1f};
  EXPECT_THROW(PrepareFullyConnectedInt8(0, {1, 4}, {2, 4}, {1, 2}, q, std::nullopt), Error);
  // Unsupported fused activation.
  EXPECT_THROW(PrepareFullyConnectedFloat(5, {1, 4}, {2, 4}, {1, 2}), Error);
}

}  // namespace
}  // namespace tinyforge::ref
