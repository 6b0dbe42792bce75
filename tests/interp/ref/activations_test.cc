#include "libconvert/interp/ref/activations.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/tflm_vectors.h"

namespace tinyforge::ref {
namespace {

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double HardSwish(double x) { return x * std::min(6.0, std::max(0.0, x + 3.0)) / 6.0; }

int32_t QuantizeRef(double real, double scale, int32_t zero_point, int32_t lo, int32_t hi) {
  const double q = std::round(real / scale) + zero_point;
  return static_cast<int32_t>(std::clamp<double>(q, lo, hi));
}

// Largest |got - want| in output steps over every int8 input, where want is
// f of the dequantized input, requantized.
int MaxInt8Error(const std::vector<int8_t>& out, float in_scale, int32_t in_zp,
                 const std::function<double(double)>& f, double out_scale, int32_t out_zp) {
  int worst = 0;
  for (int q = -128; q <= 127; ++q) {
    const int32_t want = QuantizeRef(f(in_scale * (q - in_zp)), out_scale, out_zp, -128, 127);
    worst = std::max(worst, std::abs(out[static_cast<size_t>(q + 128)] - want));
  }
  return worst;
}

std::vector<int8_t> AllInt8() {
  std::vector<int8_t> v(256);
  for (int i = 0; i < 256; ++i) v[static_cast<size_t>(i)] = static_cast<int8_t>(i - 128);
  return v;
}
std::vector<int16_t> AllInt16() {
  std::vector<int16_t> v(65536);
  for (int i = 0; i < 65536; ++i) v[static_cast<size_t>(i)] = static_cast<int16_t>(i - 32768);
  return v;
}

// Random (scale, zero point) pairs for int8 inputs; the seed is printed by
// the callers.
struct Quant {
  float scale;
  int32_t zero_point;
};
std::vector<Quant> RandomInt8Quants(unsigned seed, int n, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> log_scale(std::log(lo), std::log(hi));
  std::uniform_int_distribution<int> zps(-128, 127);
  std::vector<Quant> v;
  for (int i = 0; i < n; ++i) v.push_back({std::exp(log_scale(rng)), zps(rng)});
  return v;
}

// ------------------------------------------------------------ LOGISTIC / TANH

TEST(Activations, LogisticFloat) {
  const std::vector<float> in = {-20.0f, -9.5f, -1.0f, 0.0f, 0.5f, 3.0f, 16.0f, 17.0f};
  std::vector<float> out(in.size());
  LogisticFloat(Shape({static_cast<int32_t>(in.size())}), in.data(), out.data());
  for (size_t i = 0; i < in.size(); ++i) EXPECT_NEAR(out[i], Sigmoid(in[i]), 1e-6) << in[i];
  EXPECT_EQ(out.back(), 1.0f);  // beyond TFLM's upper cut-off
}

TEST(Activations, TanhFloat) {
  const std::vector<float> in = {-5.0f, -0.3f, 0.0f, 0.7f, 4.0f};
  std::vector<float> out(in.size());
  TanhFloat(Shape({5}), in.data(), out.data());
  for (size_t i = 0; i < in.size(); ++i) EXPECT_NEAR(out[i], std::tanh(in[i]), 1e-6) << in[i];
}

TEST(Activations, LogisticInt8WithinOneStep) {
  const unsigned seed = 11;
  const std::vector<int8_t> in = AllInt8();
  std::vector<int8_t> out(256);
  for (const Quant& q : RandomInt8Quants(seed, 200, 1e-3f, 0.5f)) {
    const LogisticInt8Params p = PrepareLogisticInt8(q.scale, q.zero_point, 1.0f / 256.0f, -128);
    LogisticInt8(p, Shape({256}), in.data(), out.data());
    EXPECT_LE(MaxInt8Error(out, q.scale, q.zero_point, Sigmoid, 1.0 / 256, -128), 1)
        << "seed " << seed << " scale " << q.scale << " zp " << q.zero_point;
  }
}

TEST(Activations, TanhInt8WithinOneStep) {
  const unsigned seed = 12;
  const std::vector<int8_t> in = AllInt8();
  std::vector<int8_t> out(256);
  for (const Quant& q : RandomInt8Quants(seed, 200, 1e-3f, 0.5f)) {
    const TanhInt8Params p = PrepareTanhInt8(q.scale, q.zero_point, 1.0f / 128.0f, 0);
    TanhInt8(p, Shape({256}), in.data(), out.data());
    EXPECT_LE(MaxInt8Error(
                  out, q.scale, q.zero_point, [](double x) { return std::tanh(x); }, 1.0 / 128, 0),
              1)
        << "seed " << seed << " scale " << q.scale << " zp " << q.zero_point;
  }
}

TEST(Activations, SigmoidFamilyInt8HandCases) {
  // zp 0, scale 1/16: input 0 -> logistic 0.5 -> exactly 0 (= -128 + 128);
  // tanh(0) = 0.
  const std::vector<int8_t> in = {0, 127, -128};
  std::vector<int8_t> out(3);
  LogisticInt8(PrepareLogisticInt8(1.0f / 16, 0, 1.0f / 256, -128), Shape({3}), in.data(),
               out.data());
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 127);   // sigmoid(7.9) = 0.9996 -> 255.9 -> saturates
  EXPECT_EQ(out[2], -128);  // sigmoid(-8) = 0.0003 -> 0.09 -> 0
  TanhInt8(PrepareTanhInt8(1.0f / 16, 0, 1.0f / 128, 0), Shape({3}), in.data(), out.data());
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 127);
  EXPECT_EQ(out[2], -128);
}

