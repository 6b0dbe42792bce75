#include "libconvert/compare/compare_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tinyforge {
namespace {

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:72em}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:0.5em 0}"
    "td,th{border:1px solid #ccc;padding:0.2em 0.6em;text-align:right}"
    "th{background:#f2f2f2}td.l,th.l{text-align:left}"
    "tr.bad td{background:#fde8e8}.fail{color:#b00020;font-weight:bold}.ok{color:#137333;font-weight:bold}"
    "svg{margin:0.5em 1em 0.5em 0;vertical-align:top}"
    "svg text{font-family:system-ui,sans-serif;font-size:11px}"
    "code{font-family:monospace}";

std::string Fmt(const char* format, double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

std::string G(double v) { return Fmt("%.4g", v); }
std::string Percent(double fraction) { return Fmt("%.2f%%", 100.0 * fraction); }
std::string Px(double v) { return Fmt("%.1f", v); }

std::string Cell(const std::string& text, bool left = false) {
  return std::string(left ? "<td class=\"l\">" : "<td>") + HtmlEscape(text) + "</td>";
}

std::string SvgText(double x, double y, const std::string& text, const std::string& anchor = "start") {
  return "<text x=\"" + Px(x) + "\" y=\"" + Px(y) + "\" text-anchor=\"" + anchor + "\">" + HtmlEscape(text) +
         "</text>";
}

std::string SvgRect(double x, double y, double w, double h, const std::string& fill, const std::string& title = "") {
  std::string s = "<rect x=\"" + Px(x) + "\" y=\"" + Px(y) + "\" width=\"" + Px(std::max(w, 0.0)) + "\" height=\"" +
                  Px(std::max(h, 0.0)) + "\" fill=\"" + fill + "\"";
  if (title.empty()) return s + "/>";
  return s + "><title>" + HtmlEscape(title) + "</title></rect>";
}

std::string SvgOpen(double width, double height, const std::string& label) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Px(width) + "\" height=\"" + Px(height) +
         "\" viewBox=\"0 0 " + Px(width) + " " + Px(height) + "\" role=\"img\" aria-label=\"" + HtmlEscape(label) +
         "\">";
}

// Vertical bars of a histogram over [lo, hi].
std::string HistogramSvg(const Histogram& h, const std::string& label) {
  const double width = 420, height = 200, left = 50, bottom = 30, top = 20;
  const double plot_w = width - left - 10, plot_h = height - bottom - top;
  uint64_t most = 1;
  for (uint64_t c : h.counts) most = std::max(most, c);
  std::string s = SvgOpen(width, height, label);
  s += SvgText(left, 14, label);
  const double bar_w = plot_w / static_cast<double>(h.counts.size());
  for (size_t i = 0; i < h.counts.size(); ++i) {
    const double bar_h = plot_h * static_cast<double>(h.counts[i]) / static_cast<double>(most);
    const double lo = h.lo + (h.hi - h.lo) * static_cast<double>(i) / static_cast<double>(h.counts.size());
    const double hi = h.lo + (h.hi - h.lo) * static_cast<double>(i + 1) / static_cast<double>(h.counts.size());
    s += SvgRect(left + bar_w * static_cast<double>(i) + 1, top + plot_h - bar_h, bar_w - 2, bar_h, "#4a78c2",
                 std::to_string(h.counts[i]) + " samples with max |error| in [" + G(lo) + ", " + G(hi) + ")");
  }
  s += "<line x1=\"" + Px(left) + "\" y1=\"" + Px(top + plot_h) + "\" x2=\"" + Px(left + plot_w) + "\" y2=\"" +
       Px(top + plot_h) + "\" stroke=\"#444\"/>";
  s += SvgText(left, height - 10, G(h.lo), "middle");
  s += SvgText(left + plot_w, height - 10, G(h.hi), "end");
  s += SvgText(left + plot_w / 2, height - 10, "max |error| per sample", "middle");
  s += SvgText(left - 4, top + 8, std::to_string(most), "end");
  s += SvgText(left - 4, top + plot_h, "0", "end");
  return s + "</svg>";
}

