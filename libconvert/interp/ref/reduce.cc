#include "libconvert/interp/ref/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/ref/broadcast.h"

namespace tinyforge::ref {
namespace {

std::string AxesString(const std::vector<int32_t>& axes) {
  std::string s = "[";
  for (size_t i = 0; i < axes.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(axes[i]);
  }
  return s + "]";
}

// Calls fn(output_index, input_offset_of_first_reduced_element) for every
// output, in row-major order of the kept axes.
template <typename Fn>
void ForEachOutput(const ReduceParams& p, Fn fn) {
  const size_t kept = p.kept_dims.size();
  std::vector<int64_t> coord(kept, 0);
  for (int64_t out = 0; out < p.num_outputs; ++out) {
    int64_t base = 0;
    for (size_t i = 0; i < kept; ++i) base += coord[i] * p.kept_strides[i];
    fn(out, base);
    for (size_t i = kept; i-- > 0;) {
      if (++coord[i] < p.kept_dims[i]) break;
      coord[i] = 0;
    }
  }
}

// Calls fn(input_offset) for every reduced element of the output whose
// first element is at `base`, in row-major order of the reduced axes.
template <typename Fn>
void ForEachReduced(const ReduceParams& p, int64_t base, Fn fn) {
  if (p.num_reduced == 0) return;
  const size_t reduced = p.reduced_dims.size();
  if (reduced == 0) {
    fn(base);
    return;
  }
  // Innermost reduced axis as a strided run; the rest as an odometer.
  const int64_t inner_dim = p.reduced_dims[reduced - 1];
  const int64_t inner_stride = p.reduced_strides[reduced - 1];
  std::vector<int64_t> coord(reduced - 1, 0);
  const int64_t outer_count = p.num_reduced / inner_dim;
  for (int64_t n = 0; n < outer_count; ++n) {
    int64_t offset = base;
    for (size_t i = 0; i + 1 < reduced; ++i) offset += coord[i] * p.reduced_strides[i];
    for (int64_t j = 0; j < inner_dim; ++j) fn(offset + j * inner_stride);
    for (size_t i = reduced - 1; i-- > 0;) {
      if (++coord[i] < p.reduced_dims[i]) break;
      coord[i] = 0;
    }
  }
}

void CheckScale(const char* op, const char* what, float scale) {
  if (!(scale > 0.0f) || !std::isfinite(scale)) {
    throw Error(std::string(op) + ": " + what + " scale " + std::to_string(scale) +
                " must be positive and finite");
  }
}

template <typename T>
void QuantizedMeanOrSumImpl(const ReduceParams& params, const QuantizedMeanOrSumParams& q,
                            const T* input, T* output) {
  if (q.num_reduced == 0) {
    // TFLM leaves its zero-initialized output (raw 0, not the zero point).
    std::fill(output, output + params.num_outputs, T{0});
    return;
  }
  ForEachOutput(params, [&](int64_t out, int64_t base) {
    // int32 accumulation with two's complement wrap-around, as TFLM.
    uint32_t sum = 0;
    ForEachReduced(params, base, [&](int64_t i) { sum += static_cast<uint32_t>(input[i]); });
    output[out] = QuantizedMeanOrSumValue<T>(q, sum);
  });
}

}  // namespace

template <typename T>
T QuantizedMeanOrSumValue(const QuantizedMeanOrSumParams& q, uint32_t sum) {
  const int64_t zero_point_total = static_cast<int64_t>(q.input_zero_point) * q.num_reduced;
  const int32_t shifted = static_cast<int32_t>(sum - static_cast<uint32_t>(static_cast<uint64_t>(zero_point_total)));
  const int64_t value = static_cast<int64_t>(MultiplyByQuantizedMultiplier(shifted, q.multiplier)) + q.output_zero_point;
  return static_cast<T>(std::clamp<int64_t>(value, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}
template int8_t QuantizedMeanOrSumValue<int8_t>(const QuantizedMeanOrSumParams&, uint32_t);
template int16_t QuantizedMeanOrSumValue<int16_t>(const QuantizedMeanOrSumParams&, uint32_t);

namespace {

template <typename T, typename Better>
void ReduceExtreme(const ReduceParams& params, const T* input, T* output, T start,
                   Better better) {
  ForEachOutput(params, [&](int64_t out, int64_t base) {
    T acc = start;
    ForEachReduced(params, base, [&](int64_t i) {
      if (better(input[i], acc)) acc = input[i];
    });
    output[out] = acc;
  });
}

}  // namespace

ReduceParams PrepareReduce(const Shape& input, const std::vector<int32_t>& axes,
                           const Shape& output) {
  const std::string where = "reduction of input " + ShapeToString(input) + " over axes " +
                            AxesString(axes) + " into output " + ShapeToString(output);
  const int rank = input.rank();
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  if (rank > 0) {
    for (int32_t a : axes) {
      const int32_t resolved = a < 0 ? a + rank : a;
      if (resolved < 0 || resolved >= rank) {
        throw Error(where + ": axis " + std::to_string(a) + " is out of range for rank " +
                    std::to_string(rank));
      }
      reduced[static_cast<size_t>(resolved)] = true;
    }
  }
  ReduceParams p;
  int64_t stride = 1;
  std::vector<int64_t> strides(static_cast<size_t>(rank));
  for (int i = rank - 1; i >= 0; --i) {
    if (input.dim(i) < 0) throw Error(where + ": negative dimension");
    strides[static_cast<size_t>(i)] = stride;
    stride *= input.dim(i);
  }
  for (int i = 0; i < rank; ++i) {
    const auto k = static_cast<size_t>(i);
    if (reduced[k]) {
      p.reduced_dims.push_back(input.dim(i));
      p.reduced_strides.push_back(strides[k]);
      p.num_reduced *= input.dim(i);
    } else {
      p.kept_dims.push_back(input.dim(i));
      p.kept_strides.push_back(strides[k]);
      p.num_outputs *= input.dim(i);
    }
  }
  if (output.FlatSize() != p.num_outputs) {
    throw Error(where + ": the output should hold " + std::to_string(p.num_outputs) +
                " elements (one per combination of the kept axes), not " +
                std::to_string(output.FlatSize()));
  }
  return p;
}

void Mean(const ReduceParams& params, const float* input, float* output) {
  // TFLM converts the count (a size_t) to float before dividing.
  const auto count = static_cast<float>(static_cast<uint64_t>(params.num_reduced));
  ForEachOutput(params, [&](int64_t out, int64_t base) {
    float sum = 0.0f;
    ForEachReduced(params, base, [&](int64_t i) { sum = sum + input[i]; });
    output[out] = params.num_reduced > 0 ? sum / count : sum;
  });
}

void Sum(const ReduceParams& params, const float* input, float* output) {
  ForEachOutput(params, [&](int64_t out, int64_t base) {
    float sum = 0.0f;
    ForEachReduced(params, base, [&](int64_t i) { sum = input[i] + sum; });
    output[out] = sum;
  });
}

QuantizedMeanOrSumParams PrepareQuantizedSum(const ReduceParams& reduce, float input_scale,
                                             int32_t input_zero_point, float output_scale,
                                             int32_t output_zero_point) {
  CheckScale("SUM", "input", input_scale);
  CheckScale("SUM", "output", output_scale);
  QuantizedMeanOrSumParams q;
  q.input_zero_point = input_zero_point;
  q.output_zero_point = output_zero_point;
  q.num_reduced = reduce.num_reduced;
  q.multiplier =
      QuantizeMultiplier(static_cast<double>(input_scale) / static_cast<double>(output_scale));
  return q;
}

QuantizedMeanOrSumParams PrepareQuantizedMean(const ReduceParams& reduce, float input_scale,
                                              int32_t input_zero_point, float output_scale,
                                              int32_t output_zero_point) {
  CheckScale("MEAN", "input", input_scale);
  CheckScale("MEAN", "output", output_scale);
  QuantizedMeanOrSumParams q =
      PrepareQuantizedSum(reduce, input_scale, input_zero_point, output_scale, output_zero_point);
  const int64_t n = q.num_reduced;
  if (n <= 0) return q;
  // Fold 1/n into the multiplier: pre-scale the Q31 multiplier by
  // 2^floor(log2 n) (capped so the int64 product and the final shift stay in
  // range), divide by n with truncation, and compensate in the shift.
  int shift = 0;
  while ((n >> (shift + 1)) != 0) ++shift;
  shift = std::min(shift, 32);
  shift = std::min(shift, 31 + q.multiplier.shift);
  shift = std::max(shift, 0);
  q.multiplier.multiplier =
      static_cast<int32_t>((static_cast<int64_t>(q.multiplier.multiplier) << shift) / n);
  q.multiplier.shift -= shift;
  return q;
}

void QuantizedMeanOrSum(const ReduceParams& params, const QuantizedMeanOrSumParams& quant,
                        const int8_t* input, int8_t* output) {
  QuantizedMeanOrSumImpl(params, quant, input, output);
}

void QuantizedMeanOrSum(const ReduceParams& params, const QuantizedMeanOrSumParams& quant,
                        const int16_t* input, int16_t* output) {
  QuantizedMeanOrSumImpl(params, quant, input, output);
}

template <typename T>
void ReduceMax(const ReduceParams& params, const T* input, T* output) {
  ReduceExtreme(params, input, output, std::numeric_limits<T>::lowest(),
                [](T in, T current) { return in > current; });
}

template <typename T>
void ReduceMin(const ReduceParams& params, const T* input, T* output) {
  ReduceExtreme(params, input, output, std::numeric_limits<T>::max(),
                [](T in, T current) { return in < current; });
}

template void ReduceMax<float>(const ReduceParams&, const float*, float*);
template void ReduceMax<int8_t>(const ReduceParams&, const int8_t*, int8_t*);
template void ReduceMax<int16_t>(const ReduceParams&, const int16_t*, int16_t*);
template void ReduceMax<int32_t>(const ReduceParams&, const int32_t*, int32_t*);
template void ReduceMin<float>(const ReduceParams&, const float*, float*);
template void ReduceMin<int8_t>(const ReduceParams&, const int8_t*, int8_t*);
template void ReduceMin<int16_t>(const ReduceParams&, const int16_t*, int16_t*);
template void ReduceMin<int32_t>(const ReduceParams&, const int32_t*, int32_t*);

void CheckReduceMinMaxQuantization(float input_scale, int32_t input_zero_point,
                                   float output_scale, int32_t output_zero_point) {
  if (input_scale != output_scale || input_zero_point != output_zero_point) {
    throw Error("REDUCE_MAX/REDUCE_MIN: input (scale " + std::to_string(input_scale) +
                ", zero point " + std::to_string(input_zero_point) + ") and output (scale " +
                std::to_string(output_scale) + ", zero point " +
                std::to_string(output_zero_point) +
                ") must be quantized identically; TFLM copies raw values");
  }
}

}  // namespace tinyforge::ref
