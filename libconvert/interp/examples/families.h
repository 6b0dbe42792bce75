// The example families (one file each); op_examples.cc calls AddFamilies.
#pragma once

#include <vector>

#include "libconvert/interp/examples/op_examples.h"

namespace tinyforge::interp::examples {

// Appends every family's examples, in a fixed order.
void AddFamilies(std::vector<OpExample>& out);

}  // namespace tinyforge::interp::examples
