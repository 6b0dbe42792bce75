// libFuzzer target: C/C++ source through `emit --reverse` (tinyforge::fuzz::FuzzReverse).
// See tests/fuzz/README.md for building and running.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tinyforge::fuzz::AbortOnViolation("reverse", tinyforge::fuzz::FuzzReverse(data, size));
  return 0;
}
