#include "libconvert/interp/ref/softmax.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "libconvert/base/error.h"
#include "tests/interp/ref/tflm_vectors.h"

namespace tinyforge::ref {
namespace {

// Softmax of one row in double: the independent reference.
std::vector<double> ReferenceSoftmax(const std::vector<double>& x, double beta) {
  const double mx = *std::max_element(x.begin(), x.end());
  std::vector<double> y(x.size());
  double sum = 0.0;
  for (size_t i = 0; i < x.size(); ++i) sum += y[i] = std::exp(beta * (x[i] - mx));
  for (double& v : y) v /= sum;
  return y;
}

int32_t QuantizeRef(double real, double scale, int32_t zero_point, int32_t lo, int32_t hi) {
  return std::clamp<int32_t>(static_cast<int32_t>(std::lround(real / scale)) + zero_point, lo, hi);
}

TEST(Softmax, FloatMatchesDoubleAndSumsToOne) {
  const unsigned seed = 2024;
  std::mt19937 rng(seed);
  std::normal_distribution<float> xs(0.0f, 3.0f);
  const Shape shape({3, 7});
  for (float beta : {1.0f, 0.5f, 2.5f}) {
    std::vector<float> in(21), out(21);
    for (float& v : in) v = xs(rng);
    SoftmaxFloat(PrepareSoftmaxFloat(beta), shape, in.data(), out.data());
    for (int r = 0; r < 3; ++r) {
      const std::vector<double> row(in.begin() + r * 7, in.begin() + r * 7 + 7);
      const std::vector<double> want = ReferenceSoftmax(row, beta);
      double sum = 0.0;
      for (int c = 0; c < 7; ++c) {
        EXPECT_NEAR(out[r * 7 + c], want[c], 1e-6) << "seed " << seed << " beta " << beta;
        sum += out[r * 7 + c];
      }
      EXPECT_NEAR(sum, 1.0, 1e-5);
    }
  }
}

TEST(Softmax, Int8EqualLogitsGiveExactQuarter) {
  // Four equal logits: 0.25 each, i.e. 64 steps of 1/256 above -128.
  const SoftmaxInt8Params p = PrepareSoftmaxInt8(1.0f, 0.1f, 1.0f / 256.0f, -128);
  const std::vector<int8_t> in = {5, 5, 5, 5};
  std::vector<int8_t> out(4);
  SoftmaxInt8(p, Shape({1, 4}), in.data(), out.data());
  for (int8_t v : out) EXPECT_EQ(v, -64);
}

TEST(Softmax, Int8FarBelowMaxIsExactlyMinimum) {
  // A difference of 255 quanta at scale 0.5 is exp(-127.5): below diff_min,
  // so TFLM writes the output minimum without computing exp.
  const SoftmaxInt8Params p = PrepareSoftmaxInt8(1.0f, 0.5f, 1.0f / 256.0f, -128);
  EXPECT_LT(-255, p.diff_min);
  const std::vector<int8_t> in = {127, -128};
  std::vector<int8_t> out(2);
  SoftmaxInt8(p, Shape({2}), in.data(), out.data());
  EXPECT_EQ(out[0], 127);  // 1.0 saturates at 127/256 + 1/2
  EXPECT_EQ(out[1], -128);
}

// int8 softmax vs the float softmax of the dequantized input, requantized
// to the fixed output parameters: within one output step.
TEST(Softmax, Int8WithinOneStepOfFloat) {
  const unsigned seed = 777;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> qs(-128, 127);
  std::uniform_real_distribution<float> log_scale(std::log(0.01f), std::log(0.5f));
  std::uniform_int_distribution<int> depths(1, 50);
  int checked = 0;
  for (int iter = 0; iter < 300; ++iter) {
    const float scale = std::exp(log_scale(rng));
    const float beta = iter % 4 == 0 ? 0.7f : 1.0f;
    const int depth = depths(rng);
    const int outer = 3;
    std::vector<int8_t> in(static_cast<size_t>(depth * outer));
    for (int8_t& v : in) v = static_cast<int8_t>(qs(rng));
    std::vector<int8_t> out(in.size());
    std::vector<int16_t> out16(in.size());
    const SoftmaxInt8Params p = PrepareSoftmaxInt8(beta, scale, 1.0f / 256.0f, -128);
    SoftmaxInt8(p, Shape({outer, depth}), in.data(), out.data());
    const SoftmaxInt8Params p16 = PrepareSoftmaxInt8ToInt16(beta, scale, 1.0f / 65536.0f, -32768);
    SoftmaxInt8ToInt16(p16, Shape({outer, depth}), in.data(), out16.data());
    for (int r = 0; r < outer; ++r) {
      std::vector<double> row(static_cast<size_t>(depth));
      for (int c = 0; c < depth; ++c) row[c] = scale * in[r * depth + c];  // zero point cancels
      const std::vector<double> want = ReferenceSoftmax(row, beta);
      for (int c = 0; c < depth; ++c) {
        const int i = r * depth + c;
        ASSERT_NEAR(out[i], QuantizeRef(want[c], 1.0 / 256, -128, -128, 127), 1)
            << "seed " << seed << " iter " << iter << " scale " << scale;
        ASSERT_NEAR(out16[i], QuantizeRef(want[c], 1.0 / 65536, -32768, -32768, 32767), 1)
            << "seed " << seed << " iter " << iter << " scale " << scale;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 1000);
}

// int16 softmax reads exp and 1/(1+x) from interpolated tables, each good
// to ~2 table steps of 2/65535 (see fixed_point_test), and the tables'
// 128-value segments place inputs up to 1.5e-4 away from their dequantized
// value. Over 20000 random rows the worst error was 3 steps of 1/32768;
// 4 keeps one step of margin while a wrong shift or table costs hundreds.
constexpr int kInt16SoftmaxTolerance = 4;

TEST(Softmax, Int16WithinToleranceOfFloat) {
  const unsigned seed = 31337;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> log_scale(std::log(1e-4f), std::log(5e-3f));
  std::uniform_int_distribution<int> depths(1, 40);
  int checked = 0;
  for (int iter = 0; iter < 200; ++iter) {
    const float scale = std::exp(log_scale(rng));
    const int depth = depths(rng);
    std::vector<int16_t> in(static_cast<size_t>(depth)), out(in.size());
    // Logits within ~10 / scale of each other so most outputs are non-zero.
    const int spread = std::min(32767, static_cast<int>(8.0f / scale));
    const int base = std::uniform_int_distribution<int>(-32768, 32767 - spread)(rng);
    for (int16_t& v : in)
      v = static_cast<int16_t>(base + std::uniform_int_distribution<int>(0, spread)(rng));
    const SoftmaxInt16Params p = PrepareSoftmaxInt16(1.0f, scale, 0, 1.0f / 32768.0f, 0);
    SoftmaxInt16(p, Shape({depth}), in.data(), out.data());
    std::vector<double> row(in.size());
    for (size_t c = 0; c < in.size(); ++c) row[c] = scale * in[c];
    const std::vector<double> want = ReferenceSoftmax(row, 1.0);
    for (size_t c = 0; c < in.size(); ++c) {
      ASSERT_NEAR(out[c], QuantizeRef(want[c], 1.0 / 32768, 0, 0, 32767), kInt16SoftmaxTolerance)
          << "seed " << seed << " iter " << iter << " scale " << scale;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST(Softmax, PrepareRejectsWrongOutputParameters) {
  EXPECT_THROW(PrepareSoftmaxInt8(1.0f, 0.1f, 1.0f / 128.0f, -128), Error);
  EXPECT_THROW(PrepareSoftmaxInt8(1.0f, 0.1f, 1.0f / 256.0f, 0), Error);
  EXPECT_THROW(PrepareSoftmaxInt8ToInt16(1.0f, 0.1f, 1.0f / 65536.0f, 0), Error);
  EXPECT_THROW(PrepareSoftmaxInt16(1.0f, 1e-3f, 1, 1.0f / 32768.0f, 0), Error);
  EXPECT_THROW(PrepareSoftmaxInt16(1.0f, 1e-3f, 0, 1.0f / 256.0f, 0), Error);
  // beta * scale too small for the Q5.26 rescale (TFLM's check fails too).
  EXPECT_THROW(PrepareSoftmaxInt8(1.0f, 1e-9f, 1.0f / 256.0f, -128), Error);
  EXPECT_NO_THROW(PrepareSoftmaxInt8ToInt16(1.0f, 0.1f, 1.0f / 65536.0f * 1.0005f, -32768));
}

// TFLM's outputs for hand-picked inputs (tests/interp/ref/tflm_vectors.h,
// checked against the real TFLM by tests/tflm/tflm_vectors_test.cc).
TEST(Softmax, TflmVectors) {
  int checked = 0;
  for (const testing::TflmVector& v : testing::TflmVectors()) {
    if (v.op != testing::VectorOp::kSoftmax) continue;
    SCOPED_TRACE(v.name);
    const Shape shape({static_cast<int32_t>(v.input.size())});
    std::vector<int32_t> got;
    if (v.input_bits == 8) {
      const std::vector<int8_t> in(v.input.begin(), v.input.end());
      if (v.output_bits == 8) {
        std::vector<int8_t> out(in.size());
        SoftmaxInt8(PrepareSoftmaxInt8(v.beta, v.input_scale, v.output_scale, v.output_zero_point), shape, in.data(),
                    out.data());
        got.assign(out.begin(), out.end());
      } else {
        std::vector<int16_t> out(in.size());
        SoftmaxInt8ToInt16(PrepareSoftmaxInt8ToInt16(v.beta, v.input_scale, v.output_scale, v.output_zero_point),
                           shape, in.data(), out.data());
        got.assign(out.begin(), out.end());
      }
    } else {
      const std::vector<int16_t> in(v.input.begin(), v.input.end());
      std::vector<int16_t> out(in.size());
      SoftmaxInt16(PrepareSoftmaxInt16(v.beta, v.input_scale, v.input_zero_point, v.output_scale, v.output_zero_point),
                   shape, in.data(), out.data());
      got.assign(out.begin(), out.end());
    }
    EXPECT_EQ(got, v.output);
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

}  // namespace
}  // namespace tinyforge::ref
