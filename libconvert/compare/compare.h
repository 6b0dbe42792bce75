// Comparing a candidate model (quantized, pruned, rewritten) against a
// reference model on the same samples: output error, top-1 agreement,
// accuracy against labels, and (optionally) the error of every layer's
// activation. Shared by `tinyforge compare`, the layer report of
// `tinyforge quantize` and `tinyforge pipeline`.
//
//   CompareResult r = CompareModels(float_model, int8_model, data, labels, options);
//   std::vector<std::string> failed = CheckThresholds(r, thresholds);
//
// All values are real: integer outputs and activations are dequantized with
// their tensor's scale and zero point (metrics.h RealValues) before they are
// compared. Results are the same for any thread count: samples are split
// into fixed blocks of kCompareBlockSamples, each block is accumulated in
// sample order by one worker, and blocks are merged in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/data/dataset.h"
#include "libconvert/base/error.h"
#include "libconvert/compare/metrics.h"
#include "libconvert/model/model.h"
#include "libconvert/data/npy.h"

namespace tinyforge {

// Samples per block of the deterministic accumulation (see above).
inline constexpr size_t kCompareBlockSamples = 16;

// The isolated RMSE, in the layer's output quantization steps, above which
// a layer is flagged. Rounding the output alone gives 1/sqrt(12) = 0.29;
// the rounding of the inputs, carried through the operator, adds to it.
// Measured (quantize --method minmax on representative data, isolated
// RMSE/scale of all 51 layers of conv_fc_mnist, shapes_float,
// person_detect_float, hello_world_float and trained_lstm): at most 0.88
// except hello_world's output FULLY_CONNECTED at 1.15, whose float fallback
// (--keep-float) improves the output RMSE by 4% (0.0166 -> 0.0159): healthy,
// as every layer of these models (accuracy drops <= 0.2 points, so no
// fallback can recover more). Layers with a real fault: the same models
// calibrated on noise (--random) or with --method percentile:99 clip 1-6%
// of their values and measure 1.76-10.4 (easy tasks: accuracy still drops
// <= 0.2 points); a FULLY_CONNECTED crushed by one outlier weight
// (tests/quantize/layer_flags_test.cc) measures 13.8. 1.5 sits 30%
// above the worst healthy layer and below every faulty one.
inline constexpr double kFlagIsolatedRmseSteps = 1.5;

struct CompareOptions {
  int threads = 0;       // worker threads; 0 = every core
  bool layers = false;   // also compare every matched activation
  size_t samples = 0;    // compare the first N samples; 0 = all
  size_t label_output = 0;  // the output whose argmax is the predicted class
  // A layer is flagged when the error it adds by itself (isolated, see
  // LayerComparison) exceeds this many of its quantization steps (RMSE /
  // output scale); kFlagIsolatedRmseSteps says how the default was chosen.
  double flag_isolated_rmse_steps = kFlagIsolatedRmseSteps;
  // true: both models run on the plain reference kernels (TFLM's arithmetic
  // step by step); false: the fast kernels (integer results are the same
  // bits, float results within 1e-5 relative).
  bool reference_kernels = false;
  // Called once after each sample, from worker threads; may be empty.
  std::function<void()> on_sample;
};

// One model output of the candidate against the same output of the
// reference (outputs are matched by position).
struct OutputComparison {
  size_t index = 0;
  std::string reference_name;
  std::string candidate_name;
  size_t elements = 0;            // per sample
  ErrorStats error;               // over every element of every sample
  uint64_t top1_agree = 0;        // samples whose argmax is the same
  std::vector<float> sample_max_abs;  // per sample: max |candidate - reference|

  // top1_agree / samples (1 when there are no samples).
  double agreement() const;
};

// Accuracy of both models against labels, on output CompareOptions::label_output.
struct ClassifierComparison {
  size_t output = 0;
  ConfusionMatrix reference;
  ConfusionMatrix candidate;

