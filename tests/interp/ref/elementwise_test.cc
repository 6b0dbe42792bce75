#include "libconvert/interp/ref/elementwise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

constexpr int kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3;

// ---------------------------------------------------------------- helpers

// Independent broadcast indexing: per output flat index, div/mod into
// coordinates, then each input reads coordinate % its dim.
int64_t SourceIndex(int64_t out_index, const Shape& out, const Shape& in) {
  const int lead = out.rank() - in.rank();
  std::vector<int64_t> coord(static_cast<size_t>(out.rank()));
  for (int i = out.rank() - 1; i >= 0; --i) {
    coord[static_cast<size_t>(i)] = out_index % out.dim(i);
    out_index /= out.dim(i);
  }
  int64_t index = 0;
  for (int i = 0; i < in.rank(); ++i) {
    index = index * in.dim(i) + coord[static_cast<size_t>(lead + i)] % in.dim(i);
  }
  return index;
}

struct BinaryCase {
  Shape a, b, out;
};

// Shape pairs covering the flat path, scalars, one-sided and two-sided
// broadcasts, and 5D/6D.
std::vector<BinaryCase> Cases() {
  return {
      {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}},
      {{7}, {}, {7}},
      {{}, {2, 5}, {2, 5}},
      {{4, 1, 3}, {5, 1}, {4, 5, 3}},
      {{2, 3, 1, 2}, {1, 1, 3, 2}, {2, 3, 3, 2}},
      {{2, 3, 1, 2}, {2, 3, 1, 1}, {2, 3, 1, 2}},
      {{1, 2, 1, 3, 1}, {2, 1, 4, 1, 2}, {2, 2, 4, 3, 2}},
      {{2, 1, 2, 1, 2, 1}, {1, 3, 1, 2, 1, 2}, {2, 3, 2, 2, 2, 2}},
  };
}

template <typename T>
std::vector<T> RandomInts(size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int32_t> d(std::numeric_limits<T>::min(),
                                           std::numeric_limits<T>::max());
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(d(rng));
  return v;
}

std::vector<float> RandomFloats(size_t n, std::mt19937& rng, float lo, float hi) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

double ActMin(int act) { return act == kRelu || act == kRelu6 ? 0.0 : act == kReluN1To1 ? -1.0 : -1e300; }
double ActMax(int act) { return act == kRelu6 ? 6.0 : act == kReluN1To1 ? 1.0 : 1e300; }

// ---------------------------------------------------------------- float

using FloatKernel = std::function<void(const BroadcastPlan&, const float*, const float*, float*)>;

// Runs `kernel` over every case and compares with `expected(a, b)` computed
// in double and rounded to float.
void CheckFloat(const char* name, const FloatKernel& kernel,
                const std::function<double(double, double)>& expected, unsigned seed,
                float lo = -4.0f, float hi = 4.0f) {
  std::mt19937 rng(seed);
  for (const BinaryCase& c : Cases()) {
    const auto a = RandomFloats(static_cast<size_t>(c.a.FlatSize()), rng, lo, hi);
    const auto b = RandomFloats(static_cast<size_t>(c.b.FlatSize()), rng, lo, hi);
    std::vector<float> out(static_cast<size_t>(c.out.FlatSize()));
    kernel(MakeBroadcastPlan(c.a, c.b, c.out), a.data(), b.data(), out.data());
    for (int64_t i = 0; i < c.out.FlatSize(); ++i) {
      const double x = a[static_cast<size_t>(SourceIndex(i, c.out, c.a))];
      const double y = b[static_cast<size_t>(SourceIndex(i, c.out, c.b))];
      ASSERT_FLOAT_EQ(out[static_cast<size_t>(i)], static_cast<float>(expected(x, y)))
          << name << " seed " << seed << " a " << ShapeToString(c.a) << " b " << ShapeToString(c.b)
          << " index " << i;
    }
  }
}

