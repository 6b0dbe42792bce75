// --max-drop: the highest sparsity whose top-1 accuracy stays within a drop
// of the unpruned model's, found by bisection and measured in the
// interpreter.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "libconvert/data/dataset.h"
#include "libconvert/model/model.h"
#include "prune/pruner.h"

namespace tinyforge::prune {

// One measured point of the sparsity -> accuracy curve.
struct CurvePoint {
  double sparsity = 0;  // target sparsity (PruneOptions::sparsity)
  double accuracy = 0;  // top-1 in [0, 1]
};

struct SearchResult {
  double baseline = 0;             // top-1 of the unpruned model
  double sparsity = 0;             // the highest feasible sparsity found
  std::vector<CurvePoint> curve;   // every point measured, by sparsity
  std::optional<PruneResult> best; // the model pruned to `sparsity`
};

// Sparsities are searched on a grid of `step` (default 1 point of
// percent): 0 is feasible by definition (the unpruned model); bisection
// between the last feasible and first infeasible grid point, where feasible
// means baseline - accuracy <= max_drop_points / 100. Assumes accuracy falls
// as sparsity grows; each point prunes with `options` (scope, overrides,
// block, bias correction) at that sparsity. `on_point` (may be empty) is
// called after each measurement, in the order measured; `on_sample` (may be
// empty) after each sample evaluated, from worker threads, for a progress
// bar: at most EvaluationsBound(step) x samples calls. Throws Error
// (kBadInput) for a negative or non-finite drop, or data the model cannot
// take.
SearchResult SearchMaxDrop(const Model& model, const PruneOptions& options, double max_drop_points,
                           const std::vector<DatasetView>& data, const std::vector<int64_t>& labels,
                           int threads, const std::function<void(const CurvePoint&)>& on_point = {},
                           const std::function<void()>& on_sample = {}, double step = 0.01);

// The most evaluations a search on a grid of `step` runs: the baseline, the
// top of the grid, and the bisection steps.
int EvaluationsBound(double step = 0.01);

// Top-1 of `model` on the data (EvaluateClassifier), in [0, 1].
double Top1(const Model& model, const std::vector<DatasetView>& data, const std::vector<int64_t>& labels,
            int threads, const std::function<void()>& on_sample = {});

}  // namespace tinyforge::prune
