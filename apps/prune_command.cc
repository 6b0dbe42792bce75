// `tinyforge prune`: magnitude, block and channel pruning to a target
// sparsity or to an accuracy budget, with a per-layer report.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "libconvert/base/error.h"
#include "libconvert/base/file_util.h"
#include "libconvert/compare/metrics.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "libconvert/base/progress.h"
#include "prune/pruner.h"
#include "prune/search.h"

namespace tinyforge {
namespace {

struct PruneCommandOptions {
  std::string model;
  std::string output;
  std::optional<double> sparsity;
  std::optional<double> max_drop;  // --auto-sparsity PP
  std::string data;
  std::string labels;
  DataFlags data_flags;
  std::string scope = "per-layer";
  std::vector<std::string> layers;
  int64_t min_params = 1024;
  std::string block = "1x1";
  double channels = 0;
  bool bias_correct = false;
  std::string calib;
  std::string report;
  int threads = 0;
  bool force = false;
  bool quiet = false;
};

void Print(bool quiet, const std::string& text) {
  if (!quiet) std::fputs(text.c_str(), stdout);
}

// Every flag checked before any file is read, so usage errors come first.
prune::PruneOptions CheckFlags(const PruneCommandOptions& o) {
  prune::PruneOptions p;
  const bool have_sparsity = o.sparsity.has_value();
  const bool have_drop = o.max_drop.has_value();
  if (have_sparsity && have_drop) throw Error("--sparsity and --auto-sparsity exclude each other: give one");
  if (!have_sparsity && !have_drop && o.channels == 0 && o.layers.empty()) {
    throw Error("nothing to do: give --sparsity S, --auto-sparsity PP (with --data and labels), --channels F or --layer");
  }
  if (have_sparsity) p.sparsity = *o.sparsity;
  if (have_drop && o.data.empty()) {
    throw Error("--auto-sparsity needs --data and --labels Y.npy (or a labelled --data source) to measure accuracy on");
  }
  if (o.data.empty() && !o.labels.empty()) throw Error("--labels needs --data X.npy");
  if (o.bias_correct && o.calib.empty()) throw Error("--bias-correct needs --calib DATA.npy (samples to take means over)");
  if (!o.bias_correct && !o.calib.empty()) throw Error("--calib is only used with --bias-correct");
  if (o.scope == "per-layer") {
    p.scope = prune::Scope::kPerLayer;
  } else if (o.scope == "global") {
    p.scope = prune::Scope::kGlobal;
  } else {
    throw Error("--scope '" + o.scope + "': expected per-layer or global");
  }
  for (const std::string& l : o.layers) p.layers.push_back(prune::ParseLayerOverride(l));
  p.min_params = o.min_params;
  p.block = prune::ParseBlockShape(o.block);
  p.channels = o.channels;
  p.threads = o.threads;
  return p;
}

std::string CurveText(const prune::SearchResult& s) {
  std::string text = "sparsity  top-1     drop (points)\n";
  char line[96];
  std::snprintf(line, sizeof line, "%7.1f%%  %6.2f%%  %+6.2f  (unpruned)\n", 0.0, 100.0 * s.baseline, 0.0);
  text += line;
  for (const prune::CurvePoint& p : s.curve) {
    std::snprintf(line, sizeof line, "%7.1f%%  %6.2f%%  %+6.2f%s\n", 100.0 * p.sparsity, 100.0 * p.accuracy,
                  100.0 * (p.accuracy - s.baseline), p.sparsity == s.sparsity ? "  <- chosen" : "");
    text += line;
  }
  return text;
}

void RunPrune(const PruneCommandOptions& o) {
  prune::PruneOptions options = CheckFlags(o);
  const DataOptions data_options = ParseDataFlags(o.data_flags);
  // The report goes to a temporary file now (a bad path fails before any
  // work) and is renamed into place only once the model is saved.
  std::unique_ptr<AtomicFileWriter> report_file;
  if (!o.report.empty()) {
    if (o.report == o.output) throw Error(o.report + ": given for -o and --report; each needs its own file");
    RefuseOverwritingInput(o.report, {o.model, o.data, o.labels, o.calib}, o.force);
    report_file = std::make_unique<AtomicFileWriter>(o.report);
  }
  const Model model = LoadModel(o.model);

  // Data: float arrays for an int8 input are quantized with its parameters.
  ModelInputArrays calib_arrays;
  if (!o.calib.empty()) {
    calib_arrays = ReadModelInputs(model, {o.calib}, /*quantize_floats=*/true, data_options);
    options.bias_calibration = ViewModelInputs(model, calib_arrays);
  }
  ModelInputArrays data_arrays;
  std::vector<DatasetView> data;
  std::vector<int64_t> labels;
  if (!o.data.empty()) {
    data_arrays = ReadModelInputs(model, {o.data}, /*quantize_floats=*/true, data_options);
    data = ViewModelInputs(model, data_arrays);
    for (const DatasetView& v : data) v.CheckFinite();
    if (o.labels.empty() && data_arrays.labels.empty()) {
      throw Error("--data needs --labels Y.npy (top-1 needs the true classes), or class folders that carry them");
    }
    labels = o.labels.empty() ? data_arrays.labels : ReadLabels(o.labels);
    if (labels.size() != data[0].num_samples()) {
      throw Error((o.labels.empty() ? o.data : o.labels) + ": holds " + std::to_string(labels.size()) + " labels, but " + o.data + " holds " +
                  std::to_string(data[0].num_samples()) + " samples");
    }
  }

  std::optional<prune::PruneResult> result;
  if (o.max_drop) {
    char head[160];
    std::snprintf(head, sizeof head, "searching the highest sparsity losing at most %g points of top-1 on %zu samples\n",
                  *o.max_drop, labels.size());
    Print(o.quiet, head);
    prune::SearchResult search;
    {
      Progress progress("search", static_cast<size_t>(prune::EvaluationsBound()) * labels.size(), !o.quiet);
      search = prune::SearchMaxDrop(model, options, *o.max_drop, data, labels, o.threads, {}, progress.Callback());
    }
    Print(o.quiet, CurveText(search));
    result = std::move(search.best);
    result->report.accuracy = prune::Accuracy{search.baseline, 0, labels.size()};
    for (const prune::CurvePoint& p : search.curve) {
      if (p.sparsity == search.sparsity) result->report.accuracy->after = p.accuracy;
    }
    if (search.sparsity == 0) result->report.accuracy->after = search.baseline;
  } else {
    result = prune::PruneModel(model, options);
    if (!data.empty()) {
      result->report.accuracy = prune::Accuracy{prune::Top1(model, data, labels, o.threads),
                                                prune::Top1(result->model, data, labels, o.threads), labels.size()};
    }
  }

  SaveOptions save;
  save.allow_overwrite_source = o.force;
  if (report_file) {
    nlohmann::ordered_json json = prune::ToJson(result->report);
    json["data"] = DataFlagsToJson(o.data_flags);
    report_file->Write(JsonText(json, 2));
  }
  SaveModel(result->model, o.output, save);
  if (report_file) report_file->Commit();
  Print(o.quiet, prune::FormatReport(result->report));
  Print(o.quiet, "wrote " + o.output + (o.report.empty() ? "" : " and " + o.report) + "\n");
}

}  // namespace

void SetupPruneCommand(CLI::App& app) {
  auto o = std::make_shared<PruneCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "prune",
      "Prune a float or int8 model: zero the smallest weights (magnitude pruning), per layer or with one "
      "global threshold, as single weights or RxC blocks; or remove whole output channels (--channels) "
      "for a smaller, faster model. Reports per layer elements, zeros, sparsity and bytes, and for the "
      "model parameters, file size, zlib-compressed size (what a compressed flash image holds), MACs "
      "and, with --data, top-1 accuracy before and after.");
  cmd->footer(
      "What is pruned: the constant weights of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,\n"
      "TRANSPOSE_CONV and BATCH_MATMUL with at least --min-params elements; never biases. An int8\n"
      "weight is pruned by setting it to 0 (its zero point is 0); magnitudes are real values\n"
      "(int8 dequantized per channel). Per layer, each tensor gets exactly round(S x n) zeros\n"
      "(ties: lower index first); global ranks every eligible weight together (one threshold).\n"
      "--layer REGEX=S matches weight tensor names (first match wins) and prunes them to S.\n"
      "Float data given to an int8 model is quantized with its input's scale and zero point.\n"
      "\n"
      "Examples:\n"
      "  tinyforge prune conv_fc_mnist.tflite -o pruned.tflite --sparsity 0.5\n"
      "  tinyforge prune m.tflite -o p.tflite --sparsity 0.8 --scope global --report prune.json\n"
      "  tinyforge prune m.tflite -o p.tflite --sparsity 0.6 --layer 'conv2d=0.3' --min-params 0\n"
      "  tinyforge prune m.tflite -o p.tflite --sparsity 0.5 --block 1x4\n"
      "  tinyforge prune m.tflite -o p.tflite --auto-sparsity 0.5 --data x.npy --labels y.npy\n"
      "      bisection for the highest sparsity losing at most 0.5 points of top-1; prints the curve\n"
      "  tinyforge prune m.tflite -o p.tflite --sparsity 0.7 --bias-correct --calib calib.npy\n"
      "  tinyforge prune m.tflite -o small.tflite --channels 0.25 --data x.npy --labels y.npy\n"
      "      removes 25% of the output channels of each layer that can be sliced safely\n"
      "\n"
      "On any error nothing is written (exit 2 for bad input).\n");
  cmd->add_option("MODEL", o->model, "The .tflite model (float or int8)")->required();
  cmd->add_option("-o,--output", o->output, "Where to write the pruned model")->required();
  cmd->add_option("--sparsity,-s", o->sparsity, "Target fraction of zero weights, in [0, 1]")->type_name("S");
  cmd->add_option("--auto-sparsity", o->max_drop,
                  "Instead of --sparsity: search for the highest sparsity whose top-1 drops at most PP points "
                  "(needs --data and labels)")
      ->type_name("PP");
  AddHiddenAlias(*cmd, "--max-drop", o->max_drop);
  cmd->add_option("--data,-d", o->data, "Samples for accuracy: .npy, image folder, .csv, WAV (quantized for int8 inputs)")
      ->type_name("SOURCE");
  cmd->add_option("--labels,-l", o->labels, ".npy of class labels, one per sample (default: the --data source's own)")
      ->type_name("Y.npy");
  cmd->add_option("--scope", o->scope, "per-layer (default) or global")->type_name("SCOPE");
  cmd->add_option("--layer", o->layers, "REGEX=S: prune weight tensors whose name matches REGEX to S (repeatable)")
      ->type_name("REGEX=S");
  cmd->add_option("--min-params", o->min_params, "Smallest weight tensor pruned (default 1024 elements)")
      ->type_name("N");
  cmd->add_option("--block", o->block,
                  "Zero RxC blocks ranked by L2 norm: rows over all weight dims but the last, cols "
                  "along the last (the input channels), e.g. 1x4")
      ->type_name("RxC");
  cmd->add_option("--channels", o->channels,
                  "Remove this fraction of output channels (smallest L2 norm) of CONV_2D/FULLY_CONNECTED "
                  "layers whose readers can be sliced; skipped layers are listed with the reason")
      ->type_name("F");
  cmd->add_flag("--bias-correct", o->bias_correct,
                "Shift each pruned layer's bias so its mean output per channel matches the unpruned model "
                "on --calib; with --channels, fold removed channels into their readers by their measured "
                "mean (conv_fc_mnist --channels 0.25: 87.4% -> 93.5% top-1)");
  cmd->add_option("--calib", o->calib, "Samples for --bias-correct: .npy, image folder, .csv, WAV")->type_name("SOURCE");
  cmd->add_option("--report", o->report, "Also write the report as JSON (schema tinyforge.prune/1)")
      ->type_name("FILE.json");
  AddThreadsOption(*cmd, o->threads);
  AddBudgetOptions(*cmd);
  AddForceOption(*cmd, o->force);
  AddDataOptions(*cmd, o->data_flags);
  cmd->add_flag("--quiet,-q", o->quiet, "Print nothing on success");
  cmd->callback([o] { RunPrune(*o); });
}

}  // namespace tinyforge
