// Bias correction after pruning: each pruned CONV_2D, DEPTHWISE_CONV_2D and
// FULLY_CONNECTED layer gets a bias such that the mean of each of its output
// channels before the fused activation, over the calibration samples, equals
// the unpruned model's.
//
// The mean pre-activation output of channel c is
//   sum over (tap, input channel i) of W[c, tap, i] * M[tap, i] + b[c],
// where M[tap, i] is the mean input value the filter tap sees over all
// output positions and samples (0 where the window lies in the padding;
// for FULLY_CONNECTED there is one tap and M is the mean input row). So with
// M measured in the unpruned model (M0, weights W0) and in the pruned model
// (M1, weights W1, earlier layers already corrected), the new bias is
//   b1[c] = b0[c] + sum W0 * M0 - sum W1 * M1,
// which makes the means equal exactly (up to float rounding, or the int32
// rounding of an int8 model's bias). Layers are corrected in operator order,
// one pass over the calibration data per layer.
#pragma once

#include <vector>

#include "libconvert/data/dataset.h"
#include "libconvert/model/model.h"
#include "prune/pruner.h"
#include "prune/weights.h"

namespace tinyforge::prune {

// Corrects the biases of `layers` (weights of `pruned`, which has the same
// operators and tensor numbering as `original`) in place. Returns, per layer,
// the largest |bias change| in real units (0 for a layer skipped, which is
// appended to `skipped` with stage "bias-correct": no bias, or an op it does
// not handle). Throws Error (kBadInput) when the calibration data does not
// fit the model.
std::vector<double> CorrectBiases(const Model& original, Model& pruned, const std::vector<WeightRef>& layers,
                                  const std::vector<DatasetView>& calibration, int threads,
                                  std::vector<SkippedLayer>& skipped);

// The mean input each weight of a CONV_2D or FULLY_CONNECTED layer
// multiplies over the calibration samples (M above, laid out like one row of
// its weights: [kh, kw, in] or [in]); empty for a layer of another kind.
// Used by channel pruning to fold removed channels into their readers.
std::vector<std::vector<double>> MeanWeightInputs(const Model& model, const std::vector<WeightRef>& layers,
                                                  const std::vector<DatasetView>& calibration, int threads);

}  // namespace tinyforge::prune