// The int16 kernels interpolate a 256-entry sigmoid table with steps of
// 1/24 (of 2x for tanh): interpolation error h^2/8 * max|sigmoid''| ~ 2e-5
// (0.7 steps of 2^-15), plus the table's and the input rescale's rounding;
// tanh = 2 sigmoid - 1 doubles it. Measured worst over the scales below:
// 1 step for logistic, 3 for tanh. One step of margin each.
constexpr int kLogisticInt16Tolerance = 2;
constexpr int kTanhInt16Tolerance = 4;

int MaxInt16Error(const std::vector<int16_t>& in, const std::vector<int16_t>& out, float in_scale,
                  const std::function<double(double)>& f) {
  int worst = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const int32_t want = QuantizeRef(f(in_scale * in[i]), 1.0 / 32768, 0, -32768, 32767);
    worst = std::max(worst, std::abs(out[i] - want));
  }
  return worst;
}

TEST(Activations, LogisticAndTanhInt16NearFloat) {
  const unsigned seed = 13;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> log_scale(std::log(1e-5f), std::log(1e-3f));
  std::vector<float> scales = {1.0f / 4096, 1.0f / 2048, 1.0f / 32768};  // power-of-two paths
  for (int i = 0; i < 12; ++i) scales.push_back(std::exp(log_scale(rng)));
  const std::vector<int16_t> in = AllInt16();
  std::vector<int16_t> out(in.size());
  const Shape shape({65536});
  for (float s : scales) {
    LogisticInt16(PrepareLogisticInt16(s, 0, 1.0f / 32768, 0), shape, in.data(), out.data());
    EXPECT_LE(MaxInt16Error(in, out, s, Sigmoid), kLogisticInt16Tolerance)
        << "seed " << seed << " scale " << s;
    TanhInt16(PrepareTanhInt16(s, 0, 1.0f / 32768, 0), shape, in.data(), out.data());
    EXPECT_LE(MaxInt16Error(in, out, s, [](double x) { return std::tanh(x); }), kTanhInt16Tolerance)
        << "seed " << seed << " scale " << s;
  }
}

