// The example families, one file each; op_examples.cc calls AddFamilies.
#pragma once

#include <vector>

#include "libconvert/interp/examples/op_examples.h"

namespace tinyforge::interp::examples {

// Appends every family's examples, in a fixed order.
void AddFamilies(std::vector<OpExample>& out);

void AddConvExamples(std::vector<OpExample>& out);        // conv.cc
void AddMatMulExamples(std::vector<OpExample>& out);      // matmul.cc
void AddPoolingExamples(std::vector<OpExample>& out);     // pooling.cc
void AddActivationExamples(std::vector<OpExample>& out);  // activations.cc
void AddElementwiseExamples(std::vector<OpExample>& out); // elementwise.cc
void AddComparisonExamples(std::vector<OpExample>& out);  // comparison.cc
void AddUnaryExamples(std::vector<OpExample>& out);       // unary.cc
void AddReduceExamples(std::vector<OpExample>& out);      // reduce.cc
void AddReshapeExamples(std::vector<OpExample>& out);     // reshape.cc
void AddShuffleExamples(std::vector<OpExample>& out);     // shuffle.cc
void AddSlicingExamples(std::vector<OpExample>& out);     // slicing.cc
void AddRecurrentExamples(std::vector<OpExample>& out);   // recurrent.cc
// added_kernels.cc: TRANSPOSE_CONV, L2_NORMALIZATION, LOG_SOFTMAX,
// BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND, int8 DIV, PRELU.
void AddAddedKernelExamples(std::vector<OpExample>& out);

}  // namespace tinyforge::interp::examples
