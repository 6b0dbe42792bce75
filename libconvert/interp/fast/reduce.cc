// Fast MEAN and SUM over a contiguous block of axes (MEAN over H and W of
// an NHWC image, say): the input read as [outer, reduced, inner] rows, each
// output's values summed in the reference's order, a whole row of inner
// outputs at a time.
#include <algorithm>
#include <vector>

#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/fast/kernel_support.h"

namespace tinyforge::interp::fast {
namespace {

// [outer, reduced, inner] when the reduced axes are one contiguous block.
struct ReduceRows {
  int64_t outer = 0, reduced = 0, inner = 0;
};

bool AsRows(const ref::ReduceParams& p, ReduceRows* rows) {
  if (p.reduced_dims.empty() || p.num_reduced <= 0) return false;
  for (size_t i = 0; i + 1 < p.reduced_dims.size(); ++i) {
    if (p.reduced_strides[i] != p.reduced_strides[i + 1] * p.reduced_dims[i + 1]) return false;
  }
  // Every axis after the block is kept: the block's stride is their size
  // (0 when one of them is empty: then nothing to do fast).
  rows->inner = p.reduced_strides.back();
  if (rows->inner <= 0) return false;
  rows->reduced = p.num_reduced;
  rows->outer = p.num_outputs / rows->inner;
  return rows->outer * rows->inner == p.num_outputs;
}

// Calls finish(o, sums) for each outer row o with the inner sums of its
// reduced rows, accumulated by add(sum, value) in the reduced rows' order.
template <typename T, typename Acc, typename Add, typename Finish>
void SumRows(const ReduceRows& r, const T* input, Add add, Finish finish) {
  Acc* sums = Scratch<Acc>(r.inner);
  for (int64_t o = 0; o < r.outer; ++o) {
    std::fill(sums, sums + r.inner, Acc{0});
    const T* row = input + o * r.reduced * r.inner;
    for (int64_t k = 0; k < r.reduced; ++k, row += r.inner) {
      for (int64_t c = 0; c < r.inner; ++c) sums[c] = add(sums[c], row[c]);
    }
    finish(o, sums);
  }
}

}  // namespace

EvalFn MeanFloat(const ref::ReduceParams& params, const float* input, float* output) {
  ReduceRows r;
  if (!AsRows(params, &r)) return {};
  // The reference's count, converted the way TFLM converts it.
  const auto count = static_cast<float>(static_cast<uint64_t>(params.num_reduced));
  return [r, count, input, output] {
    SumRows<float, float>(r, input, [](float sum, float x) { return sum + x; }, [&](int64_t o, const float* sums) {
      for (int64_t c = 0; c < r.inner; ++c) output[o * r.inner + c] = sums[c] / count;
    });
  };
}

EvalFn QuantizedMeanOrSumInt8(const ref::ReduceParams& params, const ref::QuantizedMeanOrSumParams& quant,
                              const int8_t* input, int8_t* output) {
  ReduceRows r;
  if (!AsRows(params, &r) || quant.num_reduced <= 0) return {};
  return [r, quant, input, output] {
    // int32 sums with wrap-around, as the reference's.
    SumRows<int8_t, uint32_t>(r, input, [](uint32_t sum, int8_t x) { return sum + static_cast<uint32_t>(x); },
                              [&](int64_t o, const uint32_t* sums) {
                                for (int64_t c = 0; c < r.inner; ++c) {
                                  output[o * r.inner + c] = ref::QuantizedMeanOrSumValue<int8_t>(quant, sums[c]);
                                }
                              });
  };
}

}  // namespace tinyforge::interp::fast
