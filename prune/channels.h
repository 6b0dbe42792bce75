// Structured pruning: removing whole output channels of CONV_2D and
// FULLY_CONNECTED layers, and the matching input channels of the layers that
// read them, so the model gets smaller and cheaper, not only sparser.
//
// For each CONV_2D / FULLY_CONNECTED whose weights are eligible (see
// pruner.h), round(F x out_channels) output channels with the smallest L2
// norm (real values; ties: the lower channel first) are removed, at least one
// channel being kept, when every path from its output reaches only ops that
// can be sliced along the channel axis:
//   - CONV_2D and FULLY_CONNECTED data inputs (their weights lose the input
//     channels; FULLY_CONNECTED after a flattening RESHAPE loses every column
//     of a removed channel);
//   - DEPTHWISE_CONV_2D with depth multiplier 1 (its channels go too, and the
//     path continues from its output);
//   - AVERAGE_POOL_2D, MAX_POOL_2D, RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH
//     (the path continues);
//   - RESHAPE that flattens trailing dims [.., H, W, C] into the last dim, fed
//     to FULLY_CONNECTED.
// Anything else (a model output, ADD/MUL/CONCATENATION, other reshapes, a
// grouped convolution, ...) leaves the layer unpruned, listed with the reason.
//
// Decisions are taken on the model as given, then applied together: a layer
// may lose output channels and input channels. The removed channels are
// assumed to carry the value their layer outputs with zero weights
// (activation(bias), passed through the path's ops); that value times the
// reader's removed weights is folded into the reader's bias, so the expected
// output changes little. Tensor shapes, per-channel quantization, biases and
// reshape targets are all updated; no tensor is renumbered.
#pragma once

#include <cstdint>
#include <vector>

#include "libconvert/data/dataset.h"
#include "libconvert/model/model.h"
#include "prune/pruner.h"
#include "prune/weights.h"

namespace tinyforge::prune {

// A weight tensor whose shape the channel pass changed.
struct ChannelChange {
  WeightRef weight;
  int64_t output_channels_removed = 0;  // 0 for a reader that only lost inputs
};

// Removes channels from `model` in place. `candidates` are the eligible
// weights (FindPrunableWeights); layers left unpruned are appended to
// `skipped` (stage "channels"). Returns every changed weight tensor; the
// caller re-verifies the model.
// With `calibration` samples (may be empty) the removed channels' value at
// each reader is measured instead of assumed: the mean input each removed
// weight multiplied (bias_correction.h MeanWeightInputs), so each reader's
// mean pre-activation output is kept exactly.
std::vector<ChannelChange> PruneChannels(Model& model, const std::vector<WeightRef>& candidates,
                                         double fraction, std::vector<SkippedLayer>& skipped,
                                         const std::vector<DatasetView>& calibration = {}, int threads = 0);

}  // namespace tinyforge::prune