TEST(Elementwise, FloatOpsMatchDoubleArithmetic) {
  for (int act : {kNone, kRelu, kReluN1To1, kRelu6}) {
    const FloatRange r = FloatActivationRange(act);
    auto clamp = [act](double v) { return std::min(std::max(v, ActMin(act)), ActMax(act)); };
    CheckFloat(
        "add", [&](auto& p, auto* x, auto* y, auto* o) { Add(p, r, x, y, o); },
        [&](double x, double y) { return clamp(x + y); }, 11u + static_cast<unsigned>(act),
        -8.0f, 8.0f);
    CheckFloat(
        "sub", [&](auto& p, auto* x, auto* y, auto* o) { Sub(p, r, x, y, o); },
        [&](double x, double y) { return clamp(x - y); }, 21u + static_cast<unsigned>(act),
        -8.0f, 8.0f);
    CheckFloat(
        "mul", [&](auto& p, auto* x, auto* y, auto* o) { Mul(p, r, x, y, o); },
        [&](double x, double y) { return clamp(x * y); }, 31u + static_cast<unsigned>(act));
    CheckFloat(
        "div", [&](auto& p, auto* x, auto* y, auto* o) { Div(p, r, x, y, o); },
        [&](double x, double y) { return clamp(x / y); }, 41u + static_cast<unsigned>(act),
        0.25f, 4.0f);
  }
  CheckFloat(
      "max", [](auto& p, auto* x, auto* y, auto* o) { Maximum<float>(p, x, y, o); },
      [](double x, double y) { return x > y ? x : y; }, 51u);
  CheckFloat(
      "min", [](auto& p, auto* x, auto* y, auto* o) { Minimum<float>(p, x, y, o); },
      [](double x, double y) { return x < y ? x : y; }, 61u);
  CheckFloat(
      "squared_difference",
      [](auto& p, auto* x, auto* y, auto* o) { SquaredDifference(p, x, y, o); },
      [](double x, double y) {
        const float d = static_cast<float>(x - y);  // float subtraction is exact here
        return static_cast<double>(d) * d;
      },
      71u);
}

TEST(Elementwise, FloatActivationHandCases) {
  const Shape s{4};
  const auto plan = MakeBroadcastPlan(s, s, s);
  const float a[] = {-2.0f, 0.2f, 0.7f, 0.8f};
  const float b[] = {0.1f, 0.2f, 0.3f, 0.5f};
  float out[4];
  Add(plan, FloatActivationRange(kReluN1To1), a, b, out);
  EXPECT_FLOAT_EQ(out[0], -1.0f);
  EXPECT_FLOAT_EQ(out[1], 0.4f);
  EXPECT_FLOAT_EQ(out[2], 1.0f);
  EXPECT_FLOAT_EQ(out[3], 1.0f);
  Sub(plan, FloatActivationRange(kRelu), a, b, out);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_FLOAT_EQ(out[3], 0.3f);
  const float big[] = {10.0f, 10.0f, -10.0f, 2.0f};
  Mul(plan, FloatActivationRange(kRelu6), big, b, out);
  EXPECT_FLOAT_EQ(out[0], 1.0f);
  EXPECT_FLOAT_EQ(out[1], 2.0f);
  EXPECT_EQ(out[2], 0.0f);
  EXPECT_FLOAT_EQ(out[3], 1.0f);
}

// TFLM's comparisons: in1 > in2 ? in1 : in2, so a NaN anywhere selects in2,
// and max(-0, +0) is +0 while max(+0, -0) is -0.
TEST(Elementwise, MaximumMinimumFollowTflmComparisons) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Shape s{4};
  const auto plan = MakeBroadcastPlan(s, s, s);
  const float a[] = {nan, 1.0f, -0.0f, 0.0f};
  const float b[] = {1.0f, nan, 0.0f, -0.0f};
  float out[4];
  Maximum<float>(plan, a, b, out);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_TRUE(std::isnan(out[1]));
  EXPECT_FALSE(std::signbit(out[2]));
  EXPECT_TRUE(std::signbit(out[3]));
  Minimum<float>(plan, a, b, out);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_TRUE(std::isnan(out[1]));
  EXPECT_FALSE(std::signbit(out[2]));
  EXPECT_TRUE(std::signbit(out[3]));
}

