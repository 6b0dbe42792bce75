#include "libconvert/interp/ref/svdf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

// A random SVDF in real numbers and a naive evaluation that keeps each
// filter's memory as an explicit queue (oldest first), written independently
// of the code under test.
struct RealSvdf {
  int batch = 0, input_size = 0, num_filters = 0, rank = 0, memory = 0;
  std::vector<double> wf, wt, bias;       // [filters, input], [filters, memory], [units]
  std::vector<std::deque<double>> state;  // [batch * filters], memory values each

  int units() const { return num_filters / rank; }

  void Reset() { state.assign(static_cast<size_t>(batch) * num_filters, std::deque<double>(memory, 0.0)); }

  // One time step; act: 0 NONE, 1 RELU.
  std::vector<double> Step(const std::vector<double>& x, int act) {
    std::vector<double> out(static_cast<size_t>(batch) * units());
    for (int b = 0; b < batch; ++b) {
      for (int f = 0; f < num_filters; ++f) {
        double a = 0.0;
        for (int d = 0; d < input_size; ++d) a += wf[f * input_size + d] * x[b * input_size + d];
        auto& q = state[static_cast<size_t>(b) * num_filters + f];
        q.pop_front();
        q.push_back(a);
      }
      for (int u = 0; u < units(); ++u) {
        double y = bias.empty() ? 0.0 : bias[u];
        for (int r = 0; r < rank; ++r) {
          const int f = u * rank + r;
          const auto& q = state[static_cast<size_t>(b) * num_filters + f];
          for (int m = 0; m < memory; ++m) y += q[m] * wt[f * memory + m];
        }
        out[static_cast<size_t>(b) * units() + u] = act == 1 ? std::max(0.0, y) : y;
      }
    }
    return out;
  }
};

RealSvdf RandomSvdf(std::mt19937& rng, int batch, int input_size, int num_filters, int rank, int memory) {
  RealSvdf s;
  s.batch = batch;
  s.input_size = input_size;
  s.num_filters = num_filters;
  s.rank = rank;
  s.memory = memory;
  std::uniform_real_distribution<double> dist(-0.5, 0.5);
  s.wf.resize(static_cast<size_t>(num_filters) * input_size);
  s.wt.resize(static_cast<size_t>(num_filters) * memory);
  s.bias.resize(static_cast<size_t>(num_filters / rank));
  for (double& v : s.wf) v = dist(rng);
  for (double& v : s.wt) v = dist(rng);
  for (double& v : s.bias) v = dist(rng);
  s.Reset();
  return s;
}

SvdfSize SizeOf(const RealSvdf& s) {
  const Shape bias{s.units()};
  return PrepareSvdfSize(s.rank, Shape{s.batch, s.input_size}, Shape{s.num_filters, s.input_size},
                         Shape{s.num_filters, s.memory}, &bias, Shape{s.batch, s.num_filters * s.memory},
                         Shape{s.batch, s.units()});
}

std::vector<double> RandomInput(std::mt19937& rng, const RealSvdf& s) {
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  std::vector<double> x(static_cast<size_t>(s.batch) * s.input_size);
  for (double& v : x) v = dist(rng);
  return x;
}

TEST(SvdfFloatTest, MatchesNaiveFilterOverManySteps) {
  const uint32_t seed = 42;
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  for (int act : {0, 1}) {
    SCOPED_TRACE(::testing::Message() << "activation " << act);
    RealSvdf m = RandomSvdf(rng, /*batch=*/2, /*input_size=*/5, /*num_filters=*/6, /*rank=*/2, /*memory=*/4);
    const SvdfSize size = SizeOf(m);
    EXPECT_EQ(size.num_units, 3);
    const std::vector<float> wf(m.wf.begin(), m.wf.end()), wt(m.wt.begin(), m.wt.end()),
        bias(m.bias.begin(), m.bias.end());
    std::vector<float> state(static_cast<size_t>(m.batch) * m.num_filters * m.memory, 0.0f);
    std::vector<float> scratch(SvdfScratchSizeFloat(size)), out(static_cast<size_t>(m.batch) * m.units());
    // More steps than the memory holds, so old values must drop out.
    for (int step = 0; step < 9; ++step) {
      const std::vector<double> x = RandomInput(rng, m);
      const std::vector<float> xf(x.begin(), x.end());
      const std::vector<double> want = m.Step(x, act);
      SvdfFloat(size, act, xf.data(), wf.data(), wt.data(), bias.data(), state.data(), scratch.data(), out.data());
      for (size_t i = 0; i < out.size(); ++i) ASSERT_NEAR(out[i], want[i], 1e-5) << "step " << step << " output " << i;
    }
  }
}

