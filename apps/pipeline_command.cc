// `tinyforge pipeline`: float model in, firmware source out, in one command:
// prune (optional) -> calibrate + quantize -> compare against the float model
// -> emit. Every stage leaves its artifact in --out-dir; when the accuracy
// budget is exceeded the pipeline stops with exit 1 before emitting; a stage
// that fails (exit 2 or 3) removes them all.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/board_options.h"
#include "apps/commands.h"
#include "apps/emit_command.h"
#include "libconvert/tflm/board_fit.h"
#include "libconvert/compare/compare.h"
#include "libconvert/compare/compare_html.h"
#include "libconvert/compare/compare_text.h"
#include "libconvert/compare/evaluate.h"
#include "libconvert/base/error.h"
#include "libconvert/base/file_util.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "libconvert/base/progress.h"
#include "prune/pruner.h"
#include "quantize/calibrator.h"
#include "quantize/dequantize.h"
#include "quantize/quantizer.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;

struct PipelineOptions {
  std::string model;
  std::vector<std::string> calib;
  std::vector<std::string> eval;
  std::string labels;
  DataFlags data_flags;
  std::optional<double> sparsity;
  std::optional<double> max_drop;
  std::string method = "minmax";
  std::string out_dir;
  int threads = 0;
  bool quiet = false;
  TflmTarget target = kDefaultTflmTarget;  // the build model_data.h's arena size is for
  BoardFlags board;  // --board/--ram/--flash: check the int8 model fits, after emitting
  std::string name;        // --name: the emitted array ("": emit's default)
  std::string name_space;  // --namespace: C++ namespace of the emitted declarations
  bool force = false;      // an artifact may replace an input file
};

// The files the pipeline leaves in --out-dir.
struct Artifacts {
  std::string pruned, prune_report, calibration, quantized, compare_json, compare_html, model_data_cc,
      model_data_h, resolver, summary;

  explicit Artifacts(const std::string& dir) {
    const auto at = [&dir](const char* name) { return (fs::path(dir) / name).string(); };
    pruned = at("model_pruned.tflite");
    prune_report = at("prune_report.json");
    calibration = at("calibration.json");
    quantized = at("model_int8.tflite");
    compare_json = at("compare.json");
    compare_html = at("compare.html");
    model_data_cc = at("model_data.cc");
    model_data_h = at("model_data.h");
    resolver = at("model_ops.h");
    summary = at("pipeline.json");
  }

  std::vector<std::string> All() const {
    return {pruned,       prune_report,  calibration,  quantized, compare_json,
            compare_html, model_data_cc, model_data_h, resolver,  summary};
  }

  // Removes every file the pipeline writes: after a failed stage the
  // folder holds none of its outputs rather than some of this run's, or a
  // mix of this run's and an earlier one's. (None is an input: RunPipeline
  // refused that up front unless --force let it be replaced.)
  void RemoveAll() const {
    std::error_code ec;
    for (const std::string& f : All()) {
      if (fs::is_regular_file(fs::symlink_status(f, ec))) fs::remove(f, ec);
    }
  }
};

void Say(const PipelineOptions& o, const std::string& line) {
  if (!o.quiet) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
}

// A pruned-then-quantized model's accuracy drop, split at the pruned model.
struct DropSplit {
  double float_accuracy = 0;
  double pruned_accuracy = 0;
  double int8_accuracy = 0;

  double total_points() const { return 100.0 * (float_accuracy - int8_accuracy); }
  double pruning_points() const { return 100.0 * (float_accuracy - pruned_accuracy); }
  double quantization_points() const { return 100.0 * (pruned_accuracy - int8_accuracy); }

  // --max-drop holds the whole drop, float to int8.
  std::vector<std::string> CheckBudget(const std::optional<double>& max_drop) const {
    if (!max_drop || !(total_points() > *max_drop)) return {};
    char line[256];
    std::snprintf(line, sizeof line,
                  "accuracy drop %.2f points (pruning %.2f, quantization %.2f) exceeds --max-drop %g "
                  "(float %.2f%%, int8 %.2f%%)",
                  total_points(), pruning_points(), quantization_points(), *max_drop, 100.0 * float_accuracy,
                  100.0 * int8_accuracy);
    return {line};
  }
};

