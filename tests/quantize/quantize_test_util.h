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

}  // namespace tinyforge::testing
