// The pruning report: model totals, JSON and text.
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"
#include "libconvert/summary/model_summary.h"
#include "prune/pruner.h"

namespace tinyforge::prune {
namespace {

double Ratio(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

nlohmann::ordered_json TotalsJson(const ModelTotals& t) {
  nlohmann::ordered_json j;
  j["parameters"] = t.parameters;
  j["file_bytes"] = t.file_bytes;
  j["zlib_bytes"] = t.zlib_bytes;
  j["macs"] = t.macs;
  j["eligible_elements"] = t.eligible_elements;
  j["eligible_zeros"] = t.eligible_zeros;
  j["eligible_sparsity"] = Ratio(t.eligible_zeros, t.eligible_elements);
  return j;
}

// NaN (not pruned) as null.
nlohmann::ordered_json JsonOrNull(double v) {
  return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
}

std::string Printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Printf(const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

// "-12.3%" change of `after` against `before`.
std::string Change(int64_t before, int64_t after) {
  if (before == 0) return "";
  return Printf(" (%+.1f%%)", 100.0 * (static_cast<double>(after) - static_cast<double>(before)) /
                                  static_cast<double>(before));
}

}  // namespace

double LayerReport::sparsity_before() const { return Ratio(zeros_before, elements_before); }
double LayerReport::sparsity_after() const { return Ratio(zeros_after, elements_after); }

int64_t ZlibSize(const std::vector<uint8_t>& bytes) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::vector<Bytef> out(size);
  if (compress2(out.data(), &size, bytes.data(), static_cast<uLong>(bytes.size()), 9) != Z_OK) {
    throw Error("zlib could not compress " + std::to_string(bytes.size()) + " bytes", ErrorCode::kInternal);
  }
  return static_cast<int64_t>(size);
}

ModelTotals MeasureModel(const Model& model, const std::vector<LayerReport>& layers, bool after) {
  ModelTotals t;
  const ModelSummary summary = Summarize(model);
  t.parameters = summary.parameters;
  t.macs = summary.macs;
  const std::vector<uint8_t> bytes = SerializeModel(model);
  t.file_bytes = static_cast<int64_t>(bytes.size());
  t.zlib_bytes = ZlibSize(bytes);
  for (const LayerReport& l : layers) {
    t.eligible_elements += after ? l.elements_after : l.elements_before;
    t.eligible_zeros += after ? l.zeros_after : l.zeros_before;
  }
  return t;
}

nlohmann::ordered_json ToJson(const PruneReport& r) {
  nlohmann::ordered_json j;
  j["schema"] = kPruneSchema;
  j["source"] = r.source;
  j["scope"] = r.scope;
  j["target_sparsity"] = r.target_sparsity;
  j["block"] = r.block;
  j["channels"] = r.channels;
  j["bias_corrected"] = r.bias_corrected;
  j["layers"] = nlohmann::ordered_json::array();
  for (const LayerReport& l : r.layers) {
    nlohmann::ordered_json e;
    e["subgraph"] = l.subgraph;
    e["operator"] = l.op_index;
    e["op"] = l.op;
    e["tensor"] = l.tensor;
    e["name"] = l.name;
    e["type"] = l.type;
    e["shape_before"] = l.shape_before;
    e["shape_after"] = l.shape_after;
    e["elements_before"] = l.elements_before;
    e["elements_after"] = l.elements_after;
    e["zeros_before"] = l.zeros_before;
    e["zeros_after"] = l.zeros_after;
    e["sparsity_before"] = l.sparsity_before();
    e["sparsity_after"] = l.sparsity_after();
    e["target_sparsity"] = JsonOrNull(l.target_sparsity);
    e["bytes_before"] = l.bytes_before;
    e["bytes_after"] = l.bytes_after;
    e["channels_removed"] = l.channels_removed;
    e["bias_shift"] = l.bias_shift;
    j["layers"].push_back(e);
  }
  j["skipped"] = nlohmann::ordered_json::array();
  for (const SkippedLayer& s : r.skipped) {
    j["skipped"].push_back({{"subgraph", s.subgraph}, {"operator", s.op_index}, {"op", s.op},
                            {"name", s.name}, {"stage", s.stage}, {"reason", s.reason}});
  }
  j["model"] = {{"before", TotalsJson(r.before)}, {"after", TotalsJson(r.after)}};
  if (r.accuracy) {
    j["accuracy"] = {{"before", r.accuracy->before},
                     {"after", r.accuracy->after},
                     {"drop_points", 100.0 * (r.accuracy->before - r.accuracy->after)},
                     {"samples", r.accuracy->samples}};
  } else {
    j["accuracy"] = nullptr;
  }
  return j;
}

std::string FormatReport(const PruneReport& r) {
  std::string s;
  // Column widths from the contents; long tensor names keep their tail.
  constexpr size_t kMaxName = 48;
  size_t op_width = 2, name_width = 6;
  for (const LayerReport& l : r.layers) {
    op_width = std::max(op_width, l.op.size() + 1 + l.type.size());
    name_width = std::max(name_width, std::min(l.name.size(), kMaxName));
  }
  const int ow = static_cast<int>(op_width);
  const int nw = static_cast<int>(name_width);
  s += Printf("%-4s %-*s %-*s %11s %9s %9s %8s %8s %9s %9s%s\n", "#", ow, "op", nw, "tensor", "elements", "zeros",
              "zeros", "sparsity", "sparsity", "bytes", "bytes", r.bias_corrected ? "      bias" : "");
  s += Printf("%-4s %-*s %-*s %11s %9s %9s %8s %8s %9s %9s%s\n", "", ow, "", nw, "", "", "before", "after", "before",
              "after", "before", "after", r.bias_corrected ? "  max shift" : "");
  for (const LayerReport& l : r.layers) {
    const std::string name = l.name.size() > name_width ? "..." + l.name.substr(l.name.size() - name_width + 3) : l.name;
    const std::string elements = l.elements_after == l.elements_before
                                     ? std::to_string(l.elements_before)
                                     : std::to_string(l.elements_before) + ">" + std::to_string(l.elements_after);
    s += Printf("%-4zu %-*s %-*s %11s %9lld %9lld %7.1f%% %7.1f%% %9lld %9lld", l.op_index, ow,
                (l.op + " " + l.type).c_str(), nw, name.c_str(), elements.c_str(),
                static_cast<long long>(l.zeros_before), static_cast<long long>(l.zeros_after),
                100.0 * l.sparsity_before(), 100.0 * l.sparsity_after(),
                static_cast<long long>(l.bytes_before), static_cast<long long>(l.bytes_after));
    s += r.bias_corrected ? Printf(" %10.3g\n", l.bias_shift) : "\n";
    if (l.channels_removed > 0) {
      s += Printf("     removed %lld output channels, shape %s -> %s\n", static_cast<long long>(l.channels_removed),
                  ShapeString(l.shape_before).c_str(), ShapeString(l.shape_after).c_str());
    }
  }
  if (r.layers.empty()) s += "(no layer pruned)\n";
  for (const SkippedLayer& k : r.skipped) {
    s += Printf("skipped (%s): operator %zu %s '%s': %s\n", k.stage.c_str(), k.op_index, k.op.c_str(),
                k.name.c_str(), k.reason.c_str());
  }
  const ModelTotals& b = r.before;
  const ModelTotals& a = r.after;
  s += Printf("eligible weights: %lld, sparsity %.2f%% -> %.2f%%\n", static_cast<long long>(a.eligible_elements),
              100.0 * Ratio(b.eligible_zeros, b.eligible_elements), 100.0 * Ratio(a.eligible_zeros, a.eligible_elements));
  s += Printf("parameters:  %lld -> %lld%s\n", static_cast<long long>(b.parameters),
              static_cast<long long>(a.parameters), Change(b.parameters, a.parameters).c_str());
  s += Printf("file:        %lld -> %lld bytes%s\n", static_cast<long long>(b.file_bytes),
              static_cast<long long>(a.file_bytes), Change(b.file_bytes, a.file_bytes).c_str());
  s += Printf("zlib:        %lld -> %lld bytes%s\n", static_cast<long long>(b.zlib_bytes),
              static_cast<long long>(a.zlib_bytes), Change(b.zlib_bytes, a.zlib_bytes).c_str());
  s += Printf("MACs:        %lld -> %lld%s\n", static_cast<long long>(b.macs), static_cast<long long>(a.macs),
              Change(b.macs, a.macs).c_str());
  if (r.accuracy) {
    s += Printf("top-1:       %.2f%% -> %.2f%% (%+.2f points, %zu samples)\n", 100.0 * r.accuracy->before,
                100.0 * r.accuracy->after, 100.0 * (r.accuracy->after - r.accuracy->before), r.accuracy->samples);
  }
  return s;
}

}  // namespace tinyforge::prune
