// The one place where fuzz input bytes meet tinyforge: each function takes
// the bytes of one hostile file through the code path a command gives such a
// file, and says whether tinyforge kept its promise for bad input. The
// libFuzzer targets (tests/fuzz/*_fuzzer.cc, clang) and the regression
// replay test (tests/fuzz/replay_test.cc, the normal build, so CI runs every
// input ever found under ASan/UBSan) both call these, nothing else.
//
// The promise: the input is accepted, or rejected with one tinyforge::Error
// of kind kBadInput (exit 2) whose message is one line. Anything else is a
// violation: an Error of another kind (exit 3), another exception, a
// re-serialized model that no longer loads. Crashes, hangs and sanitizer
// reports are caught by the sanitizers and libFuzzer, not here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "libconvert/model/model.h"

namespace tinyforge::fuzz {

// The memory budget (--max-memory) every entry runs under: small, so a
// hostile shape is refused before it can make allocation dominate a run.
constexpr int64_t kFuzzMemoryBudget = int64_t{16} << 20;
// The work budget (--max-work) every entry runs under: a model whose one
// inference claims more is prepared, then refused (its operators' own checks
// still run first), since under the sanitizers it would take seconds and the
// inputs worth finding are in Prepare's checks.
constexpr int64_t kFuzzWorkBudget = 20'000'000;

// What one input did: empty when the promise held, else what broke it.
using Violation = std::string;

// A .tflite file through `tinyforge run` (load, verify, the output arrays'
// memory, Prepare of every operator, the budgets, Invoke on zero inputs) and
// `inspect`
// (the summary and its TFLM arena estimate); a model that loads must also
// serialize, load again to the same bytes and survive the rewrite passes.
Violation FuzzModel(const uint8_t* data, size_t size);
// A .npy file through the reader; what it reads must write back and read again.
Violation FuzzNpy(const uint8_t* data, size_t size);
// An image file through the image-folder source (decode, resize,
// preprocess), as `run --input DIR` reads it.
Violation FuzzImage(const uint8_t* data, size_t size);
// A calibration table (JSON) through `quantize --calibration-in` of the
// built-in float model CalibrationModel(): read, checked, used to quantize.
Violation FuzzCalibration(const uint8_t* data, size_t size);
// C/C++ source through `emit --reverse` (the byte array back out of it).
Violation FuzzReverse(const uint8_t* data, size_t size);

// The float model FuzzCalibration quantizes: the synthetic
// mobilenet_v2_float_tiny (built in code, so no corpus is needed).
const Model& CalibrationModel();

struct FuzzTarget {
  const char* name;  // the fuzzer's name without "_fuzzer", the regression folder
  Violation (*run)(const uint8_t* data, size_t size);
};
// Every target above, by name.
const std::vector<FuzzTarget>& FuzzTargets();

// Aborts (which libFuzzer reports as a crash, keeping the input) when `v`
// is a violation. For the fuzzer mains.
void AbortOnViolation(const char* target, const Violation& v);

}  // namespace tinyforge::fuzz
