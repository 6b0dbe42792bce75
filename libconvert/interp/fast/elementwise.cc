// Binary operators: float ADD, SUB and MUL on AVX2; int8 ADD and SUB with
// the reference's arithmetic on AVX-512, the other int8 ones (and those
// elsewhere) through a table of the reference's results.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/fast/kernel_support.h"

namespace tinyforge::interp::fast {
namespace {

// Below this many output elements a table costs more to build than it saves.
constexpr int64_t kMinTableElements = 1024;

// Elements per task of a split binary operator: whole vectors, enough to
// repay handing the task to another thread.
constexpr int64_t kBinaryChunk = 8 * 1024;

// fn(first, count) over [0, n) in chunks spread over `pool`.
template <typename Fn>
void ForEachChunk(ThreadPool* pool, int64_t n, Fn fn) {
  ParallelFor(pool, (n + kBinaryChunk - 1) / kBinaryChunk, [&](int64_t t) {
    const int64_t first = t * kBinaryChunk;
    fn(first, std::min(kBinaryChunk, n - first));
  });
}

// One input's part of AddSubInt8Params: see AddSubInt8Form. Empty where the
// form's bounds do not hold.
std::optional<AddSubInt8Input> AddSubInput(int32_t offset, ref::QuantizedMultiplier m) {
  const int64_t right = -int64_t{m.shift};
  if (m.multiplier < (int32_t{1} << 30) || right < 0 || right > 31 || offset < -895 || offset > 895) return {};
  const int32_t q = m.multiplier >> 11, rem = m.multiplier & 2047;
  const int32_t half = right > 0 ? int32_t{1} << (right - 1) : 0;
  return AddSubInt8Input{q, rem, offset * rem + 1024, offset * q + half, -offset, right > 0 ? 1 : 0,
                         static_cast<int32_t>(right)};
}

// The most |s| one input's rescaled values reach (AddSubInt8Form's s), at
// least: |h| <= |x| 2^20 M / 2^31 + 1, |s| <= |h| / 2^r + 1.
int64_t MostRescaled(int32_t offset, ref::QuantizedMultiplier m) {
  const int64_t most_x = std::max(std::abs(int64_t{-128} + offset), std::abs(int64_t{127} + offset));
  const int64_t most_h = (most_x * (int64_t{1} << 20) * m.multiplier + (int64_t{1} << 30)) / (int64_t{1} << 31) + 1;
  return (most_h >> -m.shift) + 1;
}

}  // namespace

// TFLM rescales each input as s = RDBPOT(SRDHM(x * 2^20, M), r), with x the
// int8 value a plus the input's offset o, and M = q * 2^11 + rem:
// - SRDHM(v, M) is floor((v * M + 2^30) / 2^31) for every v (its nudge for
//   negative products, truncated toward zero, gives the same floor), so for
//   v = x * 2^20 it is h = x * q + floor((x * rem + 2^10) / 2^11), products
//   that fit int32 where 2^20 * x * M did not; with x = a + o the constant
//   parts go into `rounding` (o * rem + 2^10) and `add` (o * q).
// - RDBPOT(h, r) rounds half away from zero: for r >= 1 it is
//   (h + 2^(r - 1) - [h < 0]) >> r (2^(r - 1) also in `add`), and h for r = 0
//   (`down` = 0). M >= 2^30 (QuantizeMultiplier's range) makes h < 0 exactly
//   when x < 0, that is a < -o (`below`).
// Bounds: |o| <= 895 keeps |x| <= 1023, so the reference's x * 2^20 does not
// wrap, |h| < 2^30, h + 2^(r - 1) < 2^31 and add < 2^31; then |s| < 2^30
// and s1 +- s2 does not wrap either. The output's requantization is a conv's
// (Requantize16), for its multiplier >= 0 and right shift in [0, 31], and a
// clamp within int8.
std::optional<AddSubInt8Params> AddSubInt8Form(const ref::AddSubParams& p, bool subtract) {
  const auto in1 = AddSubInput(p.input1_offset, p.input1_multiplier);
  const auto in2 = AddSubInput(p.input2_offset, p.input2_multiplier);
  const int64_t right = -int64_t{p.output_multiplier.shift};
  // The clamp must lie within int8 (the kernel stores with saturation, the
  // reference casts): a zero point far outside int8 can make it lie beyond.
  const bool int8_clamp = p.activation_min >= -128 && p.activation_min <= p.activation_max && p.activation_max <= 127;
  if (!in1 || !in2 || !int8_clamp || p.left_shift != 20 || p.output_multiplier.multiplier < 0 || right < 0 ||
      right > 31) {
    return {};
  }
  // The output's bounded requantization, where every sum s1 +- s2 allows it.
  const std::optional<int32_t> bounded_add = BoundedRequantAdd(
      MostRescaled(p.input1_offset, p.input1_multiplier) + MostRescaled(p.input2_offset, p.input2_multiplier),
      p.output_offset, right);
  return AddSubInt8Params{*in1,
                          *in2,
                          subtract,
                          p.output_multiplier.multiplier,
                          static_cast<int32_t>(right),
                          p.output_offset,
                          p.activation_min,
                          p.activation_max,
                          bounded_add.has_value(),
                          bounded_add.value_or(0)};
}

EvalFn Int8AddSub(const ref::BroadcastPlan& plan, const ref::AddSubParams& params, bool subtract,
                  const int8_t* input1, const int8_t* input2, int8_t* output, ThreadPool* pool) {
  const AddSubInt8Fn kernel = ChosenAvx512Kernels().add_sub;
  const std::optional<AddSubInt8Params> form = AddSubInt8Form(params, subtract);
  if (kernel == nullptr || !form || plan.needs_broadcast) return {};
  const int64_t n = plan.flat_size;
  return [kernel, p = *form, n, input1, input2, output, pool] {
    ForEachChunk(pool, n, [&](int64_t first, int64_t count) {
      kernel(input1 + first, input2 + first, count, p, output + first);
    });
  };
}

EvalFn FloatBinary(const ref::BroadcastPlan& plan, avx2::FloatBinaryOp op, const ref::FloatRange& range,
                   const float* input1, const float* input2, float* output, ThreadPool* pool) {
  if (!Available() || plan.needs_broadcast) return {};
  const int64_t n = plan.flat_size;
  return [op, range, n, input1, input2, output, pool] {
    ForEachChunk(pool, n, [&](int64_t first, int64_t count) {
      avx2::BinaryFloat(op, input1 + first, input2 + first, count, range.min, range.max, output + first);
    });
  };
}

EvalFn Int8BinaryByTable(const ref::BroadcastPlan& plan, const Int8BinaryFn& reference, const int8_t* input1,
                         const int8_t* input2, int8_t* output) {
  if (plan.flat_size < kMinTableElements) return {};
  // Every (x, y) pair once: entry (uint8 x) * 256 + (uint8 y).
  constexpr int kPairs = 256 * 256;
  std::vector<int8_t> x(kPairs), y(kPairs);
  for (int i = 0; i < kPairs; ++i) {
    x[static_cast<size_t>(i)] = static_cast<int8_t>(static_cast<uint8_t>(i >> 8));
    y[static_cast<size_t>(i)] = static_cast<int8_t>(static_cast<uint8_t>(i & 255));
  }
  auto table = std::make_shared<std::vector<int8_t>>(kPairs);
  const ref::Shape pairs{kPairs};
  reference(ref::MakeBroadcastPlan(pairs, pairs, pairs), x.data(), y.data(), table->data());
  return [table, plan, input1, input2, output] {
    const int8_t* t = table->data();
    ref::BroadcastBinary(plan, input1, input2, output, [t](int8_t a, int8_t b) {
      return t[static_cast<uint32_t>(static_cast<uint8_t>(a)) << 8 | static_cast<uint8_t>(b)];
    });
  };
}

}  // namespace tinyforge::interp::fast
