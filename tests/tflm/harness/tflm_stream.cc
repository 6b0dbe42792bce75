// tflm_stream MODEL.tflite INPUT.bin STEPS OUTPUT.bin
//
// Runs subgraph 0 of MODEL on the real TFLM (../shared/tflm) as a stream:
// STEPS invocations with no reset between them, so variable tensors (an SVDF's
// state) carry over from one step to the next, as on a device fed frame by
// frame. INPUT.bin holds STEPS x the bytes of input 0; OUTPUT.bin receives,
// for each step, the bytes of every output in order. Exit codes: 0 ran, 2 usage or I/O,
// 3 AllocateTensors failed, 4 Invoke failed.
//
// Built against TFLM's library with its own flags (no exceptions, no RTTI);
// tests/CMakeLists.txt builds it when the corpus has the library.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace {

bool ReadFile(const char* path, std::vector<unsigned char>* bytes) {
  FILE* f = std::fopen(path, "rb");
  if (!f) return false;
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  bytes->resize(size > 0 ? static_cast<size_t>(size) : 0);
  const bool ok = std::fread(bytes->data(), 1, bytes->size(), f) == bytes->size();
  std::fclose(f);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s MODEL.tflite INPUT.bin STEPS OUTPUT.bin\n", argv[0]);
    return 2;
  }
  std::vector<unsigned char> file, input;
  if (!ReadFile(argv[1], &file) || !ReadFile(argv[2], &input)) {
    std::fprintf(stderr, "cannot read %s or %s\n", argv[1], argv[2]);
    return 2;
  }
  const long steps = std::strtol(argv[3], nullptr, 10);
  // The model 16-byte aligned, as on a device.
  const size_t model_bytes = (file.size() + 15) / 16 * 16;
  auto* model_data = static_cast<unsigned char*>(std::aligned_alloc(16, model_bytes));
  std::memcpy(model_data, file.data(), file.size());
  constexpr size_t kArenaBytes = 16u << 20;
  auto* arena = static_cast<uint8_t*>(std::aligned_alloc(16, kArenaBytes));
  std::memset(arena, 0, kArenaBytes);

  tflite::MicroMutableOpResolver<12> resolver;
  resolver.AddSvdf();
  resolver.AddUnidirectionalSequenceLSTM();
  resolver.AddFullyConnected();
  resolver.AddSoftmax();
  resolver.AddReshape();
  resolver.AddQuantize();
  resolver.AddDequantize();
  resolver.AddRelu();
  resolver.AddLogistic();
  resolver.AddTanh();
  resolver.AddAdd();
  resolver.AddMul();
  tflite::MicroInterpreter interpreter(tflite::GetModel(model_data), resolver, arena, kArenaBytes);
  if (interpreter.AllocateTensors() != kTfLiteOk) {
    std::fprintf(stderr, "AllocateTensors failed\n");
    return 3;
  }
  TfLiteTensor* in = interpreter.input(0);
  if (steps <= 0 || input.size() != static_cast<size_t>(steps) * in->bytes) {
    std::fprintf(stderr, "INPUT.bin has %zu bytes, expected %ld steps of %zu\n", input.size(), steps, in->bytes);
    return 2;
  }
  std::vector<unsigned char> output;
  for (long s = 0; s < steps; ++s) {
    std::memcpy(in->data.raw, input.data() + static_cast<size_t>(s) * in->bytes, in->bytes);
    if (interpreter.Invoke() != kTfLiteOk) {
      std::fprintf(stderr, "Invoke failed at step %ld\n", s);
      return 4;
    }
    for (size_t k = 0; k < interpreter.outputs_size(); ++k) {
      const TfLiteTensor* out = interpreter.output(k);
      output.insert(output.end(), out->data.raw, out->data.raw + out->bytes);
    }
  }
  FILE* f = std::fopen(argv[4], "wb");
  if (!f || std::fwrite(output.data(), 1, output.size(), f) != output.size()) {
    std::fprintf(stderr, "cannot write %s\n", argv[4]);
    return 2;
  }
  std::fclose(f);
  return 0;  // the arena and model stay allocated: the interpreter's destructor still reads them
}
