// The integer versions of a float model's constants, added to subgraph 0 of
// the model being quantized: weights (int8, or int16 at a given bound),
// biases (int32, or int64 for 16x8) and values read like activations. Each
// new tensor copies the original's name (with a type suffix) and shape.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "libconvert/model/model.h"
#include "quantize/quant_params.h"

namespace tinyforge::quantize {

std::unique_ptr<tflite::QuantizationParametersT> MakeQuantization(const std::vector<float>& scales,
                                                                  const std::vector<int64_t>& zero_points, int axis);

// A constant like tensor `original` (name + suffix, same shape) holding `bytes`.
int AddTensorLike(Model& model, int original, const std::string& suffix, tflite::TensorType type,
                  std::vector<uint8_t> bytes, std::unique_ptr<tflite::QuantizationParametersT> quantization);

// int8 symmetric weights, per channel along `axis` or per tensor (axis -1);
// `scales` receives the scales.
int AddWeights(Model& model, int index, int axis, std::vector<float>& scales);

// int16 symmetric weights in [-qmax, qmax], per tensor; `scale` receives it.
int AddWeights16(Model& model, int index, int32_t qmax, float& scale);

// The bias at input_scale x weight_scales[c] (one scale, or one per
// element): int64 when `int64`, else int32. `context` names the operator in
// the error for a bias whose size does not fit the weights.
int AddBias(Model& model, int index, float input_scale, const std::vector<float>& weight_scales, bool int64,
            const std::string& context);

// A float constant read as a value (ADD's second operand, PADV2's pad
// value, ...) quantized with `params` to int8 or int16.
int AddConstantValues(Model& model, int index, const QuantParams& params, tflite::TensorType type);

}  // namespace tinyforge::quantize
