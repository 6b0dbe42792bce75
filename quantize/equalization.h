// Cross-layer equalization (quantize --equalize; Nagel et al., "Data-Free
// Quantization Through Weight Equalization and Bias Correction", 2019):
// when a linear layer feeds another through a positive-homogeneous
// activation (none or ReLU: relu(x / s) = relu(x) / s for s > 0), output
// channel c of the first can be divided by s[c] (its weights and bias) and
// input channel c of the second multiplied by s[c] without changing what the
// model computes. With s[c] = sqrt(r1[c] / r2[c]), r the largest |weight| of
// the channel in each layer, both channels get the range sqrt(r1 * r2), so
// no channel's small weights are lost to another's large ones when a layer's
// weights share one scale (FULLY_CONNECTED, per tensor) or its input does.
// ReLU6 and other clipping activations are left alone (the clip would move).
#pragma once

#include <cstddef>

#include "libconvert/model/model.h"

namespace tinyforge::quantize {

struct EqualizationReport {
  size_t pairs = 0;  // layer pairs equalized
};

// The float model with every eligible pair equalized: CONV_2D,
// DEPTHWISE_CONV_2D (one output per input channel) and FULLY_CONNECTED
// layers with float constant weights, the first's output read by the second
// alone, its fused activation NONE or RELU. Pairs run in operator order;
// the pass repeats (a layer in two pairs is balanced both ways) a few times.
Model EqualizeLayers(const Model& float_model, EqualizationReport* report);

}  // namespace tinyforge::quantize
