// libFuzzer target: a .tflite model through load, verify, round trip,
// rewrite, inspect's summary and `run` (Prepare every operator, Invoke on
// zeros) under a small memory budget: tinyforge::fuzz::FuzzModel. Mutation
// is structure-aware (model_mutator.h): libFuzzer's byte mutations would
// rarely get past the flatbuffers verifier.
//
// Build and run (see tests/fuzz/README.md):
//   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DTINYFORGE_FUZZ=ON ...
//   cmake --build build-fuzz --target model_fuzzer
//   nice -n 19 build-fuzz/tests/model_fuzzer -max_total_time=600 CORPUS SEEDS
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entry.h"
#include "tests/fuzz/model_mutator.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tinyforge::fuzz::LoadMutatorSchema(TINYFORGE_FUZZ_BFBS);
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  return tinyforge::fuzz::MutateModel(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tinyforge::fuzz::AbortOnViolation("model", tinyforge::fuzz::FuzzModel(data, size));
  return 0;
}
