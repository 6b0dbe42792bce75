// The example families (one file each); op_examples.cc calls AddFamilies.
#pragma once

#include <vector>

#include "libconvert/interp/examples/op_examples.h"

namespace tinyforge::interp::examples {

// Appends every family's examples, in a fixed order.
void AddFamilies(std::vector<OpExample>& out);

// added_kernels.cc: TRANSPOSE_CONV, L2_NORMALIZATION, LOG_SOFTMAX,
// BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND, int8 DIV, PRELU.
void AddAddedKernelExamples(std::vector<OpExample>& out);

}  // namespace tinyforge::interp::examples
