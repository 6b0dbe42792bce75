// libFuzzer target for the model loader: arbitrary bytes through ParseModel
// (flatbuffers verifier, unpack, semantic checks), and every model that loads
// through SerializeModel, a reload and the rewrite passes.
//
// Contract checked here (a violation aborts, which libFuzzer reports):
//   - ParseModel either returns a model or throws tinyforge::Error whose
//     message starts with the source name and is one line;
//   - a model that loads is safe for later code: it serializes, the bytes load
//     again, and serializing the reloaded model gives the same bytes;
//   - the rewrite passes on it produce a model that verifies.
// Crashes, leaks and undefined behaviour are caught by ASan/UBSan.
//
// Build: configure with CC=clang CXX=clang++ -DTINYFORGE_FUZZ=ON, then
// `make load_model_fuzzer`. Run with a seed corpus of real models, e.g.
//   ./tests/load_model_fuzzer -max_total_time=600 CORPUS_DIR
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/rewrite.h"

namespace {

constexpr char kSource[] = "fuzz.tflite";

[[noreturn]] void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "load_model_fuzzer: %s: %s\n", what, detail.c_str());
  std::abort();
}

void CheckErrorMessage(const tinyforge::Error& e) {
  const std::string message = e.what();
  const std::string prefix = std::string(kSource) + ": ";
  if (message.compare(0, prefix.size(), prefix) != 0) {
    Die("error message does not start with the source name", message);
  }
  if (message.find('\n') != std::string::npos || message.find('\r') != std::string::npos) {
    Die("error message is not one line", message);
  }
  if (e.code() != tinyforge::ErrorCode::kBadInput) Die("error is not kBadInput", message);
}

void ExerciseLoadedModel(const tinyforge::Model& model) {
  const std::vector<uint8_t> compact = tinyforge::SerializeModel(model, {false});
  const std::vector<uint8_t> aligned = tinyforge::SerializeModel(model, {true});
  try {
    const tinyforge::Model again = tinyforge::ParseModel(compact.data(), compact.size(), kSource);
    if (tinyforge::SerializeModel(again, {false}) != compact) {
      Die("re-serializing a reloaded model changed its bytes", "");
    }
    tinyforge::ParseModel(aligned.data(), aligned.size(), kSource);
  } catch (const tinyforge::Error& e) {
    Die("a loaded model did not load again after serializing", e.what());
  }

  tinyforge::RewriteOptions options;
  options.align = true;
  options.dedupe_buffers = true;
  options.strip_unused = true;
  options.strip_names = true;
  options.description = "fuzz";
  try {
    tinyforge::Rewrite(model, options);
  } catch (const tinyforge::Error& e) {
    Die("rewriting a loaded model failed", e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const tinyforge::Model model = tinyforge::ParseModel(data, size, kSource);
    ExerciseLoadedModel(model);
  } catch (const tinyforge::Error& e) {
    CheckErrorMessage(e);
  }
  return 0;
}