// A heat map: row = true label, column = predicted class; blue on the
// diagonal, red off it, darker for more of the row's samples.
std::string ConfusionSvg(const ConfusionMatrix& m, const std::string& label) {
  const size_t n = std::max<size_t>(m.classes(), 1);
  const double cell = std::max(18.0, std::min(34.0, 360.0 / static_cast<double>(n)));
  const double left = 40, top = 36;
  const double size = cell * static_cast<double>(n);
  std::string s = SvgOpen(left + size + 10, top + size + 30, label);
  s += SvgText(left, 14, label);
  s += SvgText(left + size / 2, 30, "predicted", "middle");
  for (size_t r = 0; r < m.classes(); ++r) {
    uint64_t row_total = 0;
    for (size_t c = 0; c < m.classes(); ++c) row_total += m.at(r, c);
    s += SvgText(left - 4, top + cell * (static_cast<double>(r) + 0.65), std::to_string(r), "end");
    for (size_t c = 0; c < m.classes(); ++c) {
      const uint64_t v = m.at(r, c);
      const double share = row_total == 0 ? 0 : static_cast<double>(v) / static_cast<double>(row_total);
      const double strength = v == 0 ? 0 : 0.15 + 0.85 * (r == c ? share : std::sqrt(share));
      const int fade = static_cast<int>(std::lround(255 * (1 - strength)));
      char fill[16];
      if (r == c) {
        std::snprintf(fill, sizeof fill, "#%02x%02xff", fade, fade);
      } else {
        std::snprintf(fill, sizeof fill, "#ff%02x%02x", fade, fade);
      }
      const double x = left + cell * static_cast<double>(c), y = top + cell * static_cast<double>(r);
      s += SvgRect(x, y, cell - 1, cell - 1, fill,
                   "label " + std::to_string(r) + ", predicted " + std::to_string(c) + ": " + std::to_string(v));
      if (v > 0 && cell >= 22) s += SvgText(x + cell / 2, y + cell * 0.62, std::to_string(v), "middle");
    }
  }
  for (size_t c = 0; c < m.classes(); ++c) {
    s += SvgText(left + cell * (static_cast<double>(c) + 0.5), top + size + 14, std::to_string(c), "middle");
  }
  return s + "</svg>";
}

// Steps of one measure of a layer for the bars: RMSE in quantization steps,
// or for layers without a scale RMSE relative to the reference's RMS.
double LayerBarValue(const ErrorStats& e, double steps) {
  if (!std::isnan(steps)) return steps;
  const double snr = e.snr_db();
  return std::isinf(snr) ? (snr > 0 ? 0.0 : 1.0) : std::pow(10.0, -snr / 20.0);
}

// Horizontal bars, one per layer in graph order: the isolated error (the
// accumulated one where there is none), with a black tick at the
// accumulated error.
std::string LayerBarsSvg(std::vector<LayerComparison> layers) {
  std::stable_sort(layers.begin(), layers.end(), [](const LayerComparison& a, const LayerComparison& b) {
    return a.op_index < b.op_index || (a.op_index == b.op_index && a.tensor < b.tensor);
  });
  const auto isolated = [](const LayerComparison& l) {
    return l.has_isolated ? LayerBarValue(l.isolated, l.isolated_rmse_steps()) : LayerBarValue(l.error, l.rmse_steps());
  };
  const auto accumulated = [](const LayerComparison& l) { return LayerBarValue(l.error, l.rmse_steps()); };
  double most = 0.5;
  for (const LayerComparison& l : layers) most = std::max({most, isolated(l), accumulated(l)});
  const double row = 20, left = 300, plot_w = 360, top = 30;
  const double height = top + row * static_cast<double>(layers.size()) + 30;
  std::string s = SvgOpen(left + plot_w + 80, height, "error per layer");
  s += SvgText(4, 14, "isolated RMSE in quantization steps, graph order; black tick: accumulated (relative RMSE "
                      "for float layers; red: flagged)");
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerComparison& l = layers[i];
    const double y = top + row * static_cast<double>(i);
    const double v = isolated(l);
    const double a = accumulated(l);
    std::string name = "#" + std::to_string(l.op_index) + " " + l.op_name + " " + l.tensor_name;
    if (name.size() > 48) name = name.substr(0, 45) + "...";
    s += SvgText(left - 6, y + row * 0.65, name, "end");
    s += SvgRect(left, y + 3, plot_w * v / most, row - 6, l.unhealthy ? "#d93025" : "#4a78c2",
                 l.tensor_name + ": isolated " + G(v) + ", accumulated " + G(a) +
                     (l.unhealthy ? " (" + l.unhealthy_reason + ")" : std::string()));
    s += SvgRect(left + plot_w * a / most - 1, y + 1, 2, row - 2, "#000000", "accumulated " + G(a));
    s += SvgText(left + plot_w * std::max(v, a) / most + 4, y + row * 0.65, G(v));
  }
  // Rounding alone: 1/sqrt(12) of a step.
  const double x = left + plot_w * (1.0 / std::sqrt(12.0)) / most;
  const double bottom = top + row * static_cast<double>(layers.size());
  s += "<line x1=\"" + Px(x) + "\" y1=\"" + Px(top) + "\" x2=\"" + Px(x) + "\" y2=\"" + Px(bottom) +
       "\" stroke=\"#137333\" stroke-dasharray=\"4 3\"/>";
  s += SvgText(x, bottom + 14, "0.29: rounding alone", "middle");
  return s + "</svg>";
}

