#include "libconvert/interp/ref/lstm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

// A random LSTM in real numbers, and a naive double-precision evaluation of
// the textbook cell written independently of the code under test.
struct RealLstm {
  int batch = 0, time = 0, input_size = 0, units = 0;
  bool time_major = false;
  double cell_clip = 0.0;
  // [gate][unit * input_size + d], [gate][unit * units + k], [gate][unit];
  // gates in the order input, forget, cell, output.
  std::vector<double> w[4], r[4], b[4];

  size_t InputIndex(int bt, int t, int d) const {
    return time_major ? (static_cast<size_t>(t) * batch + bt) * input_size + d
                      : (static_cast<size_t>(bt) * time + t) * input_size + d;
  }
  size_t OutputIndex(int bt, int t, int u) const {
    return time_major ? (static_cast<size_t>(t) * batch + bt) * units + u
                      : (static_cast<size_t>(bt) * time + t) * units + u;
  }

  // Runs the sequence x from state (h, c), updating them; returns the output.
  std::vector<double> Run(const std::vector<double>& x, std::vector<double>& h, std::vector<double>& c) const {
    std::vector<double> out(static_cast<size_t>(batch) * time * units);
    auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
    for (int bt = 0; bt < batch; ++bt) {
      for (int t = 0; t < time; ++t) {
        double gates[4][64];
        for (int g = 0; g < 4; ++g) {
          for (int u = 0; u < units; ++u) {
            double z = b[g][u];
            for (int d = 0; d < input_size; ++d) z += w[g][u * input_size + d] * x[InputIndex(bt, t, d)];
            for (int k = 0; k < units; ++k) z += r[g][u * units + k] * h[bt * units + k];
            gates[g][u] = g == 2 ? std::tanh(z) : sigmoid(z);
          }
        }
        for (int u = 0; u < units; ++u) {
          double& cu = c[bt * units + u];
          cu = gates[1][u] * cu + gates[0][u] * gates[2][u];
          if (cell_clip > 0) cu = std::clamp(cu, -cell_clip, cell_clip);
          h[bt * units + u] = gates[3][u] * std::tanh(cu);
          out[OutputIndex(bt, t, u)] = h[bt * units + u];
        }
      }
    }
    return out;
  }
};

RealLstm RandomLstm(std::mt19937& rng, int batch, int time, int input_size, int units, bool time_major,
                    double weight_range) {
  RealLstm m;
  m.batch = batch;
  m.time = time;
  m.input_size = input_size;
  m.units = units;
  m.time_major = time_major;
  std::uniform_real_distribution<double> dist(-weight_range, weight_range);
  for (int g = 0; g < 4; ++g) {
    m.w[g].resize(static_cast<size_t>(units) * input_size);
    m.r[g].resize(static_cast<size_t>(units) * units);
    m.b[g].resize(static_cast<size_t>(units));
    for (double& v : m.w[g]) v = dist(rng);
    for (double& v : m.r[g]) v = dist(rng);
    for (double& v : m.b[g]) v = dist(rng);
  }
  return m;
}

LstmSize SizeOf(const RealLstm& m) {
  LstmShapes s;
  s.input = m.time_major ? Shape{m.time, m.batch, m.input_size} : Shape{m.batch, m.time, m.input_size};
  for (int g = 0; g < 4; ++g) {
    s.input_weights[g] = Shape{m.units, m.input_size};
    s.recurrent_weights[g] = Shape{m.units, m.units};
    s.bias[g] = Shape{m.units};
  }
  s.hidden_state = Shape{m.batch, m.units};
  s.cell_state = Shape{m.batch, m.units};
  s.output = m.time_major ? Shape{m.time, m.batch, m.units} : Shape{m.batch, m.time, m.units};
  return PrepareLstmSize(m.time_major, s);
}

std::vector<double> RandomInput(std::mt19937& rng, const RealLstm& m) {
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  std::vector<double> x(static_cast<size_t>(m.batch) * m.time * m.input_size);
  for (double& v : x) v = dist(rng);
  return x;
}

