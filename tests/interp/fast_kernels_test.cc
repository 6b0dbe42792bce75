// The fast kernels against the reference kernels (the oracle) on seeded
// random cases: random shapes, strides, paddings, dilations, groups, depth
// multipliers, zero points, per-tensor and per-channel scales, fused
// activations, with and without bias, on one thread or split over three. int8 must match bit for bit; float
// within 1e-5 relative (1e-5 absolute below 1; inputs lie in [-1, 1]).
//
// Every case prints nothing when it passes and its seed when it fails; run
// with TINYFORGE_TEST_SEED=N to move all seeds (the default is fixed).
#include "libconvert/interp/fast/fast_kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/interp/fast/avx2_kernels.h"
#include "libconvert/interp/fast/avx512_kernels.h"
#include "libconvert/interp/fast/cpu.h"
#include "libconvert/interp/fast/float_gemm.h"
#include "libconvert/interp/fast/kernel_support.h"

namespace tinyforge::interp::fast {
namespace {

using ref::Shape;

#define TF_REQUIRE_FAST()                                                          \
  do {                                                                             \
    if (!Available()) GTEST_SKIP() << "this CPU has no AVX2/FMA: no fast kernels"; \
  } while (0)

uint32_t BaseSeed() {
  const char* env = std::getenv("TINYFORGE_TEST_SEED");
  return env ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : 20261122u;
}

class Random {
 public:
  explicit Random(uint32_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Bool() { return Int(0, 1) == 1; }
  float Float(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng_); }
  std::vector<int8_t> Int8s(int64_t n, int lo = -128, int hi = 127) {
    std::vector<int8_t> v(static_cast<size_t>(n));
    for (int8_t& x : v) x = static_cast<int8_t>(Int(lo, hi));
    return v;
  }
  std::vector<float> Floats(int64_t n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = Float(-1.0f, 1.0f);
    return v;
  }
  std::vector<int32_t> Bias(int64_t n) {
    std::vector<int32_t> v(static_cast<size_t>(n));
    for (int32_t& x : v) x = Int(-20000, 20000);
    return v;
  }
  // Quantization of a conv-like op whose accumulators have about `fan_in`
  // terms: output scales that spread results over the int8 range.
  ref::ConvQuantization Quantization(int channels, int fan_in) {
    ref::ConvQuantization q;
    q.input_scale = Float(0.005f, 0.05f);
    q.input_zero_point = Int(-128, 127);
    const int scales = Bool() ? channels : 1;
    for (int c = 0; c < scales; ++c) q.filter_scales.push_back(Float(0.002f, 0.02f));
    q.output_scale = q.input_scale * 0.01f * std::sqrt(static_cast<float>(fan_in)) * Float(20.0f, 200.0f);
    q.output_zero_point = Int(-128, 127);
    // Sometimes a channel with a multiplier above 1 (a left shift), which
    // the AVX-512 kernels' bounded requantization leaves to the general one.
    if (Int(0, 4) == 0) {
      q.filter_scales[static_cast<size_t>(Int(0, scales - 1))] = Float(1.5f, 40.0f) * q.output_scale / q.input_scale;
    }
    return q;
  }

 private:
  std::mt19937 rng_;
};

// Half the cases split the fast kernel's work over three threads: the
// results must not depend on it.
ThreadPool* SomePool(Random& r) {
  static ThreadPool pool(3);
  return r.Bool() ? &pool : nullptr;
}

// A case's random parameters, printed when it fails.
std::string Describe(const char* what, uint32_t seed) {
  return std::string(what) + " seed " + std::to_string(seed) + " (TINYFORGE_TEST_SEED=" + std::to_string(BaseSeed()) + ")";
}

// Runs `cases` seeded cases from first_seed on, naming the seed of a
// failing one, and stops at the first failure.
template <typename Fn>
void ForEachCase(const char* what, uint32_t first_seed, int cases, Fn fn) {
  for (int i = 0; i < cases && !::testing::Test::HasFatalFailure(); ++i) {
    const uint32_t seed = first_seed + static_cast<uint32_t>(i);
    SCOPED_TRACE(Describe(what, seed));
    Random r(seed);
    fn(r);
  }
}

template <typename T>
size_t Mismatches(const std::vector<T>& got, const std::vector<T>& want) {
  size_t n = 0;
  for (size_t i = 0; i < got.size(); ++i) n += got[i] != want[i];
  return n;
}

// Elements further than 1e-5 of the output's largest magnitude from the
// reference's (NaN where the reference has NaN counts as equal).
size_t FloatMismatches(const std::vector<float>& got, const std::vector<float>& want) {
  double largest = 0;
  for (float w : want) largest = std::isfinite(w) ? std::max(largest, std::fabs(static_cast<double>(w))) : largest;
  const double tolerance = 1e-5 * largest;
  size_t n = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i]) && std::isnan(got[i])) continue;
    n += got[i] != want[i] && !(std::fabs(static_cast<double>(got[i]) - want[i]) <= tolerance);
  }
  return n;
}

// Runs a fast kernel's closure (which must exist) and checks its output
// against the reference's: the same bits, or (float kernels that sum in
// another order) within 1e-5 of the output's largest magnitude.
template <typename T>
void ExpectMatch(const EvalFn& eval, const std::vector<T>& got, const std::vector<T>& want, bool exact = true) {
  ASSERT_TRUE(eval);
  eval();
  if constexpr (std::is_same_v<T, float>) {
    if (!exact) {
      ASSERT_EQ(FloatMismatches(got, want), 0u);
      return;
    }
  }
  ASSERT_EQ(Mismatches(got, want), 0u);
}

TEST(FastKernels, RequantizeMatchesReference) {
  TF_REQUIRE_FAST();
  ForEachCase("requantize", BaseSeed(), 300, [&](Random& r) {
    ref::ConvQuantization quant = r.Quantization(37, 1);
    // Multipliers from tiny to above 1 (left shifts).
    for (float& s : quant.filter_scales) s = std::pow(10.0f, r.Float(-7.0f, 1.5f)) * quant.output_scale / quant.input_scale;
    const int channels = r.Int(1, 37);
    const ref::ConvQuantParams q = ref::PrepareConvQuantParams("TEST", quant, 37, r.Int(0, 3), -128, 127);
    std::vector<int32_t> acc(static_cast<size_t>(channels)), bias = r.Bias(channels);
    // Mostly accumulators whose rescaled value lands near the int8 range
    // (where rounding decides the bits), some anywhere in int32.
    for (int c = 0; c < channels; ++c) {
      const double m = q.output_multiplier[c] * std::ldexp(1.0, q.output_shift[c] - 31);
      const double target = r.Float(-300.0f, 300.0f) / std::max(m, 1e-12);
      acc[c] = r.Int(0, 7) == 0 || !(std::fabs(target) < 2e9) ? r.Int(INT32_MIN, INT32_MAX)
                                                              : static_cast<int32_t>(target);
    }
    const Requantizer requantize(q, 0, channels);
    ASSERT_TRUE(requantize.Valid());
    const bool with_bias = r.Int(0, 3) == 0;
    std::vector<int8_t> got(acc.size()), want(acc.size());
    avx2::RequantizeInt8(requantize.Params(), acc.data(), with_bias ? bias.data() : nullptr, channels, got.data());
    for (int c = 0; c < channels; ++c) {
      const int32_t a = with_bias ? ref::WrappingAdd(acc[c], bias[c]) : acc[c];
      want[c] = static_cast<int8_t>(ref::Requantize(a, q, c));
    }
    ASSERT_EQ(Mismatches(got, want), 0u);
  });
}

// Random geometry of a CONV_2D (depthwise false: groups sometimes) or a
// DEPTHWISE_CONV_2D (depth multiplier sometimes > 1); retried until the
// shapes fit.
struct WindowCase {
  ref::Padding padding;
  int stride_h, stride_w, dilation_h, dilation_w, activation, multiplier;
  Shape input, filter, output;

  int channels() const { return output.dim(3); }
  int fan_in() const { return filter.dim(1) * filter.dim(2) * (multiplier > 0 ? 1 : filter.dim(3)); }
  ref::ConvOptions conv() const {
    return {padding, stride_h, stride_w, dilation_h, dilation_w, activation};
  }
  ref::DepthwiseConvOptions depthwise() const {
    return {padding, stride_h, stride_w, dilation_h, dilation_w, multiplier, activation};
  }
};

