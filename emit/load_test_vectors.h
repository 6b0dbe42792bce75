// Test vectors for a model from files (`emit --test-data/--expected`): the
// inputs through the dataset layer every command reads samples with
// (ReadModelInputs: any source kind, --scale/--mean/--std, the input's dtype
// by ConvertModelInput), the expected outputs from .npy files of the outputs'
// dtypes or, without them, computed by the interpreter with its reference
// kernels (TFLM's arithmetic step by step: integer outputs are TFLM's bits).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "emit/test_vectors.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model.h"

namespace tinyforge::emit {

struct TestDataRequest {
  std::vector<std::string> input_paths;     // one source per model input
  std::vector<std::string> expected_paths;  // one .npy per model output; empty: computed
  DataOptions data;                         // the shared data flags
  bool quantize_inputs = false;             // float data for an integer input: quantize it
  size_t max_samples = 0;                   // only the first N samples; 0: all
  int threads = 0;                          // for computing expected outputs; 0: every core
};

// The arrays and the vectors viewing them (hence not movable: hold it by
// pointer).
struct LoadedTestVectors {
  ModelInputArrays inputs;
  std::vector<NpyArray> expected;
  TestVectors vectors;

  LoadedTestVectors() = default;
  LoadedTestVectors(const LoadedTestVectors&) = delete;
  LoadedTestVectors& operator=(const LoadedTestVectors&) = delete;
};

// Throws tinyforge::Error (bad input) naming the file: a source that does not
// fit its input, a count of files that is not the model's inputs / outputs,
// an expected array whose dtype or shape is not its output's, sample counts
// that differ, values C cannot write (CheckTestVectors).
std::unique_ptr<LoadedTestVectors> LoadTestVectors(const Model& model, const TestDataRequest& request);

}  // namespace tinyforge::emit
