// What the oracle tests share: seeded random inputs for a model, tinyforge's
// own outputs for them (what `tinyforge run` computes), the comparison rule
// against TFLM's outputs, and bisection of the smallest arena TFLM runs a
// model with.
#pragma once

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "libconvert/data/model_inputs.h"
#include "libconvert/interp/batch.h"
#include "libconvert/model/dtype.h"
#include "libconvert/model/model.h"
#include "tests/tflm_oracle.h"

namespace tinyforge::testing {

// `samples` random samples per input of subgraph 0, shaped [samples, input
// shape...]: floats uniform in [float_min, 1], integers over their whole
// range (int32/int64 in [0, 1]: such inputs are usually indices), bools random.
inline std::vector<NpyArray> RandomInputs(const Model& model, uint32_t seed, size_t samples,
                                          float float_min = -1.0f) {
  std::mt19937 rng(seed);
  std::vector<NpyArray> arrays;
  for (const int32_t index : model.subgraph(0).inputs) {
    const tflite::TensorT& t = model.tensor(0, index);
    std::vector<int64_t> shape = {static_cast<int64_t>(samples)};
    shape.insert(shape.end(), t.shape.begin(), t.shape.end());
    NpyArray a = NpyArray::Zeros(NpyDTypeOf(t.type).value(), shape);
    const size_t n = a.NumElements();
    auto fill = [&](auto view, double lo, double hi) {
      std::uniform_real_distribution<double> d(lo, hi);
      for (size_t i = 0; i < n; ++i) view[i] = static_cast<std::decay_t<decltype(view[0])>>(std::floor(d(rng)));
    };
    switch (a.dtype) {
      case DType::kFloat32: {
        std::uniform_real_distribution<float> d(float_min, 1.0f);
        for (float& v : a.MutableView<float>()) v = d(rng);
        break;
      }
      case DType::kInt8: fill(a.MutableView<int8_t>(), -128, 128); break;
      case DType::kUInt8: fill(a.MutableView<uint8_t>(), 0, 256); break;
      case DType::kInt16: fill(a.MutableView<int16_t>(), -32768, 32768); break;
      case DType::kInt32: fill(a.MutableView<int32_t>(), 0, 2); break;
      case DType::kInt64: fill(a.MutableView<int64_t>(), 0, 2); break;
      case DType::kBool: {
        std::bernoulli_distribution d(0.5);
        for (bool& v : a.MutableView<bool>()) v = d(rng);
        break;
      }
      default: break;  // float64, uint16: no model input of the corpus has them
    }
    arrays.push_back(std::move(a));
  }
  return arrays;
}

// tinyforge's outputs on `inputs` (one array per model input, batched), as
// `tinyforge run` computes them: fast kernels, one array per output.
inline std::vector<NpyArray> RunOurs(const Model& model, const std::vector<NpyArray>& inputs) {
  ModelInputArrays arrays;
  arrays.arrays = inputs;
  for (size_t k = 0; k < inputs.size(); ++k) arrays.names.push_back("random input " + std::to_string(k));
  return interp::RunDataset(model, ViewModelInputs(model, arrays), /*threads=*/1);
}

// "" when `tflm` equals `ours`: integers bit for bit, floats within 1e-5
// relative (1e-6 absolute near zero; NaN on both sides matches); else what
// differs first.
inline std::string OutputDifference(const std::vector<NpyArray>& ours, const std::vector<NpyArray>& tflm) {
  if (ours.size() != tflm.size()) {
    return std::to_string(tflm.size()) + " outputs from TFLM, " + std::to_string(ours.size()) + " from tinyforge";
  }
  for (size_t k = 0; k < ours.size(); ++k) {
    const NpyArray& a = ours[k];
    const NpyArray& b = tflm[k];
    const std::string which = "output " + std::to_string(k);
    if (a.dtype != b.dtype || a.NumElements() != b.NumElements()) {
      return which + ": dtype or size differs (" + DTypeName(b.dtype) + " from TFLM, " + DTypeName(a.dtype) + ")";
    }
    if (a.dtype != DType::kFloat32) {
      if (a.data != b.data) return which + ": integer bits differ";
      continue;
    }
    const Span<const float> x = a.View<float>();
    const Span<const float> y = b.View<float>();
    for (size_t i = 0; i < x.size(); ++i) {
      if (std::isnan(x[i]) && std::isnan(y[i])) continue;
      const double diff = std::fabs(static_cast<double>(x[i]) - y[i]);
      if (!(diff <= std::max(1e-5 * std::fabs(static_cast<double>(y[i])), 1e-6))) {
        return which + " element " + std::to_string(i) + ": " + std::to_string(x[i]) + " here, " +
               std::to_string(y[i]) + " from TFLM";
      }
    }
  }
  return "";
}

// Whether TFLM runs `model_path` with an arena of `arena` bytes and gives
// `expected` (its own full-arena outputs).
inline bool TflmRunsWith(TflmTarget target, const std::string& model_path, const std::vector<NpyArray>& inputs,
                         const std::string& dir, int64_t arena, const std::vector<NpyArray>& expected) {
  TflmRunOptions options;
  options.arena_bytes = arena;
  const TflmResult r = RunTflm(target, model_path, inputs, dir, options);
  return r.ran() && OutputDifference(r.outputs, expected).empty();
}

// The smallest arena (a multiple of 16) in (fails, works] with which TFLM
// runs the model and gives `expected`, by bisection; `fails` and `works` must
// be multiples of 16 known to fail and to work.
inline int64_t BisectTflmArena(TflmTarget target, const std::string& model_path,
                               const std::vector<NpyArray>& inputs, const std::string& dir, int64_t fails,
                               int64_t works, const std::vector<NpyArray>& expected) {
  while (works - fails > 16) {
    const int64_t mid = (fails + works) / 32 * 16;
    (TflmRunsWith(target, model_path, inputs, dir, mid, expected) ? works : fails) = mid;
  }
  return works;
}

}  // namespace tinyforge::testing
