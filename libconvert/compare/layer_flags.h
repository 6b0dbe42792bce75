// Which compared layers are flagged, what each flag suggests, and the order
// layers are listed in; the precision search (quantize/) ranks and changes
// layers with the same facts.
#pragma once

#include <string>
#include <vector>

#include "libconvert/compare/compare.h"
#include "libconvert/model/model.h"

namespace tinyforge {

// Sets unhealthy, unhealthy_reason and suggestion of `layer` from its
// isolated error alone: flagged when isolated_rmse_steps() exceeds
// `threshold_steps` (for an int16 layer, counted in the steps of an int8
// tensor of the same range).
void FlagLayer(const Model& candidate, double threshold_steps, LayerComparison& layer);

// Worst first: quantized layers by isolated RMSE/scale (int16 ones in int8
// steps, as FlagLayer), then quantized layers without an isolated figure by
// accumulated RMSE/scale, then unquantized layers by SNR (isolated where
// there is one), lowest first.
bool RankedBefore(const LayerComparison& a, const LayerComparison& b);

// True when operator `op_index` of `candidate` is a FULLY_CONNECTED with one
// weight scale for several output channels (what per-channel FC changes).
bool PerTensorFullyConnected(const Model& candidate, size_t op_index);

// True when operator `op_index` of `candidate` writes int8 and TFLM has an
// int16 (16x8) kernel for it: what --int16-layers can change.
bool Int16Possible(const Model& candidate, size_t op_index);

// The reference's name of a compared layer, the name the quantizer's layer
// regexes match (the candidate's may carry a version suffix, "_int16").
const std::string& ReferenceName(const LayerComparison& layer);

// `name` as an ECMAScript regex matching exactly it (for --keep-float).
std::string ExactNameRegex(const std::string& name);

}  // namespace tinyforge