std::vector<float> ToFloat(const std::vector<double>& v) { return {v.begin(), v.end()}; }

// ------------------------------------------------------------------ float

class LstmFloatTest : public ::testing::TestWithParam<bool> {};  // time_major

TEST_P(LstmFloatTest, MatchesNaiveCellAndCarriesState) {
  const uint32_t seed = 1234;
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  RealLstm m = RandomLstm(rng, /*batch=*/3, /*time=*/5, /*input_size=*/7, /*units=*/6, GetParam(), 0.8);
  m.cell_clip = 0.3;  // small enough to clip with these weights
  const LstmSize size = SizeOf(m);

  LstmFloatParams params;
  params.size = size;
  params.cell_clip = static_cast<float>(m.cell_clip);
  std::vector<float> w[4], r[4], b[4];
  LstmWeights<float, float> weights;
  for (int g = 0; g < 4; ++g) {
    w[g] = ToFloat(m.w[g]);
    r[g] = ToFloat(m.r[g]);
    b[g] = ToFloat(m.b[g]);
    weights.input_weights[g] = w[g].data();
    weights.recurrent_weights[g] = r[g].data();
    weights.bias[g] = b[g].data();
  }
  std::vector<float> h(static_cast<size_t>(m.batch) * m.units, 0.0f), c(h.size(), 0.0f);
  std::vector<double> hd(h.size(), 0.0), cd(h.size(), 0.0);
  std::vector<float> scratch(LstmScratchSize(size)), out(static_cast<size_t>(m.batch) * m.time * m.units);

  bool clipped = false;
  // Three calls in a row: the state must carry over.
  for (int call = 0; call < 3; ++call) {
    SCOPED_TRACE(::testing::Message() << "call " << call);
    const std::vector<double> x = RandomInput(rng, m);
    const std::vector<float> xf = ToFloat(x);
    const std::vector<double> want = m.Run(x, hd, cd);
    LstmFloat(params, weights, xf.data(), h.data(), c.data(), out.data(), scratch.data());
    for (size_t i = 0; i < out.size(); ++i) ASSERT_NEAR(out[i], want[i], 2e-6) << "output " << i;
    for (size_t i = 0; i < h.size(); ++i) {
      ASSERT_NEAR(h[i], hd[i], 2e-6) << "hidden " << i;
      ASSERT_NEAR(c[i], cd[i], 4e-6) << "cell " << i;
      clipped = clipped || std::fabs(cd[i]) == m.cell_clip;
    }
  }
  EXPECT_TRUE(clipped) << "the test should exercise the cell clip";
}

INSTANTIATE_TEST_SUITE_P(Layouts, LstmFloatTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "TimeMajor" : "BatchMajor"; });

TEST(LstmSizeTest, RejectsMismatchedShapes) {
  LstmShapes s;
  s.input = Shape{2, 4, 3};
  for (int g = 0; g < 4; ++g) {
    s.input_weights[g] = Shape{5, 3};
    s.recurrent_weights[g] = Shape{5, 5};
    s.bias[g] = Shape{5};
  }
  s.hidden_state = Shape{2, 5};
  s.cell_state = Shape{2, 5};
  s.output = Shape{2, 4, 5};
  const LstmSize ok = PrepareLstmSize(false, s);
  EXPECT_EQ(ok.batch, 2);
  EXPECT_EQ(ok.time_steps, 4);
  EXPECT_EQ(ok.input_size, 3);
  EXPECT_EQ(ok.state_size, 5);
  LstmShapes time_major = s;  // [time, batch, features]
  time_major.input = Shape{4, 2, 3};
  time_major.output = Shape{4, 2, 5};
  const LstmSize tm = PrepareLstmSize(true, time_major);
  EXPECT_EQ(tm.batch, 2);
  EXPECT_EQ(tm.time_steps, 4);
  EXPECT_THROW(PrepareLstmSize(false, time_major), Error);  // batch 4 vs state [2, 5]

  LstmShapes bad = s;
  bad.recurrent_weights[1] = Shape{5, 4};
  EXPECT_THROW(PrepareLstmSize(false, bad), Error);
  bad = s;
  bad.cell_state = Shape{1, 5};
  EXPECT_THROW(PrepareLstmSize(false, bad), Error);
  bad = s;
  bad.output = Shape{2, 4, 6};
  EXPECT_THROW(PrepareLstmSize(false, bad), Error);
  bad = s;
  bad.input = Shape{8, 3};
  EXPECT_THROW(PrepareLstmSize(false, bad), Error);
}

