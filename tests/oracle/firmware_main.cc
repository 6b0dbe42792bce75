// A firmware-style program around `tinyforge emit` output: the model array
// and the arena size from the emitted model_data.h, the op resolver from the
// emitted model_ops.h, the arena declared the way the header says. Built by
// tests/oracle/firmware_test.cc against ../shared/tflm with
//   -DTF_MODEL=<the emitted array name>
// usage: firmware INPUT.bin OUTPUT.bin
//   INPUT.bin   one or more samples, each every input tensor's bytes in order
//   OUTPUT.bin  written: per sample, every output tensor's bytes in order
// Exit: 0 ran; 2 usage or I/O; 3 AllocateTensors failed; 4 Invoke failed.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "model_data.h"
#include "model_ops.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/schema/schema_generated.h"

#define TF_JOIN2(a, b) a##b
#define TF_JOIN(a, b) TF_JOIN2(a, b)

// Exactly the emitted size, 16-byte aligned.
alignas(16) static uint8_t tensor_arena[TF_JOIN(TF_MODEL, _arena_bytes)];

namespace {

bool ReadFile(const char* path, std::vector<uint8_t>& bytes) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return false;
  uint8_t chunk[4096];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  return std::fclose(f) == 0;
}

bool WriteFile(const char* path, const std::vector<uint8_t>& bytes) {
  std::FILE* f = std::fopen(path, "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s INPUT.bin OUTPUT.bin\n", argv[0]);
    return 2;
  }
  std::vector<uint8_t> input;
  if (!ReadFile(argv[1], input)) return 2;

  static auto resolver = TF_JOIN(TF_MODEL, _op_resolver)();
  tflite::MicroInterpreter interpreter(tflite::GetModel(TF_MODEL), resolver, tensor_arena,
                                       sizeof tensor_arena);
  if (interpreter.AllocateTensors() != kTfLiteOk) {
    std::fprintf(stderr, "AllocateTensors failed with the emitted %u-byte arena\n",
                 static_cast<unsigned>(sizeof tensor_arena));
    return 3;
  }
  size_t sample_bytes = 0;
  for (size_t k = 0; k < interpreter.inputs_size(); ++k) sample_bytes += interpreter.input(k)->bytes;
  if (sample_bytes == 0 || input.size() % sample_bytes != 0) return 2;

  std::vector<uint8_t> output;
  for (size_t at = 0; at < input.size();) {
    interpreter.Reset();  // variable tensors start fresh for every sample
    for (size_t k = 0; k < interpreter.inputs_size(); ++k) {
      TfLiteTensor* t = interpreter.input(k);
      std::memcpy(t->data.raw, input.data() + at, t->bytes);
      at += t->bytes;
    }
    if (interpreter.Invoke() != kTfLiteOk) return 4;
    for (size_t k = 0; k < interpreter.outputs_size(); ++k) {
      const TfLiteTensor* t = interpreter.output(k);
      output.insert(output.end(), t->data.uint8, t->data.uint8 + t->bytes);
    }
  }
  std::printf("arena %u bytes, arena_used_bytes %u\n", static_cast<unsigned>(sizeof tensor_arena),
              static_cast<unsigned>(interpreter.arena_used_bytes()));
  return WriteFile(argv[2], output) ? 0 : 2;
}