TEST(Activations, SigmoidFamilyInt16PowerOfTwoScaleIsFlagged) {
  // Q3.12 input (scale 2^-12) takes the power-of-two path: multiplier 0.
  EXPECT_EQ(PrepareLogisticInt16(1.0f / 4096, 0, 1.0f / 32768, 0).input_multiplier, 0);
  EXPECT_EQ(PrepareTanhInt16(1.0f / 2048, 0, 1.0f / 32768, 0).input_multiplier, 0);
  EXPECT_EQ(PrepareTanhInt16(1.0f / 2048, 0, 1.0f / 32768, 0).input_left_shift, 1);
  // Logistic only accepts 2^-12 on that path; 2^-11 uses the general one.
  EXPECT_NE(PrepareLogisticInt16(1.0f / 2048, 0, 1.0f / 32768, 0).input_multiplier, 0);
}

TEST(Activations, SigmoidFamilyPrepareRejects) {
  EXPECT_THROW(PrepareLogisticInt8(0.1f, 0, 1.0f / 256, 0), Error);  // output zp must be -128
  EXPECT_THROW(PrepareLogisticInt16(1e-3f, 1, 1.0f / 32768, 0), Error);
  EXPECT_THROW(PrepareTanhInt16(1e-3f, 0, 1.0f / 32768, 3), Error);
  EXPECT_THROW(PrepareTanhInt16(1e-3f, 0, 1.0f / 256, 0), Error);  // output scale must be 2^-15
  // Scales a file may hold (the loader keeps 0) with no int16 input factor:
  // a refusal, not the power-of-two encoding of a factor that rounded to 0.
  EXPECT_THROW(PrepareTanhInt16(0.0f, 0, 1.0f / 32768, 0), Error);
  EXPECT_THROW(PrepareTanhInt16(1e-15f, 0, 1.0f / 32768, 0), Error);
  EXPECT_THROW(PrepareLogisticInt16(1e-20f, 0, 1.0f / 32768, 0), Error);
}

TEST(Activations, SigmoidFamilyInt8HugeInputScaleSaturates) {
  // Scale 2^100 (a left shift of 127): every nonzero input is beyond +-2^99,
  // where logistic is 0 or 1 and tanh -1 or 1, so the outputs saturate.
  const float huge = std::ldexp(1.0f, 100);
  const std::vector<int8_t> in = {1, 127, -1, -128};
  std::vector<int8_t> out(4);
  LogisticInt8(PrepareLogisticInt8(huge, 0, 1.0f / 256, -128), Shape({4}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{127, 127, -128, -128}));
  TanhInt8(PrepareTanhInt8(huge, 0, 1.0f / 128, 0), Shape({4}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{127, 127, -128, -128}));
}

// ----------------------------------------------------------------------- RELU

TEST(Activations, ReluFloatAndRelu6Float) {
  const std::vector<float> in = {-3.0f, -0.0f, 0.5f, 6.0f, 9.0f};
  std::vector<float> out(5);
  ReluFloat(Shape({5}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{0.0f, -0.0f, 0.5f, 6.0f, 9.0f}));
  Relu6Float(Shape({5}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{0.0f, -0.0f, 0.5f, 6.0f, 6.0f}));
}

TEST(Activations, ReluInt8WithinOneStep) {
  const unsigned seed = 21;
  const std::vector<int8_t> in = AllInt8();
  std::vector<int8_t> out(256);
  const std::vector<Quant> ins = RandomInt8Quants(seed, 100, 1e-3f, 0.5f);
  const std::vector<Quant> outs = RandomInt8Quants(seed + 1, 100, 1e-3f, 0.5f);
  for (size_t k = 0; k < ins.size(); ++k) {
    const ReluQuantizedParams p =
        PrepareReluInt8(ins[k].scale, ins[k].zero_point, outs[k].scale, outs[k].zero_point);
    ReluInt8(p, Shape({256}), in.data(), out.data());
    EXPECT_LE(MaxInt8Error(
                  out, ins[k].scale, ins[k].zero_point, [](double x) { return std::max(0.0, x); },
                  outs[k].scale, outs[k].zero_point),
              1)
        << "seed " << seed << " case " << k;
  }
}