// ---------------------------------------------------------------- integer

// The multipliers TFLM derives, from the spec: gate products onto 2^-12, the
// gate outputs in 2^-15.
TEST(LstmQuantizedTest, PrepareComputesTflmMultipliers) {
  LstmSize size;
  size.batch = 1;
  size.time_steps = 1;
  size.input_size = 2;
  size.state_size = 2;
  LstmQuantization q;
  q.input_scale = 0.0039215689f;
  q.input_zero_point = -128;
  q.hidden_scale = 0.0078125f;
  q.hidden_zero_point = 3;
  q.cell_scale = 1.0f / 2048;  // 2^-11
  for (int g = 0; g < 4; ++g) {
    q.input_weight_scale[g] = 0.01f * static_cast<float>(g + 1);
    q.recurrent_weight_scale[g] = 0.002f * static_cast<float>(g + 1);
  }
  const LstmQuantParams p = PrepareLstmQuantized(size, q, 8, /*cell_clip=*/3.0f);
  EXPECT_EQ(p.input_offset, 128);
  EXPECT_EQ(p.hidden_offset, -3);
  for (int g = 0; g < 4; ++g) {
    const float in_product = q.input_scale * q.input_weight_scale[g];
    const QuantizedMultiplier want = QuantizeMultiplier(static_cast<double>(in_product) * 4096.0);
    EXPECT_EQ(p.input_multiplier[g].multiplier, want.multiplier);
    EXPECT_EQ(p.input_multiplier[g].shift, want.shift);
  }
  // 2^-15: mantissa 2^30 (one half), exponent -14.
  EXPECT_EQ(p.forget_multiplier.multiplier, 1 << 30);
  EXPECT_EQ(p.forget_multiplier.shift, -14);
  // 2^-30 / 2^-11 = 2^-19.
  EXPECT_EQ(p.input_multiplier_cell.multiplier, 1 << 30);
  EXPECT_EQ(p.input_multiplier_cell.shift, -18);
  // 2^-30 / 2^-7 = 2^-23.
  EXPECT_EQ(p.hidden_multiplier.multiplier, 1 << 30);
  EXPECT_EQ(p.hidden_multiplier.shift, -22);
  EXPECT_EQ(p.hidden_min, -128);
  EXPECT_EQ(p.hidden_max, 127);
  EXPECT_TRUE(p.clip_cell);
  EXPECT_EQ(p.cell_clip, 6144);  // 3.0 * 2048
  // Cell 2^-11 read as Q3.12: shift 15 - 11 - 3 = 1, power-of-two form.
  EXPECT_EQ(p.cell_tanh.input_multiplier, 0);
  EXPECT_EQ(p.cell_tanh.input_left_shift, 1);

  // A coarser cell scale shifts further left; a finer one needs a factor 3
  // and a rounding right shift.
  q.cell_scale = 1.0f / 16;  // 2^-4: 15 - 4 - 3 = 8 (still a left shift)
  EXPECT_EQ(PrepareLstmQuantized(size, q, 8, 0.0f).cell_tanh.input_left_shift, 8);
  q.cell_scale = 1.0f / (1 << 20);  // 2^-20: 15 - 20 - 3 = -8
  const LstmQuantParams fine = PrepareLstmQuantized(size, q, 16, 0.0f);
  EXPECT_EQ(fine.cell_tanh.input_multiplier, 3);
  EXPECT_EQ(fine.cell_tanh.input_left_shift, 8);
  EXPECT_FALSE(fine.clip_cell);
  EXPECT_EQ(fine.hidden_min, -32768);
  q.cell_scale = 0.0f;
  EXPECT_THROW(PrepareLstmQuantized(size, q, 8, 0.0f), Error);
}

