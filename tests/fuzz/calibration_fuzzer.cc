// libFuzzer target: a calibration table (JSON) read against the built-in float model and used to quantize it (tinyforge::fuzz::FuzzCalibration).
// See tests/fuzz/README.md for building and running.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tinyforge::fuzz::AbortOnViolation("calibration", tinyforge::fuzz::FuzzCalibration(data, size));
  return 0;
}
