// Every operator tinyforge knows, and what it does with each: the support
// matrix `tinyforge ops` prints and docs/operators.md holds. Built from the
// real tables, so it cannot drift from them:
//   reference kernels   libconvert/interp/kernel_table.cc (KernelTable)
//   fast kernels        libconvert/interp/fast/fast_table.cc
//   TFLM                libconvert/tflm/ops.cc (resolver methods)
//   quantization        quantize/op_rules.cc (FindOpRule, WhyNoRule)
//   arena               libconvert/tflm/arena_kernel_sizes.cc
//   MACs                libconvert/model/op_macs.cc
//   end-to-end tests    libconvert/interp/examples (one-operator models)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/model/schema/tflite_generated.h"

namespace tinyforge {

struct OpMatrixRow {
  tflite::BuiltinOperator op = tflite::BuiltinOperator_ADD;
  std::string name;                          // "CONV_2D"
  std::vector<tflite::TensorType> reference;  // types with a reference kernel (of the key input)
  size_t key_input = 0;                      // the input whose type selects the kernel
  std::vector<std::string> fast;             // "int8 (avx2+fma; avx512-vnni)"
  std::optional<std::string> tflm;           // resolver method; nullopt: TFLM has no kernel
  std::string tflm_note;                     // why not, for operators tinyforge runs
  std::string quantize;                      // the rule, or "float: why"; "" without a kernel
  bool arena_modelled = false;               // TFLM's arena use is in the kernel table
  std::optional<std::string> macs;           // the MAC formula; nullopt: counts 0
  std::vector<std::string> examples;         // one-operator example models (end-to-end tests)
};

// One row per builtin operator any of the tables knows, sorted by name.
std::vector<OpMatrixRow> BuildOpMatrix();

// Renderings. Markdown is what docs/operators.md holds.
std::string OpMatrixText(const std::vector<OpMatrixRow>& rows);
std::string OpMatrixMarkdown(const std::vector<OpMatrixRow>& rows);
nlohmann::ordered_json OpMatrixJson(const std::vector<OpMatrixRow>& rows);

}  // namespace tinyforge