// Zero weights: every sigmoid gate is exactly 1/2 (16384 in Q0.15) and the
// cell gate tanh(0) = 0, so each step halves the cell state (rounding half
// away from zero) and h = 1/2 * tanh(c).
TEST(LstmQuantizedTest, ZeroWeightsHalveTheCellState) {
  LstmSize size;
  size.batch = 1;
  size.time_steps = 3;
  size.input_size = 2;
  size.state_size = 3;
  LstmQuantization q;
  q.input_scale = 0.01f;
  q.hidden_scale = 1.0f / 128;
  q.cell_scale = 1.0f / 4096;
  for (int g = 0; g < 4; ++g) q.input_weight_scale[g] = q.recurrent_weight_scale[g] = 0.01f;
  const LstmQuantParams p = PrepareLstmQuantized(size, q, 8, 0.0f);
  std::vector<int8_t> zeros8(9, 0);
  std::vector<int32_t> zeros32(3, 0);
  LstmWeights<int8_t, int32_t> w;
  for (int g = 0; g < 4; ++g) {
    w.input_weights[g] = zeros8.data();
    w.recurrent_weights[g] = zeros8.data();
    w.bias[g] = zeros32.data();
  }
  const std::vector<int8_t> x = {57, -100, 3, 9, -128, 127};
  std::vector<int8_t> h(3, 0), out(9);
  std::vector<int16_t> c = {4000, -3001, 7}, scratch(LstmScratchSize(size));
  LstmInt8(p, w, x.data(), h.data(), c.data(), out.data(), scratch.data());
  // Halving rounds half away from zero: 4000 -> 2000 -> 1000 -> 500;
  // -3001 -> -1501 -> -751 -> -376; 7 -> 4 -> 2 -> 1.
  EXPECT_EQ(c[0], 500);
  EXPECT_EQ(c[1], -376);
  EXPECT_EQ(c[2], 1);
  for (int u = 0; u < 3; ++u) {
    // h = round(0.5 * tanh(c * 2^-12) * 128) within one quantum.
    const double want = 0.5 * std::tanh(c[u] / 4096.0) * 128.0;
    EXPECT_NEAR(h[u], want, 1.0) << "unit " << u;
    EXPECT_EQ(out[6 + u], h[u]);
  }
}

// Symmetric per-tensor int8 quantization of a real tensor: scale = max|v| / 127.
struct Quantized8 {
  float scale;
  std::vector<int8_t> q;
};
Quantized8 QuantizeSymmetric(const std::vector<double>& v) {
  double max_abs = 1e-9;
  for (double x : v) max_abs = std::max(max_abs, std::fabs(x));
  Quantized8 r{static_cast<float>(max_abs / 127.0), {}};
  for (double x : v) r.q.push_back(static_cast<int8_t>(std::lround(x / r.scale)));
  return r;
}