// `pruned_vs_int8` compared the pruned model (reference) with the int8 one;
// the float model's accuracy on the same data completes the split.
DropSplit SplitDrop(const Model& float_model, const ModelInputArrays& data, const std::vector<int64_t>& labels,
                    int threads, const ClassifierComparison& pruned_vs_int8) {
  const ModelInputArrays converted = ConvertModelInputs(float_model, data.arrays, data.names, true);
  DropSplit split;
  split.float_accuracy =
      EvaluateClassifier(float_model, ViewModelInputs(float_model, converted), labels, threads, pruned_vs_int8.output)
          .confusion.accuracy();
  split.pruned_accuracy = pruned_vs_int8.reference_accuracy();
  split.int8_accuracy = pruned_vs_int8.candidate_accuracy();
  return split;
}

void RunStages(const PipelineOptions& o, const quantize::FloatModel& float_input, const ModelInputArrays& calib,
               const std::vector<DatasetView>& calib_views, const ModelInputArrays& eval,
               const std::vector<int64_t>& labels, quantize::CalibrationOptions calibration, const Artifacts& files);

void RunPipeline(const PipelineOptions& o) {
  // Every flag and file is checked before anything is written.
  if (!o.labels.empty() && o.eval.empty()) throw Error("--labels goes with --data (labels for the evaluation data)");
  if (o.max_drop && o.eval.empty()) throw Error("--max-drop needs --data and --labels (the accuracy of each model)");
  const DataOptions data_options = ParseDataFlags(o.data_flags);
  CheckArrayNameOptions(o.name, o.name_space);
  if (o.board.Given()) MakeBoardBudget(o.board.board, o.board.ram, o.board.flash);  // bad flags: exit 2 now
  quantize::CalibrationOptions calibration = quantize::ParseCalibrationMethod(o.method);
  calibration.threads = o.threads;
  if (fs::exists(o.out_dir) && !fs::is_directory(o.out_dir)) {
    throw Error(o.out_dir + ": --out-dir is a file, not a directory");
  }
  const quantize::FloatModel float_input = quantize::FloatModelToQuantize(LoadModel(o.model));
  const Model& float_model = float_input.model;
  const ModelInputArrays calib = ReadModelInputs(float_model, o.calib, /*quantize_floats=*/false, data_options);
  const std::vector<DatasetView> calib_views = ViewModelInputs(float_model, calib);
  for (const DatasetView& v : calib_views) v.CheckFinite();
  const ModelInputArrays eval =
      o.eval.empty() ? ModelInputArrays() : ReadModelInputs(float_model, o.eval, false, data_options);
  if (!eval.arrays.empty()) {
    for (const DatasetView& v : ViewModelInputs(float_model, eval)) v.CheckFinite();
  }
  const std::vector<int64_t> labels = o.labels.empty() ? eval.labels : ReadLabels(o.labels);
  if (o.max_drop && labels.empty()) throw Error("--max-drop needs --data and --labels (the accuracy of each model)");

  const Artifacts files(o.out_dir);
  std::vector<std::string> inputs = {o.model, o.labels};
  inputs.insert(inputs.end(), o.calib.begin(), o.calib.end());
  inputs.insert(inputs.end(), o.eval.begin(), o.eval.end());
  for (const std::string& f : files.All()) RefuseOverwritingInput(f, inputs, o.force);
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) throw Error(o.out_dir + ": --out-dir cannot be created: " + ec.message());
  // A stage that fails takes every artifact with it (all outputs or none);
  // the exit-1 verdicts (accuracy budget, board fit) keep their reports.
  try {
    RunStages(o, float_input, calib, calib_views, eval, labels, calibration, files);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kCheckFailed) files.RemoveAll();
    throw;
  } catch (...) {
    files.RemoveAll();
    throw;
  }
}

