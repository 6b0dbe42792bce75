// Post-training full-integer quantization of a float model, following the
// TFLite quantization spec (../shared/docs/design.md): int8 symmetric
// weights (per channel for CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV),
// int32 bias (int64 in 16x8 mode), asymmetric int8 (or symmetric int16)
// activations from a calibration table.
#pragma once

#include <string>
#include <vector>

#include "libconvert/model/model.h"
#include "quantize/calibrator.h"

namespace tinyforge::quantize {

// The type of the model's inputs and outputs after quantization.
enum class IoType { kFloat, kInt8, kUInt8 };
// The type of activations: int8 (asymmetric), or int16 (symmetric, "16x8").
enum class ActivationType { kInt8, kInt16 };

struct QuantizeOptions {
  IoType io = IoType::kInt8;
  ActivationType activations = ActivationType::kInt8;
  bool per_channel_fc = false;
  // FULLY_CONNECTED operators whose output tensor name matches one of these
  // (ECMAScript regex, searched) get per-channel weights (all of them with
  // per_channel_fc).
  std::vector<std::string> per_channel_fc_layers;
  // Operators whose output tensor name matches one of these (ECMAScript
  // regex, searched) run with int16 activations (16x8) inside an int8 model:
  // QUANTIZE requantizes int8 <-> int16 at their inputs and outputs, as
  // TFLM's QUANTIZE does. Ignored with activations = kInt16 (all are).
  std::vector<std::string> int16_layers;
  // Operators whose output tensor name matches one of these (ECMAScript
  // regex, searched) stay float, between DEQUANTIZE and QUANTIZE.
  std::vector<std::string> keep_float;
  // An operator TFLM cannot run in integer is an error instead of a warning.
  bool strict = false;
};

struct QuantizeResult {
  Model model;
  // One line each: operators left float and why.
  std::vector<std::string> warnings;
};

// Throws Error (kBadInput) when `model` has nothing to quantize: no float
// tensor that an operator computes (an already full-integer model). Commands
// call it right after loading, before calibrating; QuantizeModel calls it too.
void CheckHasFloatActivations(const Model& model);

// Throws Error (kBadInput) naming the operator for what cannot be quantized
// (a tensor without a calibrated range, an unsupported operator under
// `strict`, an invalid keep_float pattern).
QuantizeResult QuantizeModel(const Model& float_model, const CalibrationTable& table,
                             const QuantizeOptions& options);

}  // namespace tinyforge::quantize
