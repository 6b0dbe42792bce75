// The resolver and the arena constant tinyforge_add_model() emitted, used as a
// firmware uses them: AllocateTensors must succeed in exactly
// consumer_net_arena_bytes and Invoke must run. Exit 0 when both do.
#include <cstdint>
#include <cstdio>

#include "consumer_net_data.h"
#include "consumer_net_ops.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/schema/schema_generated.h"

alignas(16) static uint8_t tensor_arena[consumer_net_arena_bytes];

int main() {
  const tflite::Model* model = tflite::GetModel(consumer_net);
  auto resolver = consumer_net_op_resolver();
  tflite::MicroInterpreter interpreter(model, resolver, tensor_arena, sizeof tensor_arena);
  if (interpreter.AllocateTensors() != kTfLiteOk) {
    std::printf("FAIL: AllocateTensors in %d bytes\n", static_cast<int>(sizeof tensor_arena));
    return 1;
  }
  if (interpreter.Invoke() != kTfLiteOk) {
    std::printf("FAIL: Invoke\n");
    return 1;
  }
  std::printf("PASS: %d operators resolved, arena %d bytes\n", static_cast<int>(model->subgraphs()->Get(0)->operators()->size()),
              static_cast<int>(sizeof tensor_arena));
  return 0;
}