// The stages, on inputs RunPipeline has read and checked.
void RunStages(const PipelineOptions& o, const quantize::FloatModel& float_input, const ModelInputArrays& calib,
               const std::vector<DatasetView>& calib_views, const ModelInputArrays& eval,
               const std::vector<int64_t>& labels, quantize::CalibrationOptions calibration, const Artifacts& files) {
  const Model& float_model = float_input.model;
  std::error_code ec;
  nlohmann::ordered_json summary;
  summary["schema"] = "tinyforge.pipeline/1";
  summary["model"] = o.model;
  summary["data"] = DataFlagsToJson(o.data_flags);
  if (float_input.dequantized.changed()) Say(o, o.model + ": " + float_input.dequantized.Summary());
  const int steps = o.sparsity ? 4 : 3;
  int step = 0;
  const auto stage = [&](const char* name) { return "[" + std::to_string(++step) + "/" + std::to_string(steps) + "] " + name; };

  // 1. Prune (optional), bias-corrected on the calibration data.
  const Model* to_quantize = &float_model;
  std::optional<prune::PruneResult> pruned;
  if (o.sparsity) {
    prune::PruneOptions prune_options;
    prune_options.sparsity = *o.sparsity;
    prune_options.bias_calibration = calib_views;
    prune_options.threads = o.threads;
    pruned = prune::PruneModel(float_model, prune_options);
    SaveModel(pruned->model, files.pruned);
    pruned->model.set_source(files.pruned);
    WriteFileAtomic(files.prune_report, JsonText(prune::ToJson(pruned->report), 2));
    to_quantize = &pruned->model;
    char line[256];
    std::snprintf(line, sizeof line, "sparsity %.1f%% of eligible weights", 100.0 * *o.sparsity);
    Say(o, stage("prune     ") + line + " -> " + files.pruned + ", " + files.prune_report);
    summary["prune"] = {{"sparsity", *o.sparsity}, {"model", files.pruned}, {"report", files.prune_report}};
  } else {
    summary["prune"] = nullptr;
  }

  // 2. Calibrate and quantize.
  quantize::CalibrationTable table;
  {
    Progress progress("calibrate", calib_views.empty() ? 1 : calib_views[0].num_samples(), !o.quiet);
    calibration.on_sample = progress.Callback();
    table = quantize::Calibrate(*to_quantize, calib_views, calibration);
  }
  // Warnings wait for the verdict: a stage that fails later prints its one
  // error line and nothing else.
  const auto warn = [&](const std::vector<std::string>& quantizer_warnings) {
    if (!calib_views.empty()) WarnAboutCalibration(o.calib, calib_views[0].num_samples(), o.eval, !o.labels.empty());
    for (const std::string& w : quantizer_warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  };
  WriteFileAtomic(files.calibration, JsonText(quantize::CalibrationToJson(table), 1));
  quantize::QuantizeResult quantized = quantize::QuantizeModel(*to_quantize, table, quantize::QuantizeOptions());
  SaveModel(quantized.model, files.quantized);
  quantized.model.set_source(files.quantized);
  Say(o, stage("quantize  ") + "int8, calibrated on " + std::to_string(table.samples) + " samples (" + table.method +
             ") -> " + files.quantized + ", " + files.calibration);
  summary["quantize"] = {{"model", files.quantized}, {"calibration", files.calibration},
                         {"method", table.method}, {"samples", table.samples}, {"warnings", quantized.warnings}};

  // 3. Compare the int8 model with the float model it came from. After
  // pruning, the per-layer report compares it with the pruned float model,
  // so each layer's error is quantization's alone, and the accuracy drop is
  // split: float -> pruned is pruning's, pruned -> int8 quantization's. The
  // budget holds the whole drop.
  const ModelInputArrays& data = eval.arrays.empty() ? calib : eval;
  CompareOptions compare_options;
  compare_options.threads = o.threads;
  compare_options.layers = true;
  CompareResult result;
  {
    Progress progress("compare", data.arrays.empty() || data.arrays[0].shape.empty()
                                     ? 1
                                     : static_cast<size_t>(data.arrays[0].shape[0]),
                      !o.quiet);
    compare_options.on_sample = progress.Callback();
    result = CompareModelsOnArrays(*to_quantize, quantized.model, data.arrays, data.names, labels, compare_options);
  }
  std::optional<DropSplit> split;
  if (pruned && result.classifier) split = SplitDrop(float_model, data, labels, o.threads, *result.classifier);
  CompareThresholds thresholds;
  thresholds.max_drop_points = o.max_drop;
  std::vector<std::string> failed = CheckThresholds(result, thresholds);
  if (split) failed = split->CheckBudget(o.max_drop);
  nlohmann::ordered_json compare_json = CompareToJson(result);
  compare_json["checks"] = failed;
  WriteFileAtomic(files.compare_json, JsonText(compare_json, 2));
  CompareHtmlOptions html;
  html.title = "tinyforge pipeline: " + fs::path(o.model).filename().string();
  html.failed_checks = failed;
  html.checks_given = o.max_drop.has_value();
  html.notes.emplace_back("data", eval.arrays.empty() ? "calibration data (no --data)" : o.eval[0]);
  html.notes.emplace_back("sparsity", o.sparsity ? std::to_string(*o.sparsity) : "not pruned");
  if (pruned) html.notes.emplace_back("reference", "the pruned float model: the layers' errors are quantization's");
  if (split) {
    char line[160];
    std::snprintf(line, sizeof line, "float %.2f%%; drop %.2f points = pruning %.2f + quantization %.2f",
                  100.0 * split->float_accuracy, split->total_points(), split->pruning_points(),
                  split->quantization_points());
    html.notes.emplace_back("accuracy", line);
  }
  html.notes.emplace_back("calibration", table.method + " on " + std::to_string(table.samples) + " samples");
  WriteFileAtomic(files.compare_html, CompareToHtml(result, html));
  std::string verdict;
  if (result.classifier) {
    char line[256];
    if (split) {
      std::snprintf(line, sizeof line,
                    "float %.2f%%, pruned %.2f%%, int8 %.2f%%, drop %.2f points (pruning %.2f, quantization %.2f)",
                    100.0 * split->float_accuracy, 100.0 * split->pruned_accuracy, 100.0 * split->int8_accuracy,
                    split->total_points(), split->pruning_points(), split->quantization_points());
    } else {
      std::snprintf(line, sizeof line, "float %.2f%%, int8 %.2f%%, drop %.2f points",
                    100.0 * result.classifier->reference_accuracy(), 100.0 * result.classifier->candidate_accuracy(),
                    result.classifier->drop_points());
    }
    verdict = line;
    if (o.max_drop) verdict += failed.empty() ? " (within --max-drop)" : " (over --max-drop)";
  } else if (!result.outputs.empty()) {
    char line[256];
    std::snprintf(line, sizeof line, "top-1 agreement %.2f%%, output cosine %.6f", 100.0 * result.outputs[0].agreement(),
                  result.outputs[0].error.cosine());
    verdict = line;
  }
  Say(o, stage("compare   ") + verdict + " -> " + files.compare_json + ", " + files.compare_html);
  summary["compare"] = {{"report", files.compare_json}, {"html", files.compare_html}, {"checks", failed}};
  if (split) {
    summary["compare"]["reference"] = "the pruned float model (each layer's error is quantization's)";
    summary["compare"]["accuracy"] = {{"float", split->float_accuracy},
                                      {"pruned", split->pruned_accuracy},
                                      {"int8", split->int8_accuracy},
                                      {"drop_points", split->total_points()},
                                      {"pruning_points", split->pruning_points()},
                                      {"quantization_points", split->quantization_points()}};
  } else if (result.classifier) {
    summary["compare"]["accuracy"] = {{"float", result.classifier->reference_accuracy()},
                                      {"int8", result.classifier->candidate_accuracy()},
                                      {"drop_points", result.classifier->drop_points()}};
  }

  if (!failed.empty()) {
    // Firmware sources of an earlier run must not look like this run's.
    for (const std::string& stale : {files.model_data_cc, files.model_data_h, files.resolver}) fs::remove(stale, ec);
    summary["emit"] = nullptr;
    summary["status"] = "accuracy budget exceeded: nothing emitted";
    WriteFileAtomic(files.summary, JsonText(summary, 2));
    warn(quantized.warnings);
    if (!o.quiet) std::fputs(("\n" + CompareSummaryText(result, 10)).c_str(), stdout);
    std::fflush(stdout);
    std::vector<std::string> lines = failed;
    lines[0] += "; nothing emitted (see " + files.compare_html + ")";
    throw CheckFailedError(lines);
  }

  // 4. Emit the firmware sources.
  EmitOptions emit;
  emit.input = files.quantized;
  emit.output = files.model_data_cc;
  emit.header = files.model_data_h;
  emit.resolver = files.resolver;
  emit.target = o.target;
  emit.name = o.name;
  emit.name_space = o.name_space;
  RunEmit(emit);
  Say(o, stage("emit      ") + files.model_data_cc + ", " + files.model_data_h + ", " + files.resolver);
  summary["emit"] = {{"source", files.model_data_cc},
                     {"header", files.model_data_h},
                     {"resolver", files.resolver},
                     {"target", std::string(TflmTargetName(o.target))}};
  std::vector<std::string> board_failures;
  if (o.board.Given()) {
    if (!o.quiet) WriteStdout("\n");
    summary["board_fit"] = CheckBoard(o.board, files.quantized, !o.quiet, &board_failures);
  }
  summary["status"] = board_failures.empty() ? "ok" : "does not fit the board";
  WriteFileAtomic(files.summary, JsonText(summary, 2));
  warn(quantized.warnings);
  Say(o, "summary    " + files.summary);
  if (!board_failures.empty()) ThrowIfDoesNotFit(board_failures);
}

}  // namespace

