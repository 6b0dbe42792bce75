// A comparison as one self-contained HTML page: no scripts, fonts or other
// files, charts as inline SVG (per-layer error bars, confusion matrices,
// histograms of the per-sample output error). The markup is well-formed XML
// (every element closed, attributes quoted, all text escaped), so it opens
// in any browser and parses with an XML parser.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "libconvert/compare/compare.h"

namespace tinyforge {

struct CompareHtmlOptions {
  std::string title = "tinyforge compare";
  // Threshold violations (CheckThresholds), shown at the top; empty: the
  // page says every check held.
  std::vector<std::string> failed_checks;
  bool checks_given = false;  // false: no verdict is shown
  // Extra (label, value) rows for the summary table, e.g. the pipeline's
  // sparsity or calibration method.
  std::vector<std::pair<std::string, std::string>> notes;
};

std::string CompareToHtml(const CompareResult& result, const CompareHtmlOptions& options);

// `text` with &, <, >, " and ' replaced by character references.
std::string HtmlEscape(const std::string& text);

}  // namespace tinyforge
