// Top-1 classification over a dataset: what prune's accuracy search, compare
// and the pipeline report as accuracy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "libconvert/data/dataset.h"
#include "libconvert/compare/metrics.h"
#include "libconvert/model/model.h"

namespace tinyforge {

struct ClassifierResult {
  std::vector<int64_t> predictions;  // argmax of the output, per sample
  ConfusionMatrix confusion;         // empty when no labels were given
};

// Throws Error (bad input) naming `model` when a label is not a class index
// output `output` scores (one of its elements per sample): such a label is
// the labels file's mistake, and its value would size the confusion matrix.
void CheckLabelsFitOutput(const Model& model, size_t output, const std::vector<int64_t>& labels);

// Throws Error (bad input) naming `model` when output `output` has a type
// whose values cannot be compared or ranked (HasRealValues: e.g. BOOL), before
// anything runs.
void CheckOutputHasRealValues(const Model& model, size_t output);

// Runs every sample (inputs already in the model's input types, see
// model_inputs.h) and takes the argmax of output `output` (its real values,
// so int8 and float outputs rank alike). With labels (one per sample), also
// the confusion matrix. `on_sample` (may be empty) is called after each
// sample from worker threads. The result does not depend on `threads`.
// Throws Error if the label count differs from the sample count.
ClassifierResult EvaluateClassifier(const Model& model, const std::vector<DatasetView>& inputs,
                                    const std::vector<int64_t>& labels, int threads,
                                    size_t output = 0,
                                    const std::function<void()>& on_sample = {});

}  // namespace tinyforge
