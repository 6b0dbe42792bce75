// Which candidate activations `compare --layers` compares with which
// reference activations: by tensor name, by position among the compute
// operators, through QUANTIZE/DEQUANTIZE passthroughs, or as model inputs.
// Internal to compare/.
#pragma once

#include <string>
#include <vector>

#include "libconvert/compare/compare.h"
#include "libconvert/model/model.h"

namespace tinyforge {

// One candidate activation to compare, and where its reference values are
// kept while a sample runs.
struct LayerPlan {
  LayerComparison info;  // identity fields only; stats are accumulated apart
  size_t reference_slot = 0;
  double clip_lo = 0;    // representable range of the candidate, widened by
  double clip_hi = 0;    // one step; lo > hi means "not quantized"
};

// Which candidate activations are compared with which reference tensors.
struct LayerMatching {
  std::vector<LayerPlan> layers;            // in candidate operator order
  std::vector<int> reference_slot_tensor;   // slot -> reference tensor index
  std::vector<int> reference_tensor_slot;   // reference tensor -> slot or -1
  std::vector<int> candidate_tensor_layer;  // candidate tensor -> layer or -1
  // candidate tensor -> the reference tensor holding the same value (graph
  // inputs and matched activations), or -1
  std::vector<int> candidate_tensor_reference;
  std::vector<std::string> unmatched;
};

// Elements of tensor `index` of subgraph 0.
int64_t TensorElements(const Model& model, int index);

// The slot that keeps reference tensor `ref`'s values while a sample runs,
// added when it has none yet.
size_t ReferenceSlot(LayerMatching& matching, int ref);

LayerMatching MatchLayers(const Model& reference, const Model& candidate);

}  // namespace tinyforge
