#include "prune/search.h"

#include <algorithm>
#include <cmath>

#include "libconvert/base/error.h"
#include "libconvert/compare/evaluate.h"

namespace tinyforge::prune {

double Top1(const Model& model, const std::vector<DatasetView>& data, const std::vector<int64_t>& labels,
            int threads, const std::function<void()>& on_sample) {
  return EvaluateClassifier(model, data, labels, threads, 0, on_sample).confusion.accuracy();
}

int EvaluationsBound(double step) {
  const auto grid = static_cast<double>(std::llround(1.0 / step));
  return 2 + static_cast<int>(std::ceil(std::log2(std::max(grid, 1.0))));
}

SearchResult SearchMaxDrop(const Model& model, const PruneOptions& options, double max_drop_points,
                           const std::vector<DatasetView>& data, const std::vector<int64_t>& labels,
                           int threads, const std::function<void(const CurvePoint&)>& on_point,
                           const std::function<void()>& on_sample, double step) {
  if (!std::isfinite(max_drop_points) || max_drop_points < 0 || max_drop_points > 100) {
    throw Error("--auto-sparsity " + std::to_string(max_drop_points) + ": must be a number of points in [0, 100]");
  }
  if (labels.empty()) throw Error("--max-drop needs labels (--labels)");
  if (!(step > 0 && step <= 1)) throw Error("search step must be in (0, 1]", ErrorCode::kInternal);
  SearchResult result;
  result.baseline = Top1(model, data, labels, threads, on_sample);
  const double allowed = max_drop_points / 100.0;
  // 1e-12 keeps "exactly at the limit" feasible despite rounding.
  auto feasible = [&](double accuracy) { return result.baseline - accuracy <= allowed + 1e-12; };

  const int64_t grid = static_cast<int64_t>(std::llround(1.0 / step));
  int64_t lo = 0;     // feasible grid point
  int64_t hi = grid;  // infeasible grid point (or the end, never measured feasible)
  auto measure = [&](int64_t g) {
    PruneOptions o = options;
    o.sparsity = std::min(1.0, static_cast<double>(g) * step);
    PruneResult pruned = PruneModel(model, o);
    const CurvePoint point{o.sparsity, Top1(pruned.model, data, labels, threads, on_sample)};
    result.curve.push_back(point);
    if (on_point) on_point(point);
    const bool ok = feasible(point.accuracy);
    if (ok) {
      lo = g;
      result.best.emplace(std::move(pruned));
    } else {
      hi = g;
    }
    return ok;
  };
  // The top of the grid first: a model that tolerates full sparsity needs
  // no bisection.
  if (!measure(grid)) {
    while (hi - lo > 1) measure(lo + (hi - lo) / 2);
  }
  if (!result.best) {
    PruneOptions o = options;
    o.sparsity = 0;
    result.best.emplace(PruneModel(model, o));
  }
  result.sparsity = static_cast<double>(lo) * step;
  std::sort(result.curve.begin(), result.curve.end(),
            [](const CurvePoint& a, const CurvePoint& b) { return a.sparsity < b.sparsity; });
  return result;
}

}  // namespace tinyforge::prune
