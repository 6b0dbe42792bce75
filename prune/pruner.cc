// PruneModel: the stages in order (magnitude, bias correction, channels),
// then the report.
#include "prune/pruner.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "libconvert/base/error.h"
#include "libconvert/model/verify.h"
#include "prune/bias_correction.h"
#include "prune/channels.h"
#include "prune/magnitude.h"
#include "prune/weights.h"

namespace tinyforge::prune {
namespace {

bool IsFraction(double v) { return std::isfinite(v) && v >= 0.0 && v <= 1.0; }

// "0.5", "1.5", "nan": a flag value as a user would type it.
std::string FlagText(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

// Parses a whole string as a number; false for anything else.
bool ParseDouble(const std::string& text, double* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

void CheckOptions(const PruneOptions& o) {
  if (!IsFraction(o.sparsity)) {
    throw Error("--sparsity " + FlagText(o.sparsity) + ": must be a number in [0, 1]");
  }
  if (!std::isfinite(o.channels) || o.channels < 0.0 || o.channels >= 1.0) {
    throw Error("--channels " + FlagText(o.channels) + ": must be a fraction in [0, 1)");
  }
  if (o.min_params < 0) throw Error("--min-params " + std::to_string(o.min_params) + ": must be >= 0");
  if (o.block.rows <= 0 || o.block.cols <= 0) throw Error("--block: rows and cols must be positive");
  for (const LayerOverride& l : o.layers) {
    if (!IsFraction(l.sparsity)) throw Error("--layer '" + l.text + "': sparsity must be in [0, 1]");
  }
}

std::string BlockName(const BlockShape& b) { return std::to_string(b.rows) + "x" + std::to_string(b.cols); }

}  // namespace

LayerOverride ParseLayerOverride(const std::string& text, const std::string& flag) {
  const size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0) {
    throw Error(flag + " '" + text + "': expected REGEX=SPARSITY, e.g. 'dense=0.8'");
  }
  LayerOverride o;
  o.text = text;
  o.pattern = text.substr(0, eq);
  if (!ParseDouble(text.substr(eq + 1), &o.sparsity) || !IsFraction(o.sparsity)) {
    throw Error(flag + " '" + text + "': the sparsity '" + text.substr(eq + 1) + "' is not a number in [0, 1]");
  }
  try {
    std::regex check(o.pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw Error(flag + " '" + text + "': bad regular expression '" + o.pattern + "': " + e.what());
  }
  return o;
}

BlockShape ParseBlockShape(const std::string& text, const std::string& flag) {
  const size_t x = text.find('x');
  BlockShape b;
  double rows = 0, cols = 0;
  if (x == std::string::npos || !ParseDouble(text.substr(0, x), &rows) || !ParseDouble(text.substr(x + 1), &cols) ||
      rows < 1 || cols < 1 || rows > 4096 || cols > 4096 || rows != std::floor(rows) || cols != std::floor(cols)) {
    throw Error(flag + " '" + text + "': expected ROWSxCOLS with positive integers, e.g. 1x4");
  }
  b.rows = static_cast<int>(rows);
  b.cols = static_cast<int>(cols);
  return b;
}

PruneResult PruneModel(const Model& model, const PruneOptions& options) {
  CheckOptions(options);
  Model pruned = model.Clone();
  PruneReport report;
  report.source = model.source();
  report.scope = options.scope == Scope::kGlobal ? "global" : "per-layer";
  report.target_sparsity = options.sparsity;
  report.block = BlockName(options.block);
  report.channels = options.channels;

  const WeightScan scan = FindPrunableWeights(model, options.min_params);
  report.skipped = scan.skipped;
  std::vector<LayerReport> layers;
  for (const WeightRef& ref : scan.eligible) layers.push_back(DescribeWeight(model, ref));

  // Magnitude pruning runs unless only channels are asked for.
  const bool magnitude = options.channels == 0 || options.sparsity > 0 || !options.layers.empty();
  std::vector<WeightRef> pruned_refs;
  if (magnitude) {
    const std::vector<double> targets = PruneMagnitude(pruned, scan, options, report.skipped);
    for (size_t i = 0; i < layers.size(); ++i) {
      layers[i].target_sparsity = targets[i];
      if (!std::isnan(targets[i])) pruned_refs.push_back(scan.eligible[i]);
    }
  }
  if (!options.bias_calibration.empty() && !pruned_refs.empty()) {
    const std::vector<double> shifts =
        CorrectBiases(model, pruned, pruned_refs, options.bias_calibration, options.threads, report.skipped);
    report.bias_corrected = true;
    size_t k = 0;
    for (LayerReport& l : layers) {
      if (!std::isnan(l.target_sparsity)) l.bias_shift = shifts[k++];
    }
  }
  if (options.channels > 0) {
    const std::vector<ChannelChange> changes =
        PruneChannels(pruned, scan.eligible, options.channels, report.skipped, options.bias_calibration, options.threads);
    std::map<std::pair<size_t, int>, size_t> by_tensor;
    for (size_t i = 0; i < layers.size(); ++i) by_tensor[{layers[i].subgraph, layers[i].tensor}] = i;
    for (const ChannelChange& c : changes) {
      const auto key = std::make_pair(c.weight.subgraph, c.weight.tensor);
      if (by_tensor.count(key) == 0) {
        by_tensor[key] = layers.size();
        layers.push_back(DescribeWeight(model, c.weight));
      }
      layers[by_tensor[key]].channels_removed += c.output_channels_removed;
    }
  }

  // Report the layers something was done to, with their state after.
  for (LayerReport& l : layers) {
    DescribeAfter(pruned, l);
    const bool touched = !std::isnan(l.target_sparsity) || l.shape_after != l.shape_before;
    if (touched) report.layers.push_back(l);
  }
  try {
    VerifyModel(pruned);
  } catch (const Error& e) {
    throw Error(std::string("pruning produced an invalid model: ") + e.what(), ErrorCode::kInternal);
  }
  report.before = MeasureModel(model, report.layers, false);
  report.after = MeasureModel(pruned, report.layers, true);
  return {std::move(pruned), std::move(report)};
}

}  // namespace tinyforge::prune
