// Calibration: run the float model over sample inputs and record, for every
// non-constant float tensor, the range of values it takes. The ranges choose
// the quantization parameters of activations (quantize/quant_params.h).
//
// Calibration runs in the interpreter with an observer, in parallel over
// samples; per-worker statistics merge in sample order, so the table is the
// same for any thread count.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/data/dataset.h"
#include "libconvert/model/model.h"

namespace tinyforge::quantize {

// How a tensor's range is chosen from the values it took:
//   kMinMax      the global min and max over every sample (TensorFlow's rule);
//   kPercentile  clip both tails at a percentile of the |value| histogram;
//   kMse         the clip that minimizes the int8 quantization error of the
//                histogram (rounding plus clipping).
enum class CalibrationMethod { kMinMax, kPercentile, kMse };

struct CalibrationOptions {
  CalibrationMethod method = CalibrationMethod::kMinMax;
  double percentile = 99.99;  // for kPercentile
  int threads = 0;            // 0 = every core
  // The samples are consecutive time steps of one stream (a model with state
  // that a device feeds frame by frame, such as an SVDF keyword model): run
  // in order on one interpreter, state carried from each sample to the next.
  // Otherwise every sample starts from fresh state (as tflm_run does).
  bool stream = false;
  // Called after each sample from worker threads; may be empty.
  std::function<void()> on_sample;
};

// The chosen range of one tensor, plus what was observed.
struct TensorRange {
  std::string name;
  float min = 0;           // range used for quantization
  float max = 0;
  float observed_min = 0;  // over all samples
  float observed_max = 0;
};

struct CalibrationTable {
  std::string method;     // "minmax", "percentile:99.99", "mse"
  size_t samples = 0;
  // Subgraph 0 tensor index -> range. Holds every non-constant float32
  // tensor the float model produces or takes as input, and its float32 state
  // (variable) tensors over every value a recurrent kernel gave them (an
  // LSTM's cell state after every time step).
  std::map<int, TensorRange> ranges;
};

// Parses "minmax", "percentile", "percentile:P" (0 < P <= 100) or "mse".
// Throws Error (kBadInput) otherwise.
CalibrationOptions ParseCalibrationMethod(const std::string& text);

// Runs every sample (inputs: one view per model input, float32 data with
// the same number of samples). Throws Error naming the input and sample if
// a NaN/Inf appears in the data, and naming the tensor if one appears in an
// activation.
CalibrationTable Calibrate(const Model& float_model, const std::vector<DatasetView>& inputs,
                           const CalibrationOptions& options);

// JSON schema "tinyforge.calibration/1": {"schema", "method", "samples",
// "tensors": [{"index", "name", "min", "max", "observed_min", "observed_max"}]}.
nlohmann::ordered_json CalibrationToJson(const CalibrationTable& table);
// Reads a table written by CalibrationToJson and checks it against the model
// (every index in range and naming the same tensor). `name` (the file)
// starts error messages.
CalibrationTable CalibrationFromJson(const nlohmann::json& json, const Model& float_model,
                                     const std::string& name);

}  // namespace tinyforge::quantize
