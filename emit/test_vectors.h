// Test vectors as C source: a model's sample inputs and the outputs expected
// for them, typed as the tensors are (int8_t, uint8_t, int16_t, int32_t,
// int64_t, float; bool as uint8_t 0/1), one array per sample, what TFLM's
// generate_cc_arrays writes for its examples. The pair compiles as C99 and as
// C++ (the header declares everything extern "C"), so one file serves both a
// C firmware and a C++ one; it has no namespaces for that reason.
//
// Names, with NAME the model array's name and ROLE `input` / `expected` (or
// `input0`, `input1`, ... / `expected0`, ... when the model has several):
//   NAME_test_count               samples (an enum constant)
//   NAME_test_ROLE_elements       elements of one sample (an enum constant)
//   NAME_test_ROLE_dims[]         the tensor's shape (static const int)
//   NAME_test_ROLE_sample_K[]     sample K
//   NAME_test_ROLE[K]             pointer to sample K
// Floats are written as the shortest decimal that reads back as the same
// float, so every value is exact.
#pragma once

#include <string>
#include <vector>

#include "libconvert/data/dataset.h"

namespace tinyforge::emit {

// One model input or output and its samples.
struct TestTensor {
  std::string label;            // for comments: "input 0 'serving_default_x:0'"
  std::vector<int64_t> shape;   // the model tensor's shape (one sample)
  DatasetView samples;          // the samples, in the tensor's dtype
};

struct TestVectors {
  std::vector<TestTensor> inputs;
  std::vector<TestTensor> expected;  // may be empty (inputs only)
  std::string origin;                // comment: where inputs and expected outputs came from
};

// Throws tinyforge::Error naming the array when the vectors cannot be
// written: no samples, sample counts that differ, a dtype C has no type for,
// a NaN or infinity (C has no literal for them), more elements than an int.
void CheckTestVectors(const TestVectors& vectors);

// The header: include guard, <stdint.h>, the constants and declarations.
std::string TestDataHeader(const std::string& name, const TestVectors& vectors);

// The definitions; `header_include` is how the file #includes its header.
std::string TestDataSource(const std::string& name, const TestVectors& vectors,
                           const std::string& header_include);

// `name` + "_test_" + the role of tensor `index` of `count` ("input",
// "input1", "expected", ...): the prefix of the names above.
std::string TestArrayPrefix(const std::string& name, const std::string& role, std::size_t index,
                            std::size_t count);

// The C type a sample of `dtype` is written as ("int8_t", "float", ...).
std::string TestElementType(DType dtype);

}  // namespace tinyforge::emit
