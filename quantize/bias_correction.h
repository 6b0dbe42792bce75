// Bias correction (quantize --bias-correct): rounding a layer's weights to
// int8 shifts the mean of its output, and the shift compounds through the
// layers after it. The int8 weights are a change to the float weights as
// pruning is, so the correction is prune's (prune/bias_correction.h): in a
// float model holding the int8 weights' real values, each CONV_2D,
// DEPTHWISE_CONV_2D and FULLY_CONNECTED layer, in operator order, gets the
// bias that makes the mean of each output channel before its activation,
// over the calibration samples, equal the float model's (the empirical form
// of Nagel et al., "Data-Free Quantization", 2019). Those biases are then
// quantized with the unchanged weights. The activations' rounding error is
// zero-mean to first order and is left alone.
#pragma once

#include <cstddef>
#include <vector>

#include "libconvert/data/dataset.h"
#include "libconvert/model/model.h"

namespace tinyforge::quantize {

struct BiasCorrectionReport {
  size_t layers = 0;          // layers whose bias was corrected
  size_t without_bias = 0;    // layers with int8 weights left alone: no bias to shift
  double largest_shift = 0;   // the largest |bias change| of a channel over the largest |bias| of its layer
};

struct BiasCorrection {
  Model model;  // the float model with the corrected biases
  BiasCorrectionReport report;
};

// The float model with the bias of every layer whose weights `quantized`
// holds as int8 (matched by output tensor name) corrected as above, means
// taken over `calibration` (float32 views of the float model's inputs; the
// result does not depend on `threads`).
BiasCorrection CorrectBiases(const Model& float_model, const Model& quantized,
                             const std::vector<DatasetView>& calibration, int threads);

}  // namespace tinyforge::quantize
