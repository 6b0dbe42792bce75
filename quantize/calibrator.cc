#include "quantize/calibrator.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <sstream>

#include "libconvert/base/error.h"
#include "libconvert/interp/batch.h"
#include "quantize/range_choice.h"

namespace tinyforge::quantize {
namespace {

// The tensors calibration records: subgraph 0's non-constant float32 model
// inputs and operator outputs, and its float32 state (variable) tensors, by
// index.
std::vector<int> ObservedTensors(const Model& model) {
  const auto& g = model.subgraph(0);
  std::vector<bool> observed(g.tensors.size(), false);
  auto consider = [&](int index) {
    if (index < 0) return;
    const tflite::TensorT& t = model.tensor(0, index);
    if (t.type == tflite::TensorType_FLOAT32 && !model.IsConstant(t)) observed[static_cast<size_t>(index)] = true;
  };
  for (int index : g.inputs) consider(index);
  for (const auto& op : g.operators) {
    for (int index : op->outputs) consider(index);
  }
  for (size_t i = 0; i < g.tensors.size(); ++i) {
    if (g.tensors[i]->is_variable && g.tensors[i]->type == tflite::TensorType_FLOAT32) observed[i] = true;
  }
  std::vector<int> result;
  for (size_t i = 0; i < observed.size(); ++i) {
    if (observed[i]) result.push_back(static_cast<int>(i));
  }
  return result;
}

size_t Count(const interp::RuntimeTensor& t) { return static_cast<size_t>(t.count()); }

struct NonFinite {
  size_t sample;
  int tensor;
};

// What one worker saw over its block of samples.
struct WorkerStats {
  std::vector<float> min, max;          // per tensor index
  std::vector<Histogram> histograms;    // per tensor index (second pass)
  std::optional<NonFinite> non_finite;  // the first in this worker's samples
  size_t sample = 0;                    // the sample being run
  bool observing = false;
};

// Samples in parallel from fresh state (interp::ForEachSample), or, for a
// stream, in order on one interpreter whose state carries over.
void ForEachCalibrationSample(const Model& model, size_t samples, const CalibrationOptions& options,
                              const std::function<void(interp::Interpreter&, size_t, int)>& run) {
  // Tensors are read by the observers, inputs before Invoke: the others
  // share memory.
  const interp::InterpreterOptions sharing = interp::SharingMemory();
  if (!options.stream) {
    interp::ForEachSample(model, samples, options.threads, run, sharing);
    return;
  }
  interp::Interpreter interpreter(model, sharing);
  interpreter.Prepare();
  for (size_t s = 0; s < samples; ++s) run(interpreter, s, 0);
}

// Runs every sample, calling record(stats, tensor index, values, count) for
// each model input, observed operator output and state a kernel reports
// from inside its computation (a recurrent state at every time step).
template <typename Record>
void RunObserved(const Model& model, const std::vector<DatasetView>& inputs, const CalibrationOptions& options,
                 const std::vector<bool>& observed, std::vector<WorkerStats>& workers, Record record) {
  const size_t samples = inputs.empty() ? 1 : inputs[0].num_samples();
  ForEachCalibrationSample(model, samples, options, [&](interp::Interpreter& interpreter, size_t s, int w) {
    WorkerStats& stats = workers[static_cast<size_t>(w)];
    stats.sample = s;
    if (!stats.observing) {
      interpreter.SetObserver([&stats, &observed, &record](const interp::OpEvent& event) {
        for (const interp::RuntimeTensor* t : event.outputs) {
          if (observed[static_cast<size_t>(t->index)]) record(stats, t->index, t->Data<float>(), Count(*t));
        }
      });
      interpreter.SetStateObserver([&stats, &observed, &record](const interp::StateEvent& event) {
        if (observed[static_cast<size_t>(event.tensor)]) record(stats, event.tensor, event.values, event.count);
      });
      stats.observing = true;
    }
    interp::SetInputs(interpreter, inputs, s);
    for (size_t k = 0; k < inputs.size(); ++k) {
      const interp::RuntimeTensor& t = interpreter.input(k);
      if (observed[static_cast<size_t>(t.index)]) record(stats, t.index, t.Data<float>(), Count(t));
    }
    interpreter.Invoke();
    if (options.on_sample) options.on_sample();
  });
}

std::string MethodName(const CalibrationOptions& options) {
  switch (options.method) {
    case CalibrationMethod::kMinMax:
      return "minmax";
    case CalibrationMethod::kPercentile: {
      std::ostringstream text;
      text << "percentile:" << options.percentile;
      return text.str();
    }
    case CalibrationMethod::kMse:
      return "mse";
  }
  return "minmax";
}

}  // namespace

CalibrationOptions ParseCalibrationMethod(const std::string& text) {
  CalibrationOptions options;
  if (text == "minmax") return options;
  if (text == "mse") {
    options.method = CalibrationMethod::kMse;
    return options;
  }
  const std::string prefix = "percentile";
  if (text.compare(0, prefix.size(), prefix) == 0) {
    options.method = CalibrationMethod::kPercentile;
    if (text.size() == prefix.size()) return options;
    if (text[prefix.size()] == ':') {
      const std::string number = text.substr(prefix.size() + 1);
      char* end = nullptr;
      const double p = std::strtod(number.c_str(), &end);
      if (!number.empty() && end == number.c_str() + number.size() && p > 0 && p <= 100) {
        options.percentile = p;
        return options;
      }
    }
  }
  throw Error("--method: '" + text + "' is not one of minmax, percentile, percentile:P (0 < P <= 100), mse",
              ErrorCode::kBadInput);
}

CalibrationTable Calibrate(const Model& model, const std::vector<DatasetView>& inputs,
                           const CalibrationOptions& options) {
  const auto& g = model.subgraph(0);
  const size_t samples = interp::CountSamples(model, inputs);
  for (const DatasetView& view : inputs) view.CheckFinite();
  if (samples == 0) throw Error(inputs[0].array_name() + ": holds no samples to calibrate on", ErrorCode::kBadInput);

  const std::vector<int> tensors = ObservedTensors(model);
  std::vector<bool> observed(g.tensors.size(), false);
  for (int index : tensors) observed[static_cast<size_t>(index)] = true;
  const size_t n_workers = options.stream ? 1 : static_cast<size_t>(interp::WorkerCount(options.threads, samples));

  // Pass 1: min and max of every observed tensor.
  std::vector<WorkerStats> workers(n_workers);
  for (WorkerStats& w : workers) {
    w.min.assign(g.tensors.size(), std::numeric_limits<float>::infinity());
    w.max.assign(g.tensors.size(), -std::numeric_limits<float>::infinity());
  }
  RunObserved(model, inputs, options, observed, workers, [](WorkerStats& stats, int index, const float* v, size_t n) {
    float lo = stats.min[static_cast<size_t>(index)];
    float hi = stats.max[static_cast<size_t>(index)];
    // Branch-free so it vectorizes: calibration observes every activation
    // and must cost little next to the model. x * 0 is NaN exactly when x
    // is NaN or infinite, and a NaN never wins a comparison, so the rare
    // bad tensor is found by the sum and then scanned again.
    float poison = 0;
    for (size_t i = 0; i < n; ++i) {
      lo = v[i] < lo ? v[i] : lo;
      hi = v[i] > hi ? v[i] : hi;
      poison += v[i] * 0.0f;
    }
    if (poison != 0 || std::isnan(poison)) {
      if (!stats.non_finite) stats.non_finite = NonFinite{stats.sample, index};
      return;
    }
    stats.min[static_cast<size_t>(index)] = lo;
    stats.max[static_cast<size_t>(index)] = hi;
  });
  // Each worker runs its samples in increasing order, so the earliest
  // non-finite sample is the least of the workers' first ones.
  std::optional<NonFinite> first;
  for (const WorkerStats& w : workers) {
    if (w.non_finite && (!first || w.non_finite->sample < first->sample)) first = w.non_finite;
  }
  if (first) {
    const tflite::TensorT& t = model.tensor(0, first->tensor);
    throw Error(model.source() + ": tensor " + std::to_string(first->tensor) + " '" + t.name +
                    "' took a NaN or infinite value on calibration sample " + std::to_string(first->sample) +
                    "; the calibration data is outside what the float model can compute (e.g. negative "
                    "input to SQRT or RSQRT)",
                ErrorCode::kBadInput);
  }

  CalibrationTable table;
  table.method = MethodName(options);
  table.samples = samples;
  for (int index : tensors) {
    TensorRange r;
    r.name = model.tensor(0, index).name;
    r.observed_min = std::numeric_limits<float>::infinity();
    r.observed_max = -std::numeric_limits<float>::infinity();
    for (const WorkerStats& w : workers) {
      r.observed_min = std::min(r.observed_min, w.min[static_cast<size_t>(index)]);
      r.observed_max = std::max(r.observed_max, w.max[static_cast<size_t>(index)]);
    }
    if (r.observed_min > r.observed_max) r.observed_min = r.observed_max = 0;  // an empty tensor
    r.min = r.observed_min;
    r.max = r.observed_max;
    table.ranges.emplace(index, r);
  }
  if (options.method == CalibrationMethod::kMinMax) return table;

  // Pass 2: histograms over the observed ranges, then the clip.
  for (WorkerStats& w : workers) {
    w.histograms.assign(g.tensors.size(), Histogram());
    for (const auto& [index, r] : table.ranges) w.histograms[static_cast<size_t>(index)] = Histogram(r.observed_min, r.observed_max);
    w.observing = false;
  }
  RunObserved(model, inputs, options, observed, workers, [](WorkerStats& stats, int index, const float* v, size_t n) {
    stats.histograms[static_cast<size_t>(index)].Add(v, n);
  });
  for (auto& [index, r] : table.ranges) {
    Histogram merged = workers[0].histograms[static_cast<size_t>(index)];
    for (size_t w = 1; w < workers.size(); ++w) merged.Merge(workers[w].histograms[static_cast<size_t>(index)]);
    const auto clip = options.method == CalibrationMethod::kPercentile ? PercentileRange(merged, options.percentile)
                                                                        : MseRange(merged);
    r.min = clip.first;
    r.max = clip.second;
  }
  return table;
}

nlohmann::ordered_json CalibrationToJson(const CalibrationTable& table) {
  nlohmann::ordered_json json;
  json["schema"] = "tinyforge.calibration/1";
  json["method"] = table.method;
  json["samples"] = table.samples;
  json["tensors"] = nlohmann::ordered_json::array();
  for (const auto& [index, r] : table.ranges) {
    json["tensors"].push_back({{"index", index},
                               {"name", r.name},
                               {"min", r.min},
                               {"max", r.max},
                               {"observed_min", r.observed_min},
                               {"observed_max", r.observed_max}});
  }
  return json;
}

CalibrationTable CalibrationFromJson(const nlohmann::json& json, const Model& model, const std::string& name) {
  auto fail = [&](const std::string& what) -> Error { return Error(name + ": " + what, ErrorCode::kBadInput); };
  if (!json.is_object() || json.value("schema", "") != "tinyforge.calibration/1") {
    throw fail("not a calibration table (expected \"schema\": \"tinyforge.calibration/1\")");
  }
  CalibrationTable table;
  try {
    table.method = json.at("method").get<std::string>();
    table.samples = json.at("samples").get<size_t>();
    const size_t n_tensors = model.subgraph(0).tensors.size();
    for (const auto& entry : json.at("tensors")) {
      const int index = entry.at("index").get<int>();
      const std::string where = "tensor entry " + std::to_string(index);
      if (index < 0 || static_cast<size_t>(index) >= n_tensors) {
        throw fail(where + " is out of range: " + model.source() + " has " + std::to_string(n_tensors) + " tensors");
      }
      TensorRange r;
      r.name = entry.at("name").get<std::string>();
      if (r.name != model.tensor(0, index).name) {
        throw fail(where + " names '" + r.name + "', but tensor " + std::to_string(index) + " of " + model.source() +
                   " is '" + model.tensor(0, index).name + "': the table was made for another model");
      }
      r.min = entry.at("min").get<float>();
      r.max = entry.at("max").get<float>();
      r.observed_min = entry.at("observed_min").get<float>();
      r.observed_max = entry.at("observed_max").get<float>();
      if (!std::isfinite(r.min) || !std::isfinite(r.max) || r.min > r.max) {
        throw fail(where + " ('" + r.name + "') has an invalid range [" + std::to_string(r.min) + ", " +
                   std::to_string(r.max) + "]");
      }
      table.ranges[index] = r;
    }
  } catch (const nlohmann::json::exception& e) {
    throw fail(std::string("malformed calibration table: ") + e.what());
  }
  return table;
}

}  // namespace tinyforge::quantize