TEST(Elementwise, IntegerMaximumMinimumWithBroadcast) {
  const unsigned seed = 77;
  std::mt19937 rng(seed);
  for (const BinaryCase& c : Cases()) {
    const auto a = RandomInts<int8_t>(static_cast<size_t>(c.a.FlatSize()), rng);
    const auto b = RandomInts<int8_t>(static_cast<size_t>(c.b.FlatSize()), rng);
    std::vector<int8_t> mx(static_cast<size_t>(c.out.FlatSize()));
    std::vector<int8_t> mn(mx.size());
    const auto plan = MakeBroadcastPlan(c.a, c.b, c.out);
    Maximum<int8_t>(plan, a.data(), b.data(), mx.data());
    Minimum<int8_t>(plan, a.data(), b.data(), mn.data());
    for (int64_t i = 0; i < c.out.FlatSize(); ++i) {
      const int x = a[static_cast<size_t>(SourceIndex(i, c.out, c.a))];
      const int y = b[static_cast<size_t>(SourceIndex(i, c.out, c.b))];
      ASSERT_EQ(mx[static_cast<size_t>(i)], std::max(x, y)) << "seed " << seed << " i " << i;
      ASSERT_EQ(mn[static_cast<size_t>(i)], std::min(x, y)) << "seed " << seed << " i " << i;
    }
  }
}

// ---------------------------------------------------------------- int32

TEST(Elementwise, Int32ArithmeticWrapsAndClamps) {
  const Shape s{4};
  const auto plan = MakeBroadcastPlan(s, s, s);
  // TFLM's own add_test vector.
  const int32_t a[] = {-2, 2147483646, -1, 1146622854};
  const int32_t b[] = {3, 1, -2147483647, -726978367};
  int32_t out[4];
  Add(plan, a, b, out);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], 2147483647);
  EXPECT_EQ(out[2], -2147483647 - 1);
  EXPECT_EQ(out[3], 419644487);
  // Wrap-around instead of UB: INT32_MAX + 1.
  const int32_t one[] = {1, 1, 1, 1};
  const int32_t max[] = {2147483647, 2147483647, 2147483647, 2147483647};
  Add(plan, max, one, out);
  EXPECT_EQ(out[0], -2147483647 - 1);
  const int32_t c[] = {5, -7, 3, 100};
  const int32_t d[] = {2, 3, -4, 1};
  Sub(plan, Int32ActivationRange(kRelu6), c, d, out);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[1], 0);
  EXPECT_EQ(out[2], 6);
  EXPECT_EQ(out[3], 6);
  Mul(plan, Int32ActivationRange(kNone), c, d, out);
  EXPECT_EQ(out[0], 10);
  EXPECT_EQ(out[1], -21);
  EXPECT_EQ(out[2], -12);
  EXPECT_EQ(out[3], 100);
  Mul(plan, Int32ActivationRange(kReluN1To1), c, d, out);
  EXPECT_EQ(out[1], -1);
  EXPECT_EQ(out[3], 1);
  SquaredDifference(plan, c, d, out);
  EXPECT_EQ(out[0], 9);
  EXPECT_EQ(out[1], 100);
  EXPECT_EQ(out[2], 49);
  EXPECT_EQ(out[3], 9801);
}

// ---------------------------------------------------------------- quantized

// An independent Q31 decomposition (frexp + round-half-away), used to state
// the expected Prepare outputs.
QuantizedMultiplier ExpectedQ31(double m) {
  int e = 0;
  const double f = std::frexp(m, &e);
  int64_t q = std::llround(f * 2147483648.0);
  if (q == (int64_t{1} << 31)) {
    q /= 2;
    ++e;
  }
  return {static_cast<int32_t>(q), e};
}