WindowCase RandomWindow(Random& r, bool depthwise) {
  for (;;) {
    WindowCase c;
    // A quarter of the convs are pointwise (1x1, stride 1), which the fast
    // kernel runs without an im2col; some images span several GEMM chunks.
    const bool pointwise = !depthwise && r.Int(0, 3) == 0;
    const int kh = pointwise ? 1 : r.Int(1, depthwise ? 5 : 4), kw = pointwise ? 1 : r.Int(1, depthwise ? 5 : 4);
    c.padding = r.Bool() ? ref::Padding::kSame : ref::Padding::kValid;
    c.stride_h = pointwise ? 1 : r.Int(1, 3);
    c.stride_w = pointwise ? 1 : r.Int(1, 3);
    c.dilation_h = r.Int(0, 3) == 0 ? r.Int(2, 3) : 1;
    c.dilation_w = r.Int(0, 3) == 0 ? r.Int(2, 3) : 1;
    c.activation = r.Int(0, 3);
    const int max_side = r.Int(0, 7) == 0 ? 48 : 13;
    const int batch = r.Int(1, 2), h = r.Int(1, max_side), w = r.Int(1, max_side);
    if (depthwise) {
      // Multipliers other than 1 repeat input channels in the padded copy.
      const int multipliers[] = {1, 1, 1, 1, 2, 3, 8, 16};
      c.multiplier = multipliers[r.Int(0, 7)];
      // Half of the others in whole blocks of 16 (the AVX-512 float kernel's).
      const int channels = c.multiplier >= 8 ? r.Int(1, 4) : r.Bool() ? 16 * r.Int(1, 3) : r.Int(1, 40);
      c.input = Shape{batch, h, w, channels};
      c.filter = Shape{1, kh, kw, channels * c.multiplier};
    } else {
      const int groups = !pointwise && r.Int(0, 4) == 0 ? r.Int(2, 3) : 1, filter_in = r.Int(1, pointwise ? 40 : 12);
      c.multiplier = 0;
      c.input = Shape{batch, h, w, groups * filter_in};
      // Some wide enough for several blocks of output channels.
      const int per_group = r.Int(0, 3) == 0 ? r.Int(25, 80) : r.Int(1, 24);
      c.filter = Shape{groups * per_group, kh, kw, filter_in};
    }
    try {
      const ref::WindowGeometry g = ref::ComputePaddingHeightWidth(c.stride_h, c.stride_w, c.dilation_h,
                                                                   c.dilation_w, h, w, kh, kw, c.padding);
      if (g.out_height <= 0 || g.out_width <= 0) continue;
      c.output = Shape{batch, g.out_height, g.out_width, depthwise ? c.filter.dim(3) : c.filter.dim(0)};
      return c;
    } catch (const Error&) {
    }
  }
}

// One random case of a conv-like kernel in the reference and the fast form:
// prepare(case, random) gives the params; run_ref and run_fast take them.
template <typename T, typename Bias, typename Prepare, typename RunRef, typename RunFast>
void CompareWindowKernel(const char* what, uint32_t first_seed, int cases, bool depthwise, Prepare prepare,
                         RunRef run_ref, RunFast run_fast) {
  ForEachCase(what, first_seed, cases, [&](Random& r) {
    const WindowCase c = RandomWindow(r, depthwise);
    const auto params = prepare(c, r);
    std::vector<T> x, w;
    std::vector<Bias> bias;
    if constexpr (std::is_same_v<T, float>) {
      x = r.Floats(c.input.FlatSize()), w = r.Floats(c.filter.FlatSize()), bias = r.Floats(c.channels());
    } else {
      x = r.Int8s(c.input.FlatSize()), w = r.Int8s(c.filter.FlatSize()), bias = r.Bias(c.channels());
    }
    const Bias* b = r.Bool() ? bias.data() : nullptr;
    std::vector<T> got(static_cast<size_t>(c.output.FlatSize())), want(got.size());
    run_ref(params, c.input, x.data(), c.filter, w.data(), b, c.output, want.data());
    SCOPED_TRACE("input " + ref::ShapeToString(c.input) + " filter " + ref::ShapeToString(c.filter));
    // Float kernels sum in another order (but a depthwise conv with a
    // depth multiplier above 1 gives the bits); int8 ones give the bits.
    const bool exact = !std::is_same_v<T, float> || (depthwise && c.multiplier > 1);
    ExpectMatch(run_fast(params, c.input, x.data(), c.filter, w.data(), b, c.output, got.data(), SomePool(r)), got, want,
                exact);
  });
}


// The kernel sets the fast ops choose from: AVX2 alone (int8 GEMMs on
// int16 pairs); with the AVX-512 kernels (VNNI: uint8 activations, the
// offset's correction folded into the bias; int8 depthwise in blocks of 32
// channels; the float GEMM on 7-row tiles) through SIMDe's emulated
// kernels, which run on any machine; and through the CPU's own, skipped
// where the CPU has no AVX-512 VNNI.
enum class GemmChoice { kAvx2, kAvx512Emulated, kAvx512Native };

class KernelSet : public ::testing::TestWithParam<GemmChoice> {
 protected:
  void SetUp() override {
    if (!Available()) GTEST_SKIP() << "this CPU has no AVX2/FMA: no fast kernels";
    switch (GetParam()) {
      case GemmChoice::kAvx2:
        avx512_kernels_ = {};
        break;
      case GemmChoice::kAvx512Emulated:
        avx512_kernels_ = avx512_emulated::Kernels();
        break;
      case GemmChoice::kAvx512Native:
        if (!Cpu().avx512_vnni) GTEST_SKIP() << "this CPU has no AVX-512 VNNI";
        avx512_kernels_ = avx512::Kernels();
        break;
    }
    OverrideAvx512KernelsForTesting(true, avx512_kernels_);
  }
  void TearDown() override { OverrideAvx512KernelsForTesting(false, {}); }

  Avx512Kernels avx512_kernels_;  // the AVX-512 kernels under test; null for AVX2
};

TEST_P(KernelSet, ConvFloatMatchesReference) {
  CompareWindowKernel<float, float>(
      "CONV_2D float", BaseSeed() + 2000, 60, false,
      [](const WindowCase& c, Random&) { return ref::PrepareConvFloat(c.conv(), c.input, c.filter, c.output); },
      ref::ConvFloat, fast::ConvFloat);
}

// The float GEMM kernels' contract, computed independently: start, then
// one fused multiply-add x(kk) * w(kk) per step in kk order (std::fma),
// clamped as the reference clamps (min(max(v, lo), hi), a NaN kept).
template <typename X, typename W>
float FmaInOrder(float start, int k, float lo, float hi, X x, W w) {
  float sum = start;
  for (int kk = 0; kk < k; ++kk) sum = std::fma(x(kk), w(kk), sum);
  return std::min(std::max(sum, lo), hi);
}

// The AVX-512 float GEMM against its contract, bit for bit: each output
// is the bias, then one fused multiply-add per k step in order (std::fma,
// an independent computation of that contract), clamped as the reference
// clamps (a NaN kept); nothing is written outside the channels asked for
// (all, or a range of blocks). Rows 1..30 cover the 7-row tiles and every
// count of leftover rows; oc 1..70 whole, part-filled (9..15) and 8-wide
// last blocks; k = 0 the bias alone.
TEST_P(KernelSet, FloatGemmSumsInKOrderWithOneFmaPerStep) {
  const GemmFloatFn gemm = avx512_kernels_.gemm_float;
  if (gemm == nullptr) GTEST_SKIP() << "no AVX-512 float GEMM in this set (AVX2 sums leftover rows in another order)";
  ForEachCase("float GEMM", BaseSeed() + 2200, 300, [&](Random& r) {
    const int rows = r.Int(1, 30), k = r.Int(0, 40), oc = r.Int(1, 70);
    const int a_stride = k + r.Int(0, 3), c_stride = oc + r.Int(0, 3);
    std::vector<float> a = r.Floats(int64_t{rows} * a_stride);
    const std::vector<float> w = r.Floats(int64_t{oc} * k), bias = r.Floats(oc);
    if (k > 0 && r.Int(0, 4) == 0) a[static_cast<size_t>(r.Int(0, rows * a_stride - 1))] = std::nanf("");
    const float* b = r.Bool() ? bias.data() : nullptr;
    const float lo = r.Bool() ? -std::numeric_limits<float>::infinity() : r.Float(-2.0f, 0.0f);
    const float hi = r.Bool() ? std::numeric_limits<float>::infinity() : r.Float(0.0f, 2.0f);
    const FloatGemm packed(oc, k, [&](int64_t o, int64_t kk) { return w[static_cast<size_t>(o * k + kk)]; }, b);
    // Half the cases a range of the blocks, as a task of a split gets them
    // (FloatGemm::Run): channels [first, end) from block first / 16's weights.
    const int blocks = (oc + 15) / 16, b0 = r.Bool() ? 0 : r.Int(0, blocks - 1);
    const int first = 16 * b0, end = std::min(oc, 16 * (b0 == 0 && r.Bool() ? blocks : r.Int(b0 + 1, blocks)));
    constexpr float kUntouched = 12345.0f;
    std::vector<float> c(static_cast<size_t>(rows * c_stride + 16), kUntouched);
    gemm(a.data(), rows, a_stride, k, packed.packed() + int64_t{first} * (k + 1), end - first, c.data() + first, c_stride,
         lo, hi);
    for (int row = 0; row < rows; ++row) {
      for (int o = 0; o < c_stride; ++o) {
        const float got = c[static_cast<size_t>(row * c_stride + o)];
        if (o < first || o >= end) {
          ASSERT_EQ(got, kUntouched) << "written outside the channels asked for: row " << row << ", lane " << o;
          continue;
        }
        const float want = FmaInOrder(
            b != nullptr ? b[o] : 0.0f, k, lo, hi, [&](int kk) { return a[static_cast<size_t>(row * a_stride + kk)]; },
            [&](int kk) { return w[static_cast<size_t>(o * k + kk)]; });
        if (std::isnan(want)) {
          ASSERT_TRUE(std::isnan(got)) << "row " << row << ", channel " << o;
        } else {
          ASSERT_EQ(got, want) << "row " << row << ", channel " << o << " (rows " << rows << ", k " << k << ", oc " << oc
                               << ")";
        }
      }
    }
    for (size_t i = static_cast<size_t>(rows * c_stride); i < c.size(); ++i) ASSERT_EQ(c[i], kUntouched);
  });
}

