// `tinyforge compare`: runs a reference and a candidate model on the same
// samples and reports how far the candidate is from the reference; with
// thresholds, a gate for CI (exit 1 when one is exceeded).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "libconvert/compare/compare.h"
#include "libconvert/compare/compare_html.h"
#include "libconvert/compare/compare_text.h"
#include "libconvert/base/error.h"
#include "libconvert/base/file_util.h"
#include "libconvert/model/model_io.h"
#include "libconvert/base/progress.h"
#include "libconvert/compare/metrics.h"
#include "libconvert/data/model_inputs.h"

namespace tinyforge {
namespace {

struct CompareCommandOptions {
  std::string reference;
  std::string candidate;
  std::vector<std::string> data;
  std::string labels;
  DataFlags data_flags;
  size_t samples = 0;
  int threads = 0;
  std::optional<double> max_drop;
  std::optional<double> min_agreement;
  std::optional<double> min_cosine;
  std::optional<double> max_rmse;
  bool layers = false;
  std::string report;
  std::string html;
  bool quiet = false;
  bool force = false;  // a report may be an input file
};

// A report path must be writable before the (possibly long) run starts.
void CheckOutputPath(const std::string& path, const std::string& flag) {
  if (path.empty()) return;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent)) {
    throw Error(path + ": " + flag + ": the directory " + parent.string() + " does not exist");
  }
  if (std::filesystem::is_directory(path)) throw Error(path + ": " + flag + ": is a directory, not a file");
}

void RunCompare(const CompareCommandOptions& o) {
  const DataOptions data_options = ParseDataFlags(o.data_flags);
  CheckOutputPath(o.report, "--report");
  CheckOutputPath(o.html, "--html");
  // Both reports or neither: temporary files now, renamed at the end.
  if (!o.report.empty() && o.report == o.html) throw Error(o.report + ": given for --report and --html; each needs its own file");
  std::vector<std::string> inputs = {o.reference, o.candidate, o.labels};
  inputs.insert(inputs.end(), o.data.begin(), o.data.end());
  std::unique_ptr<AtomicFileWriter> report_file, html_file;
  if (!o.report.empty()) {
    RefuseOverwritingInput(o.report, inputs, o.force);
    report_file = std::make_unique<AtomicFileWriter>(o.report);
  }
  if (!o.html.empty()) {
    RefuseOverwritingInput(o.html, inputs, o.force);
    html_file = std::make_unique<AtomicFileWriter>(o.html);
  }

  const Model reference = LoadModel(o.reference);
  const Model candidate = LoadModel(o.candidate);
  // As the sources give them: each model converts them to its own input type.
  const ModelInputArrays data = LoadModelData(reference, o.data, data_options);
  const std::vector<NpyArray>& arrays = data.arrays;
  const std::vector<int64_t> labels = o.labels.empty() ? data.labels : ReadLabels(o.labels);
  if (o.max_drop && labels.empty()) {
    throw Error("--max-drop needs --labels or a labelled --data source (the accuracy of each model)");
  }
  if (!o.labels.empty() && !arrays.empty() && !arrays[0].shape.empty() &&
      labels.size() != static_cast<size_t>(arrays[0].shape[0])) {
    throw Error(o.labels + ": holds " + std::to_string(labels.size()) + " labels, but " + o.data[0] + " holds " +
                std::to_string(arrays[0].shape[0]) + " samples");
  }

  const size_t available = arrays.empty() || arrays[0].shape.empty() ? 1 : static_cast<size_t>(arrays[0].shape[0]);
  CompareOptions options;
  options.threads = o.threads;
  options.layers = o.layers;
  options.samples = o.samples;
  Progress progress("compare", o.samples == 0 ? available : std::min(o.samples, available), !o.quiet);
  options.on_sample = progress.Callback();
  const CompareResult result = CompareModelsOnArrays(reference, candidate, arrays, o.data, labels, options);
  progress.Finish();

  CompareThresholds thresholds;
  thresholds.max_drop_points = o.max_drop;
  thresholds.min_agreement = o.min_agreement;
  thresholds.min_cosine = o.min_cosine;
  thresholds.max_rmse = o.max_rmse;
  const std::vector<std::string> failed = CheckThresholds(result, thresholds);
  const bool checks_given = o.max_drop || o.min_agreement || o.min_cosine || o.max_rmse;

  if (!o.report.empty()) {
    nlohmann::ordered_json json = CompareToJson(result);
    json["checks"] = failed;
    json["data"] = DataFlagsToJson(o.data_flags);
    report_file->Write(JsonText(json, 2));
  }
  if (!o.html.empty()) {
    CompareHtmlOptions html;
    html.title = "tinyforge compare: " + std::filesystem::path(o.candidate).filename().string() + " vs " +
                 std::filesystem::path(o.reference).filename().string();
    html.failed_checks = failed;
    html.checks_given = checks_given;
    html_file->Write(CompareToHtml(result, html));
  }
  if (report_file) report_file->Commit();
  if (html_file) html_file->Commit();
  if (!o.quiet) {
    std::fputs(CompareSummaryText(result).c_str(), stdout);
    if (!o.report.empty()) std::printf("\nreport  %s\n", o.report.c_str());
    if (!o.html.empty()) std::printf("%shtml    %s\n", o.report.empty() ? "\n" : "", o.html.c_str());
    if (checks_given && failed.empty()) std::printf("\nevery check holds\n");
    std::fflush(stdout);
  }
  if (!failed.empty()) throw CheckFailedError(failed);
}

}  // namespace

