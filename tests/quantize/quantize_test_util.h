// Helpers the quantizer's tests share.
#pragma once

#include <set>
#include <string>

#include "libconvert/model/model.h"

namespace tinyforge::testing {

// The operator names of subgraph 0, with repeats: what a rewrite added or
// removed shows as a count.
inline std::multiset<std::string> OpNames(const Model& m) {
  std::multiset<std::string> names;
  for (const auto& op : m.subgraph(0).operators) names.insert(m.OpName(*op));
  return names;
}

// Operators whose data output is float: what a quantized model still
// computes in float (a DEQUANTIZE at a float boundary is integer work).
inline size_t FloatOperators(const Model& model) {
  size_t n = 0;
  for (const auto& op : model.subgraph(0).operators) {
    if (model.OpName(*op) == "DEQUANTIZE") continue;
    if (!op->outputs.empty() && op->outputs[0] >= 0 &&
        model.tensor(0, op->outputs[0]).type == tflite::TensorType_FLOAT32) {
      ++n;
    }
  }
  return n;
}

}  // namespace tinyforge::testing
