// A Vela-compiled model (Arm Ethos-U) built in code, laid out as Vela writes
// one (libconvert/model/ethos_u.h): an "ethos-u" CUSTOM operator reading
// [command stream, flash, scratch, scratch_fast, input] and writing the
// output. The command stream and flash bytes are arbitrary (nothing here
// runs them); the scratch tensors are uint8, not constant, and produced by no
// operator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/model/model.h"
#include "libconvert/model/model_builder.h"

namespace tinyforge::testing {

struct VelaModelShape {
  int32_t command_stream_bytes = 100;
  int32_t flash_bytes = 64;
  int32_t scratch_bytes = 1024;
  int32_t scratch_fast_bytes = 0;  // Vela writes [0] when fast memory goes unused
  // RESHAPE operators on the CPU before and after the NPU's part, as when
  // Vela leaves operators the NPU cannot run to TFLM.
  bool cpu_ops_around = false;
};

// The custom options Vela writes: a flexbuffer holding the int8 1
// (CO_TYPE_ETHOSU, read by TFLM's ethos-u kernel): value, type byte
// (FBT_INT << 2 | 8-bit width), root byte width.
inline std::vector<uint8_t> EthosUCustomOptions() { return {0x01, 0x04, 0x01}; }

inline Model VelaModel(const VelaModelShape& shape = {}, const std::string& source = "vela.tflite") {
  ModelBuilder b;
  const Quant q = Quant::PerTensor(0.05f, -3);
  const int input = b.AddTensor("input", tflite::TensorType_INT8, shape.cpu_ops_around ? std::vector<int32_t>{1, 4, 4}
                                                                                       : std::vector<int32_t>{1, 16},
                                q);
  int npu_in = input;
  if (shape.cpu_ops_around) {
    npu_in = b.AddTensor("flat_input", tflite::TensorType_INT8, {1, 16}, q);
    const int new_shape = b.AddConstant<int32_t>("flat_shape", {2}, {1, 16});
    b.AddOperator(tflite::BuiltinOperator_RESHAPE, {input, new_shape}, {npu_in});
  }
  std::vector<uint8_t> commands(static_cast<size_t>(shape.command_stream_bytes));
  for (size_t i = 0; i < commands.size(); ++i) commands[i] = static_cast<uint8_t>(i * 7 + 1);
  std::vector<uint8_t> flash(static_cast<size_t>(shape.flash_bytes));
  for (size_t i = 0; i < flash.size(); ++i) flash[i] = static_cast<uint8_t>(255 - i);
  const int command_stream =
      b.AddConstant<uint8_t>("main_split_1_command_stream", {shape.command_stream_bytes}, commands);
  const int flash_tensor = b.AddConstant<uint8_t>("main_split_1_flash", {shape.flash_bytes}, flash);
  const int scratch = b.AddTensor("main_split_1_scratch", tflite::TensorType_UINT8, {shape.scratch_bytes});
  const int scratch_fast =
      b.AddTensor("main_split_1_scratch_fast", tflite::TensorType_UINT8, {shape.scratch_fast_bytes});
  const int npu_out = b.AddTensor(shape.cpu_ops_around ? "npu_output" : "output", tflite::TensorType_INT8, {1, 16}, q);
  b.AddCustomOperator("ethos-u", {command_stream, flash_tensor, scratch, scratch_fast, npu_in}, {npu_out},
                      EthosUCustomOptions());
  int output = npu_out;
  if (shape.cpu_ops_around) {
    output = b.AddTensor("output", tflite::TensorType_INT8, {1, 4, 4}, q);
    const int out_shape = b.AddConstant<int32_t>("out_shape", {3}, {1, 4, 4});
    b.AddOperator(tflite::BuiltinOperator_RESHAPE, {npu_out, out_shape}, {output});
  }
  b.SetInputs({input});
  b.SetOutputs({output});
  return b.Build(source);
}

}  // namespace tinyforge::testing