void SetupCompareCommand(CLI::App& app) {
  auto o = std::make_shared<CompareCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Run a reference and a candidate model on the same data and report the difference");
  cmd->footer(
      "Each --data is one source per model input, in order, as for `run`:\n"
      "a .npy of any numeric dtype, or an image folder, flat or with one subfolder per\n"
      "class (DIR/<class>/*.png: labels from the sorted folder names). Float data is quantized with each model's own input scale and zero\n"
      "point where that model takes integers; integer outputs and activations are\n"
      "dequantized before they are compared. Results do not depend on --threads.\n\n"
      "Thresholds turn the comparison into a gate: when one is exceeded, tinyforge\n"
      "prints one line per violated threshold and exits 1 (after writing the\n"
      "reports). Exit 2: bad input or flags.\n\n"
      "--layers matches the activations of the two models by tensor name (by\n"
      "position in the graph where names differ) and ranks them by RMSE in\n"
      "quantization steps (rounding alone gives 0.29).\n\n"
      "Examples:\n"
      "  tinyforge compare float.tflite int8.tflite --data eval_x.npy --labels eval_y.npy --max-drop 1\n"
      "  tinyforge compare float.tflite int8.tflite --data calib_x.npy --layers --html report.html\n"
      "  tinyforge compare float.tflite int8.tflite --data digits/ --grayscale --max-drop 1\n"
      "  tinyforge compare float.tflite int8.tflite --data eval_u8.npy --scale 1/255 --labels eval_y.npy\n"
      "  tinyforge compare a.tflite b.tflite --data x.npy --min-agreement 0.99 --min-cosine 0.999 --report r.json");
  cmd->add_option("REF", o->reference, "The reference model (usually the float one)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("CAND", o->candidate, "The model to check (quantized, pruned, ...)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--data,-d", o->data, "Samples for the next model input: .npy, image folder, .csv, WAV (class folders give labels)")
      ->required();
  cmd->add_option("--labels,-l", o->labels,
                  "A .npy of integer class labels, one per sample ([N] or [N,1]); overrides a source's own labels")
      ->check(CLI::ExistingFile);
  AddSamplesOption(*cmd, o->samples, "the data");
  AddThreadsOption(*cmd, o->threads);
  AddBudgetOptions(*cmd);
  AddDataOptions(*cmd, o->data_flags);
  cmd->add_option("--max-drop", o->max_drop, "Fail when accuracy drops by more than PP percentage points (needs --labels)")
      ->check(CLI::Range(-100.0, 100.0));
  cmd->add_option("--min-agreement", o->min_agreement,
                  "Fail when the fraction of samples with the same top-1 is below F, for any output")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--min-cosine", o->min_cosine, "Fail when an output's cosine similarity is below C")
      ->check(CLI::Range(-1.0, 1.0));
  cmd->add_option("--max-rmse", o->max_rmse, "Fail when an output's RMSE exceeds R")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--layers", o->layers, "Compare every matched activation and rank the layers worst first");
  cmd->add_option("--report", o->report, "Write the whole result as JSON (schema tinyforge.compare/2)");
  cmd->add_option("--html", o->html, "Write a self-contained HTML report with charts");
  AddForceOption(*cmd, o->force);
  cmd->add_flag("--quiet,-q", o->quiet, "Print nothing but failed checks and errors; no progress bar");
  cmd->callback([o] { RunCompare(*o); });
}

}  // namespace tinyforge