void SetupPipelineCommand(CLI::App& app) {
  auto o = std::make_shared<PipelineOptions>();
  CLI::App* cmd = app.add_subcommand(
      "pipeline", "Float model to firmware source in one command: prune, quantize, compare, emit");
  cmd->footer(
      "Stages, each leaving its artifacts in --out-dir:\n"
      "  prune     (with --sparsity) model_pruned.tflite, prune_report.json\n"
      "  quantize  calibration.json, model_int8.tflite (int8 inputs and outputs)\n"
      "  compare   compare.json, compare.html: the int8 model against the float model\n"
      "            on --data (or the calibration data), every layer compared\n"
      "  emit      model_data.cc, model_data.h, model_ops.h (TFLM op resolver)\n"
      "and pipeline.json listing them. When the accuracy drop exceeds --max-drop, the\n"
      "pipeline exits 1 after the reports and before emitting. With --board (or --ram and\n"
      "--flash) it then checks the int8 model fits and exits 1 when it does not.\n"
      "Exit 2: bad input.\n\n" + BoardHelpText() + "\n"
      "Examples:\n"
      "  tinyforge pipeline float.tflite --calib calib_x.npy --data eval_x.npy --labels eval_y.npy \\\n"
      "      --max-drop 1 --out-dir build/model\n"
      "  tinyforge pipeline float.tflite --calib calib_x.npy --data eval_x.npy --labels eval_y.npy \\\n"
      "      --sparsity 0.5 --max-drop 1.5 --out-dir build/model_sparse\n"
      "  tinyforge pipeline float.tflite --calib calib_x.npy --out-dir build/kws --name g_kws_model \\\n"
      "      --namespace app::kws                 (emit's --name and --namespace)");
  cmd->add_option("MODEL", o->model, "The float .tflite model")->required()->check(CLI::ExistingFile);
  cmd->add_option("--calib", o->calib, "Calibration samples for the next model input: .npy, image folder, .csv, WAV")->required();
  cmd->add_option("--data,-d", o->eval, "Evaluation samples for the next model input (default: the calibration data)");
  AddHiddenAlias(*cmd, "--eval", o->eval);
  cmd->add_option("--labels,-l", o->labels, "Integer class labels for --data, one per sample (default: the --data source's own, e.g. class folders)")->check(CLI::ExistingFile);
  cmd->add_option("--sparsity", o->sparsity, "Prune this fraction of each eligible weight tensor first (0..1)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--max-drop", o->max_drop, "Accuracy budget: stop before emitting when int8 loses more than PP points")
      ->check(CLI::Range(-100.0, 100.0));
  cmd->add_option("--method", o->method, "Calibration range: minmax, percentile[:P] or mse (default minmax)");
  cmd->add_option("--out-dir,-o", o->out_dir, "Where every artifact goes (created if missing)")->required();
  AddThreadsOption(*cmd, o->threads);
  AddBudgetOptions(*cmd);
  AddForceOption(*cmd, o->force);
  AddDataOptions(*cmd, o->data_flags);
  AddTargetOption(*cmd, o->target, "The TFLM build model_data.h's arena size is for");
  AddBoardOptions(*cmd, o->board);
  AddArrayNameOptions(*cmd, o->name, o->name_space);
  cmd->add_flag("--quiet,-q", o->quiet, "Print only warnings, failed checks and errors; no progress bars");
  cmd->callback([o] { RunPipeline(*o); });
}

}  // namespace tinyforge
