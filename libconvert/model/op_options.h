// The options of an operator as people read them: the key options in a fixed
// order per operator type ("stride" = "2x2"), and its fused activation.
// Values held in constant operands (reduction axes, permutations, paddings)
// are read from them; filter sizes come from the filter's shape.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "libconvert/model/model.h"

namespace tinyforge {

// One key option, formatted for reading: ("stride", "2x2"), with
// two-dimensional values as HxW.
struct OpOption {
  std::string key;
  std::string value;
};

// The key options of operator `op` of subgraph `sg`, in a fixed order per
// operator type.
std::vector<OpOption> KeyOptions(const Model& model, size_t sg, const tflite::OperatorT& op);

// The fused activation of operators whose options have one; nullopt for the
// others.
std::optional<tflite::ActivationFunctionType> FusedActivation(const tflite::OperatorT& op);

// "RELU6"; "ACTIVATION_<n>" for a value the schema does not know.
std::string ActivationName(tflite::ActivationFunctionType a);

}  // namespace tinyforge
