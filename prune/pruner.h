// Magnitude pruning: the library behind `tinyforge prune`.
//
//   PruneOptions options;
//   options.sparsity = 0.5;
//   PruneResult result = prune::PruneModel(model, options);
//   SaveModel(result.model, "pruned.tflite");
//   WriteFileAtomic("report.json", prune::ToJson(result.report).dump(2));
//
// What is pruned. A weight tensor is eligible when it is the constant weight
// operand of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED or TRANSPOSE_CONV
// (input 1), or a constant operand of BATCH_MATMUL, is FLOAT32 or INT8 with
// every zero point 0, and holds at least `min_params` elements. Biases are
// never pruned. A weight is pruned by setting it to 0 (for int8 that is the
// real value 0, the zero point being 0).
//
// Magnitudes are real values: float weights as they are, int8 weights
// dequantized with their (per-channel) scales, so magnitudes of different
// channels and layers are comparable.
//
// Units. Unstructured pruning ranks single weights by |w|. Block pruning
// (`block` R x C) views each weight tensor as a matrix [rows = product of all
// dims but the last, cols = last dim] in memory order (for CONV_2D,
// FULLY_CONNECTED and TRANSPOSE_CONV the last dim is the input channel, so
// 1x4 blocks are 4 consecutive input channels of one output channel) and
// ranks R x C tiles by their L2 norm; a tensor whose matrix the tiles do not
// cover exactly is skipped. Ties are broken by position: the earlier tensor
// (operator order), then the lower flat index, is pruned first.
//
// Scope. Per layer: each tensor loses exactly round(S x units) of its units
// (round half away from zero), the smallest first; units already zero count
// among the smallest, so a tensor that had more zeros keeps them. Global:
// one ranking over all eligible tensors without a --layer override, and the
// round(S x total units) smallest are zeroed: one magnitude threshold.
//
// Structured (`channels` F > 0) removes output channels instead: see
// channels.h. It runs after unstructured pruning when both are asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/data/dataset.h"
#include "libconvert/model/model.h"

namespace tinyforge::prune {

enum class Scope { kPerLayer, kGlobal };

// A --layer REGEX=S override: weight tensors whose name matches `pattern`
// (std::regex_search, ECMAScript) are pruned to `sparsity` per layer,
// whatever the scope. The first matching override wins.
struct LayerOverride {
  std::string text;  // as given, for messages: "dense=0.8"
  std::string pattern;
  double sparsity = 0;
};

struct BlockShape {
  int rows = 1;
  int cols = 1;
};

struct PruneOptions {
  // Target sparsity in [0, 1]. Ignored when only channels are asked for.
  double sparsity = 0;
  Scope scope = Scope::kPerLayer;
  std::vector<LayerOverride> layers;
  int64_t min_params = 1024;
  BlockShape block;  // 1x1: unstructured
  // Fraction of output channels to remove in [0, 1); 0: no structured pruning.
  double channels = 0;
  // Adjust biases so each pruned layer's mean output per channel matches the
  // unpruned model on these samples (one view per model input); empty: off.
  std::vector<DatasetView> bias_calibration;
  int threads = 0;  // for bias correction; results do not depend on it
};

// Parses "REGEX=S" (the last '=' separates). Throws Error (kBadInput) naming
// `flag` for a missing '=', a bad regular expression or a sparsity that is
// not a number in [0, 1].
LayerOverride ParseLayerOverride(const std::string& text, const std::string& flag = "--layer");
// Parses "RxC" (positive integers, e.g. "1x4"). Throws Error naming `flag`.
BlockShape ParseBlockShape(const std::string& text, const std::string& flag = "--block");

// One weight tensor as the report sees it.
struct LayerReport {
  size_t subgraph = 0;
  size_t op_index = 0;   // the first operator that reads it
  std::string op;        // "CONV_2D"
  int tensor = -1;
  std::string name;
  std::string type;      // "FLOAT32", "INT8"
  std::vector<int32_t> shape_before;
  std::vector<int32_t> shape_after;     // differs with structured pruning
  int64_t elements_before = 0;
  int64_t elements_after = 0;
  int64_t zeros_before = 0;
  int64_t zeros_after = 0;
  double target_sparsity = 0;           // what it was pruned to (NaN: not pruned)
  int64_t bytes_before = 0;
  int64_t bytes_after = 0;
  int64_t channels_removed = 0;         // structured: output channels removed
  double bias_shift = 0;                // bias correction: max |change| (real units)
  double sparsity_before() const;
  double sparsity_after() const;
};

// A layer left as it was, and why.
struct SkippedLayer {
  size_t subgraph = 0;
  size_t op_index = 0;
  std::string op;
  std::string name;  // its weight tensor, or its output for structured pruning
  std::string stage; // "eligibility", "magnitude", "channels" or "bias-correct"
  std::string reason;
};

struct ModelTotals {
  int64_t parameters = 0;       // libconvert model_summary's definition
  int64_t file_bytes = 0;       // serialized, 16-byte aligned as SaveModel writes
  int64_t zlib_bytes = 0;       // that file after zlib compression (level 9)
  int64_t macs = 0;
  int64_t eligible_elements = 0;
  int64_t eligible_zeros = 0;
};

struct Accuracy {
  double before = 0;  // top-1 in [0, 1]
  double after = 0;
  size_t samples = 0;
};

struct PruneReport {
  std::string source;
  std::string scope;          // "per-layer" or "global"
  double target_sparsity = 0;
  std::string block;          // "1x1" for unstructured
  double channels = 0;
  bool bias_corrected = false;
  std::vector<LayerReport> layers;
  std::vector<SkippedLayer> skipped;
  ModelTotals before;
  ModelTotals after;
  std::optional<Accuracy> accuracy;  // filled by the caller when data is given
};

struct PruneResult {
  Model model;
  PruneReport report;
};

// Prunes a copy of `model` and verifies it. Throws Error (kBadInput) for
// options out of range, a --layer pattern that matches no eligible tensor,
// or calibration data that does not fit the model.
PruneResult PruneModel(const Model& model, const PruneOptions& options);

// Fills before/after totals (parameters, file and zlib size, MACs, eligible
// zeros) of a report. PruneModel calls it; exposed for tests and tools.
ModelTotals MeasureModel(const Model& model, const std::vector<LayerReport>& layers, bool after);

// zlib (level 9) size of `bytes`.
int64_t ZlibSize(const std::vector<uint8_t>& bytes);

inline constexpr const char* kPruneSchema = "tinyforge.prune/1";

// {"schema": "tinyforge.prune/1", "source", "scope", "target_sparsity",
//  "block", "channels", "bias_corrected",
//  "layers": [{"subgraph", "operator", "op", "tensor", "name", "type",
//              "shape_before", "shape_after", "elements_before",
//              "elements_after", "zeros_before", "zeros_after",
//              "sparsity_before", "sparsity_after", "target_sparsity"
//              (null when not pruned), "bytes_before", "bytes_after",
//              "channels_removed", "bias_shift"}],
//  "skipped": [{"subgraph", "operator", "op", "name", "stage", "reason"}],
//  "model": {"before": TOTALS, "after": TOTALS},
//  "accuracy": null or {"before", "after", "drop_points", "samples"}}
// TOTALS = {"parameters", "file_bytes", "zlib_bytes", "macs",
//           "eligible_elements", "eligible_zeros", "eligible_sparsity"}
nlohmann::ordered_json ToJson(const PruneReport& report);

// An aligned per-layer table, the skipped layers and the model totals, for
// people. Ends with a newline.
std::string FormatReport(const PruneReport& report);

}  // namespace tinyforge::prune