TEST(Activations, ReluInt16SameScaleIsExactClamp) {
  const std::vector<int16_t> in = {-32768, -1, 0, 1, 32767};
  std::vector<int16_t> out(5);
  ReluInt16(PrepareReluInt16(0.01f, 0, 0.01f, 0), Shape({5}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int16_t>{0, 0, 0, 1, 32767}));
  // Output scale twice the input's: values halve (rounded half up).
  ReluInt16(PrepareReluInt16(0.01f, 0, 0.02f, 0), Shape({5}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int16_t>{0, 0, 0, 1, 16384}));
  EXPECT_THROW(PrepareReluInt16(0.01f, 1, 0.01f, 0), Error);
}

TEST(Activations, Relu6QuantizedClampsInInputUnits) {
  // scale 0.1, zp -10: 0.0 is -10 and 6.0 is 60 - 10 = 50.
  const Relu6QuantizedParams p = PrepareRelu6Int8(0.1f, -10);
  EXPECT_EQ(p.zero, -10);
  EXPECT_EQ(p.six, 50);
  const std::vector<int8_t> in = {-128, -10, 0, 50, 51, 127};
  std::vector<int8_t> out(6);
  Relu6Int8(p, Shape({6}), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{-10, -10, 0, 50, 50, 50}));
  // 6.0 beyond the type saturates at its max.
  EXPECT_EQ(PrepareRelu6Int8(0.01f, 0).six, 127);
  const Relu6QuantizedParams p16 = PrepareRelu6Int16(6.0f / 30000, 0);
  EXPECT_EQ(p16.six, 30000);
  const std::vector<int16_t> in16 = {-5, 29999, 30001};
  std::vector<int16_t> out16(3);
  Relu6Int16(p16, Shape({3}), in16.data(), out16.data());
  EXPECT_EQ(out16, (std::vector<int16_t>{0, 29999, 30000}));
}

// ----------------------------------------------------------------- LEAKY_RELU

TEST(Activations, LeakyReluFloat) {
  const std::vector<float> in = {-2.0f, 0.0f, 3.0f};
  std::vector<float> out(3);
  LeakyReluFloat(PrepareLeakyReluFloat(0.1f), Shape({3}), in.data(), out.data());
  EXPECT_FLOAT_EQ(out[0], -0.2f);
  EXPECT_EQ(out[1], 0.0f);
  EXPECT_EQ(out[2], 3.0f);
}

TEST(Activations, LeakyReluInt8WithinOneStep) {
  const unsigned seed = 31;
  const std::vector<int8_t> in = AllInt8();
  std::vector<int8_t> out(256);
  const std::vector<Quant> ins = RandomInt8Quants(seed, 100, 1e-3f, 0.5f);
  const std::vector<Quant> outs = RandomInt8Quants(seed + 1, 100, 1e-3f, 0.5f);
  for (size_t k = 0; k < ins.size(); ++k) {
    const float alpha = k % 3 == 0 ? -0.4f : (k % 3 == 1 ? 0.2f : 1.5f);
    const LeakyReluQuantizedParams p = PrepareLeakyReluInt8(alpha, ins[k].scale, ins[k].zero_point,
                                                            outs[k].scale, outs[k].zero_point);
    LeakyReluInt8(p, Shape({256}), in.data(), out.data());
    EXPECT_LE(
        MaxInt8Error(
            out, ins[k].scale, ins[k].zero_point,
            [alpha](double x) { return x > 0 ? x : alpha * x; }, outs[k].scale, outs[k].zero_point),
        1)
        << "seed " << seed << " case " << k << " alpha " << alpha;
  }
}

TEST(Activations, LeakyReluInt16HandCase) {
  // Same scales, alpha 0.5: negatives halve (ties toward +inf), positives pass.
  const std::vector<int16_t> in = {-32768, -3, -1, 0, 7, 32767};
  std::vector<int16_t> out(6);
  LeakyReluInt16(PrepareLeakyReluInt16(0.5f, 0.001f, 0, 0.001f, 0), Shape({6}), in.data(),
                 out.data());
  EXPECT_EQ(out, (std::vector<int16_t>{-16384, -1, 0, 0, 7, 32767}));
}

// ----------------------------------------------------------------- HARD_SWISH