TEST(Elementwise, AddPrepareHandComputed) {
  // scales 0.25, 0.5 -> 1.0: twice max = 1.0; multipliers 0.25, 0.5, 2^-20.
  const AddSubParams p = PrepareAddQuantized<int8_t>({0.25f, -10}, {0.5f, 4}, {1.0f, 13}, kNone);
  EXPECT_EQ(p.left_shift, 20);
  EXPECT_EQ(p.input1_offset, 10);
  EXPECT_EQ(p.input2_offset, -4);
  EXPECT_EQ(p.output_offset, 13);
  EXPECT_EQ(p.input1_multiplier.multiplier, 1 << 30);
  EXPECT_EQ(p.input1_multiplier.shift, -1);
  EXPECT_EQ(p.input2_multiplier.multiplier, 1 << 30);
  EXPECT_EQ(p.input2_multiplier.shift, 0);
  EXPECT_EQ(p.output_multiplier.multiplier, 1 << 30);
  EXPECT_EQ(p.output_multiplier.shift, -19);
  EXPECT_EQ(p.activation_min, -128);
  EXPECT_EQ(p.activation_max, 127);
  const AddSubParams q = PrepareAddQuantized<int16_t>({0.25f, 0}, {0.5f, 0}, {1.0f, 0}, kRelu);
  EXPECT_EQ(q.left_shift, 15);
  EXPECT_EQ(q.output_multiplier.shift, -14);
  EXPECT_EQ(q.activation_min, 0);
  EXPECT_EQ(q.activation_max, 32767);
}

// ADD forms its real multipliers in double, SUB in float: find scales where
// that changes the Q31 multiplier and check each op picked its own rounding.
TEST(Elementwise, SubUsesSinglePrecisionMultipliersAddDouble) {
  const unsigned seed = 4242;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> scale(1e-3f, 1.0f);
  int differing = 0;
  for (int trial = 0; trial < 20000 && differing < 20; ++trial) {
    const float s1 = scale(rng), s2 = scale(rng), so = scale(rng) * 4.0f;
    const float twice_f = 2 * std::max(s1, s2);
    const double twice_d = 2 * static_cast<double>(std::max(s1, s2));
    const QuantizedMultiplier in1_f = ExpectedQ31(static_cast<double>(s1 / twice_f));
    const QuantizedMultiplier in1_d = ExpectedQ31(static_cast<double>(s1) / twice_d);
    const QuantizedMultiplier out_f =
        ExpectedQ31(static_cast<double>(twice_f / (static_cast<float>(1 << 20) * so)));
    const QuantizedMultiplier out_d = ExpectedQ31(twice_d / ((1 << 20) * static_cast<double>(so)));
    if (in1_f.multiplier == in1_d.multiplier && out_f.multiplier == out_d.multiplier) continue;
    ++differing;
    const AddSubParams add = PrepareAddQuantized<int8_t>({s1, 0}, {s2, 0}, {so, 0}, kNone);
    const AddSubParams sub = PrepareSubQuantized<int8_t>({s1, 0}, {s2, 0}, {so, 0}, kNone);
    EXPECT_EQ(add.input1_multiplier.multiplier, in1_d.multiplier) << "seed " << seed;
    EXPECT_EQ(sub.input1_multiplier.multiplier, in1_f.multiplier) << "seed " << seed;
    EXPECT_EQ(add.output_multiplier.multiplier, out_d.multiplier) << "seed " << seed;
    EXPECT_EQ(sub.output_multiplier.multiplier, out_f.multiplier) << "seed " << seed;
  }
  EXPECT_GT(differing, 0) << "no distinguishing scales found; seed " << seed;
}

TEST(Elementwise, QuantizedPrepareRejectsWhatTflmRejects) {
  // Output scale so small that the output rescale factor reaches 1.
  EXPECT_THROW(PrepareAddQuantized<int8_t>({1.0f, 0}, {1.0f, 0}, {1e-7f, 0}, kNone), Error);
  EXPECT_THROW(PrepareSubQuantized<int8_t>({1.0f, 0}, {0.0f, 0}, {1.0f, 0}, kNone), Error);
  EXPECT_THROW(PrepareMulQuantized<int16_t>({1.0f, 1}, {1.0f, 0}, {1.0f, 0}, kNone), Error);
  EXPECT_NO_THROW(PrepareMulQuantized<int8_t>({1.0f, 1}, {1.0f, 0}, {1.0f, 0}, kNone));
  EXPECT_THROW(PrepareSquaredDifferenceQuantized<int16_t>({1.0f, 0}, {1.0f, 0}, {1.0f, 3}),
               Error);
  EXPECT_THROW(PrepareSquaredDifferenceQuantized<int8_t>({1.0f, 200}, {1.0f, 0}, {1.0f, 0}),
               Error);
}

