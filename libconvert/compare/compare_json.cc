// CompareResult as JSON, schema "tinyforge.compare/2".
#include <cmath>

#include "libconvert/compare/compare.h"

namespace tinyforge {

namespace {

nlohmann::ordered_json Number(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json ConfusionToJson(const ConfusionMatrix& m) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (size_t r = 0; r < m.classes(); ++r) {
    nlohmann::ordered_json row = nlohmann::ordered_json::array();
    for (size_t c = 0; c < m.classes(); ++c) row.push_back(m.at(r, c));
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::ordered_json AccuracyToJson(const ConfusionMatrix& m) {
  nlohmann::ordered_json j;
  j["correct"] = m.correct();
  j["total"] = m.total();
  j["accuracy"] = m.accuracy();
  j["confusion"] = ConfusionToJson(m);
  return j;
}

}  // namespace

nlohmann::ordered_json ErrorStatsToJson(const ErrorStats& stats) {
  nlohmann::ordered_json j;
  j["count"] = stats.count();
  j["max_abs"] = Number(stats.max_abs());
  j["mae"] = Number(stats.mae());
  j["rmse"] = Number(stats.rmse());
  j["cosine"] = Number(stats.cosine());
  j["snr_db"] = Number(stats.snr_db());
  return j;
}

nlohmann::ordered_json CompareToJson(const CompareResult& result) {
  nlohmann::ordered_json j;
  j["schema"] = "tinyforge.compare/2";
  j["reference"] = result.reference_source;
  j["candidate"] = result.candidate_source;
  j["samples"] = result.samples;
  nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
  for (const OutputComparison& out : result.outputs) {
    nlohmann::ordered_json o;
    o["index"] = out.index;
    o["reference_name"] = out.reference_name;
    o["candidate_name"] = out.candidate_name;
    o["elements"] = out.elements;
    o["error"] = ErrorStatsToJson(out.error);
    o["top1_agree"] = out.top1_agree;
    o["top1_agreement"] = out.agreement();
    const Histogram h = HistogramOf(out.sample_max_abs, kHistogramBins);
    o["sample_max_abs_histogram"] = {{"lo", h.lo}, {"hi", h.hi}, {"counts", h.counts}};
    outputs.push_back(std::move(o));
  }
  j["outputs"] = std::move(outputs);
  if (result.classifier) {
    const ClassifierComparison& c = *result.classifier;
    nlohmann::ordered_json a;
    a["output"] = c.output;
    a["reference"] = AccuracyToJson(c.reference);
    a["candidate"] = AccuracyToJson(c.candidate);
    a["drop_points"] = c.drop_points();
    j["accuracy"] = std::move(a);
  } else {
    j["accuracy"] = nullptr;
  }
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (size_t rank = 0; rank < result.layers.size(); ++rank) {
    const LayerComparison& l = result.layers[rank];
    nlohmann::ordered_json o;
    o["rank"] = rank + 1;
    o["op_index"] = l.op_index;
    o["op"] = l.op_name;
    o["tensor"] = l.tensor;
    o["tensor_name"] = l.tensor_name;
    o["reference_tensor"] = l.reference_tensor;
    o["reference_tensor_name"] = l.reference_tensor_name;
    o["matched_by"] = l.matched_by;
    o["type"] = l.type;
    o["scale"] = l.scale;
    o["zero_point"] = l.zero_point;
    // Both measures (compare.h LayerComparison), each with rmse_steps =
    // RMSE / scale; "isolated" is null where the layer cannot run alone.
    o["isolated"] = nullptr;
    if (l.has_isolated) {
      o["isolated"] = ErrorStatsToJson(l.isolated);
      o["isolated"]["rmse_steps"] = Number(l.isolated_rmse_steps());
    }
    o["accumulated"] = ErrorStatsToJson(l.error);
    o["accumulated"]["rmse_steps"] = Number(l.rmse_steps());
    o["clipped"] = l.clipped;
    o["clipped_fraction"] = l.clipped_fraction();
    o["flagged"] = l.unhealthy;
    o["flag_reason"] = l.unhealthy_reason;
    o["suggestion"] = l.suggestion;
    layers.push_back(std::move(o));
  }
  j["layers"] = std::move(layers);
  j["unmatched_layers"] = result.unmatched_layers;
  return j;
}

}  // namespace tinyforge
