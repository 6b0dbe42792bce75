#include "prune/magnitude.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include "libconvert/base/error.h"
#include "libconvert/model/verify.h"

namespace tinyforge::prune {

int64_t TargetCount(double sparsity, int64_t n) {
  return static_cast<int64_t>(std::llround(sparsity * static_cast<double>(n)));
}

bool MakeTiling(const std::vector<int32_t>& shape, BlockShape block, Tiling* tiling) {
  Tiling t;
  t.block = block;
  t.cols = shape.empty() ? 1 : shape.back();
  t.rows = shape.empty() ? 1 : ElementCount(shape) / std::max<int64_t>(t.cols, 1);
  if (block.rows <= 0 || block.cols <= 0 || t.rows % block.rows != 0 || t.cols % block.cols != 0) {
    return false;
  }
  *tiling = t;
  return true;
}

std::vector<double> TileNorms(const std::vector<float>& values, const Tiling& tiling) {
  std::vector<double> norms(static_cast<size_t>(tiling.tiles()), 0.0);
  const int64_t tile_cols = tiling.tile_cols();
  for (int64_t r = 0; r < tiling.rows; ++r) {
    const int64_t tile_row = r / tiling.block.rows;
    for (int64_t c = 0; c < tiling.cols; ++c) {
      const double v = values[static_cast<size_t>(r * tiling.cols + c)];
      norms[static_cast<size_t>(tile_row * tile_cols + c / tiling.block.cols)] += v * v;
    }
  }
  for (double& n : norms) n = std::sqrt(n);
  return norms;
}

void TileElements(const Tiling& tiling, int64_t t, std::vector<int64_t>& out) {
  const int64_t row0 = (t / tiling.tile_cols()) * tiling.block.rows;
  const int64_t col0 = (t % tiling.tile_cols()) * tiling.block.cols;
  for (int64_t r = row0; r < row0 + tiling.block.rows; ++r) {
    for (int64_t c = col0; c < col0 + tiling.block.cols; ++c) out.push_back(r * tiling.cols + c);
  }
}

std::vector<Candidate> SmallestK(std::vector<Candidate> candidates, int64_t k) {
  const auto count = static_cast<size_t>(std::clamp<int64_t>(k, 0, static_cast<int64_t>(candidates.size())));
  // The order is total (ties broken by position), so the result is unique.
  std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count),
                   candidates.end());
  candidates.resize(count);
  std::sort(candidates.begin(), candidates.end());
  return candidates;
}

std::vector<double> PruneMagnitude(Model& model, const WeightScan& scan, const PruneOptions& options,
                                   std::vector<SkippedLayer>& skipped) {
  const size_t n = scan.eligible.size();
  std::vector<double> targets(n, std::nan(""));

  // The sparsity each tensor is pruned to, and which tensors share the
  // global pool.
  std::vector<std::regex> patterns;
  for (const LayerOverride& o : options.layers) patterns.emplace_back(o.pattern, std::regex::ECMAScript);
  std::vector<bool> override_used(options.layers.size(), false);
  std::vector<bool> in_pool(n, false);
  std::vector<Tiling> tilings(n);
  std::vector<bool> tiled(n, false);
  for (size_t i = 0; i < n; ++i) {
    const WeightRef& ref = scan.eligible[i];
    const tflite::TensorT& t = model.tensor(ref.subgraph, ref.tensor);
    if (!MakeTiling(t.shape, options.block, &tilings[i])) {
      const auto& op = *model.subgraph(ref.subgraph).operators[ref.op_index];
      skipped.push_back({ref.subgraph, ref.op_index, model.OpName(op), t.name, "magnitude",
                         "shape " + ShapeString(t.shape) + " is not covered by " +
                             std::to_string(options.block.rows) + "x" + std::to_string(options.block.cols) +
                             " blocks (rows = all dims but the last, cols = the last)"});
      continue;
    }
    tiled[i] = true;
    bool overridden = false;
    for (size_t p = 0; p < patterns.size(); ++p) {
      if (std::regex_search(t.name, patterns[p])) {
        targets[i] = options.layers[p].sparsity;
        override_used[p] = true;
        overridden = true;
        break;
      }
    }
    if (!overridden) {
      targets[i] = options.sparsity;
      in_pool[i] = options.scope == Scope::kGlobal;
    }
  }
  for (size_t p = 0; p < options.layers.size(); ++p) {
    if (override_used[p]) continue;
    std::string names;
    for (const WeightRef& ref : scan.eligible) {
      names += (names.empty() ? "" : ", ") + QuotedName(model.tensor(ref.subgraph, ref.tensor).name);
    }
    throw Error("--layer '" + options.layers[p].text + "': the pattern matches no eligible weight tensor of " + model.source() +
                    (names.empty() ? " (it has none)" : " (eligible: " + names + ")"),
                ErrorCode::kBadInput);
  }

  // Scores per tensor; per-layer tensors are pruned at once, pooled ones
  // collected for one global ranking.
  std::vector<Candidate> pool;
  std::vector<std::vector<int64_t>> zero(n);
  for (size_t i = 0; i < n; ++i) {
    if (!tiled[i]) continue;
    const WeightRef& ref = scan.eligible[i];
    const std::vector<double> norms = TileNorms(RealWeights(model, model.tensor(ref.subgraph, ref.tensor)), tilings[i]);
    std::vector<Candidate> candidates(norms.size());
    for (size_t t = 0; t < norms.size(); ++t) {
      candidates[t] = {norms[t], static_cast<uint32_t>(i), static_cast<int64_t>(t)};
    }
    if (in_pool[i]) {
      pool.insert(pool.end(), candidates.begin(), candidates.end());
      continue;
    }
    for (const Candidate& c : SmallestK(std::move(candidates), TargetCount(targets[i], tilings[i].tiles()))) {
      TileElements(tilings[i], c.tile, zero[i]);
    }
  }
  const int64_t pool_size = static_cast<int64_t>(pool.size());
  for (const Candidate& c : SmallestK(std::move(pool), TargetCount(options.sparsity, pool_size))) {
    TileElements(tilings[c.tensor], c.tile, zero[c.tensor]);
  }
  for (size_t i = 0; i < n; ++i) {
    ZeroWeights(model, scan.eligible[i].subgraph, scan.eligible[i].tensor, zero[i]);
  }
  return targets;
}

}  // namespace tinyforge::prune