  double reference_accuracy() const { return reference.accuracy(); }
  double candidate_accuracy() const { return candidate.accuracy(); }
  // Reference accuracy minus candidate accuracy, in percentage points.
  double drop_points() const { return 100.0 * (reference_accuracy() - candidate_accuracy()); }
};

// One activation of the candidate against the matched activation of the
// reference, measured twice:
// - accumulated: the candidate's value in its own full run, carrying the
//   error of every operator before it;
// - isolated: the operator alone, fed the reference's values of its inputs
//   converted to the candidate's input types (quantized with the
//   candidate's input parameters): the error this operator adds by itself.
struct LayerComparison {
  size_t op_index = 0;            // candidate operator that produces it
  std::string op_name;            // "CONV_2D"
  int tensor = -1;                // candidate tensor index (subgraph 0)
  std::string tensor_name;        // candidate tensor name
  int reference_tensor = -1;
  std::string reference_tensor_name;
  std::string matched_by;         // "name", "position", "input" or "passthrough"
  std::string type;               // candidate tensor type: "int8", "float32"
  float scale = 0;                // candidate scale (0 when not quantized)
  int32_t zero_point = 0;
  ErrorStats error;               // accumulated
  // Isolated; only when has_isolated (the operator's inputs all have
  // reference values of a type they can be written in; not for operators
  // reading recurrent state).
  bool has_isolated = false;
  ErrorStats isolated;
  // Reference values outside what the candidate's type can represent with
  // its scale and zero point (by more than one step): clipping.
  uint64_t clipped = 0;
  // Flagged from the isolated error only (CompareOptions::flag_isolated_rmse_steps).
  bool unhealthy = false;
  std::string unhealthy_reason;   // empty when healthy
  std::string suggestion;         // what to try, one line; empty when healthy

  // error.rmse() / scale; NaN when the candidate is not quantized.
  double rmse_steps() const;
  // isolated.rmse() / scale; NaN when not quantized or not isolated.
  double isolated_rmse_steps() const;
  double clipped_fraction() const;
};

struct CompareResult {
  std::string reference_source;
  std::string candidate_source;
  size_t samples = 0;
  std::vector<OutputComparison> outputs;
  std::optional<ClassifierComparison> classifier;  // when labels were given
  // With CompareOptions::layers: ranked worst first by the isolated error
  // (isolated_rmse_steps; layers without one by their accumulated
  // rmse_steps after them; then layers without a scale by SNR, lowest first).
  std::vector<LayerComparison> layers;
  // Candidate activations no reference tensor matched, "OP_NAME 'tensor'".
  std::vector<std::string> unmatched_layers;
};

// Runs both models on every sample. `reference_inputs` and
// `candidate_inputs` hold one view per input of each model (already in that
// model's input types; see CompareModelsOnArrays for float data), all with
// the same number of samples. `labels` may be empty; otherwise one per
// sample (after CompareOptions::samples is applied, the first N are used).
// Throws Error (kBadInput) when the models' outputs differ in number or
// element count, or the data or labels do not fit.
CompareResult CompareModels(const Model& reference, const Model& candidate,
                            const std::vector<DatasetView>& reference_inputs,
                            const std::vector<DatasetView>& candidate_inputs,
                            const std::vector<int64_t>& labels, const CompareOptions& options);

// The same from arrays (one per model input, e.g. float32 read from .npy):
// each array is converted to each model's input type with
// ConvertModelInput(quantize_floats = true). `names` name the arrays in
// messages (usually their files).
CompareResult CompareModelsOnArrays(const Model& reference, const Model& candidate,
                                    const std::vector<NpyArray>& arrays,
                                    const std::vector<std::string>& names,
                                    const std::vector<int64_t>& labels,
                                    const CompareOptions& options);

// Gates a user can set; unset ones are not checked.
struct CompareThresholds {
  std::optional<double> max_drop_points;  // needs labels
  std::optional<double> min_agreement;    // fraction 0..1, every output
  std::optional<double> min_cosine;       // every output
  std::optional<double> max_rmse;         // every output
};

// One line per violated threshold (empty when all hold), e.g.
// "accuracy drop 0.59 points exceeds --max-drop 0.5 (96.67% -> 96.08%)".
// Throws Error (kBadInput) when max_drop_points is set without labels.
std::vector<std::string> CheckThresholds(const CompareResult& result,
                                         const CompareThresholds& thresholds);

// Counts of values in `bins` equal bins over [0, max value] (one bin when
// every value is 0 or there are none): the distribution of per-sample errors.
struct Histogram {
  double lo = 0;
  double hi = 0;
  std::vector<uint64_t> counts;
};
inline constexpr size_t kHistogramBins = 20;
Histogram HistogramOf(const std::vector<float>& values, size_t bins);

// The Error (kCheckFailed) for `failed` (non-empty) lines: the CLI's main
// prints "tinyforge: " before the message, and the lines after the first get
// the same prefix, so each violated threshold is one line.
Error CheckFailedError(const std::vector<std::string>& failed);

// {"count", "max_abs", "mae", "rmse", "cosine", "snr_db"}, non-finite as null.
nlohmann::ordered_json ErrorStatsToJson(const ErrorStats& stats);

// The whole result as JSON, schema "tinyforge.compare/2". Non-finite
// numbers (an SNR of +inf when the error is zero) are written as null.
nlohmann::ordered_json CompareToJson(const CompareResult& result);

}  // namespace tinyforge
