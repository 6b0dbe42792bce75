// A minimal firmware-style project around emitted sources (`emit --project`):
// a CMakeLists.txt that builds against a TFLM build given as -DTFLM_DIR, and
// a main.cc that wires the model array, the op resolver and the arena
// constant, runs every test vector and checks the outputs against the
// expected ones. What a user copies into their firmware.
#pragma once

#include <string>
#include <vector>

#include "emit/test_vectors.h"

namespace tinyforge::emit {

// The file names a project uses, all in its directory.
inline constexpr char kProjectModelSource[] = "model_data.cc";
inline constexpr char kProjectModelHeader[] = "model_data.h";
inline constexpr char kProjectResolver[] = "model_ops.h";
inline constexpr char kProjectTestSource[] = "test_data.c";
inline constexpr char kProjectTestHeader[] = "test_data.h";
inline constexpr char kProjectMain[] = "main.cc";
inline constexpr char kProjectCmake[] = "CMakeLists.txt";
inline constexpr char kProjectExecutable[] = "model_test";

// Relative tolerance main.cc checks float outputs with (see ProjectMain).
inline constexpr char kProjectFloatTolerance[] = "1e-4";

struct ProjectOptions {
  std::string array_name;               // the model array; the other names derive from it
  std::vector<std::string> namespaces;  // of the model array and resolver, outermost first
  std::string model_label;              // the model's file name, for comments
  std::string target;                   // the --target the arena constant is for
  std::string target_description;       // "Cortex-M4 (32-bit, arm-none-eabi)"
};

// main.cc: runs each sample (Reset, copy the inputs, Invoke) and compares
// every output with the expected one: integers exactly, floats within
// kProjectFloatTolerance times the largest magnitude of that expected output
// (TINYFORGE_FLOAT_TOLERANCE overrides it). Prints one line, PASS or FAIL;
// exits 0 when everything matched, 1 on a mismatch, 2 when a tensor's size
// is not the vectors', 3 when AllocateTensors fails, 4 when Invoke fails.
// `vectors` must have expected outputs.
std::string ProjectMain(const ProjectOptions& options, const TestVectors& vectors);

// CMakeLists.txt: TFLM_DIR as a cache variable, TFLM's cxxflags.txt for the
// C++ sources when the build has one, the executable kProjectExecutable.
std::string ProjectCmake(const ProjectOptions& options);

}  // namespace tinyforge::emit