// The integer LSTM against the real-number cell, within a tolerance measured
// on these models: max |error| of outputs (and of the cell state / 4) was
// 0.0050 for int8 and 0.0020 for 16x8 activations; the thresholds allow 3x.
template <typename Act, typename Bias>
void CheckIntegerAgainstReal(bool time_major, uint32_t seed, double tolerance) {
  SCOPED_TRACE(::testing::Message() << "seed " << seed << (time_major ? " time-major" : " batch-major"));
  std::mt19937 rng(seed);
  RealLstm m = RandomLstm(rng, /*batch=*/2, /*time=*/6, /*input_size=*/5, /*units=*/4, time_major, 0.7);
  const LstmSize size = SizeOf(m);
  constexpr bool k16 = sizeof(Act) == 2;

  LstmQuantization q;
  q.input_scale = k16 ? 1.0f / 32768 : 2.0f / 255;  // inputs in [-1, 1]
  q.input_zero_point = k16 ? 0 : 0;
  q.hidden_scale = k16 ? 1.0f / 32768 : 1.0f / 128;  // h in (-1, 1)
  q.hidden_zero_point = 0;
  q.cell_scale = 1.0f / 4096;  // |c| < 8
  Quantized8 w[4], r[4];
  std::vector<Bias> b[4];
  LstmWeights<int8_t, Bias> weights;
  for (int g = 0; g < 4; ++g) {
    w[g] = QuantizeSymmetric(m.w[g]);
    r[g] = QuantizeSymmetric(m.r[g]);
    q.input_weight_scale[g] = w[g].scale;
    q.recurrent_weight_scale[g] = r[g].scale;
    const double bias_scale = static_cast<double>(q.input_scale) * w[g].scale;
    for (double v : m.b[g]) b[g].push_back(static_cast<Bias>(std::llround(v / bias_scale)));
    weights.input_weights[g] = w[g].q.data();
    weights.recurrent_weights[g] = r[g].q.data();
    weights.bias[g] = b[g].data();
  }
  const LstmQuantParams p = PrepareLstmQuantized(size, q, k16 ? 16 : 8, 0.0f);

  std::vector<Act> h(static_cast<size_t>(m.batch) * m.units, 0);
  std::vector<int16_t> c(h.size(), 0), scratch(LstmScratchSize(size));
  std::vector<double> hd(h.size(), 0.0), cd(h.size(), 0.0);
  std::vector<Act> out(static_cast<size_t>(m.batch) * m.time * m.units);
  double max_error = 0.0;
  for (int call = 0; call < 2; ++call) {
    std::vector<double> x = RandomInput(rng, m);
    std::vector<Act> xq;
    for (double& v : x) {
      const long qv = std::lround(v / q.input_scale) + q.input_zero_point;
      xq.push_back(static_cast<Act>(std::clamp<long>(qv, k16 ? -32768 : -128, k16 ? 32767 : 127)));
      v = (static_cast<double>(xq.back()) - q.input_zero_point) * q.input_scale;  // what the model sees
    }
    const std::vector<double> want = m.Run(x, hd, cd);
    if constexpr (k16) {
      LstmInt16x8(p, weights, xq.data(), h.data(), c.data(), out.data(), scratch.data());
    } else {
      LstmInt8(p, weights, xq.data(), h.data(), c.data(), out.data(), scratch.data());
    }
    for (size_t i = 0; i < out.size(); ++i) {
      const double got = (static_cast<double>(out[i]) - q.hidden_zero_point) * q.hidden_scale;
      max_error = std::max(max_error, std::fabs(got - want[i]));
    }
    for (size_t i = 0; i < c.size(); ++i) {
      max_error = std::max(max_error, std::fabs(c[i] * static_cast<double>(q.cell_scale) - cd[i]) / 4);
    }
  }
  std::printf("[ measured ] integer LSTM (%d-bit activations) vs real cell: max |error| %.5f\n",
              k16 ? 16 : 8, max_error);
  EXPECT_LT(max_error, tolerance);
}

TEST(LstmQuantizedTest, Int8CloseToRealCell) {
  CheckIntegerAgainstReal<int8_t, int32_t>(false, 7, 0.015);
  CheckIntegerAgainstReal<int8_t, int32_t>(true, 8, 0.015);
}

TEST(LstmQuantizedTest, Int16x8CloseToRealCell) {
  CheckIntegerAgainstReal<int16_t, int64_t>(false, 9, 0.006);
  CheckIntegerAgainstReal<int16_t, int64_t>(true, 10, 0.006);
}

}  // namespace
}  // namespace tinyforge::ref
