// What emit needs to know about a .tflite model to describe it in a generated
// header and to build its op resolver. A plain struct, filled by the caller
// (the CLI fills it from libconvert's Model), so emit's byte-level code does
// not depend on the model library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tinyforge::emit {

// One input or output tensor of the model's main subgraph.
struct IoTensor {
  std::string name;             // tensor name as stored in the model
  std::string dtype;            // TensorType name: "INT8", "FLOAT32", ...
  std::vector<int64_t> shape;   // dimensions, outermost first
  // Per-tensor quantization (real = scale * (q - zero_point)); absent for
  // float tensors and for per-channel quantized ones.
  std::optional<double> scale;
  std::optional<int64_t> zero_point;
};

// The tensor arena a firmware must reserve for the model on one TFLM build.
struct ArenaFigure {
  int64_t required_bytes = 0;  // the smallest 16-byte aligned arena AllocateTensors succeeds with
  std::string target;          // the --target name: "cortex-m4"
  std::string target_description;  // "Cortex-M4 (32-bit, arm-none-eabi)"
};

struct ModelDescription {
  std::vector<IoTensor> inputs;
  std::vector<IoTensor> outputs;
  // Operators used, as TFLite BuiltinOperator names ("CONV_2D"); a CUSTOM
  // operator is named by its custom code ("TFLite_Detection_PostProcess").
  // Duplicates and order do not matter: emit sorts and deduplicates.
  std::vector<std::string> op_names;
  int64_t parameter_count = 0;          // elements of all constant tensors
  std::optional<ArenaFigure> arena;     // TFLM's tensor arena, if known
};

}  // namespace tinyforge::emit
