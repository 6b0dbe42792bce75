// libFuzzer target: an image file through the image-folder source: stb's decoder, resize, preprocessing (tinyforge::fuzz::FuzzImage).
// See tests/fuzz/README.md for building and running.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tinyforge::fuzz::AbortOnViolation("image", tinyforge::fuzz::FuzzImage(data, size));
  return 0;
}
