#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {

void AddFamilies(std::vector<OpExample>& out) {
  AddConvExamples(out);
  AddMatMulExamples(out);
  AddPoolingExamples(out);
  AddActivationExamples(out);
  AddElementwiseExamples(out);
  AddComparisonExamples(out);
  AddUnaryExamples(out);
  AddReduceExamples(out);
  AddReshapeExamples(out);
  AddShuffleExamples(out);
  AddSlicingExamples(out);
  AddRecurrentExamples(out);
  AddAddedKernelExamples(out);
}

}  // namespace tinyforge::interp::examples
