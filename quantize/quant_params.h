// The arithmetic of the TFLite quantization spec: activation parameters from
// a real range, symmetric weight quantization (per tensor or per channel),
// and bias quantization. Pure functions, no model types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tinyforge::quantize {

struct QuantParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
};

// Asymmetric parameters for [qmin, qmax] (int8: -128..127) covering the real
// range [min, max] widened to include 0, so that 0.0 is exactly
// representable: scale = (max - min) / (qmax - qmin), zero point nudged to
// the nearest integer in range. An empty range (both 0) gets scale 1/qrange
// so the tensor stays valid, and so does a range whose scale would be below
// the smallest normal float (zero or denormal width, e.g. from a calibration
// table): its values are all within 1e-35 of 0. The same holds for every
// function here: no scale they return is 0 or denormal. min/max must be
// finite and min <= max.
QuantParams AsymmetricParams(float min, float max, int32_t qmin, int32_t qmax);
// Symmetric parameters (zero point 0): scale = max(|min|, |max|) / qmax.
QuantParams SymmetricParams(float min, float max, int32_t qmax);

// int16 parameters (zero point 0) whose scale is a power of two: the
// smallest 2^k >= max(|min|, |max|), over 32768 (an LSTM cell state, which
// TFLM's kernel reads through log2 of its scale). An empty range gives 2^-15.
QuantParams PowerOfTwoParams(float min, float max);

// q = clamp(round(x / scale) + zero_point, qmin, qmax), rounding half away
// from zero as TFLite's quantizer does.
int32_t QuantizeValue(float x, const QuantParams& params, int32_t qmin, int32_t qmax);

// Symmetric int8 weights in [-127, 127], one scale per slice along `axis`
// of `shape` (or one scale for the whole tensor when axis < 0). A slice of
// all zeros gets scale 1 (any positive scale represents it exactly).
struct QuantizedWeights {
  std::vector<int8_t> values;
  std::vector<float> scales;  // one per channel, or one
};
QuantizedWeights QuantizeWeights(const float* values, const std::vector<int32_t>& shape, int axis);

// Symmetric int16 weights in [-qmax, qmax]: scale = max|w| / qmax (SVDF
// time weights use qmax 512, "10 bits", as TensorFlow's converter does, to
// leave room for the sum over the memory). All zeros give scale 1.
struct QuantizedWeights16 {
  std::vector<int16_t> values;
  float scale = 1.0f;
};
QuantizedWeights16 QuantizeWeights16(const float* values, size_t n, int32_t qmax);

// int32 (or int64) bias: q[c] = round(b[c] / (input_scale * weight_scale[c])),
// saturated to the type's range. weight_scales has one entry, or one per
// element of `values`.
std::vector<int32_t> QuantizeBias32(const float* values, size_t n, float input_scale,
                                    const std::vector<float>& weight_scales);
std::vector<int64_t> QuantizeBias64(const float* values, size_t n, float input_scale,
                                    const std::vector<float>& weight_scales);

}  // namespace tinyforge::quantize
