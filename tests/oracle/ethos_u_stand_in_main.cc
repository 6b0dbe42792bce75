// The real TFLM allocating a Vela-compiled model, for the arena oracle of
// tests/oracle/ethos_u_arena_test.cc. TFLM's ethos-u kernel only builds for
// an Ethos-U NPU (it calls the NPU driver), so a stand-in is registered under
// "ethos-u" whose Init and Prepare take from the arena exactly what
// tensorflow/lite/micro/kernels/ethos_u/ethosu.cc takes at tflite-micro
// 90b983c2 (an OpData of three ints; two scratch requests of one uint64_t and
// one size_t per operand; the command stream as a temporary input) and whose
// Eval does nothing. Everything else, the memory planner included, is the
// real TFLM.
// usage: ethos_u_stand_in MODEL.tflite ARENA_BYTES
//   prints "arena_used_bytes N" and exits 0 when AllocateTensors and Invoke
//   succeed with an ARENA_BYTES arena (16-byte aligned); exits 3 when
//   AllocateTensors fails, 4 when Invoke fails, 2 on usage or I/O errors.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tensorflow/lite/micro/kernels/kernel_util.h"
#include "tensorflow/lite/micro/micro_context.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace {

struct StandInOpData {
  int cms_data_size;
  int base_addr_idx;
  int base_addr_size_idx;
};

void* StandInInit(TfLiteContext* context, const char*, size_t) {
  return context->AllocatePersistentBuffer(context, sizeof(StandInOpData));
}

TfLiteStatus StandInPrepare(TfLiteContext* context, TfLiteNode* node) {
  auto* data = static_cast<StandInOpData*>(node->user_data);
  const int operands = node->inputs->size + node->outputs->size;
  TF_LITE_ENSURE_STATUS(
      context->RequestScratchBufferInArena(context, operands * sizeof(uint64_t), &data->base_addr_idx));
  TF_LITE_ENSURE_STATUS(
      context->RequestScratchBufferInArena(context, operands * sizeof(size_t), &data->base_addr_size_idx));
  tflite::MicroContext* micro_context = tflite::GetMicroContext(context);
  TfLiteTensor* commands = micro_context->AllocateTempInputTensor(node, 0);
  if (commands == nullptr) return kTfLiteError;
  data->cms_data_size = static_cast<int>(commands->bytes);
  micro_context->DeallocateTempTfLiteTensor(commands);
  return kTfLiteOk;
}

TfLiteStatus StandInEval(TfLiteContext*, TfLiteNode*) { return kTfLiteOk; }

bool ReadModelFile(const char* path, std::vector<uint8_t>& bytes) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return false;
  uint8_t chunk[4096];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  return std::fclose(f) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL.tflite ARENA_BYTES\n", argv[0]);
    return 2;
  }
  std::vector<uint8_t> file;
  if (!ReadModelFile(argv[1], file)) return 2;
  const size_t arena_bytes = std::strtoul(argv[2], nullptr, 10);
  // Model and arena 16-byte aligned, as on a device.
  auto* model_data = static_cast<uint8_t*>(std::aligned_alloc(16, (file.size() + 15) / 16 * 16));
  auto* arena = static_cast<uint8_t*>(std::aligned_alloc(16, (arena_bytes + 15) / 16 * 16));
  if (model_data == nullptr || arena == nullptr) return 2;
  std::memcpy(model_data, file.data(), file.size());

  static TFLMRegistration stand_in = tflite::micro::RegisterOp(StandInInit, StandInPrepare, StandInEval);
  tflite::MicroMutableOpResolver<2> resolver;
  resolver.AddReshape();
  resolver.AddCustom("ethos-u", &stand_in);
  tflite::MicroInterpreter interpreter(tflite::GetModel(model_data), resolver, arena, arena_bytes);
  if (interpreter.AllocateTensors() != kTfLiteOk) return 3;
  if (interpreter.Invoke() != kTfLiteOk) return 4;
  std::printf("arena_used_bytes %zu\n", interpreter.arena_used_bytes());
  return 0;
}