TEST(SvdfFloatTest, ActivationsAsTflm) {
  // One unit, memory 1, identity weights: the output is act(x + bias).
  const Shape bias_shape{1};
  const SvdfSize size = PrepareSvdfSize(1, Shape{1, 1}, Shape{1, 1}, Shape{1, 1}, &bias_shape, Shape{1, 1}, Shape{1, 1});
  const float one = 1.0f, bias = 0.0f;
  auto run = [&](int act, float x) {
    float state = 0.0f, scratch = 0.0f, out = 0.0f;
    SvdfFloat(size, act, &x, &one, &one, &bias, &state, &scratch, &out);
    return out;
  };
  EXPECT_EQ(run(1, -2.0f), 0.0f);
  EXPECT_EQ(run(2, -2.0f), -1.0f);
  EXPECT_EQ(run(3, 7.0f), 6.0f);
  EXPECT_FLOAT_EQ(run(4, 0.5f), std::tanh(0.5f));
  EXPECT_EQ(run(5, -0.5f), 1.0f);  // SIGN_BIT
  EXPECT_EQ(run(5, 0.5f), 0.0f);
}

TEST(SvdfSizeTest, RejectsBadShapes) {
  const Shape bias{3};
  EXPECT_NO_THROW(PrepareSvdfSize(2, Shape{2, 5}, Shape{6, 5}, Shape{6, 4}, &bias, Shape{2, 24}, Shape{2, 3}));
  EXPECT_THROW(PrepareSvdfSize(4, Shape{2, 5}, Shape{6, 5}, Shape{6, 4}, &bias, Shape{2, 24}, Shape{2, 3}), Error);
  EXPECT_THROW(PrepareSvdfSize(2, Shape{2, 5}, Shape{6, 4}, Shape{6, 4}, &bias, Shape{2, 24}, Shape{2, 3}), Error);
  EXPECT_THROW(PrepareSvdfSize(2, Shape{2, 5}, Shape{6, 5}, Shape{5, 4}, &bias, Shape{2, 24}, Shape{2, 3}), Error);
  EXPECT_THROW(PrepareSvdfSize(2, Shape{2, 5}, Shape{6, 5}, Shape{6, 4}, &bias, Shape{2, 20}, Shape{2, 3}), Error);
  EXPECT_THROW(PrepareSvdfSize(2, Shape{2, 5}, Shape{6, 5}, Shape{6, 4}, &bias, Shape{2, 24}, Shape{2, 6}), Error);
  const Shape bad_bias{6};
  EXPECT_THROW(PrepareSvdfSize(2, Shape{2, 5}, Shape{6, 5}, Shape{6, 4}, &bad_bias, Shape{2, 24}, Shape{2, 3}), Error);
}

TEST(SvdfQuantizedTest, PrepareChecksBiasScaleAndComputesFloatMultipliers) {
  SvdfSize size;
  const float bias_scale = 0.02f * 0.003f;
  const SvdfQuantParams p = PrepareSvdfQuantized(size, 0.01f, -3, 0.004f, 0.003f, 0.02f, 5, &bias_scale, 0.05f, 7);
  const float scale_1 = 0.01f * 0.004f / 0.02f;  // in float, as TFLM
  const float scale_2 = 0.02f * 0.003f / 0.05f;
  EXPECT_EQ(p.feature_multiplier.multiplier, QuantizeMultiplier(scale_1).multiplier);
  EXPECT_EQ(p.feature_multiplier.shift, QuantizeMultiplier(scale_1).shift);
  EXPECT_EQ(p.output_multiplier.multiplier, QuantizeMultiplier(scale_2).multiplier);
  EXPECT_EQ(p.input_zero_point, -3);
  EXPECT_EQ(p.state_zero_point, 5);
  EXPECT_EQ(p.output_zero_point, 7);
  const float wrong_bias_scale = 0.001f;
  EXPECT_THROW(PrepareSvdfQuantized(size, 0.01f, 0, 0.004f, 0.003f, 0.02f, 0, &wrong_bias_scale, 0.05f, 0), Error);
  EXPECT_THROW(PrepareSvdfQuantized(size, 0.0f, 0, 0.004f, 0.003f, 0.02f, 0, nullptr, 0.05f, 0), Error);
}

template <typename T>
std::vector<T> QuantizeVector(const std::vector<double>& v, double scale, int zero_point) {
  std::vector<T> q;
  for (double x : v) {
    const long r = std::lround(x / scale) + zero_point;
    q.push_back(static_cast<T>(std::clamp<long>(r, std::numeric_limits<T>::min(), std::numeric_limits<T>::max())));
  }
  return q;
}