// The same contract for the IGEMM form: row r's k values are `runs` runs
// of `length` values, `pitch` apart, from windows[r] (random places in an
// image, overlapping as a conv's windows do); oc up to 90, so that a single
// leftover row runs four blocks at a time.
TEST_P(KernelSet, FloatGemmWindowsSumsEachRunInPlace) {
  const GemmFloatWindowsFn gemm = avx512_kernels_.gemm_float_windows;
  if (gemm == nullptr) GTEST_SKIP() << "no AVX-512 float IGEMM in this set";
  ForEachCase("float IGEMM", BaseSeed() + 2300, 200, [&](Random& r) {
    const int rows = r.Int(1, 30), runs = r.Int(1, 3), length = r.Int(1, 20), oc = r.Int(1, 90);
    const int pitch = length + r.Int(0, 10), k = runs * length, span = (runs - 1) * pitch + length;
    const std::vector<float> image = r.Floats(span + 200), w = r.Floats(int64_t{oc} * k), bias = r.Floats(oc);
    std::vector<const float*> windows(static_cast<size_t>(rows));
    for (const float*& window : windows) window = image.data() + r.Int(0, 200);
    const FloatGemm packed(oc, k, [&](int64_t o, int64_t kk) { return w[static_cast<size_t>(o * k + kk)]; },
                           bias.data());
    std::vector<float> c(static_cast<size_t>(rows * oc));
    gemm(windows.data(), rows, runs, length, pitch, packed.packed(), oc, c.data(), oc, -1.0f, 1.0f);
    for (int row = 0; row < rows; ++row) {
      for (int o = 0; o < oc; ++o) {
        const float want = FmaInOrder(
            bias[static_cast<size_t>(o)], k, -1.0f, 1.0f,
            [&](int kk) { return windows[static_cast<size_t>(row)][kk / length * pitch + kk % length]; },
            [&](int kk) { return w[static_cast<size_t>(o * k + kk)]; });
        ASSERT_EQ(c[static_cast<size_t>(row * oc + o)], want)
            << "row " << row << ", channel " << o << " (runs " << runs << ", length " << length << ")";
      }
    }
  });
}

// The AVX2 float GEMM sums a row's leftover (past the last whole tile) in
// another order than its tiles: the task split, which shrinks chunks as
// threads are added, must leave the leftover rows where they are, so a conv
// gives the same bits on any number of threads. 1x1 and 3x3 convs over 190
// to 600 rows, most not multiples of 12. On the AVX-512 sets the 3x3 ones
// read their windows in place, and the 1x1 ones with over 64 KB of weights
// (up to 300 input channels) stream them.
TEST_P(KernelSet, ConvFloatGivesTheSameBitsOnAnyThreadCount) {
  static ThreadPool two(2), three(3), five(5);
  ForEachCase("CONV_2D float, threads", BaseSeed() + 2100, 12, [&](Random& r) {
    const int kernel = r.Bool() ? 1 : 3, h = r.Int(10, 30), w = 20 - r.Int(0, 1);
    const int in_c = r.Int(3, kernel == 1 ? 300 : 80), out_c = r.Int(8, 70);
    const Shape input{1, h, w, in_c}, filter{out_c, kernel, kernel, in_c}, output{1, h, w, out_c};
    const ref::ConvOptions options{ref::Padding::kSame, 1, 1, 1, 1, 0};
    const auto params = ref::PrepareConvFloat(options, input, filter, output);
    const std::vector<float> x = r.Floats(input.FlatSize()), wts = r.Floats(filter.FlatSize()), bias = r.Floats(out_c);
    std::vector<float> alone(static_cast<size_t>(output.FlatSize()));
    ExpectMatch(fast::ConvFloat(params, input, x.data(), filter, wts.data(), bias.data(), output, alone.data()), alone,
                alone);
    for (ThreadPool* pool : {&two, &three, &five}) {
      std::vector<float> split(alone.size());
      ExpectMatch(fast::ConvFloat(params, input, x.data(), filter, wts.data(), bias.data(), output, split.data(), pool),
                  split, alone);
    }
  });
}

// A conv with an empty batch (a hostile file's) on a thread pool: no rows
// to split, where splitting them divided by their zero chunks.
TEST(FastKernels, ConvOfAnEmptyBatchOnAPoolDoesNothing) {
  TF_REQUIRE_FAST();
  static ThreadPool pool(2);
  const Shape input{0, 4, 4, 3}, filter{8, 1, 1, 3}, output{0, 4, 4, 8};
  const auto params = ref::PrepareConvFloat({ref::Padding::kSame, 1, 1, 1, 1, 0}, input, filter, output);
  const std::vector<float> w(24, 0.5f);
  float x = 0.0f, y = 0.0f;
  const EvalFn eval = fast::ConvFloat(params, input, &x, filter, w.data(), nullptr, output, &y, &pool);
  ASSERT_TRUE(eval);  // the fast kernel takes it: what this test is about
  eval();
  EXPECT_EQ(y, 0.0f);
}


// The fast float depthwise kernels add 0 * w where the reference skips a
// tap in the padding, which is the same only for finite w: other filters
// keep the reference.
TEST(FastKernels, DepthwiseFloatLeavesNonFiniteFiltersToTheReference) {
  TF_REQUIRE_FAST();
  for (int multiplier : {1, 2}) {
    const Shape input{1, 4, 4, 2 / multiplier}, filter{1, 3, 3, 2}, output{1, 4, 4, 2};
    const ref::DepthwiseConvOptions options{ref::Padding::kSame, 1, 1, 1, 1, multiplier, 0};
    const auto params = ref::PrepareDepthwiseConvFloat(options, input, filter, output);
    std::vector<float> x(static_cast<size_t>(input.FlatSize()), 1.0f), w(static_cast<size_t>(filter.FlatSize()), 0.5f);
    std::vector<float> y(static_cast<size_t>(output.FlatSize()));
    EXPECT_TRUE(fast::DepthwiseConvFloat(params, input, x.data(), filter, w.data(), nullptr, output, y.data()));
    w[3] = std::numeric_limits<float>::infinity();
    EXPECT_FALSE(fast::DepthwiseConvFloat(params, input, x.data(), filter, w.data(), nullptr, output, y.data()))
        << "depth multiplier " << multiplier;
  }
}

// A dilation of 2^30 passes Prepare with SAME padding (padding 2^30 a side,
// every tap but the centre one outside the image), and the padded copy's
// height would not fit in an int: the fast kernels decline and the
// reference gives the centre tap, x * w.
TEST(FastKernels, HugeDilationsLeaveTheWindowToTheReference) {
  TF_REQUIRE_FAST();
  const int huge = 1 << 30;
  const Shape input{1, 4, 4, 2}, filter{2, 3, 3, 2}, dw_filter{1, 3, 3, 2}, output{1, 4, 4, 2};
  std::vector<float> x(static_cast<size_t>(input.FlatSize()), 1.0f), w(static_cast<size_t>(filter.FlatSize()), 0.5f);
  std::vector<float> y(static_cast<size_t>(output.FlatSize()), -1.0f);

  const ref::DepthwiseConvOptions dw{ref::Padding::kSame, 1, 1, huge, huge, 1, 0};
  const auto dw_params = ref::PrepareDepthwiseConvFloat(dw, input, dw_filter, output);
  EXPECT_FALSE(fast::DepthwiseConvFloat(dw_params, input, x.data(), dw_filter, w.data(), nullptr, output, y.data()));
  ref::DepthwiseConvFloat(dw_params, input, x.data(), dw_filter, w.data(), nullptr, output, y.data());
  for (float v : y) EXPECT_EQ(v, 0.5f);

  ref::ConvOptions conv;
  conv.padding = ref::Padding::kSame;
  conv.dilation_height = conv.dilation_width = huge;
  const auto conv_params = ref::PrepareConvFloat(conv, input, filter, output);
  EXPECT_FALSE(fast::ConvFloat(conv_params, input, x.data(), filter, w.data(), nullptr, output, y.data(), nullptr));
  ref::ConvFloat(conv_params, input, x.data(), filter, w.data(), nullptr, output, y.data());
  for (float v : y) EXPECT_EQ(v, 1.0f);  // the centre tap over both input channels: 2 x 0.5
}

// Padded copies the fast kernels would make far beyond the work the
// reference does, which they leave to the reference:
// - a 1x1 image of 1000 channels under a SAME 2x2 filter dilated 1000:
//   1001 x 1001 padded pixels of 1000 values, 4 GB filled per inference
//   (the allowance was 2^20 pixels, whatever their depth);
// - a 2000-row image under a 3-row filter dilated 900: each band of output
//   rows fills the 1801 rows its windows span, band after band.
TEST(FastKernels, PaddedCopiesFarBeyondTheTapsLeaveTheWorkToTheReference) {
  TF_REQUIRE_FAST();
  {
    const Shape input{1, 1, 1, 1000}, filter{1, 2, 2, 1000}, output{1, 1, 1, 1};
    const std::vector<float> x(1000, 1.0f), w(4000, 0.5f);
    std::vector<float> y(1);
    ref::ConvOptions conv;
    conv.padding = ref::Padding::kSame;
    conv.dilation_height = conv.dilation_width = 1000;
    const auto params = ref::PrepareConvFloat(conv, input, filter, output);
    EXPECT_FALSE(fast::ConvFloat(params, input, x.data(), filter, w.data(), nullptr, output, y.data(), nullptr));
  }
  {
    const Shape input{1, 2000, 512, 1}, filter{1, 3, 1, 2}, output{1, 2000, 512, 2};
    const std::vector<float> x(static_cast<size_t>(input.FlatSize()), 1.0f), w(6, 0.5f);
    std::vector<float> y(static_cast<size_t>(output.FlatSize()));
    const ref::DepthwiseConvOptions dw{ref::Padding::kSame, 1, 1, 900, 1, 2, 0};
    const auto params = ref::PrepareDepthwiseConvFloat(dw, input, filter, output);
    EXPECT_FALSE(fast::DepthwiseConvFloat(params, input, x.data(), filter, w.data(), nullptr, output, y.data()));
    // A dilation of 2 over the same image keeps the fast kernel.
    const ref::DepthwiseConvOptions near{ref::Padding::kSame, 1, 1, 2, 1, 2, 0};
    const auto near_params = ref::PrepareDepthwiseConvFloat(near, input, filter, output);
    EXPECT_TRUE(fast::DepthwiseConvFloat(near_params, input, x.data(), filter, w.data(), nullptr, output, y.data()));
  }
  {
    // A DeepLab-like dilation of 4 over rows of 280 KB (one-row bands, each
    // filling 9 rows for 3 filter rows) keeps the fast kernel too.
    const Shape input{1, 65, 65, 480}, filter{1, 3, 3, 960}, output{1, 65, 65, 960};
    const std::vector<float> x(static_cast<size_t>(input.FlatSize()), 1.0f), w(9 * 960, 0.5f);
    std::vector<float> y(static_cast<size_t>(output.FlatSize()));
    const ref::DepthwiseConvOptions dw{ref::Padding::kSame, 1, 1, 4, 4, 2, 0};
    const auto params = ref::PrepareDepthwiseConvFloat(dw, input, filter, output);
    EXPECT_TRUE(fast::DepthwiseConvFloat(params, input, x.data(), filter, w.data(), nullptr, output, y.data()));
  }
}

