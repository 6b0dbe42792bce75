// Magnitude pruning of single weights and of R x C blocks, per layer or with
// one global threshold (the rules are in pruner.h). The selection is pure:
// scores in, element indices out, so it is tested without a model.
#pragma once

#include <cstdint>
#include <vector>

#include "libconvert/model/model.h"
#include "prune/pruner.h"
#include "prune/weights.h"

namespace tinyforge::prune {

// round(sparsity x n), halves away from zero.
int64_t TargetCount(double sparsity, int64_t n);

// A weight tensor cut into R x C tiles over its matrix view [rows, cols]
// (rows = product of all dims but the last, cols = the last dim).
struct Tiling {
  int64_t rows = 0;
  int64_t cols = 0;
  BlockShape block;
  int64_t tile_rows() const { return rows / block.rows; }
  int64_t tile_cols() const { return cols / block.cols; }
  int64_t tiles() const { return tile_rows() * tile_cols(); }
};

// The tiling of `shape`, or false when R x C tiles do not cover it exactly.
bool MakeTiling(const std::vector<int32_t>& shape, BlockShape block, Tiling* tiling);

// L2 norm of each tile's values, tiles in row-major order.
std::vector<double> TileNorms(const std::vector<float>& values, const Tiling& tiling);

// Flat element indices of tile `t`.
void TileElements(const Tiling& tiling, int64_t t, std::vector<int64_t>& out);

// One tile among several tensors: lower score first, then lower tensor
// order, then lower tile index.
struct Candidate {
  double score = 0;
  uint32_t tensor = 0;  // order of the tensor among the ranked ones
  int64_t tile = 0;
  bool operator<(const Candidate& o) const {
    if (score != o.score) return score < o.score;
    if (tensor != o.tensor) return tensor < o.tensor;
    return tile < o.tile;
  }
};

// The `k` smallest candidates in that order (k is clamped to the size).
std::vector<Candidate> SmallestK(std::vector<Candidate> candidates, int64_t k);

// Unstructured or block pruning of `model` in place. Returns, for each
// eligible tensor of `scan` (same order), the sparsity it was pruned to: its
// override's, the per-layer target, or under global scope the target shared
// with the other tensors of the pool; NaN for a tensor the tiles cannot
// cover (appended to `skipped`). Throws Error (kBadInput) when an override
// matches no eligible tensor.
std::vector<double> PruneMagnitude(Model& model, const WeightScan& scan, const PruneOptions& options,
                                   std::vector<SkippedLayer>& skipped);

}  // namespace tinyforge::prune