std::string SummarySection(const CompareResult& r, const CompareHtmlOptions& o) {
  std::string s = "<table>";
  const auto row = [&s](const std::string& k, const std::string& v) {
    s += "<tr><th class=\"l\">" + HtmlEscape(k) + "</th>" + Cell(v, true) + "</tr>";
  };
  row("reference", r.reference_source);
  row("candidate", r.candidate_source);
  row("samples", std::to_string(r.samples));
  for (const auto& [k, v] : o.notes) row(k, v);
  s += "</table>";
  if (o.checks_given) {
    if (o.failed_checks.empty()) {
      s += "<p class=\"ok\">Every check holds.</p>";
    } else {
      s += "<p class=\"fail\">" + std::to_string(o.failed_checks.size()) + " check" +
           (o.failed_checks.size() == 1 ? "" : "s") + " failed:</p><ul>";
      for (const std::string& f : o.failed_checks) s += "<li>" + HtmlEscape(f) + "</li>";
      s += "</ul>";
    }
  }
  return s;
}

std::string AccuracySection(const ClassifierComparison& c) {
  std::string s = "<h2>Accuracy (output " + std::to_string(c.output) + ")</h2><table><tr><th class=\"l\">model</th>"
                  "<th>correct</th><th>total</th><th>accuracy</th></tr>";
  const auto row = [&s](const std::string& name, const ConfusionMatrix& m) {
    s += "<tr>" + Cell(name, true) + Cell(std::to_string(m.correct())) + Cell(std::to_string(m.total())) +
         Cell(Percent(m.accuracy())) + "</tr>";
  };
  row("reference", c.reference);
  row("candidate", c.candidate);
  s += "<tr><th class=\"l\">drop</th><td></td><td></td>" + Cell(Fmt("%.2f points", c.drop_points())) + "</tr>";
  s += "</table><div>" + ConfusionSvg(c.reference, "reference: true label (rows) vs predicted") +
       ConfusionSvg(c.candidate, "candidate: true label (rows) vs predicted") + "</div>";
  return s;
}

std::string OutputsSection(const CompareResult& r) {
  std::string s = "<h2>Outputs</h2><table><tr><th class=\"l\">output</th><th>elements</th><th>max abs</th>"
                  "<th>MAE</th><th>RMSE</th><th>cosine</th><th>SNR dB</th><th>top-1 agreement</th></tr>";
  for (const OutputComparison& out : r.outputs) {
    s += "<tr>" + Cell(std::to_string(out.index) + " " + out.candidate_name, true) +
         Cell(std::to_string(out.elements)) + Cell(G(out.error.max_abs())) + Cell(G(out.error.mae())) +
         Cell(G(out.error.rmse())) + Cell(Fmt("%.6f", out.error.cosine())) + Cell(Fmt("%.2f", out.error.snr_db())) +
         Cell(Percent(out.agreement())) + "</tr>";
  }
  s += "</table><div>";
  for (const OutputComparison& out : r.outputs) {
    s += HistogramSvg(HistogramOf(out.sample_max_abs, kHistogramBins),
                      "output " + std::to_string(out.index) + ": samples by max |candidate - reference|");
  }
  return s + "</div>";
}

