// Checks what tinyforge_add_model() compiled in against the files themselves:
// the array's bytes against the .tflite (argv[1]), the test vectors' first two
// samples against the float32 .npy they came from (argv[2]). Exit 0 when all
// match, 1 with a line saying what differs.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "consumer_net_data.h"
#include "consumer_net_test_data.h"

namespace {

std::vector<char> ReadAll(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int Fail(const char* what) {
  std::printf("FAIL: %s\n", what);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return Fail("usage: consumer MODEL.tflite INPUTS.npy");
  const std::vector<char> model = ReadAll(argv[1]);
  if (model.size() != consumer_net_len) return Fail("consumer_net_len is not the model file's size");
  if (std::memcmp(model.data(), consumer_net, model.size()) != 0) return Fail("the array differs from the model file");
  if (consumer_net_arena_bytes <= 0) return Fail("no arena size");

  // A version 1.0 .npy: 6 magic bytes, 2 version bytes, a little-endian
  // 16-bit header length, the header, then the float32 values in C order.
  const std::vector<char> npy = ReadAll(argv[2]);
  if (npy.size() < 10) return Fail("the .npy is too short");
  const std::size_t header = static_cast<unsigned char>(npy[8]) | static_cast<unsigned char>(npy[9]) << 8;
  const std::size_t values = 10 + header;
  if (consumer_net_test_count != 2) return Fail("SAMPLES 2 did not give two samples");
  const std::size_t elements = consumer_net_test_input_elements;
  if (npy.size() < values + 2 * elements * sizeof(float)) return Fail("the .npy holds fewer than two samples");
  for (std::size_t k = 0; k < 2; ++k) {
    const char* sample = npy.data() + values + k * elements * sizeof(float);
    if (std::memcmp(sample, consumer_net_test_input[k], elements * sizeof(float)) != 0) {
      return Fail("a test vector differs from the .npy");
    }
  }
  std::printf("PASS: %u model bytes, %d test samples of %u values\n", static_cast<unsigned>(consumer_net_len),
              static_cast<int>(consumer_net_test_count), static_cast<unsigned>(elements));
  return 0;
}