// The fast depthwise float kernel: FMA for depth multiplier 1, the
// reference's order (its bits) otherwise.
TEST_P(KernelSet, DepthwiseConvFloatMatchesReference) {
  CompareWindowKernel<float, float>(
      "DEPTHWISE_CONV_2D float", BaseSeed() + 4000, 60, true,
      [](const WindowCase& c, Random&) {
        return ref::PrepareDepthwiseConvFloat(c.depthwise(), c.input, c.filter, c.output);
      },
      ref::DepthwiseConvFloat, fast::DepthwiseConvFloat);
}

// Both float depthwise row kernels sum the bias, then one FMA per tap in
// (ky, kx) order: the AVX-512 one (blocks of 16 channels) gives the AVX2
// one's bits. Strides 1 and 2, 3x3 (the weights in registers) and others.
TEST_P(KernelSet, DepthwiseFloatGivesTheSameBitsInBlocksOf8And16) {
  if (avx512_kernels_.depthwise_row_float == nullptr) GTEST_SKIP() << "no AVX-512 float depthwise in this set";
  ForEachCase("DEPTHWISE_CONV_2D float, blocks of 16", BaseSeed() + 4100, 40, [&](Random& r) {
    const int k = r.Bool() ? 3 : r.Int(1, 5), stride = r.Int(1, 2), channels = 16 * r.Int(1, 4);
    const int h = r.Int(1, 20), w = r.Int(1, 20);
    const Shape input{1, h, w, channels}, filter{1, k, k, channels};
    const Shape output{1, (h + stride - 1) / stride, (w + stride - 1) / stride, channels};
    const ref::DepthwiseConvOptions options{ref::Padding::kSame, stride, stride, 1, 1, 1, r.Int(0, 3)};
    const auto params = ref::PrepareDepthwiseConvFloat(options, input, filter, output);
    const auto x = r.Floats(input.FlatSize()), wts = r.Floats(filter.FlatSize()), bias = r.Floats(channels);
    std::vector<float> blocks_of_16(static_cast<size_t>(output.FlatSize())), blocks_of_8(blocks_of_16.size());
    ExpectMatch(fast::DepthwiseConvFloat(params, input, x.data(), filter, wts.data(), bias.data(), output,
                                         blocks_of_16.data()),
                blocks_of_16, blocks_of_16);
    OverrideAvx512KernelsForTesting(true, {});
    ExpectMatch(fast::DepthwiseConvFloat(params, input, x.data(), filter, wts.data(), bias.data(), output,
                                         blocks_of_8.data()),
                blocks_of_8, blocks_of_16);
    OverrideAvx512KernelsForTesting(true, avx512_kernels_);
  });
}

TEST_P(KernelSet, FullyConnectedFloatMatchesReference) {
  // Up to 150 outputs: weights over 64 KB take the AVX-512 kernel (where
  // the set has it), which streams them past the rows.
  ForEachCase("FULLY_CONNECTED float", BaseSeed() + 5000, 100, [&](Random& r) {
    const int batches = r.Int(1, 5), depth = r.Int(1, 300), out = r.Int(1, 150);
    const Shape input{batches, depth}, weights{out, depth}, output{batches, out};
    const auto params = ref::PrepareFullyConnectedFloat(r.Int(0, 3), input, weights, output);
    const auto x = r.Floats(input.FlatSize()), w = r.Floats(weights.FlatSize()), bias = r.Floats(out);
    const float* b = r.Bool() ? bias.data() : nullptr;
    std::vector<float> got(static_cast<size_t>(output.FlatSize())), want(got.size());
    ref::FullyConnectedFloat(params, input, x.data(), weights, w.data(), b, output, want.data());
    ExpectMatch(fast::FullyConnectedFloat(params, input, x.data(), weights, w.data(), b, output, got.data(), SomePool(r)),
                got, want,
                false);
  });
}

// A FULLY_CONNECTED whose input rows hold no values (k = 0, which a
// hostile file can describe): the bias alone, as the reference gives it,
// on one thread and on a pool. Sizing its chunks once divided by the
// rows' zero bytes.
TEST_P(KernelSet, FullyConnectedOfEmptyRowsGivesTheBias) {
  static ThreadPool pool(2);
  const Shape input{3, 0}, weights{5, 0}, output{3, 5};
  const std::vector<float> bias{1.5f, -2.0f, 0.25f, 7.0f, -0.5f};
  const std::vector<int32_t> int_bias{100, -200, 3, 40000, -5};
  Random r(BaseSeed() + 5600);
  const auto quant = r.Quantization(5, 1);
  for (ThreadPool* threads : {static_cast<ThreadPool*>(nullptr), &pool}) {
    const float no_float = 0.0f;
    const int8_t no_int8 = 0;
    const auto float_params = ref::PrepareFullyConnectedFloat(0, input, weights, output);
    std::vector<float> got(15), want(15);
    ref::FullyConnectedFloat(float_params, input, &no_float, weights, &no_float, bias.data(), output, want.data());
    ExpectMatch(fast::FullyConnectedFloat(float_params, input, &no_float, weights, &no_float, bias.data(), output,
                                          got.data(), threads),
                got, want);
    const auto int8_params = ref::PrepareFullyConnectedInt8(0, input, weights, output, quant, std::nullopt);
    std::vector<int8_t> got8(15), want8(15);
    ref::FullyConnectedInt8(int8_params, input, &no_int8, weights, &no_int8, int_bias.data(), output, want8.data());
    ExpectMatch(fast::FullyConnectedInt8(int8_params, input, &no_int8, weights, &no_int8, int_bias.data(), output,
                                         got8.data(), threads),
                got8, want8);
  }
}

TEST_P(KernelSet, ConvMatchesReference) {
  CompareWindowKernel<int8_t, int32_t>(
      "CONV_2D int8", BaseSeed() + 1000, 150, false,
      [](const WindowCase& c, Random& r) {
        return ref::PrepareConvInt8(c.conv(), c.input, c.filter, c.output, r.Quantization(c.channels(), c.fan_in()));
      },
      ref::ConvInt8, fast::ConvInt8);
}

TEST_P(KernelSet, FullyConnectedMatchesReference) {
  ForEachCase("FULLY_CONNECTED int8", BaseSeed() + 5500, 100, [&](Random& r) {
    const int batches = r.Int(1, 5), depth = r.Int(1, 300), out = r.Int(1, 70);
    const Shape input{batches, depth}, weights{out, depth}, output{batches, out};
    const auto quant = r.Quantization(out, depth);
    const auto params = ref::PrepareFullyConnectedInt8(r.Int(0, 3), input, weights, output, quant, std::nullopt);
    const auto x = r.Int8s(input.FlatSize()), w = r.Int8s(weights.FlatSize());
    const auto bias = r.Bias(out);
    const int32_t* b = r.Bool() ? bias.data() : nullptr;
    std::vector<int8_t> got(static_cast<size_t>(output.FlatSize())), want(got.size());
    ref::FullyConnectedInt8(params, input, x.data(), weights, w.data(), b, output, want.data());
    ExpectMatch(fast::FullyConnectedInt8(params, input, x.data(), weights, w.data(), b, output, got.data(), SomePool(r)),
                got, want);
  });
}

// The int8 depthwise kernel: blocks of 8 or 16 channels (AVX2, or AVX-512 with
// 4 or 2 pixels per register), or over 16 channels AVX-512 blocks of 32;
// emulated or the CPU's.
TEST_P(KernelSet, DepthwiseConvMatchesReference) {
  CompareWindowKernel<int8_t, int32_t>(
      "DEPTHWISE_CONV_2D int8", BaseSeed() + 3000, 150, true,
      [](const WindowCase& c, Random& r) {
        return ref::PrepareDepthwiseConvInt8(c.depthwise(), c.input, c.filter, c.output,
                                             r.Quantization(c.channels(), c.fan_in()));
      },
      ref::DepthwiseConvInt8, fast::DepthwiseConvInt8);
}

