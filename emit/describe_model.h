// Fills emit::ModelDescription from a loaded model.
#pragma once

#include "emit/model_description.h"
#include "libconvert/model/model.h"
#include "libconvert/tflm/target.h"

namespace tinyforge::emit {

// Inputs and outputs of subgraph 0 (quantization only when per tensor), the
// operators of every subgraph (custom ones by their custom code), and the
// parameter count: elements of every constant tensor, a buffer shared by
// several tensors counted once; and the arena TFLM needs on `target`.
ModelDescription DescribeModel(const Model& model, TflmTarget target);

}  // namespace tinyforge::emit