struct BinaryQuant {
  float scale;
  int32_t zero_point;
};

double Dequant(int32_t q, const BinaryQuant& p) { return p.scale * (static_cast<double>(q) - p.zero_point); }

// Round half away from zero, then clamp.
int32_t Requant(double real, const BinaryQuant& p, double lo, double hi) {
  const double q = std::round(real / p.scale) + p.zero_point;
  return static_cast<int32_t>(std::min(std::max(q, lo), hi));
}

// Quantized activation range computed independently from the definition.
std::pair<double, double> QuantRange(int act, const BinaryQuant& out, double qmin, double qmax) {
  double lo = qmin, hi = qmax;
  auto q = [&](double r) { return std::round(r / out.scale) + out.zero_point; };
  if (act == kRelu || act == kRelu6) lo = std::max(lo, q(0.0));
  if (act == kRelu6) hi = std::min(hi, q(6.0));
  if (act == kReluN1To1) {
    lo = std::max(lo, q(-1.0));
    hi = std::min(hi, q(1.0));
  }
  return {lo, hi};
}

// Runs a quantized kernel over every broadcast case with random
// quantization, comparing with dequantize -> double -> requantize.
template <typename T>
void CheckQuantized(const char* name, unsigned seed, bool symmetric, int act,
                    const std::function<std::function<void(const BroadcastPlan&, const T*,
                                                           const T*, T*)>(BinaryQuant, BinaryQuant, BinaryQuant)>&
                        make_kernel,
                    const std::function<double(double, double)>& real_op, float out_scale_factor,
                    const std::function<int32_t(double, double, BinaryQuant, BinaryQuant, BinaryQuant)>& tolerance =
                        nullptr) {
  std::mt19937 rng(seed);
  const double qmin = std::numeric_limits<T>::min(), qmax = std::numeric_limits<T>::max();
  const bool is8 = sizeof(T) == 1;
  std::uniform_real_distribution<float> scale_dist(is8 ? 0.01f : 1e-4f, is8 ? 0.1f : 1e-3f);
  std::uniform_int_distribution<int32_t> zp_dist(symmetric ? 0 : -100, symmetric ? 0 : 100);
  int64_t total = 0, off_by_one = 0;
  for (int round = 0; round < 8; ++round) {
    const BinaryQuant q1{scale_dist(rng), zp_dist(rng)};
    const BinaryQuant q2{scale_dist(rng), zp_dist(rng)};
    const BinaryQuant qo{scale_dist(rng) * out_scale_factor, zp_dist(rng)};
    const auto kernel = make_kernel(q1, q2, qo);
    const auto [lo, hi] = QuantRange(act, qo, qmin, qmax);
    for (const BinaryCase& c : Cases()) {
      const auto a = RandomInts<T>(static_cast<size_t>(c.a.FlatSize()), rng);
      const auto b = RandomInts<T>(static_cast<size_t>(c.b.FlatSize()), rng);
      std::vector<T> out(static_cast<size_t>(c.out.FlatSize()));
      kernel(MakeBroadcastPlan(c.a, c.b, c.out), a.data(), b.data(), out.data());
      for (int64_t i = 0; i < c.out.FlatSize(); ++i) {
        const double x = Dequant(a[static_cast<size_t>(SourceIndex(i, c.out, c.a))], q1);
        const double y = Dequant(b[static_cast<size_t>(SourceIndex(i, c.out, c.b))], q2);
        const int32_t expected = Requant(real_op(x, y), qo, lo, hi);
        const int32_t got = out[static_cast<size_t>(i)];
        ++total;
        if (got != expected) ++off_by_one;
        const int32_t allowed = tolerance ? tolerance(x, y, q1, q2, qo) : 1;
        ASSERT_LE(std::abs(got - expected), allowed)
            << name << " seed " << seed << " round " << round << " a " << ShapeToString(c.a)
            << " b " << ShapeToString(c.b) << " index " << i << " x " << x << " y " << y;
      }
    }
  }
  // With the default tolerance, off-by-one is TFLM's double rounding and
  // must stay rare.
  if (!tolerance) {
    EXPECT_LT(off_by_one * 20, total) << name << " seed " << seed;
  }
}