// The row paths of the int8 depthwise kernels: one block of 8 or 16
// channels (from a depth multiplier or not) at stride 1 (P pixels one load)
// and stride 2 (two loads and a shuffle, which read one pixel past the last
// they keep), every row width from 1 to 13 so each has its tail of 1..P - 1
// pixels; part-filled blocks (5 and 12 channels), three blocks of 16 (48)
// and blocks of 32 (32, 64). Each once with the bounded requantization and
// once with a channel whose multiplier of 2 shifts left, which only the
// general form handles.
TEST_P(KernelSet, DepthwiseRowsMatchReference) {
  struct Depth {
    int channels, multiplier;
  };
  const Depth depths[] = {{8, 1}, {1, 8}, {16, 1}, {2, 8}, {1, 16}, {5, 1}, {12, 1}, {48, 1}, {32, 1}, {64, 1}};
  uint32_t seed = BaseSeed() + 9700;
  for (const bool shift_left : {false, true}) {
    for (const Depth d : depths) {
      for (int stride = 1; stride <= 2; ++stride) {
        for (int width = 1; width <= 13; ++width) {
          ForEachCase("DEPTHWISE_CONV_2D int8, rows", seed++, 1, [&](Random& r) {
            WindowCase c{ref::Padding::kSame, stride, stride, 1, 1, r.Int(0, 3), d.multiplier, {}, {}, {}};
            const int depth = d.channels * d.multiplier;
            c.input = Shape{1, 3, width, d.channels};
            c.filter = Shape{1, 3, 3, depth};
            c.output = Shape{1, (3 + stride - 1) / stride, (width + stride - 1) / stride, depth};
            ref::ConvQuantization quant = r.Quantization(depth, 9);
            if (shift_left) quant.filter_scales[0] = 2.0f * quant.output_scale / quant.input_scale;
            const auto params = ref::PrepareDepthwiseConvInt8(c.depthwise(), c.input, c.filter, c.output, quant);
            const auto x = r.Int8s(c.input.FlatSize()), w = r.Int8s(c.filter.FlatSize());
            const auto bias = r.Bias(depth);
            std::vector<int8_t> got(static_cast<size_t>(c.output.FlatSize())), want(got.size());
            ref::DepthwiseConvInt8(params, c.input, x.data(), c.filter, w.data(), bias.data(), c.output, want.data());
            SCOPED_TRACE("input " + ref::ShapeToString(c.input) + " filter " + ref::ShapeToString(c.filter) +
                         (shift_left ? ", a left shift" : ""));
            ExpectMatch(fast::DepthwiseConvInt8(params, c.input, x.data(), c.filter, w.data(), bias.data(), c.output,
                                                got.data()),
                        got, want);
          });
        }
      }
    }
  }
}

// A zero point outside int8 (which the VNNI padding value cannot hold)
// still gives the reference's bits: such convs take the int16 GEMM.
TEST_P(KernelSet, ConvWithAZeroPointOutsideInt8MatchesReference) {
  ForEachCase("CONV_2D int8, zero point 200", BaseSeed() + 9500, 20, [&](Random& r) {
    const Shape input{1, 7, 7, 3}, filter{5, 3, 3, 3}, output{1, 7, 7, 5};
    ref::ConvQuantization quant = r.Quantization(5, 27);
    quant.input_zero_point = 200;
    const auto params = ref::PrepareConvInt8({ref::Padding::kSame, 1, 1, 1, 1, 0}, input, filter, output, quant);
    const auto x = r.Int8s(input.FlatSize()), w = r.Int8s(filter.FlatSize());
    std::vector<int8_t> got(static_cast<size_t>(output.FlatSize())), want(got.size());
    ref::ConvInt8(params, input, x.data(), filter, w.data(), nullptr, output, want.data());
    ExpectMatch(fast::ConvInt8(params, input, x.data(), filter, w.data(), nullptr, output, got.data()), got, want);
  });
}

// The int16 kernels hold x + offset as int16. A zero point far outside
// int8 (which the schema allows) would wrap there: such ops keep the
// reference kernel, and one just inside the range matches the reference.
TEST_P(KernelSet, ZeroPointsBeyondInt16KeepTheReference) {
  for (const int zero_point : {-40000, 40000, -32000, 32000}) {
    SCOPED_TRACE("input zero point " + std::to_string(zero_point));
    const bool fits = zero_point == -32000 || zero_point == 32000;
    Random r(BaseSeed() + 9800 + static_cast<uint32_t>(zero_point + 40000));
    const Shape input{1, 6, 7, 5}, filter{4, 3, 3, 5}, output{1, 6, 7, 4}, dw_filter{1, 3, 3, 5}, dw_out{1, 6, 7, 5};
    ref::ConvQuantization quant = r.Quantization(4, 45);
    quant.input_zero_point = zero_point;
    const auto conv = ref::PrepareConvInt8({ref::Padding::kSame, 1, 1, 1, 1, 0}, input, filter, output, quant);
    const auto x = r.Int8s(input.FlatSize()), w = r.Int8s(filter.FlatSize());
    std::vector<int8_t> got(static_cast<size_t>(output.FlatSize())), want(got.size());
    const EvalFn fast_conv = fast::ConvInt8(conv, input, x.data(), filter, w.data(), nullptr, output, got.data());
    ASSERT_EQ(static_cast<bool>(fast_conv), fits);
    if (fits) {
      ref::ConvInt8(conv, input, x.data(), filter, w.data(), nullptr, output, want.data());
      ExpectMatch(fast_conv, got, want);
    }
    ref::ConvQuantization dw_quant = r.Quantization(5, 9);
    dw_quant.input_zero_point = zero_point;
    const auto dw = ref::PrepareDepthwiseConvInt8({ref::Padding::kSame, 1, 1, 1, 1, 1, 0}, input, dw_filter, dw_out,
                                                  dw_quant);
    std::vector<int8_t> dw_got(static_cast<size_t>(dw_out.FlatSize())), dw_want(dw_got.size());
    const EvalFn fast_dw =
        fast::DepthwiseConvInt8(dw, input, x.data(), dw_filter, w.data(), nullptr, dw_out, dw_got.data());
    ASSERT_EQ(static_cast<bool>(fast_dw), fits);
    if (fits) {
      ref::DepthwiseConvInt8(dw, input, x.data(), dw_filter, w.data(), nullptr, dw_out, dw_want.data());
      ExpectMatch(fast_dw, dw_got, dw_want);
    }
    const Shape lhs{1, 1, 3, 5}, rhs{1, 1, 5, 4}, mm_out{1, 1, 3, 4};
    const ref::BatchMatMulParams mm = ref::PrepareBatchMatMul(lhs, rhs, false, false, mm_out);
    const auto mm_quant = ref::PrepareQuantizedBatchMatMulInt8(0.05f, zero_point, 0.05f, 0, 2.0f, 0);
    std::vector<int8_t> mm_got(static_cast<size_t>(mm_out.FlatSize())), mm_want(mm_got.size());
    const EvalFn fast_mm = fast::BatchMatMulInt8(mm, mm_quant, x.data(), w.data(), mm_got.data());
    ASSERT_EQ(static_cast<bool>(fast_mm), fits);
    if (fits) {
      ref::BatchMatMul(mm, mm_quant, x.data(), w.data(), mm_want.data());
      ExpectMatch(fast_mm, mm_got, mm_want);
    }
  }
}

// The uint8 x int8 kernel against products summed in int64, including the
// extremes (255 x -128 everywhere) that a saturating vpdpbusds would clip.
TEST_P(KernelSet, Uint8KernelSumsExactly) {
  const GemmUint8Fn gemm = avx512_kernels_.gemm;
  if (gemm == nullptr) GTEST_SKIP() << "the AVX2 GEMM has no uint8 kernel";
  ForEachCase("uint8 GEMM", BaseSeed() + 9000, 60, [&](Random& r) {
    const int64_t rows = r.Int(1, 20), k_quads = r.Int(1, 40), blocks = r.Int(1, 4);
    const bool extreme = r.Int(0, 4) == 0;
    std::vector<uint8_t> a(static_cast<size_t>(rows * 4 * k_quads));
    std::vector<int8_t> w(static_cast<size_t>(blocks * 16 * 4 * k_quads));
    for (uint8_t& v : a) v = static_cast<uint8_t>(extreme ? 255 : r.Int(0, 255));
    for (int8_t& v : w) v = static_cast<int8_t>(extreme ? -128 : r.Int(-128, 127));
    const int64_t c_stride = blocks * 16;
    std::vector<int32_t> c(static_cast<size_t>(rows * c_stride));
    gemm(a.data(), rows, 4 * k_quads, w.data(), k_quads, blocks, c.data(), c_stride);
    size_t bad = 0;
    for (int64_t row = 0; row < rows; ++row) {
      for (int64_t o = 0; o < c_stride; ++o) {
        int64_t sum = 0;  // the packed layout, read independently
        for (int64_t kk = 0; kk < 4 * k_quads; ++kk) {
          const int64_t packed = ((o / 16) * k_quads + kk / 4) * 64 + (o % 16) * 4 + kk % 4;
          sum += int64_t{a[static_cast<size_t>(row * 4 * k_quads + kk)]} * w[static_cast<size_t>(packed)];
        }
        bad += c[static_cast<size_t>(row * c_stride + o)] != sum;
      }
    }
    ASSERT_EQ(bad, 0u) << rows << " rows, " << 4 * k_quads << " deep, " << c_stride << " outputs";
  });
}