TEST(Activations, HardSwishFloat) {
  const std::vector<float> in = {-4.0f, -1.5f, 0.0f, 1.0f, 5.0f};
  std::vector<float> out(5);
  HardSwishFloat(Shape({5}), in.data(), out.data());
  for (size_t i = 0; i < in.size(); ++i) EXPECT_NEAR(out[i], HardSwish(in[i]), 1e-6) << in[i];
}

// TFLM's int8 hard swish works in 16-bit fixed point (Q15 multipliers) with
// a truncating final multiply. Measured worst over the cases below: 1
// output step; the threshold keeps one step of margin.
constexpr int kHardSwishInt8Tolerance = 2;

TEST(Activations, HardSwishInt8NearFloat) {
  const unsigned seed = 41;
  const std::vector<int8_t> in = AllInt8();
  std::vector<int8_t> out(256);
  const std::vector<Quant> ins = RandomInt8Quants(seed, 150, 0.01f, 0.1f);
  for (const Quant& q : ins) {
    // Output scale covering [-0.375, max(hard_swish)] of this input range.
    const double hi = HardSwish(q.scale * (127 - q.zero_point));
    const float out_scale = static_cast<float>((hi + 0.375) / 255.0);
    const int32_t out_zp = static_cast<int32_t>(std::lround(-128 + 0.375 / out_scale));
    const HardSwishInt8Params p = PrepareHardSwishInt8(q.scale, q.zero_point, out_scale, out_zp);
    HardSwishInt8(p, Shape({256}), in.data(), out.data());
    EXPECT_LE(MaxInt8Error(out, q.scale, q.zero_point, HardSwish, out_scale, out_zp),
              kHardSwishInt8Tolerance)
        << "seed " << seed << " in scale " << q.scale << " zp " << q.zero_point;
  }
}

TEST(Activations, HardSwishPrepareRejectsLargeOutputMultiplier) {
  // input_scale / (128 * output_scale) >= 1 is refused by TFLM.
  EXPECT_THROW(PrepareHardSwishInt8(1.0f, 0, 1.0f / 256, 0), Error);
  EXPECT_NO_THROW(PrepareHardSwishInt8(1.0f, 0, 1.0f / 64, 0));
}

// TFLM's outputs for hand-picked inputs (tests/interp/ref/tflm_vectors.h,
// checked against the real TFLM by tests/tflm/tflm_vectors_test.cc).
template <typename In, typename Out, typename Params, typename Fn>
std::vector<int32_t> RunVector(const testing::TflmVector& v, const Params& params, Fn fn) {
  const std::vector<In> in(v.input.begin(), v.input.end());
  std::vector<Out> out(in.size());
  fn(params, Shape({static_cast<int32_t>(in.size())}), in.data(), out.data());
  return {out.begin(), out.end()};
}

TEST(Activations, TflmVectors) {
  int checked = 0;
  for (const testing::TflmVector& v : testing::TflmVectors()) {
    SCOPED_TRACE(v.name);
    std::vector<int32_t> got;
    const bool int8 = v.input_bits == 8;
    const float is = v.input_scale, os = v.output_scale;
    const int32_t iz = v.input_zero_point, oz = v.output_zero_point;
    switch (v.op) {
      case testing::VectorOp::kLogistic:
        got = int8 ? RunVector<int8_t, int8_t>(v, PrepareLogisticInt8(is, iz, os, oz), LogisticInt8)
                   : RunVector<int16_t, int16_t>(v, PrepareLogisticInt16(is, iz, os, oz), LogisticInt16);
        break;
      case testing::VectorOp::kTanh:
        got = int8 ? RunVector<int8_t, int8_t>(v, PrepareTanhInt8(is, iz, os, oz), TanhInt8)
                   : RunVector<int16_t, int16_t>(v, PrepareTanhInt16(is, iz, os, oz), TanhInt16);
        break;
      case testing::VectorOp::kHardSwish:
        got = RunVector<int8_t, int8_t>(v, PrepareHardSwishInt8(is, iz, os, oz), HardSwishInt8);
        break;
      default:
        continue;  // softmax_test.cc
    }
    EXPECT_EQ(got, v.output);
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

}  // namespace
}  // namespace tinyforge::ref