TEST(Elementwise, Int8AddSubMulWithinOneOfRealArithmetic) {
  for (int act : {kNone, kRelu, kReluN1To1, kRelu6}) {
    const unsigned s = 100u + static_cast<unsigned>(act);
    CheckQuantized<int8_t>(
        "add int8", s, false, act,
        [act](BinaryQuant a, BinaryQuant b, BinaryQuant o) {
          const auto p = PrepareAddQuantized<int8_t>({a.scale, a.zero_point},
                                                     {b.scale, b.zero_point},
                                                     {o.scale, o.zero_point}, act);
          return [p](auto& plan, auto* x, auto* y, auto* out) { Add(plan, p, x, y, out); };
        },
        [](double x, double y) { return x + y; }, 2.0f);
    CheckQuantized<int8_t>(
        "sub int8", s + 10, false, act,
        [act](BinaryQuant a, BinaryQuant b, BinaryQuant o) {
          const auto p = PrepareSubQuantized<int8_t>({a.scale, a.zero_point},
                                                     {b.scale, b.zero_point},
                                                     {o.scale, o.zero_point}, act);
          return [p](auto& plan, auto* x, auto* y, auto* out) { Sub(plan, p, x, y, out); };
        },
        [](double x, double y) { return x - y; }, 2.0f);
    CheckQuantized<int8_t>(
        "mul int8", s + 20, false, act,
        [act](BinaryQuant a, BinaryQuant b, BinaryQuant o) {
          const auto p = PrepareMulQuantized<int8_t>({a.scale, a.zero_point},
                                                     {b.scale, b.zero_point},
                                                     {o.scale, o.zero_point}, act);
          return [p](auto& plan, auto* x, auto* y, auto* out) { Mul(plan, p, x, y, out); };
        },
        [](double x, double y) { return x * y; }, 0.15f);
  }
}

TEST(Elementwise, Int16AddSubMulWithinOneOfRealArithmetic) {
  for (int act : {kNone, kRelu}) {
    const unsigned s = 200u + static_cast<unsigned>(act);
    CheckQuantized<int16_t>(
        "add int16", s, true, act,
        [act](BinaryQuant a, BinaryQuant b, BinaryQuant o) {
          const auto p = PrepareAddQuantized<int16_t>({a.scale, 0}, {b.scale, 0}, {o.scale, 0}, act);
          return [p](auto& plan, auto* x, auto* y, auto* out) { Add(plan, p, x, y, out); };
        },
        [](double x, double y) { return x + y; }, 2.0f);
    CheckQuantized<int16_t>(
        "sub int16", s + 10, true, act,
        [act](BinaryQuant a, BinaryQuant b, BinaryQuant o) {
          const auto p = PrepareSubQuantized<int16_t>({a.scale, 0}, {b.scale, 0}, {o.scale, 0}, act);
          return [p](auto& plan, auto* x, auto* y, auto* out) { Sub(plan, p, x, y, out); };
        },
        [](double x, double y) { return x - y; }, 2.0f);
    CheckQuantized<int16_t>(
        "mul int16", s + 20, true, act,
        [act](BinaryQuant a, BinaryQuant b, BinaryQuant o) {
          const auto p = PrepareMulQuantized<int16_t>({a.scale, 0}, {b.scale, 0}, {o.scale, 0}, act);
          return [p](auto& plan, auto* x, auto* y, auto* out) { Mul(plan, p, x, y, out); };
        },
        [](double x, double y) { return x * y; }, 10.0f);
  }
}

// SQUARED_DIFFERENCE rounds each input to a common grid of step
// u = 2 max(scale1, scale2) / 2^left_shift before squaring, so the
// difference D may be off by up to u and D^2 by 2|D|u + u^2; on top of that
// the output may be off by one from double rounding.
std::function<int32_t(double, double, BinaryQuant, BinaryQuant, BinaryQuant)> SquaredDifferenceTolerance(
    int left_shift) {
  return [left_shift](double x, double y, BinaryQuant a, BinaryQuant b, BinaryQuant o) {
    const double u = 2.0 * std::max(a.scale, b.scale) / std::ldexp(1.0, left_shift);
    const double d = std::abs(x - y);
    return static_cast<int32_t>(std::ceil((2 * d * u + u * u) / o.scale)) + 1;
  };
}