// The uint8 kernel with the bias and requantization fused, against sums
// made in int64 from the packed layout and ref::Requantize: partial blocks,
// rows past the 8-row tile, multipliers above and far below 1 (left and
// right shifts), and scales that land the sums near the int8 range, where
// rounding decides the bits.
TEST_P(KernelSet, Uint8RequantizeKernelMatchesReference) {
  const GemmUint8RequantizeFn gemm = avx512_kernels_.gemm_requantize;
  if (gemm == nullptr) GTEST_SKIP() << "the AVX2 GEMM has no uint8 kernel";
  int bounded_cases = 0;
  ForEachCase("uint8 GEMM, requantized", BaseSeed() + 9100, 80, [&](Random& r) {
    const int64_t rows = r.Int(1, 21), k_quads = r.Int(1, 24), oc = r.Int(1, 70);
    const int64_t blocks = (oc + 15) / 16, k = 4 * k_quads;
    std::vector<uint8_t> a(static_cast<size_t>(rows * k));
    std::vector<int8_t> w(static_cast<size_t>(blocks * 16 * k), 0);
    // Weight (o, kk) in the packed layout the kernel reads.
    auto weight = [&w, k_quads](int64_t o, int64_t kk) -> int8_t& {
      return w[static_cast<size_t>(((o / 16) * k_quads + kk / 4) * 64 + (o % 16) * 4 + kk % 4)];
    };
    for (uint8_t& v : a) v = static_cast<uint8_t>(r.Int(0, 255));
    for (int64_t o = 0; o < oc; ++o) {
      for (int64_t kk = 0; kk < k; ++kk) weight(o, kk) = static_cast<int8_t>(r.Int(-128, 127));
    }
    ref::ConvQuantization quant = r.Quantization(static_cast<int>(oc), 1);
    // Typical sums are about 128 * 74 * sqrt(k); most channels map them to
    // a few hundred steps, in half the cases some get any multiplier from
    // 1e-7 to 30 (above 1: a left shift, which the bounded form excludes).
    const double typical = 128.0 * 74.0 * std::sqrt(static_cast<double>(k));
    const bool wild = r.Bool();
    for (float& s : quant.filter_scales) {
      const double m =
          wild && r.Int(0, 3) == 0 ? std::pow(10.0, r.Float(-7.0f, 1.5f)) : r.Float(20.0f, 400.0f) / typical;
      s = static_cast<float>(m) * quant.output_scale / quant.input_scale;
    }
    const ref::ConvQuantParams q =
        ref::PrepareConvQuantParams("TEST", quant, static_cast<int>(oc), r.Int(0, 3), -128, 127);
    Requantizer requantize(q, 0, static_cast<int>(oc));
    ASSERT_TRUE(requantize.Valid());
    std::vector<int32_t> bias(static_cast<size_t>(blocks * 16), 0);
    const std::vector<int32_t> some = r.Bias(static_cast<int>(oc));
    std::copy(some.begin(), some.end(), bias.begin());
    const int64_t out_stride = oc + r.Int(0, 5);
    std::vector<int8_t> got(static_cast<size_t>(rows * out_stride), 99), want(got), got_bounded(got);
    gemm(a.data(), rows, k, w.data(), k_quads, oc, bias.data(), requantize.Params(), got.data(), out_stride);
    // The bounded form, where it applies: the kernel's a is x + 128 for an
    // int8 x, so the input offset is 128.
    requantize.UseBounds(bias.data(), k, weight, 128);
    bounded_cases += requantize.Params().bounded != nullptr;
    gemm(a.data(), rows, k, w.data(), k_quads, oc, bias.data(), requantize.Params(), got_bounded.data(), out_stride);
    for (int64_t row = 0; row < rows; ++row) {
      for (int64_t o = 0; o < oc; ++o) {
        int64_t sum = 0;
        for (int64_t kk = 0; kk < k; ++kk) {
          sum += int64_t{a[static_cast<size_t>(row * k + kk)]} * weight(o, kk);
        }
        const int32_t acc = ref::WrappingAdd(static_cast<int32_t>(sum), bias[static_cast<size_t>(o)]);
        want[static_cast<size_t>(row * out_stride + o)] = static_cast<int8_t>(ref::Requantize(acc, q, static_cast<int>(o)));
      }
    }
    ASSERT_EQ(Mismatches(got, want), 0u) << rows << " rows, " << k << " deep, " << oc << " outputs";
    ASSERT_EQ(Mismatches(got_bounded, want), 0u) << rows << " rows, " << k << " deep, " << oc << " outputs, bounded";
  });
  // Both forms ran: about half the cases have no left shift.
  EXPECT_GT(bounded_cases, 20);
  EXPECT_LT(bounded_cases, 80);
}

// int8 ADD and SUB on AVX-512: every pair of int8 operands, for random
// scales (a quarter of them equal, which makes both multipliers 2^30 with
// no shift), input zero points up to the form's bound of +-895 and each
// fused activation, split over threads or not, against the reference. Without
// AVX-512 kernels there is no kernel (the table runs).
TEST_P(KernelSet, AddSubMatchesReferenceOnEveryPair) {
  constexpr int kPairs = 256 * 256;
  std::vector<int8_t> x(kPairs), y(kPairs);
  for (int i = 0; i < kPairs; ++i) {
    x[static_cast<size_t>(i)] = static_cast<int8_t>(static_cast<uint8_t>(i >> 8));
    y[static_cast<size_t>(i)] = static_cast<int8_t>(static_cast<uint8_t>(i));
  }
  int ran = 0, bounded = 0;
  ForEachCase("ADD/SUB int8", BaseSeed() + 7000, 40, [&](Random& r) {
    const bool subtract = r.Bool();
    const auto scale = [&r] { return std::exp(r.Float(-7.0f, 0.0f)); };
    const auto zero_point = [&r] { return r.Int(0, 3) == 0 ? r.Int(-895, 895) : r.Int(-128, 127); };
    const ref::ScaleZeroPoint q1{scale(), zero_point()};
    const ref::ScaleZeroPoint q2{r.Int(0, 3) == 0 ? q1.scale : scale(), zero_point()}, out{scale(), r.Int(-128, 127)};
    const int activation = r.Int(0, 3);  // NONE, RELU, RELU_N1_TO_1, RELU6
    ref::AddSubParams params;
    try {
      params = subtract ? ref::PrepareSubQuantized<int8_t>(q1, q2, out, activation)
                        : ref::PrepareAddQuantized<int8_t>(q1, q2, out, activation);
    } catch (const Error&) {
      return;  // an output multiplier of 1 or more, which TFLM refuses too
    }
    const int n = kPairs - r.Int(0, 40);  // a tail past the last whole vector
    const Shape shape{n};
    const ref::BroadcastPlan plan = ref::MakeBroadcastPlan(shape, shape, shape);
    std::vector<int8_t> got(static_cast<size_t>(n)), want(got.size());
    if (subtract) {
      ref::Sub(plan, params, x.data(), y.data(), want.data());
    } else {
      ref::Add(plan, params, x.data(), y.data(), want.data());
    }
    const EvalFn eval = fast::Int8AddSub(plan, params, subtract, x.data(), y.data(), got.data(), SomePool(r));
    if (avx512_kernels_.add_sub == nullptr) {
      EXPECT_FALSE(eval);
      return;
    }
    ASSERT_TRUE(eval);
    eval();
    ++ran;
    ASSERT_EQ(Mismatches(got, want), 0u) << (subtract ? "SUB" : "ADD") << " zero points " << q1.zero_point << ", "
                                         << q2.zero_point << ", " << out.zero_point << "; activation " << activation;
    // The general form of the output's requantization, where the kernel
    // took the bounded one.
    AddSubInt8Params form = *fast::AddSubInt8Form(params, subtract);
    bounded += form.output_bounded ? 1 : 0;
    form.output_bounded = false;
    std::fill(got.begin(), got.end(), int8_t{0});
    avx512_kernels_.add_sub(x.data(), y.data(), n, form, got.data());
    ASSERT_EQ(Mismatches(got, want), 0u) << "general form";
  });
  if (avx512_kernels_.add_sub != nullptr) {
    EXPECT_GT(ran, 30);
    EXPECT_GT(bounded, 20);
  }
  // The form's bounds: input zero points up to +-895, and a clamp within
  // int8 (an output zero point of -562 puts RELU_N1_TO_1's maximum at -239,
  // which the reference casts to int8 and a saturating store would not).
  const ref::ScaleZeroPoint q{0.05f, 0}, at_bound{0.02f, -895}, past_bound{0.02f, -896}, far_out{0.003f, -562};
  EXPECT_TRUE(fast::AddSubInt8Form(ref::PrepareAddQuantized<int8_t>(q, at_bound, q, 0), false));
  EXPECT_FALSE(fast::AddSubInt8Form(ref::PrepareAddQuantized<int8_t>(q, past_bound, q, 0), false));
  EXPECT_FALSE(fast::AddSubInt8Form(ref::PrepareAddQuantized<int8_t>(q, q, far_out, 2), false));
}

// Each input's rescaled value on its own, which the outputs above hardly
// show (a change of 1 in it is 2^-19 of an output step): the kernel with the
// other input a constant K (all its factors 0), an output multiplier of
// 2^31 - 1 and no shift gives s(a) - K exactly while that lies within int8.
// K is the reference's s(a) (TFLM's x << 20 rescaled by the input's
// multiplier) less 5: the kernel must give 5, for every a.
TEST_P(KernelSet, AddSubRescalesEachInputExactly) {
  if (avx512_kernels_.add_sub == nullptr) GTEST_SKIP() << "no AVX-512 ADD kernel to test";
  ForEachCase("ADD/SUB int8 rescale", BaseSeed() + 7100, 150, [&](Random& r) {
    const auto scale = [&r] { return std::exp(r.Float(-7.0f, 0.0f)); };
    const ref::ScaleZeroPoint q1{scale(), r.Int(-895, 895)}, q2{scale(), r.Int(-895, 895)}, out{1.0f, 0};
    const ref::AddSubParams params = ref::PrepareAddQuantized<int8_t>(q1, q2, out, 0);
    const std::optional<AddSubInt8Params> form = fast::AddSubInt8Form(params, false);
    ASSERT_TRUE(form);
    for (int input = 0; input < 2; ++input) {
      const int32_t offset = input == 0 ? params.input1_offset : params.input2_offset;
      const ref::QuantizedMultiplier m = input == 0 ? params.input1_multiplier : params.input2_multiplier;
      for (int a = -128; a <= 127; ++a) {
        const int32_t want = ref::MultiplyByQuantizedMultiplier((a + offset) * (1 << 20), m);
        AddSubInt8Params probe{input == 0 ? form->input1 : form->input2, {0, 0, 0, want - 5, 0, 0, 0}, true,
                               std::numeric_limits<int32_t>::max(), 0, 0, -128, 127, false, 0};
        const std::vector<int8_t> x(16, static_cast<int8_t>(a)), zeros(16, 0);
        std::vector<int8_t> got(16);
        avx512_kernels_.add_sub(x.data(), zeros.data(), 16, probe, got.data());
        ASSERT_EQ(got[0], 5) << "input " << input + 1 << ", a " << a << ", offset " << offset << ", multiplier "
                             << m.multiplier << ", shift " << m.shift;
      }
    }
  });
}

