// Hand-picked inputs of the fixed-point activations (edges, zero, the
// saturation points) with the outputs TFLM's reference kernels give them:
// bit-exact expectations that catch what the tolerance tests miss.
//
// Where the outputs come from: tests/tflm/tflm_vectors_test.cc builds each
// case as a one-operator model, runs it on the real TFLM
// (../shared/tflm/bin/tflm_run, tflite-micro 90b983c2) and fails unless TFLM
// gives exactly `output`; it prints TFLM's values when they differ, so a case
// is added by writing its inputs and parameters and copying what it prints.
// The ref tests (activations_test.cc, softmax_test.cc) check tinyforge's
// pure kernels against the same vectors without TFLM.
#pragma once

#include <cstdint>
#include <vector>

namespace tinyforge::ref::testing {

enum class VectorOp { kLogistic, kTanh, kHardSwish, kSoftmax };

struct TflmVector {
  const char* name;
  VectorOp op;
  int input_bits;   // 8 or 16
  int output_bits;  // 8 or 16
  float input_scale;
  int32_t input_zero_point;
  float output_scale;
  int32_t output_zero_point;
  float beta;  // SOFTMAX only
  std::vector<int32_t> input;   // one row (SOFTMAX: over the last axis)
  std::vector<int32_t> output;  // what TFLM computes
};

inline const std::vector<TflmVector>& TflmVectors() {
  static const std::vector<TflmVector> vectors = {
      {"logistic_int8", VectorOp::kLogistic, 8, 8, 0.06f, -5, 1.0f / 256, -128, 0,
       {-128, -100, -37, -5, 0, 9, 77, 127},
       {-128, -127, -95, 0, 19, 51, 126, 127}},
      {"tanh_int8", VectorOp::kTanh, 8, 8, 0.06f, -5, 1.0f / 128, 0, 0,
       {-128, -100, -37, -5, 0, 9, 77, 127},
       {-128, -128, -123, 0, 37, 88, 127, 127}},
      {"logistic_int16", VectorOp::kLogistic, 16, 16, 0.0003f, 0, 1.0f / 32768, 0, 0,
       {-32768, -20000, -3001, -1, 0, 777, 15000, 32767},
       {2, 81, 9470, 16381, 16384, 18285, 32408, 32766}},
      {"tanh_int16", VectorOp::kTanh, 16, 16, 0.0003f, 0, 1.0f / 32768, 0, 0,
       {-32768, -20000, -3001, -1, 0, 777, 15000, 32767},
       {-32767, -32767, -23477, -11, 0, 7502, 32760, 32767}},
      {"hard_swish_int8", VectorOp::kHardSwish, 8, 8, 0.05f, -20, 0.03f, -110, 0,
       {-128, -90, -60, -20, 0, 30, 90, 127},
       {-110, -110, -121, -110, -88, -34, 73, 127}},
      {"softmax_int8", VectorOp::kSoftmax, 8, 8, 0.15f, 0, 1.0f / 256, -128, 1.0f,
       {-128, -20, 0, 3, 3, 17, 60, 61},
       {-128, -128, -128, -128, -128, -128, -10, 9}},
      {"softmax_int8_to_int16", VectorOp::kSoftmax, 8, 16, 0.15f, 0, 1.0f / 65536, -32768, 1.0f,
       {-128, -20, 0, 3, 3, 17, 60, 61},
       {-32768, -32768, -32764, -32762, -32762, -32720, -2482, 2419}},
      {"softmax_int16", VectorOp::kSoftmax, 16, 16, 0.0005f, 0, 1.0f / 32768, 0, 1.0f,
       {-30000, -4000, 0, 1000, 1200, 5000},
       {1, 264, 1952, 3218, 3556, 23777}},
  };
  return vectors;
}

}  // namespace tinyforge::ref::testing