// Max abs, RMSE, RMSE/scale, cosine and SNR cells of one measure.
std::string LayerErrorCells(const ErrorStats& e, double steps, bool present) {
  if (!present) return Cell("-") + Cell("-") + Cell("-") + Cell("-") + Cell("-");
  return Cell(G(e.max_abs())) + Cell(G(e.rmse())) + Cell(std::isnan(steps) ? "-" : Fmt("%.3f", steps)) +
         Cell(Fmt("%.6f", e.cosine())) + Cell(Fmt("%.2f", e.snr_db()));
}

std::string LayersSection(const CompareResult& r) {
  std::string s = "<h2>Layers, worst first</h2>";
  size_t flagged = 0;
  for (const LayerComparison& l : r.layers) flagged += l.unhealthy ? 1 : 0;
  s += "<p>" + std::to_string(r.layers.size()) + " activations compared, " + std::to_string(flagged) +
       " flagged. <b>Isolated</b>: the layer alone, fed the reference's values of its inputs quantized as the "
       "candidate's: the error it adds by itself; flags come from it. <b>Accumulated</b>: the layer in the full "
       "candidate run, carrying every error before it. A healthy int8 layer's isolated RMSE is near 0.29 steps "
       "(rounding alone).</p>";
  s += LayerBarsSvg(r.layers);
  const std::string metric_heads = "<th>max abs</th><th>RMSE</th><th>RMSE / scale</th><th>cosine</th><th>SNR dB</th>";
  s += "<table><tr><th colspan=\"7\"></th><th colspan=\"5\">isolated</th><th colspan=\"5\">accumulated</th>"
       "<th colspan=\"3\"></th></tr>"
       "<tr><th>rank</th><th>op</th><th class=\"l\">operator</th><th class=\"l\">tensor</th>"
       "<th class=\"l\">type</th><th>scale</th><th>zero point</th>" +
       metric_heads + metric_heads +
       "<th>clipped</th><th class=\"l\">matched by</th><th class=\"l\">flag: why, what to try</th></tr>";
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerComparison& l = r.layers[i];
    s += std::string(l.unhealthy ? "<tr class=\"bad\">" : "<tr>") + Cell(std::to_string(i + 1)) +
         Cell(std::to_string(l.op_index)) + Cell(l.op_name, true) + Cell(l.tensor_name, true) + Cell(l.type, true) +
         Cell(l.scale > 0 ? G(l.scale) : "-") + Cell(l.scale > 0 ? std::to_string(l.zero_point) : "-") +
         LayerErrorCells(l.isolated, l.isolated_rmse_steps(), l.has_isolated) +
         LayerErrorCells(l.error, l.rmse_steps(), true) + Cell(Percent(l.clipped_fraction())) +
         Cell(l.matched_by, true) +
         Cell(l.unhealthy ? l.unhealthy_reason + "; " + l.suggestion : std::string(), true) + "</tr>";
  }
  s += "</table>";
  if (!r.unmatched_layers.empty()) {
    s += "<p>Not matched to a reference tensor:</p><ul>";
    for (const std::string& u : r.unmatched_layers) s += "<li><code>" + HtmlEscape(u) + "</code></li>";
    s += "</ul>";
  }
  return s;
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string CompareToHtml(const CompareResult& result, const CompareHtmlOptions& options) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>" +
                  HtmlEscape(options.title) + "</title><style>" + kStyle + "</style></head><body>\n<h1>" +
                  HtmlEscape(options.title) + "</h1>\n";
  s += SummarySection(result, options) + "\n";
  if (result.classifier) s += AccuracySection(*result.classifier) + "\n";
  s += OutputsSection(result) + "\n";
  if (!result.layers.empty() || !result.unmatched_layers.empty()) s += LayersSection(result) + "\n";
  s += "<p><small>Written by tinyforge compare, schema tinyforge.compare/2.</small></p>\n</body></html>\n";
  return s;
}

}  // namespace tinyforge