// NCHW to NHWC of 3 channels, which the AVX-512 kernel sets interleave
// whole rows of (widths around its 16-value steps), int8 and float, against
// the reference; 2-byte values take the general path.
TEST_P(KernelSet, TransposeOfThreeChannelsMatchesReference) {
  TF_REQUIRE_FAST();
  ForEachCase("TRANSPOSE NCHW to NHWC, 3 channels", BaseSeed() + 10100, 40, [&](Random& r) {
    const int n = r.Int(1, 2), h = r.Int(1, 5), w = r.Bool() ? r.Int(1, 40) : 16 * r.Int(1, 3);
    const Shape input{n, 3, h, w}, output{n, h, w, 3};
    const ref::TransposeParams params = ref::PrepareTranspose(input, {0, 2, 3, 1}, output);
    SCOPED_TRACE("input " + ref::ShapeToString(input));
    // Without the AVX-512 kernel, rows of at most 3 values keep the
    // reference kernel.
    const bool taken = avx512_kernels_.interleave_three != nullptr || w > 3;
    const auto check = [&](auto x, int bytes) {
      decltype(x) got(x.size()), want(x.size());
      ref::Transpose(params, x.data(), want.data());
      const EvalFn fast = Transpose(params, bytes, x.data(), got.data());
      ASSERT_EQ(static_cast<bool>(fast), bytes == 2 ? w > 3 : taken);
      if (fast) ExpectMatch(fast, got, want);
    };
    const auto x8 = r.Int8s(input.FlatSize());
    check(x8, 1);
    check(r.Floats(input.FlatSize()), 4);
    check(std::vector<int16_t>(x8.begin(), x8.end()), 2);
  });
}

INSTANTIATE_TEST_SUITE_P(FastKernels, KernelSet,
                         ::testing::Values(GemmChoice::kAvx2, GemmChoice::kAvx512Emulated, GemmChoice::kAvx512Native),
                         [](const ::testing::TestParamInfo<GemmChoice>& info) {
                           switch (info.param) {
                             case GemmChoice::kAvx2: return std::string("Avx2");
                             case GemmChoice::kAvx512Emulated: return std::string("Avx512VnniEmulated");
                             case GemmChoice::kAvx512Native: return std::string("Avx512VnniNative");
                           }
                           return std::string();
                         });

TEST(FastKernels, BatchMatMulMatchesReference) {
  TF_REQUIRE_FAST();
  ForEachCase("BATCH_MATMUL", BaseSeed() + 6000, 80, [&](Random& r) {
    const int m = r.Int(1, 9), k = r.Int(1, 40), n = r.Int(1, 35);
    const bool adj_x = r.Bool(), adj_y = r.Bool();
    const int b0 = r.Int(1, 3), b1 = r.Int(1, 2);
    const bool broadcast_rhs = r.Bool();
    const Shape lhs{b0, b1, adj_x ? k : m, adj_x ? m : k};
    const Shape rhs = broadcast_rhs ? Shape{1, b1, adj_y ? n : k, adj_y ? k : n} : Shape{b0, b1, adj_y ? n : k, adj_y ? k : n};
    const Shape out{b0, b1, m, n};
    const ref::BatchMatMulParams params = ref::PrepareBatchMatMul(lhs, rhs, adj_x, adj_y, out);
    {
      const auto quant = ref::PrepareQuantizedBatchMatMulInt8(r.Float(0.01f, 0.1f), r.Int(-128, 127), r.Float(0.01f, 0.1f),
                                                              r.Int(-128, 127), r.Float(0.5f, 4.0f), r.Int(-128, 127));
      const auto a = r.Int8s(lhs.FlatSize()), b = r.Int8s(rhs.FlatSize());
      std::vector<int8_t> got(static_cast<size_t>(out.FlatSize())), want(got.size());
      ref::BatchMatMul(params, quant, a.data(), b.data(), want.data());
      ExpectMatch(fast::BatchMatMulInt8(params, quant, a.data(), b.data(), got.data()), got, want);
    }
    {
      const auto a = r.Floats(lhs.FlatSize()), b = r.Floats(rhs.FlatSize());
      std::vector<float> got(static_cast<size_t>(out.FlatSize())), want(got.size());
      ref::BatchMatMul(params, a.data(), b.data(), want.data());
      ExpectMatch(fast::BatchMatMulFloat(params, a.data(), b.data(), got.data()), got, want, false);
    }
  });
}

// int8 ADD, SUB and MUL through the table of the reference's results, on
// random shapes with broadcasting (the table holds whatever `reference`
// gave, so this checks the indexing and the broadcast walk).
TEST(FastKernels, Int8BinaryTableMatchesReference) {
  ForEachCase("int8 ADD/SUB/MUL table", BaseSeed() + 7000, 60, [&](Random& r) {
    // Shapes [d0, d1, d2] with some axes of one operand 1 (broadcast).
    const int d0 = r.Int(1, 4), d1 = r.Int(1, 30), d2 = r.Int(1, 40);
    const Shape out{d0, d1, std::max(d2, 1024 / (d0 * d1) + 1)};
    int a_dims[3], b_dims[3];
    for (int i = 0; i < 3; ++i) {
      a_dims[i] = r.Int(0, 3) == 0 ? 1 : out.dim(i);
      b_dims[i] = a_dims[i] == 1 || r.Int(0, 3) != 0 ? out.dim(i) : 1;
    }
    const Shape sa{a_dims[0], a_dims[1], a_dims[2]}, sb{b_dims[0], b_dims[1], b_dims[2]};
    const ref::BroadcastPlan plan = ref::MakeBroadcastPlan(sa, sb, out);
    const ref::ScaleZeroPoint a{r.Float(0.01f, 0.2f), r.Int(-128, 127)}, b{r.Float(0.01f, 0.2f), r.Int(-128, 127)};
    const ref::ScaleZeroPoint q{r.Float(0.02f, 0.4f), r.Int(-128, 127)};
    const int act = r.Int(0, 3), op = r.Int(0, 2);
    const auto add = ref::PrepareAddQuantized<int8_t>(a, b, q, act);
    const auto sub = ref::PrepareSubQuantized<int8_t>(a, b, q, act);
    const ref::ScaleZeroPoint product{a.scale * b.scale * r.Float(20.0f, 200.0f), q.zero_point};
    const auto mul = ref::PrepareMulQuantized<int8_t>(a, b, product, act);
    const Int8BinaryFn reference = [&](const ref::BroadcastPlan& p, const int8_t* x, const int8_t* y, int8_t* z) {
      if (op == 0) ref::Add(p, add, x, y, z);
      if (op == 1) ref::Sub(p, sub, x, y, z);
      if (op == 2) ref::Mul(p, mul, x, y, z);
    };
    const auto x = r.Int8s(sa.FlatSize()), y = r.Int8s(sb.FlatSize());
    std::vector<int8_t> got(static_cast<size_t>(out.FlatSize())), want(got.size());
    reference(plan, x.data(), y.data(), want.data());
    SCOPED_TRACE("op " + std::to_string(op) + ", " + ref::ShapeToString(sa) + " with " + ref::ShapeToString(sb));
    ExpectMatch(Int8BinaryByTable(plan, reference, x.data(), y.data(), got.data()), got, want);
  });
}

// Float ADD, SUB and MUL of same-shaped inputs, bit for bit (the signs of
// zeros included; a NaN for a NaN) against the reference: lengths
// 0..100 (every tail of 8), each fused activation, values with NaNs,
// infinities and zeros of both signs, with and without a pool; broadcasts
// stay with the reference.
TEST(FastKernels, FloatBinaryMatchesReferenceBitForBit) {
  TF_REQUIRE_FAST();
  ForEachCase("float ADD/SUB/MUL", BaseSeed() + 7200, 200, [&](Random& r) {
    const int n = r.Int(0, 100), op = r.Int(0, 2);
    const ref::FloatRange range = ref::FloatActivationRange(r.Int(0, 3));
    const float specials[] = {std::nanf(""), -std::nanf(""), std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(), 0.0f, -0.0f, 6.0f, -1.0f};
    std::vector<float> x = r.Floats(n), y = r.Floats(n);
    for (std::vector<float>* v : {&x, &y}) {
      for (float& value : *v) value = r.Int(0, 4) == 0 ? specials[r.Int(0, 7)] : 8.0f * value;
    }
    const Shape shape{n};
    const ref::BroadcastPlan plan = ref::MakeBroadcastPlan(shape, shape, shape);
    std::vector<float> got(static_cast<size_t>(n)), want(got.size());
    if (op == 0) ref::Add(plan, range, x.data(), y.data(), want.data());
    if (op == 1) ref::Sub(plan, range, x.data(), y.data(), want.data());
    if (op == 2) ref::Mul(plan, range, x.data(), y.data(), want.data());
    const avx2::FloatBinaryOp ops[] = {avx2::FloatBinaryOp::kAdd, avx2::FloatBinaryOp::kSub, avx2::FloatBinaryOp::kMul};
    const EvalFn eval = FloatBinary(plan, ops[op], range, x.data(), y.data(), got.data(), SomePool(r));
    ASSERT_TRUE(eval);
    eval();
    SCOPED_TRACE("op " + std::to_string(op) + ", n " + std::to_string(n));
    for (size_t i = 0; i < got.size(); ++i) {
      if (std::isnan(want[i])) {
        EXPECT_TRUE(std::isnan(got[i])) << i;  // which NaN is unspecified: the compiler may swap a * b
      } else {
        EXPECT_EQ(std::memcmp(&got[i], &want[i], sizeof(float)), 0) << i << ": " << got[i] << " against " << want[i];
      }
    }
  });
  const Shape a{4, 5}, b{1, 5};
  const std::vector<float> x(20, 1.0f), y(5, 2.0f);
  std::vector<float> z(20);
  EXPECT_FALSE(FloatBinary(ref::MakeBroadcastPlan(a, b, a), avx2::FloatBinaryOp::kAdd, ref::FloatActivationRange(0),
                           x.data(), y.data(), z.data()));
}