// The integer SVDF against the real filter. Tolerance measured on this model:
// max |error| 0.0076 (int16 state) and 0.0103 (int8 state) with an output
// scale of 1/64 (half a quantum is 0.0078); the thresholds allow about 2.5x.
template <typename T>
void CheckIntegerAgainstReal(uint32_t seed, double tolerance) {
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  RealSvdf m = RandomSvdf(rng, /*batch=*/2, /*input_size=*/8, /*num_filters=*/4, /*rank=*/2, /*memory=*/5);
  const SvdfSize size = SizeOf(m);
  constexpr bool k16 = sizeof(T) == 2;
  const float input_scale = 2.0f / 255, feature_scale = 0.5f / 127;
  const int input_zp = -1;
  // Feature activations lie within about +-2.
  const float state_scale = k16 ? 4.0f / 32768 : 4.0f / 255;
  const int state_zp = k16 ? 0 : 3;
  const float time_scale = k16 ? 0.5f / 32767 : 0.5f / 127;
  const float output_scale = 1.0f / 64;
  const int output_zp = -5;
  const float bias_scale = state_scale * time_scale;
  const std::vector<int8_t> wf = QuantizeVector<int8_t>(m.wf, feature_scale, 0);
  const std::vector<T> wt = QuantizeVector<T>(m.wt, time_scale, 0);
  const std::vector<int32_t> bias = QuantizeVector<int32_t>(m.bias, bias_scale, 0);
  const SvdfQuantParams p = PrepareSvdfQuantized(size, input_scale, input_zp, feature_scale, time_scale, state_scale,
                                                 state_zp, &bias_scale, output_scale, output_zp);
  // The op's initial state holds real zero: the zero point.
  std::vector<T> state(static_cast<size_t>(m.batch) * m.num_filters * m.memory, static_cast<T>(state_zp));
  std::vector<int32_t> scratch(SvdfScratchSizeInteger(size));
  std::vector<int8_t> out(static_cast<size_t>(m.batch) * m.units());
  double max_error = 0.0;
  for (int step = 0; step < 8; ++step) {
    std::vector<double> x = RandomInput(rng, m);
    const std::vector<int8_t> xq = QuantizeVector<int8_t>(x, input_scale, input_zp);
    for (size_t i = 0; i < x.size(); ++i) x[i] = (xq[i] - input_zp) * static_cast<double>(input_scale);
    const std::vector<double> want = m.Step(x, 0);
    if constexpr (k16) {
      SvdfInt16State(p, xq.data(), wf.data(), wt.data(), bias.data(), state.data(), scratch.data(), out.data());
    } else {
      SvdfInt8State(p, xq.data(), wf.data(), wt.data(), bias.data(), state.data(), scratch.data(), out.data());
    }
    for (size_t i = 0; i < out.size(); ++i) {
      max_error = std::max(max_error, std::fabs((out[i] - output_zp) * static_cast<double>(output_scale) - want[i]));
    }
  }
  std::printf("[ measured ] integer SVDF (%d-bit state) vs real filter: max |error| %.4f\n", k16 ? 16 : 8, max_error);
  EXPECT_LT(max_error, tolerance);
}

TEST(SvdfQuantizedTest, Int16StateCloseToRealFilter) { CheckIntegerAgainstReal<int16_t>(5, 0.02); }
TEST(SvdfQuantizedTest, Int8StateCloseToRealFilter) { CheckIntegerAgainstReal<int8_t>(6, 0.025); }

// Exact arithmetic on a tiny case: unit multipliers make every step visible.
TEST(SvdfQuantizedTest, ShiftsStateAndRescalesExactly) {
  const Shape bias_shape{1};
  const SvdfSize size = PrepareSvdfSize(1, Shape{1, 2}, Shape{1, 2}, Shape{1, 3}, &bias_shape, Shape{1, 3}, Shape{1, 1});
  // feature: 0.5 * 1 / 0.5 = 1; output: 0.5 * 1 / 0.25 = 2.
  const float bias_scale = 0.5f;
  const SvdfQuantParams p = PrepareSvdfQuantized(size, 0.5f, 1, 1.0f, 1.0f, 0.5f, 2, &bias_scale, 0.25f, -4);
  const int8_t wf[2] = {2, -1};
  const int8_t wt[3] = {1, 2, 3};
  const int32_t bias[1] = {5};
  int8_t state[3] = {2, 2, 2};  // real zero
  int32_t scratch[2];
  int8_t out = 0;
  const int8_t x1[2] = {4, 3};  // feature = 2 * 3 - 1 * 2 = 4
  SvdfInt8State(p, x1, wf, wt, bias, state, scratch, &out);
  EXPECT_EQ(state[0], 2);
  EXPECT_EQ(state[1], 2);
  EXPECT_EQ(state[2], 6);            // zp + 4
  EXPECT_EQ(out, (5 + 3 * 4) * 2 - 4);  // (bias + sum) * 2 + zp = 30
  const int8_t x2[2] = {1, 3};      // feature = 2 * 0 - 1 * 2 = -2
  SvdfInt8State(p, x2, wf, wt, bias, state, scratch, &out);
  EXPECT_EQ(state[1], 6);
  EXPECT_EQ(state[2], 0);
  EXPECT_EQ(out, (5 + 2 * 4 + 3 * -2) * 2 - 4);  // 10
}

}  // namespace
}  // namespace tinyforge::ref
