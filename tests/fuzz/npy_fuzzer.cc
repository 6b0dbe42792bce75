// libFuzzer target: a .npy file through the reader and back (tinyforge::fuzz::FuzzNpy).
// See tests/fuzz/README.md for building and running.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tinyforge::fuzz::AbortOnViolation("npy", tinyforge::fuzz::FuzzNpy(data, size));
  return 0;
}
