// One-operator models for every row of the kernel table: the end-to-end
// evidence that each (operator, type) the interpreter claims runs from a
// real model file through Interpreter, and the cases the tests run on the
// real TFLM (tests/tflm_oracle.h) to hold integer kernels to TFLM's bits.
//
// Each example is built with ModelBuilder from a fixed seed, so the same name
// always gives the same model. Quantized examples carry parameters TFLM
// accepts (fixed output parameters where the spec fixes them, same scale where
// the kernel needs it, zero point 0 for int16 activations). Inputs are the
// model's own inputs: tests fill them with seeded random values, from each
// input's default range (int8/int16/uint8 their full range, float [-1, 1),
// bool both values, int32/int64/uint32 [-100, 100] clipped to the type)
// unless the example narrows it (indices, positions).
//
// Families of examples live in examples/*.cc, one file per kernel family
// (conv.cc, elementwise.cc, ...); each file contributes a registration
// function listed in families.cc. Adding a kernel-table row means adding
// its example; tests/cli/ops_test.cc fails on a row without one.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "libconvert/model/model.h"

namespace tinyforge::interp {

// The values tests give one model input: reals in [lo, hi) for a float
// input, integers in [lo, hi] (stored values) for the others.
struct InputRange {
  double lo = 0;
  double hi = 0;
};

struct OpExample {
  std::string name;                // unique, e.g. "conv_2d_int8_per_channel"
  tflite::BuiltinOperator op;      // the operator under test
  tflite::TensorType type;         // its kernel-table key type (KernelKeyInput)
  std::function<Model()> build;    // a verified one-operator model
  // Per model input (missing or nullopt: the type's default range).
  std::vector<std::optional<InputRange>> input_ranges = {};
};

// Every example, in a fixed order.
const std::vector<OpExample>& OpExamples();

// The examples of one (operator, type) row.
std::vector<const OpExample*> OpExamplesFor(tflite::BuiltinOperator op, tflite::TensorType type);

}  // namespace tinyforge::interp