TEST(Elementwise, QuantizedSquaredDifferenceWithinGridErrorOfRealArithmetic) {
  CheckQuantized<int8_t>(
      "squared_difference int8", 300u, false, kNone,
      [](BinaryQuant a, BinaryQuant b, BinaryQuant o) {
        const auto p = PrepareSquaredDifferenceQuantized<int8_t>(
            {a.scale, a.zero_point}, {b.scale, b.zero_point}, {o.scale, o.zero_point});
        return [p](auto& plan, auto* x, auto* y, auto* out) {
          SquaredDifference(plan, p, x, y, out);
        };
      },
      [](double x, double y) { return (x - y) * (x - y); }, 1.0f, SquaredDifferenceTolerance(7));
  CheckQuantized<int16_t>(
      "squared_difference int16", 301u, true, kNone,
      [](BinaryQuant a, BinaryQuant b, BinaryQuant o) {
        const auto p =
            PrepareSquaredDifferenceQuantized<int16_t>({a.scale, 0}, {b.scale, 0}, {o.scale, 0});
        return [p](auto& plan, auto* x, auto* y, auto* out) {
          SquaredDifference(plan, p, x, y, out);
        };
      },
      [](double x, double y) { return (x - y) * (x - y); }, 20.0f, SquaredDifferenceTolerance(0));
}

// TFLM's add_test "QuantizedAddWithMixedBroadcastInt8" vector: the kernel's
// output equals the exactly quantized float golden.
TEST(Elementwise, Int8AddMatchesTflmMixedBroadcastVector) {
  const float in1[] = {-0.3f, 2.3f, 0.9f, 0.5f, 0.8f, -1.1f, 1.2f, 2.8f, -1.6f, 0.0f, 0.7f, -2.2f};
  const float in2[] = {0.2f, 0.3f, -0.4f, 0.5f, 1.0f, 0.9f};
  const float golden[] = {-0.1f, 2.6f, -0.7f, 2.8f, 0.7f, 3.2f, 1.1f, 0.8f, 0.5f,
                          1.0f,  1.9f, 1.4f,  1.0f, -0.8f, 0.4f, -0.6f, 1.8f, -0.2f,
                          1.4f,  3.1f, 0.8f,  3.3f, 2.2f, 3.7f, -1.4f, 0.3f, -2.0f,
                          0.5f,  -0.6f, 0.9f, 0.9f, -1.9f, 0.3f, -1.7f, 1.7f, -1.3f};
  const BinaryQuant q1{0.1f, -10}, q2{0.05f, -5}, qo{0.1f, 7};
  auto quantize = [](float v, const BinaryQuant& q) {
    const float r = std::round(v / q.scale) + static_cast<float>(q.zero_point);
    return static_cast<int8_t>(std::min(127.0f, std::max(-128.0f, r)));
  };
  std::vector<int8_t> a, b;
  for (float v : in1) a.push_back(quantize(v, q1));
  for (float v : in2) b.push_back(quantize(v, q2));
  const auto p = PrepareAddQuantized<int8_t>({q1.scale, q1.zero_point}, {q2.scale, q2.zero_point},
                                             {qo.scale, qo.zero_point}, kNone);
  std::vector<int8_t> out(36);
  Add(MakeBroadcastPlan(Shape{2, 3, 1, 2}, Shape{1, 1, 3, 2}, Shape{2, 3, 3, 2}), p, a.data(),
      b.data(), out.data());
  for (size_t i = 0; i < 36; ++i) EXPECT_EQ(out[i], quantize(golden[i], qo)) << "index " << i;
}

TEST(Elementwise, BroadcastErrorNamesBothShapes) {
  try {
    MakeBroadcastPlan(Shape{2, 3}, Shape{2, 4}, Shape{2, 4});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[2, 4]"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace tinyforge::ref
