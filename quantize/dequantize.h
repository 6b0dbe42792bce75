// Making a weight-only ("hybrid") or partly quantized model float again, so
// that `quantize` can quantize it whole, as it does a float model.
//
// Such models come from converters' weight-only modes: int8 (or float16)
// constant weights read through a DEQUANTIZE operator, or read directly by a
// float operator (a hybrid FULLY_CONNECTED); some also hold an int8 section
// between a QUANTIZE and a DEQUANTIZE. TFLM runs neither the hybrid operators
// nor, usefully, the float rest: a microcontroller wants full integer.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "libconvert/model/model.h"

namespace tinyforge::quantize {

struct DequantizeReport {
  size_t weights = 0;            // quantized (or float16) constants made float32
  size_t int8_weights = 0;       // of those, the int8 ones
  size_t activations = 0;        // quantized non-constant tensors made float32
  size_t operators_removed = 0;  // QUANTIZE / DEQUANTIZE operators that became identities

  bool changed() const { return weights + activations + operators_removed > 0; }
  // One line for the user: "weights were int8 (weight-only): dequantized and
  // re-quantized", with what else changed; empty when nothing did.
  std::string Summary() const;
};

// The pass, in place, on every subgraph:
//   - every constant with quantization parameters (int8, uint8, int16, int32,
//     int64) becomes a float32 constant holding scale[c] * (q - zero_point[c]),
//     c the channel along quantized_dimension (per tensor: c = 0), computed
//     as TFLM's DEQUANTIZE does (in double, rounded once to float);
//   - every float16 constant becomes float32;
//   - every other tensor with quantization parameters and an integer type (an
//     activation of an int8 section) becomes float32, unquantized;
//   - QUANTIZE and DEQUANTIZE operators, now float32 to float32, are removed:
//     their readers read the operator's input instead (or, when the output is
//     a subgraph output, its producer writes the output directly);
//   - tensors, buffers and operator codes left unused are removed.
// Throws Error (kBadInput) for what it cannot make float (int4 constants, an
// identity between a subgraph input or a constant and a subgraph output).
DequantizeReport DequantizeToFloat(Model& model);

// The real values of quantized constant `t` (it has scales): scale[c] *
// (q - zero_point[c]) per channel as above, in double rounded once to float.
std::vector<float> DequantizedValues(const Model& model, const tflite::TensorT& t);

// What `quantize` and `pipeline` quantize, made from the model they were
// given: refuses models with an ethos-u operator (they do not run here) and
// already full-integer models (CheckHasFloatActivations), then applies
// DequantizeToFloat to a copy.
struct FloatModel {
  Model model;
  DequantizeReport dequantized;
};
FloatModel FloatModelToQuantize(const Model& model);

}  // namespace tinyforge::quantize