// TRANSPOSE: random permutations of random shapes (NCHW to NHWC half
// the time at rank 4), 1-, 2-, 4- and 8-byte elements; whenever the fast kernel takes the case it gives the bits.
TEST(FastKernels, TransposeMatchesReference) {
  int taken = 0;
  ForEachCase("TRANSPOSE", BaseSeed() + 10000, 80, [&](Random& r) {
    const int rank = r.Int(2, 5);
    std::vector<int32_t> dims, perm;
    for (int i = 0; i < rank; ++i) dims.push_back(r.Int(1, 9)), perm.push_back(i);
    if (rank == 4 && r.Bool()) {
      perm = {0, 2, 3, 1};  // NCHW -> NHWC, the converter's usual case
    } else {
      for (int i = rank - 1; i > 0; --i) std::swap(perm[static_cast<size_t>(i)], perm[static_cast<size_t>(r.Int(0, i))]);
    }
    const Shape input(std::vector<int32_t>(dims.begin(), dims.end()));
    std::vector<int32_t> out_dims;
    for (int32_t p : perm) out_dims.push_back(dims[static_cast<size_t>(p)]);
    const Shape output(out_dims);
    const ref::TransposeParams params = ref::PrepareTranspose(input, perm, output);
    SCOPED_TRACE("input " + ref::ShapeToString(input) + " to " + ref::ShapeToString(output));
    const auto x8 = r.Int8s(input.FlatSize());
    std::vector<int8_t> got8(x8.size()), want8(x8.size());
    ref::Transpose(params, x8.data(), want8.data());
    if (EvalFn fast = Transpose(params, 1, x8.data(), got8.data())) {
      ++taken;
      ExpectMatch(fast, got8, want8);
      const auto xf = r.Floats(input.FlatSize());
      std::vector<float> gotf(xf.size()), wantf(xf.size());
      ref::Transpose(params, xf.data(), wantf.data());
      ExpectMatch(Transpose(params, 4, xf.data(), gotf.data()), gotf, wantf);
      // 2- and 8-byte elements: the same moves of wider values.
      std::vector<int16_t> x16(x8.begin(), x8.end()), got16(x16.size()), want16(x16.size());
      ref::Transpose(params, x16.data(), want16.data());
      ExpectMatch(Transpose(params, 2, x16.data(), got16.data()), got16, want16);
      std::vector<int64_t> x64(x16.size());
      for (size_t i = 0; i < x64.size(); ++i) x64[i] = static_cast<int64_t>(i) * 0x100000001LL + x8[i];
      std::vector<int64_t> got64(x64.size()), want64(x64.size());
      ref::Transpose(params, x64.data(), want64.data());
      ExpectMatch(Transpose(params, 8, x64.data(), got64.data()), got64, want64);
    }
  });
  EXPECT_GT(taken, 10);
}

// MEAN (float, int8) and SUM (int8) over random axes of random shapes:
// whenever the fast kernel takes the case it gives the bits.
TEST(FastKernels, MeanMatchesReference) {
  int taken = 0;
  ForEachCase("MEAN", BaseSeed() + 11000, 80, [&](Random& r) {
    const int rank = r.Int(2, 4);
    std::vector<int32_t> dims, axes, out_dims;
    for (int i = 0; i < rank; ++i) dims.push_back(r.Int(1, 12));
    const int first = r.Int(0, rank - 1), last = r.Int(first, rank - 1);  // mostly contiguous blocks
    for (int i = 0; i < rank; ++i) {
      const bool reduce = (i >= first && i <= last) != (r.Int(0, 5) == 0);
      if (reduce) axes.push_back(i);
      else out_dims.push_back(dims[static_cast<size_t>(i)]);
    }
    if (axes.empty()) axes.push_back(0), out_dims.erase(out_dims.begin());
    if (out_dims.empty()) out_dims.push_back(1);
    const Shape input(std::vector<int32_t>(dims.begin(), dims.end())), output(out_dims);
    const ref::ReduceParams params = ref::PrepareReduce(input, axes, output);
    SCOPED_TRACE("input " + ref::ShapeToString(input) + " to " + ref::ShapeToString(output));
    const auto xf = r.Floats(input.FlatSize());
    std::vector<float> gotf(static_cast<size_t>(output.FlatSize())), wantf(gotf.size());
    ref::Mean(params, xf.data(), wantf.data());
    if (EvalFn fast = MeanFloat(params, xf.data(), gotf.data())) {
      ++taken;
      ExpectMatch(fast, gotf, wantf);
      const auto x8 = r.Int8s(input.FlatSize());
      const float scale = r.Float(0.01f, 0.1f);
      const auto quant = r.Bool() ? ref::PrepareQuantizedMean(params, scale, r.Int(-128, 127), scale * r.Float(0.5f, 2.0f), r.Int(-128, 127))
                                  : ref::PrepareQuantizedSum(params, scale, r.Int(-128, 127), scale * r.Float(5.0f, 50.0f), r.Int(-128, 127));
      std::vector<int8_t> got8(gotf.size()), want8(gotf.size());
      ref::QuantizedMeanOrSum(params, quant, x8.data(), want8.data());
      ExpectMatch(QuantizedMeanOrSumInt8(params, quant, x8.data(), got8.data()), got8, want8);
    }
  });
  EXPECT_GT(taken, 20);
}

// A random pooling geometry: windows clipped by SAME padding or not,
// sometimes global, depths on both sides of the 8-lane vectors.
struct PoolCase {
  ref::PoolOptions options;
  Shape input, output;
};

PoolCase RandomPool(Random& r) {
  PoolCase c;
  ref::PoolOptions& o = c.options;
  o.padding = r.Bool() ? ref::Padding::kSame : ref::Padding::kValid;
  o.stride_height = r.Int(1, 3);
  o.stride_width = r.Int(1, 3);
  o.filter_height = r.Int(1, 5);
  o.filter_width = r.Int(1, 5);
  o.activation = r.Int(0, 3);
  const int h = r.Int(o.filter_height, 16), w = r.Int(o.filter_width, 16);
  if (r.Int(0, 5) == 0) o.filter_height = h, o.filter_width = w;  // a global pool
  const ref::WindowGeometry g = ref::ComputePaddingHeightWidth(o.stride_height, o.stride_width, 1, 1, h, w,
                                                               o.filter_height, o.filter_width, o.padding);
  c.input = Shape{r.Int(1, 2), h, w, r.Int(1, 35)};
  c.output = Shape{c.input.dim(0), g.out_height, g.out_width, c.input.dim(3)};
  return c;
}

TEST(FastKernels, AveragePoolInt8MatchesReference) {
  TF_REQUIRE_FAST();
  ForEachCase("AVERAGE_POOL_2D int8", BaseSeed() + 8000, 150, [&](Random& r) {
    const PoolCase c = RandomPool(r);
    const float scale = r.Float(0.01f, 0.1f);
    const int zero_point = r.Int(-128, 127);
    const ref::PoolParams params =
        ref::PreparePoolInt8(c.options, c.input, c.output, scale, zero_point, scale, zero_point);
    const auto x = r.Int8s(c.input.FlatSize());
    std::vector<int8_t> got(static_cast<size_t>(c.output.FlatSize())), want(got.size());
    ref::AveragePoolInt8(params, c.input, x.data(), c.output, want.data());
    SCOPED_TRACE("input " + ref::ShapeToString(c.input));
    ExpectMatch(fast::AveragePoolInt8(params, c.input, x.data(), c.output, got.data()), got, want);
  });
}

// Float average pooling gives the reference's bits, NaN and signed zeros
// included (some inputs are NaN or infinite).
TEST(FastKernels, AveragePoolFloatMatchesReferenceBitForBit) {
  TF_REQUIRE_FAST();
  ForEachCase("AVERAGE_POOL_2D float", BaseSeed() + 8500, 150, [&](Random& r) {
    const PoolCase c = RandomPool(r);
    const ref::PoolParams params = ref::PreparePoolFloat(c.options, c.input, c.output);
    std::vector<float> x = r.Floats(c.input.FlatSize());
    const float specials[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(), -0.0f};
    if (r.Int(0, 3) == 0) x[static_cast<size_t>(r.Int(0, static_cast<int>(x.size()) - 1))] = specials[r.Int(0, 3)];
    std::vector<float> got(static_cast<size_t>(c.output.FlatSize())), want(got.size());
    ref::AveragePoolFloat(params, c.input, x.data(), c.output, want.data());
    SCOPED_TRACE("input " + ref::ShapeToString(c.input));
    const EvalFn eval = fast::AveragePoolFloat(params, c.input, x.data(), c.output, got.data());
    ASSERT_TRUE(eval);
    eval();
    ASSERT_EQ(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)), 0);
  });
}

}  // namespace
}  // namespace tinyforge::interp::fast
