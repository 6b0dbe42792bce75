#include "quantize/precision_search.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "libconvert/base/error.h"
#include "libconvert/compare/layer_flags.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/op_macs.h"
#include "libconvert/tflm/arena.h"
#include "quantize/op_rules.h"

namespace tinyforge::quantize {
namespace {

// MACs of the operators that read or write a float tensor: what stayed float.
int64_t FloatMacs(const Model& model) {
  int64_t macs = 0;
  for (const auto& op : model.subgraph(0).operators) {
    if (model.OpCode(*op) == tflite::BuiltinOperator_DEQUANTIZE || op->outputs.empty() || op->outputs[0] < 0) continue;
    if (model.tensor(0, op->outputs[0]).type == tflite::TensorType_FLOAT32) macs += CountMacs(model, 0, *op);
  }
  return macs;
}

double LowestCosine(const CompareResult& comparison) {
  double lowest = 1;
  for (const OutputComparison& output : comparison.outputs) lowest = std::min(lowest, output.error.cosine());
  return lowest;
}

struct Measured {
  size_t index = 0;  // in SearchResult::trials
  SearchTrial trial;
  QuantizeResult model;
  CompareResult comparison;
};

Measured Measure(const Model& float_model, const CalibrationTable& table, const SearchData& data,
                 const CompareThresholds& budget, const std::string& change, const QuantizeOptions& options,
                 bool layers) {
  Measured m{0, SearchTrial{}, QuantizeModel(float_model, table, options), CompareResult{}};
  CompareOptions compare;
  compare.threads = data.threads;
  compare.layers = layers;
  m.comparison = CompareModelsOnArrays(float_model, m.model.model, data.arrays, data.names, data.labels, compare);
  SearchTrial& t = m.trial;
  t.change = change;
  t.options = options;
  if (m.comparison.classifier) {
    t.accuracy = m.comparison.classifier->candidate_accuracy();
    t.drop_points = m.comparison.classifier->drop_points();
  }
  t.min_cosine = LowestCosine(m.comparison);
  t.size_bytes = static_cast<int64_t>(SerializeModel(m.model.model).size());
  t.float_macs = FloatMacs(m.model.model);
  t.arena_bytes = EstimateTflmArena(m.model.model, kDefaultTflmTarget).required_bytes;
  t.failed = CheckThresholds(m.comparison, budget);
  t.meets = t.failed.empty();
  return m;
}

// Lower is better: the accuracy drop when the budget is one, else how far
// the lowest output cosine is from 1.
double Shortfall(const SearchTrial& t, const CompareThresholds& budget) {
  return budget.max_drop_points ? t.drop_points : 1.0 - t.min_cosine;
}

// One candidate change on top of `current`.
struct Change {
  std::string label;
  QuantizeOptions options;
};

// The worst `limit` quantized layers of `ranked` (worst first) that `keep`
// accepts and a change of precision can touch: not the QUANTIZE ops the
// quantizer added, which the float model has no name for.
std::vector<const LayerComparison*> WorstLayers(const std::vector<LayerComparison>& ranked, size_t limit,
                                                bool (*keep)(const LayerComparison&)) {
  std::vector<const LayerComparison*> worst;
  for (const LayerComparison& layer : ranked) {
    if (worst.size() == limit) break;
    if (layer.has_isolated && layer.scale > 0 && layer.matched_by != "passthrough" && layer.op_name != "QUANTIZE" &&
        keep(layer)) {
      worst.push_back(&layer);
    }
  }
  return worst;
}

// The changes worth trying for `worst`, cheapest kind first: what a flag
// suggests (layer_flags.h) but --method, which changes every layer.
std::vector<Change> Candidates(const QuantizeResult& current_model, const QuantizeOptions& current,
                               const std::vector<const LayerComparison*>& worst) {
  std::vector<Change> changes;
  for (const LayerComparison* layer : worst) {
    if (!PerTensorFullyConnected(current_model.model, layer->op_index)) continue;
    Change c{"per-channel weights for '" + ReferenceName(*layer) + "'", current};
    c.options.per_channel_fc_layers.push_back(ExactNameRegex(ReferenceName(*layer)));
    changes.push_back(std::move(c));
  }
  for (const LayerComparison* layer : worst) {
    if (!Int16Possible(current_model.model, layer->op_index)) continue;
    const tflite::BuiltinOperator code =
        current_model.model.OpCode(*current_model.model.subgraph(0).operators[layer->op_index]);
    if (const std::optional<OpRule> rule = FindOpRule(code); !rule || rule->recurrent) continue;
    Change c{"int16 activations (16x8) for '" + ReferenceName(*layer) + "'", current};
    c.options.int16_layers.push_back(ExactNameRegex(ReferenceName(*layer)));
    changes.push_back(std::move(c));
  }
  for (const LayerComparison* layer : worst) {
    Change c{"keep '" + ReferenceName(*layer) + "' float", current};
    c.options.keep_float.push_back(ExactNameRegex(ReferenceName(*layer)));
    changes.push_back(std::move(c));
  }
  return changes;
}

}  // namespace

SearchResult SearchPrecision(const Model& float_model, const CalibrationTable& table, const QuantizeOptions& base,
                             const SearchData& data, const CompareThresholds& budget,
                             const std::function<void(const SearchTrial&)>& on_trial) {
  if (!budget.max_drop_points && !budget.min_cosine) {
    throw Error("the precision search needs a budget: --max-drop (with labels) or --min-cosine");
  }
  SearchResult result;
  auto record = [&](Measured& m) {
    if (on_trial) on_trial(m.trial);
    m.index = result.trials.size();
    result.trials.push_back(m.trial);
  };
  Measured current = Measure(float_model, table, data, budget, "as given", base, /*layers=*/true);
  record(current);
  std::vector<LayerComparison> ranked = current.comparison.layers;

  for (int round = 0; round < kMaxSearchRounds && !current.trial.meets; ++round) {
    std::optional<Measured> best;
    const auto worst = WorstLayers(ranked, kSearchLayers, [](const LayerComparison&) { return true; });
    for (const Change& change : Candidates(current.model, current.trial.options, worst)) {
      // From the second round on, a trial adds to the changes kept so far.
      const std::string label = round == 0 ? change.label : current.trial.change + ", " + change.label;
      Measured m = Measure(float_model, table, data, budget, label, change.options, /*layers=*/false);
      record(m);
      const bool better = !best || Shortfall(m.trial, budget) < Shortfall(best->trial, budget);
      if (m.trial.meets) {
        best = std::move(m);
        break;
      }
      if (better) best = std::move(m);
    }
    if (!best || !(best->trial.meets || Shortfall(best->trial, budget) < Shortfall(current.trial, budget))) {
      break;  // nothing helps any more
    }
    current = std::move(*best);
    if (!current.trial.meets) {
      // Later rounds rank the layers of the model as it now is.
      ranked = Measure(float_model, table, data, budget, current.trial.change, current.trial.options,
                       /*layers=*/true).comparison.layers;
    }
  }
  result.met = current.trial.meets;
  result.chosen = current.index;
  result.model.emplace(std::move(current.model));
  return result;
}

std::vector<SearchTrial> MeasureSuggestions(const Model& float_model, const CalibrationTable& table,
                                            const QuantizeOptions& options, const QuantizeResult& quantized,
                                            const std::vector<LayerComparison>& ranked, const SearchData& data) {
  const auto flagged =
      WorstLayers(ranked, kSearchLayers, [](const LayerComparison& layer) { return layer.unhealthy; });
  std::vector<SearchTrial> trials;
  if (flagged.empty()) return trials;
  trials.push_back(Measure(float_model, table, data, {}, "as given", options, /*layers=*/false).trial);
  for (const Change& change : Candidates(quantized, options, flagged)) {
    trials.push_back(Measure(float_model, table, data, {}, change.label, change.options, /*layers=*/false).trial);
  }
  return trials;
}

std::string TrialsTable(const std::vector<SearchTrial>& trials, size_t marked, bool verdicts) {
  // The change goes last and whole: tensor names are long, and a later
  // round's change lists the earlier ones it builds on.
  std::string text = std::string("  #  accuracy   drop  cosine       size  float MACs    arena  ") +
                     (verdicts ? "verdict  " : "") + "change\n";
  char line[256];
  for (size_t k = 0; k < trials.size(); ++k) {
    const SearchTrial& t = trials[k];
    char accuracy[32] = "       -";
    char drop[32] = "     -";
    if (t.accuracy >= 0) {
      std::snprintf(accuracy, sizeof accuracy, "%7.2f%%", 100.0 * t.accuracy);
      std::snprintf(drop, sizeof drop, "%6.2f", t.drop_points);
    }
    std::snprintf(line, sizeof line, "%s%2zu  %s %s  %6.4f %10lld %11lld %8lld  ", k == marked ? "*" : " ", k,
                  accuracy, drop, t.min_cosine, static_cast<long long>(t.size_bytes),
                  static_cast<long long>(t.float_macs), static_cast<long long>(t.arena_bytes));
    text += line;
    if (verdicts) {
      std::snprintf(line, sizeof line, "%-7s  ", t.meets ? "meets" : "misses");
      text += line;
    }
    text += t.change + "\n";
  }
  return text;
}

std::string SearchTable(const SearchResult& result) { return TrialsTable(result.trials, result.chosen, true); }

nlohmann::ordered_json TrialsToJson(const std::vector<SearchTrial>& trials, bool verdicts) {
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const SearchTrial& t : trials) {
    nlohmann::ordered_json j;
    j["change"] = t.change;
    if (t.accuracy >= 0) {
      j["accuracy"] = t.accuracy;
      j["drop_points"] = t.drop_points;
    }
    j["min_cosine"] = std::isfinite(t.min_cosine) ? nlohmann::ordered_json(t.min_cosine) : nlohmann::ordered_json();
    j["size_bytes"] = t.size_bytes;
    j["float_macs"] = t.float_macs;
    j["arena_bytes"] = t.arena_bytes;
    if (verdicts) {
      j["meets"] = t.meets;
      j["failed"] = t.failed;
    }
    json.push_back(std::move(j));
  }
  return json;
}

nlohmann::ordered_json SearchToJson(const SearchResult& result) {
  nlohmann::ordered_json json;
  json["met"] = result.met;
  json["chosen"] = result.chosen;
  json["trials"] = TrialsToJson(result.trials, true);
  return json;
}

}  // namespace tinyforge::quantize
