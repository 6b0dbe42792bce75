#include "libconvert/compare/compare_text.h"

#include <cmath>
#include <cstdio>

#include "libconvert/base/text_format.h"

namespace tinyforge {
namespace {

// printf into a std::string.
template <typename... Args>
std::string Format(const char* format, Args... args) {
  char text[512];
  std::snprintf(text, sizeof text, format, args...);
  return text;
}

std::string Count(uint64_t n) { return Thousands(static_cast<int64_t>(n)); }

std::string Accuracy(const ConfusionMatrix& m) {
  return Format("%6.2f%%  (%s of %s)", 100.0 * m.accuracy(), Count(m.correct()).c_str(), Count(m.total()).c_str());
}

std::string Snr(double db) { return std::isinf(db) ? (db > 0 ? "inf" : "-inf") : Format("%.2f", db); }

// RMSE, RMSE/scale, max abs, cosine and SNR of one measure of a layer; "-"
// where there is none.
std::string LayerErrorColumns(const ErrorStats& e, double steps, bool present) {
  if (!present) return Format("%9s %7s %9s %9s %7s", "-", "-", "-", "-", "-");
  return Format("%9.3g %7s %9.3g %9.6f %7s", e.rmse(), std::isnan(steps) ? "-" : Format("%.3f", steps).c_str(),
                e.max_abs(), e.cosine(), Snr(e.snr_db()).c_str());
}

std::string LayersText(const CompareResult& r, size_t max_layers) {
  size_t flagged = 0;
  for (const LayerComparison& l : r.layers) flagged += l.unhealthy ? 1 : 0;
  std::string s = "\nlayers, worst first by the error each adds by itself (" + std::to_string(r.layers.size()) +
                  " compared; isolated: the layer alone on the reference's inputs; accumulated: in the full run;"
                  " rounding alone gives RMSE/scale 0.29)\n";
  s += Format("  %4s %4s  %-18s %-7s %11s %5s | %-45s | %-45s | %s\n", "", "", "", "", "", "", "isolated",
              "accumulated", "");
  const std::string metric_heads = Format("%9s %7s %9s %9s %7s", "RMSE", "RMSE/sc", "max abs", "cosine", "SNR dB");
  s += Format("  %4s %4s  %-18s %-7s %11s %5s | %s | %s | %s\n", "rank", "op", "operator", "type", "scale", "zp",
              metric_heads.c_str(), metric_heads.c_str(), "tensor");
  for (size_t i = 0; i < r.layers.size() && i < max_layers; ++i) {
    const LayerComparison& l = r.layers[i];
    const bool quantized = l.scale > 0;
    s += Format("  %4zu %4zu  %-18s %-7s %11s %5s | %s | %s | %s\n", i + 1, l.op_index, l.op_name.c_str(),
                l.type.c_str(), quantized ? Format("%.5g", l.scale).c_str() : "-",
                quantized ? std::to_string(l.zero_point).c_str() : "-",
                LayerErrorColumns(l.isolated, l.isolated_rmse_steps(), l.has_isolated).c_str(),
                LayerErrorColumns(l.error, l.rmse_steps(), true).c_str(), l.tensor_name.c_str());
  }
  if (r.layers.size() > max_layers) {
    s += "  ... " + std::to_string(r.layers.size() - max_layers) + " more in the JSON/HTML report\n";
  }
  s += "\nflagged: " + std::to_string(flagged) + " of " + std::to_string(r.layers.size()) + " layers" +
       (flagged == 0 ? "" : " (from the isolated error only)") + "\n";
  for (const LayerComparison& l : r.layers) {
    if (!l.unhealthy) continue;
    s += "  op " + std::to_string(l.op_index) + " " + l.op_name + " '" + l.tensor_name + "': " + l.unhealthy_reason +
         "; " + l.suggestion + "\n";
  }
  return s;
}

}  // namespace

std::string CompareSummaryText(const CompareResult& r, size_t max_layers) {
  std::string s;
  s += "reference  " + r.reference_source + "\n";
  s += "candidate  " + r.candidate_source + "\n";
  s += "samples    " + Count(r.samples) + "\n";
  if (r.classifier) {
    const ClassifierComparison& c = *r.classifier;
    s += "\naccuracy (output " + std::to_string(c.output) + ")\n";
    s += "  reference  " + Accuracy(c.reference) + "\n";
    s += "  candidate  " + Accuracy(c.candidate) + "\n";
    s += Format("  drop       %.2f points\n", c.drop_points());
  }
  for (const OutputComparison& out : r.outputs) {
    s += "\noutput " + std::to_string(out.index) + " '" + out.candidate_name + "' (" + std::to_string(out.elements) +
         " per sample)\n";
    s += Format("  max abs %.4g  MAE %.4g  RMSE %.4g  cosine %.6f  SNR %s dB\n", out.error.max_abs(),
                out.error.mae(), out.error.rmse(), out.error.cosine(), Snr(out.error.snr_db()).c_str());
    s += Format("  top-1 agreement %.2f%% (%s of %s)\n", 100.0 * out.agreement(), Count(out.top1_agree).c_str(),
                Count(r.samples).c_str());
  }
  if (!r.layers.empty()) s += LayersText(r, max_layers);
  if (!r.unmatched_layers.empty()) {
    s += "\nnot matched to a reference tensor: " + std::to_string(r.unmatched_layers.size()) + " activation" +
         (r.unmatched_layers.size() == 1 ? "" : "s") + "\n";
  }
  return s;
}

}  // namespace tinyforge
