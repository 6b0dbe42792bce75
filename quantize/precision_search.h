// Mixed precision under an accuracy budget (`quantize --max-drop`,
// `--min-cosine`): when the model quantized as asked misses the budget,
// search for the smallest change that meets it. Candidate changes, cheapest
// first, for the layers that add the most error by themselves (the isolated
// per-layer error of compare/, worst first):
//   1. per-channel weights for a FULLY_CONNECTED layer (a few bytes of scales);
//   2. int16 activations (16x8) for the layer, where TFLM has a 16x8 kernel
//      for it: QUANTIZE requantizes int8 <-> int16 around it; twice the
//      memory of the tensors it touches;
//   3. keeping a layer float (DEQUANTIZE/QUANTIZE around it): float MACs.
// Each round tries the changes in that order on top of the current choice
// and takes the first that meets the budget; when none does, it keeps the
// change that helped most and goes on, for at most kMaxSearchRounds rounds.
// Every trial is measured (quantized, run on the evaluation data, compared
// with the float model), none is guessed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "libconvert/compare/compare.h"
#include "libconvert/data/npy.h"
#include "libconvert/model/model.h"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"

namespace tinyforge::quantize {

inline constexpr int kMaxSearchRounds = 4;
inline constexpr size_t kSearchLayers = 4;  // worst layers tried per round

// The data every trial is measured on: as for CompareModelsOnArrays.
struct SearchData {
  const std::vector<NpyArray>& arrays;
  const std::vector<std::string>& names;
  const std::vector<int64_t>& labels;  // needed for max_drop_points
  int threads = 0;
};

// One measured configuration.
struct SearchTrial {
  std::string change;          // "as given", "per-channel weights for 'fc2'", ...
  QuantizeOptions options;     // the whole configuration tried
  double accuracy = -1;        // candidate top-1 in [0, 1]; -1 without labels
  double drop_points = 0;      // float accuracy minus this, in points
  double min_cosine = 1;       // lowest output cosine against the float model
  int64_t size_bytes = 0;      // serialized model
  int64_t float_macs = 0;      // MACs of operators left float
  int64_t arena_bytes = 0;     // TFLM arena (Cortex-M4 target)
  bool meets = false;          // every budget threshold holds
  std::vector<std::string> failed;  // the thresholds missed, one line each
};

struct SearchResult {
  std::vector<SearchTrial> trials;  // in the order tried
  size_t chosen = 0;                // the trial returned: the first that met, else the best
  bool met = false;
  std::optional<QuantizeResult> model;  // the chosen trial's model (always set)
};

// Throws Error (bad input) as QuantizeModel and CompareModelsOnArrays do, and
// when the budget is empty or needs labels the data lacks.
SearchResult SearchPrecision(const Model& float_model, const CalibrationTable& table,
                             const QuantizeOptions& base, const SearchData& data,
                             const CompareThresholds& budget,
                             const std::function<void(const SearchTrial&)>& on_trial = {});

// What the flags of `ranked` (the layers of `quantized`, the model
// `options` gave) suggest, measured: for each of the kSearchLayers worst
// flagged layers, per-channel weights (FULLY_CONNECTED), int16 activations
// (where TFLM has a 16x8 kernel) and keeping it float, each alone on top of
// `options`, after the model as given. No budget: `meets` is true and
// `failed` empty. Empty when no layer is flagged.
std::vector<SearchTrial> MeasureSuggestions(const Model& float_model, const CalibrationTable& table,
                                            const QuantizeOptions& options, const QuantizeResult& quantized,
                                            const std::vector<LayerComparison>& ranked, const SearchData& data);

// Trials as a text table (accuracy, drop, cosine, size, float MACs, arena,
// the verdict when `verdicts`, the change), the trial `marked` starred.
std::string TrialsTable(const std::vector<SearchTrial>& trials, size_t marked, bool verdicts);
nlohmann::ordered_json TrialsToJson(const std::vector<SearchTrial>& trials, bool verdicts);

// The search's trials as a table, the chosen one marked, and as JSON.
std::string SearchTable(const SearchResult& result);
nlohmann::ordered_json SearchToJson(const SearchResult& result);

}  // namespace tinyforge::quantize
